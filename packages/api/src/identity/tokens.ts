// Access tokens: short-lived JWTs made and checked with jose. HS256 with a shared secret by
// default; EdDSA or RS256 with a key pair, whose public half is served as a JWKS.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import {
  calculateJwkThumbprint,
  exportJWK,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type KeyObject,
} from "jose";
import type { Env } from "@meetmind/config";
import { UnauthorizedError } from "../errors.js";

export type TokenSettings = Pick<
  Env,
  "JWT_SECRET" | "JWT_ALGORITHM" | "JWT_PRIVATE_KEY" | "JWT_PUBLIC_KEY" | "JWT_ISSUER" | "JWT_AUDIENCE" | "ACCESS_TOKEN_TTL_SECONDS"
>;

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

/**
 * Pins what sign() would otherwise make up: the same subject, id and issue time give the same token
 * (all three algorithms sign deterministically), so a repeated answer can repeat the token.
 */
export interface SignOptions {
  /** The token's unique id (jti); random by default. */
  id?: string;
  /** iat, and the start of its lifetime; now by default. */
  issuedAt?: Date;
}

export interface AccessTokens {
  sign(subject: AccessTokenSubject, options?: SignOptions): Promise<{ token: string; expiresAt: Date }>;
  /** Throws UnauthorizedError for anything but a valid, unexpired token of ours. */
  verify(token: string): Promise<AccessTokenSubject>;
  /** The public keys for `/.well-known/jwks.json`; empty with a shared secret. */
  jwks(): JSONWebKeySet;
}

type Key = CryptoKey | KeyObject | Uint8Array;

/**
 * Tokens already verified, kept until they expire: a client sends the same token with every
 * request for its whole lifetime, and the signature check (a WebCrypto job) was a tenth of a read's
 * CPU. Safe because a token is immutable: the same string verified once with this key verifies again
 * until `exp`. Whether its session is still alive is checked on every request, elsewhere.
 */
const VERIFIED_TOKENS = 10_000;

export async function createAccessTokens(settings: TokenSettings): Promise<AccessTokens> {
  const algorithm = settings.JWT_ALGORITHM;
  let signingKey: Key;
  let verifyingKey: Key;
  let jwks: JSONWebKeySet = { keys: [] };
  let kid: string | undefined;

  if (algorithm === "HS256") {
    // Imported once: given raw bytes, jose would import them as a key again on every call.
    signingKey = verifyingKey = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(settings.JWT_SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  } else {
    if (!settings.JWT_PRIVATE_KEY || !settings.JWT_PUBLIC_KEY) {
      throw new Error(`JWT_ALGORITHM=${algorithm} needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY`);
    }
    signingKey = await importPKCS8(settings.JWT_PRIVATE_KEY, algorithm);
    verifyingKey = await importSPKI(settings.JWT_PUBLIC_KEY, algorithm, { extractable: true });
    const jwk = await exportJWK(verifyingKey);
    kid = await calculateJwkThumbprint(jwk);
    jwks = { keys: [{ ...jwk, kid, alg: algorithm, use: "sig" }] };
  }

  const verified = new Map<string, AccessTokenSubject & { expiresAtMs: number }>();

  return {
    async sign({ userId, sessionId }, options = {}) {
      const issuedAt = options.issuedAt ?? new Date();
      const expiresAt = new Date(issuedAt.getTime() + settings.ACCESS_TOKEN_TTL_SECONDS * 1000);
      const token = await new SignJWT({ sid: sessionId })
        // A unique id: two tokens for one session in the same second still differ.
        .setJti(options.id ?? randomUUID())
        .setProtectedHeader({ alg: algorithm, typ: "JWT", ...(kid ? { kid } : {}) })
        .setSubject(userId)
        .setIssuer(settings.JWT_ISSUER)
        .setAudience(settings.JWT_AUDIENCE)
        .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(signingKey);
      return { token, expiresAt };
    },

    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAtMs > Date.now()) return { userId: known.userId, sessionId: known.sessionId };
      if (known) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, verifyingKey, {
          // Pinned: a token naming another algorithm (or "none") is refused before any check.
          algorithms: [algorithm],
          issuer: settings.JWT_ISSUER,
          audience: settings.JWT_AUDIENCE,
          requiredClaims: ["sub", "sid", "iat", "exp"],
        });
        if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || payload.exp === undefined) {
          throw new Error("bad claims");
        }
        // Oldest first out (Map keeps insertion order).
        if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value ?? "");
        verified.set(token, { userId: payload.sub, sessionId: payload.sid, expiresAtMs: payload.exp * 1000 });
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        throw new UnauthorizedError("Invalid or expired access token", "invalid_token");
      }
    },

    jwks: () => jwks,
  };
}

/** Opaque secrets (refresh, verification, reset, invite tokens): 256 random bits, base64url. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens are stored only as their SHA-256, so a database leak does not leak usable tokens. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// Sealing one opaque token under another (the refresh reuse grace window): AES-256-GCM with a key
// derived by HKDF from the sealing token's 256 random bits. The sealing token is stored only as its
// SHA-256, a different function of it, so what is stored never yields the key.
const SEAL_INFO = "meetmind opaque token seal v1";
const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;

function sealKey(token: string): Buffer {
  return Buffer.from(hkdfSync("sha256", token, Buffer.alloc(0), SEAL_INFO, 32));
}

/** Encrypts `secret` so that only a holder of `key` can read it; `context` must match on opening. */
export function sealToken(key: string, secret: string, context: string): string {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", sealKey(key), iv).setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The sealed secret, or null when `key` or `context` is not the one it was sealed with. */
export function openSealedToken(key: string, sealed: string, context: string): string | null {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length <= SEAL_IV_BYTES + SEAL_TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealKey(key), bytes.subarray(0, SEAL_IV_BYTES)).setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(bytes.length - SEAL_TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(SEAL_IV_BYTES, bytes.length - SEAL_TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    return null;
  }
}
