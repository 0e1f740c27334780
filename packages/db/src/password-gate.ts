// A password check in front of the embedded database. PGlite answers a startup message with
// "authentication OK" whatever the password, so its socket server cannot tell who connects. The
// gate listens on loopback, makes every client prove it knows the password with SCRAM-SHA-256
// (what a real Postgres server asks; node-postgres, psql and Prisma Studio's driver all speak it,
// and the password never crosses the socket), and only then connects the client to the socket
// server, which listens on a Unix socket in a directory only this user can open.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export interface PasswordGateOptions {
  host: string;
  port: number;
  password: string;
  /** Unix socket of the database server that authenticated clients are connected to. */
  upstream: string;
}

export interface PasswordGate {
  port: number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80_877_103;
const GSS_ENCRYPTION_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
/** 3.0; the socket server behind the gate knows no other version. */
const PROTOCOL_3_0 = 196_608;
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;
const MECHANISM = "SCRAM-SHA-256";
const ITERATIONS = 4096;
/** Like Postgres's authentication_timeout: an idle half-open connection is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Handshake messages are a few hundred bytes; anything larger is not a client. */
const MAX_HANDSHAKE_MESSAGE = 10_000;

class HandshakeError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function authentication(code: number, data = ""): Buffer {
  return message("R", int32(code), Buffer.from(data, "utf8"));
}

function errorResponse(error: HandshakeError): Buffer {
  const field = (code: string, value: string) => Buffer.from(`${code}${value}\0`, "utf8");
  return message("E", field("S", "FATAL"), field("V", "FATAL"), field("C", error.sqlState), field("M", error.message), Buffer.from([0]));
}

/** Reads the length-prefixed messages of a connection's handshake. */
class HandshakeReader {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(private readonly socket: Socket) {
    socket.on("data", this.onData);
    socket.once("close", this.onEnd);
  }

  private onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };

  private onEnd = () => {
    this.ended = true;
    this.wake?.();
  };

  private async take(bytes: number): Promise<Buffer> {
    while (this.buffer.length < bytes) {
      if (this.ended) throw new HandshakeError("08006", "connection closed during authentication");
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const taken = this.buffer.subarray(0, bytes);
    this.buffer = this.buffer.subarray(bytes);
    return taken;
  }

  private async body(length: number): Promise<Buffer> {
    if (length < 4 || length > MAX_HANDSHAKE_MESSAGE) throw new HandshakeError("08P01", "invalid message length");
    return this.take(length - 4);
  }

  /** A message without a type byte (startup, SSL request): the whole message, length included. */
  async untyped(): Promise<Buffer> {
    const length = await this.take(4);
    return Buffer.concat([length, await this.body(length.readInt32BE(0))]);
  }

  async typed(expected: string): Promise<Buffer> {
    const header = await this.take(5);
    const body = await this.body(header.readInt32BE(1));
    if (header.toString("latin1", 0, 1) !== expected) throw new HandshakeError("08P01", "unexpected message during authentication");
    return body;
  }

  /** Stops reading; returns what the client already sent past the handshake. */
  detach(): Buffer {
    this.socket.off("data", this.onData);
    this.socket.off("close", this.onEnd);
    this.socket.pause();
    return this.buffer;
  }
}

/** SCRAM keys for the password, computed once: each connection then costs two HMACs. */
function scramKeys(password: string) {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, "sha256");
  const clientKey = hmac(salted, "Client Key");
  return { salt: salt.toString("base64"), storedKey: sha256(clientKey), serverKey: hmac(salted, "Server Key") };
}

function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    if (at > 0) map.set(part.slice(0, at), part.slice(at + 1));
  }
  return map;
}

