// Access tokens: short-lived JWTs made and checked with jose. HS256 with a shared secret by
// default; EdDSA or RS256 with a key pair, whose public half is served as a JWKS.
import { createHash, randomBytes, randomUUID } from "node:crypto";
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

export interface AccessTokens {
  sign(subject: AccessTokenSubject): Promise<{ token: string; expiresAt: Date }>;
  /** Throws UnauthorizedError for anything but a valid, unexpired token of ours. */
  verify(token: string): Promise<AccessTokenSubject>;
  /** The public keys for `/.well-known/jwks.json`; empty with a shared secret. */
  jwks(): JSONWebKeySet;
}

type Key = CryptoKey | KeyObject | Uint8Array;

export async function createAccessTokens(settings: TokenSettings): Promise<AccessTokens> {
  const algorithm = settings.JWT_ALGORITHM;
  let signingKey: Key;
  let verifyingKey: Key;
  let jwks: JSONWebKeySet = { keys: [] };
  let kid: string | undefined;

  if (algorithm === "HS256") {
    signingKey = verifyingKey = new TextEncoder().encode(settings.JWT_SECRET);
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

  return {
    async sign({ userId, sessionId }) {
      const expiresAt = new Date(Date.now() + settings.ACCESS_TOKEN_TTL_SECONDS * 1000);
      const token = await new SignJWT({ sid: sessionId })
        // A unique id: two tokens for one session in the same second still differ.
        .setJti(randomUUID())
        .setProtectedHeader({ alg: algorithm, typ: "JWT", ...(kid ? { kid } : {}) })
        .setSubject(userId)
        .setIssuer(settings.JWT_ISSUER)
        .setAudience(settings.JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(signingKey);
      return { token, expiresAt };
    },

    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, verifyingKey, {
          // Pinned: a token naming another algorithm (or "none") is refused before any check.
          algorithms: [algorithm],
          issuer: settings.JWT_ISSUER,
          audience: settings.JWT_AUDIENCE,
          requiredClaims: ["sub", "sid", "iat", "exp"],
        });
        if (typeof payload.sub !== "string" || typeof payload.sid !== "string") throw new Error("bad claims");
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
