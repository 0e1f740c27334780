// Secrets kept in the database (a workspace's model API key) are stored encrypted: AES-256-GCM with
// a server key from SECRETS_ENCRYPTION_KEYS, never in the clear. A stored value names the key that
// sealed it, `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url), so keys can be rotated: the first key
// listed seals, every key listed opens, and re-saving a secret seals it with the current key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = "v1";

export interface SecretKey {
  id: string;
  /** 32 bytes, base64. */
  key: string;
}

export interface SecretBox {
  /** Whether secrets can be sealed at all (production without SECRETS_ENCRYPTION_KEYS cannot). */
  readonly canSeal: boolean;
  seal(plaintext: string): string;
  /** Throws when the value was sealed with a key no longer listed, or was tampered with. */
  open(sealed: string): string;
}

export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretUnavailableError";
  }
}

export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  const byId = new Map(keys.map(({ id, key }) => [id, Buffer.from(key, "base64")]));
  const current = keys[0];
  return {
    canSeal: current !== undefined,
    seal(plaintext) {
      if (!current) throw new SecretUnavailableError("No encryption key is configured (SECRETS_ENCRYPTION_KEYS)");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, byId.get(current.id) as Buffer, iv);
      // The key id is authenticated too: a value cannot be moved under another key's name.
      cipher.setAAD(Buffer.from(`${FORMAT}.${current.id}`));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
      return [FORMAT, current.id, iv.toString("base64url"), sealed.toString("base64url")].join(".");
    },
    open(sealed) {
      const [format, id = "", iv = "", body = ""] = sealed.split(".");
      const key = byId.get(id);
      if (format !== FORMAT || !key) throw new SecretUnavailableError(`The secret was sealed with a key that is not configured ("${id}")`);
      const bytes = Buffer.from(body, "base64url");
      try {
        const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(`${FORMAT}.${id}`));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch (error) {
        throw new SecretUnavailableError(`The secret cannot be decrypted: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** What may be shown of a secret: `sk-…abcd` (a short prefix and the last 4), less for short ones. */
export function maskSecret(secret: string): string {
  if (secret.length >= 20) return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
  if (secret.length >= 12) return `…${secret.slice(-4)}`;
  return "…";
}
