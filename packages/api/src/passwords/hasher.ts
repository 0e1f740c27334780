// bcrypt password hashing on a pool of worker threads.
//
// A bcrypt hash at cost 12 is ~250 ms of pure CPU in bcryptjs. Done on the main thread it would
// freeze every other request for that long (and a burst of sign-ins for seconds), so the work runs
// in piscina workers and the event loop only awaits a message.
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { ValidationError } from "../errors.js";

export interface PasswordHasherOptions {
  /** bcrypt cost factor (2^cost rounds), 4–31; the server takes it from BCRYPT_COST. */
  cost: number;
  /** Worker threads; 0 = one per core (os.availableParallelism()). From PASSWORD_WORKERS. */
  workers: number;
}

export interface PasswordHasher {
  /** A salted bcrypt hash (`$2b$<cost>$…`). Rejects passwords over 72 UTF-8 bytes. */
  hash(password: string): Promise<string>;
  /**
   * Whether `password` matches `hash`. With a null hash (unknown user, SSO-only account) it still
   * spends one bcrypt comparison at the configured cost and resolves false, so response time does
   * not reveal whether an account (or a password on it) exists.
   */
  verify(password: string, hash: string | null): Promise<boolean>;
  /** True when `hash` is not a bcrypt hash at the configured cost: re-hash after a successful sign-in. */
  needsRehash(hash: string): boolean;
  /** Lets in-flight work finish, then stops the workers. */
  close(): Promise<void>;
}

/** bcrypt only reads the first 72 bytes of its input. */
export const BCRYPT_MAX_BYTES = 72;

// Resolved from this module's own location: src/passwords/hasher.ts and dist/passwords/hasher.js sit
// at the same depth, so both reach packages/api/workers/password.mjs.
const WORKER_URL = new URL("../../workers/password.mjs", import.meta.url);

const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/**
 * A well-formed hash of the given cost that no password is expected to match (its checksum is
 * made up, not computed). bcrypt recomputes the full hash from the salt and cost before comparing,
 * so comparing against it costs exactly as much as a real comparison, without hashing anything at
 * startup to obtain it.
 */
function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, "0")}$MeetMindDummySaltValue${"NoPasswordMatchesThisChecksum.".padEnd(31, "0")}`;
}

function tooLong(password: string): boolean {
  return Buffer.byteLength(password, "utf8") > BCRYPT_MAX_BYTES;
}

export function createPasswordHasher({ cost, workers }: PasswordHasherOptions): PasswordHasher {
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new RangeError(`bcrypt cost must be an integer 4–31, got ${cost}`);
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be an integer ≥ 0, got ${workers}`);

  const threads = workers === 0 ? availableParallelism() : workers;
  // Results are `unknown` and checked: they cross a thread boundary from untyped JavaScript.
  const pool = new Piscina<{ password: string; cost: number } | { password: string; hash: string }, unknown>({
    filename: WORKER_URL.href,
    // One warm thread keeps the first sign-in from paying for a thread start; the rest start on
    // demand and are retired after a quiet minute so an idle server holds little memory.
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  const fakeHash = dummyHash(cost);

  async function compare(password: string, hash: string): Promise<boolean> {
    const result = await pool.run({ password, hash }, { name: "compare" });
    if (typeof result !== "boolean") throw new TypeError("password worker returned a non-boolean comparison");
    return result;
  }

  return {
    async hash(password) {
      // bcrypt would silently ignore everything past byte 72; refusing keeps "what you typed is
      // what protects you" true even if a caller skipped passwordSchema.
      if (tooLong(password)) {
        throw new ValidationError(`Password must be at most ${BCRYPT_MAX_BYTES} bytes`, "password_too_long");
      }
      const result = await pool.run({ password, cost }, { name: "hash" });
      if (typeof result !== "string") throw new TypeError("password worker returned a non-string hash");
      return result;
    },

    async verify(password, hash) {
      // hash() never accepts over-long passwords, so none can be right; it still pays for a
      // comparison so that this path is no faster than a wrong password (truncated: only the
      // cost of the comparison matters, not its input).
      if (hash === null || tooLong(password)) {
        await compare(password.slice(0, BCRYPT_MAX_BYTES), fakeHash);
        return false;
      }
      return compare(password, hash);
    },

    needsRehash(hash) {
      const match = BCRYPT_HASH.exec(hash);
      return match === null || Number(match[1]) !== cost;
    },

    async close() {
      // By the time the pool closes the server has drained: no request awaits the hashes still
      // queued, so they are cancelled (force) instead of run. Running ones finish.
      await pool.close({ force: true });
    },
  };
}