/** The startup message of a client that proved it knows the password (RFC 5802, RFC 7677). */
async function authenticate(socket: Socket, reader: HandshakeReader, keys: ReturnType<typeof scramKeys>): Promise<Buffer> {
  let startup: Buffer;
  for (;;) {
    startup = await reader.untyped();
    const code = startup.length >= 8 ? startup.readInt32BE(4) : 0;
    if (code === SSL_REQUEST || code === GSS_ENCRYPTION_REQUEST) {
      socket.write("N"); // loopback only: no encryption, the client goes on in clear
      continue;
    }
    if (code === CANCEL_REQUEST) throw new HandshakeError("08P01", "cancel requests are not supported");
    if (code !== PROTOCOL_3_0) throw new HandshakeError("08P01", "unsupported frontend protocol");
    break;
  }

  const mechanisms = Buffer.from(`${MECHANISM}\0\0`, "utf8");
  socket.write(message("R", int32(AUTH_SASL), mechanisms));

  const initial = await reader.typed("p");
  const mechanismEnd = initial.indexOf(0);
  if (initial.toString("utf8", 0, mechanismEnd) !== MECHANISM) throw new HandshakeError("28000", `only ${MECHANISM} is supported`);
  const clientFirst = initial.subarray(mechanismEnd + 5).toString("utf8");
  // gs2 header: "n" or "y" (no channel binding; we offer none) and an empty authzid.
  const match = /^([ny]),[^,]*,(.*)$/.exec(clientFirst);
  const clientFirstBare = match?.[2];
  const clientNonce = clientFirstBare ? attributes(clientFirstBare).get("r") : undefined;
  if (!match || !clientFirstBare || !clientNonce) throw new HandshakeError("08P01", "malformed SCRAM client-first-message");

  const nonce = clientNonce + randomBytes(18).toString("base64");
  const serverFirst = `r=${nonce},s=${keys.salt},i=${ITERATIONS}`;
  socket.write(authentication(AUTH_SASL_CONTINUE, serverFirst));

  const clientFinal = (await reader.typed("p")).toString("utf8");
  const proofAt = clientFinal.lastIndexOf(",p=");
  const withoutProof = clientFinal.slice(0, Math.max(proofAt, 0));
  const final = attributes(withoutProof);
  const proof = Buffer.from(clientFinal.slice(proofAt + 3), "base64");
  const gs2Header = clientFirst.slice(0, clientFirst.length - clientFirstBare.length);
  if (proofAt < 0 || final.get("r") !== nonce || final.get("c") !== Buffer.from(gs2Header).toString("base64")) {
    throw new HandshakeError("08P01", "malformed SCRAM client-final-message");
  }

  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientSignature = hmac(keys.storedKey, authMessage);
  const valid =
    proof.length === clientSignature.length &&
    timingSafeEqual(sha256(Buffer.from(proof.map((byte, i) => byte ^ (clientSignature[i] ?? 0)))), keys.storedKey);
  if (!valid) {
    const user = /user\0([^\0]*)\0/.exec(startup.subarray(8).toString("utf8"))?.[1] ?? "";
    throw new HandshakeError("28P01", `password authentication failed for user "${user}"`);
  }
  socket.write(authentication(AUTH_SASL_FINAL, `v=${hmac(keys.serverKey, authMessage).toString("base64")}`));
  return startup;
}

export async function startPasswordGate(options: PasswordGateOptions): Promise<PasswordGate> {
  const keys = scramKeys(options.password);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  async function admit(client: Socket): Promise<void> {
    track(client);
    client.setTimeout(HANDSHAKE_TIMEOUT_MS, () => client.destroy());
    client.on("error", () => client.destroy());
    const reader = new HandshakeReader(client);
    let startup: Buffer;
    try {
      startup = await authenticate(client, reader, keys);
    } catch (error) {
      if (error instanceof HandshakeError && !client.destroyed) client.end(errorResponse(error));
      else client.destroy();
      return;
    }
    client.setTimeout(0);
    const pending = reader.detach();

    // The database answers the startup message with "authentication OK" and its parameters,
    // which is what the client expects after the SCRAM exchange.
    const server = connect(options.upstream);
    track(server);
    server.on("error", () => client.destroy());
    client.on("close", () => server.destroy());
    server.on("close", () => client.destroy());
    server.write(Buffer.concat([startup, pending]));
    client.pipe(server);
    server.pipe(client);
    client.resume();
  }

  const listener = createServer((client) => void admit(client));
  listener.listen(options.port, options.host);
  await once(listener, "listening");
  return {
    port: (listener.address() as AddressInfo).port,
    async close() {
      const closed = new Promise((resolve) => listener.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
