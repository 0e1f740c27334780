import { createLocalJWKSet, decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import { parseEnv } from "@meetmind/config";
import { createAccessTokens, generateOpaqueToken, hashToken, openSealedToken, sealToken } from "./tokens.js";

const subject = { userId: "0190d6a0-0000-7000-8000-000000000001", sessionId: "0190d6a0-0000-7000-8000-000000000002" };

async function keyPairSettings(algorithm: "EdDSA" | "RS256") {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  return parseEnv({
    NODE_ENV: "test",
    JWT_ALGORITHM: algorithm,
    // As an operator would put them in an env file: one line, \n escaped.
    JWT_PRIVATE_KEY: (await exportPKCS8(privateKey)).replace(/\n/g, "\\n"),
    JWT_PUBLIC_KEY: await exportSPKI(publicKey),
  });
}

describe("access tokens", () => {
  it("HS256 by default: signs and verifies its own tokens, publishes no keys", async () => {
    const tokens = await createAccessTokens(parseEnv({ NODE_ENV: "test" }));
    const { token, expiresAt } = await tokens.sign(subject);
    expect(decodeProtectedHeader(token).alg).toBe("HS256");
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    await expect(tokens.verify(token)).resolves.toEqual(subject);
    expect(tokens.jwks()).toEqual({ keys: [] });
    const other = await createAccessTokens(parseEnv({ NODE_ENV: "test", JWT_SECRET: "a-different-secret-that-is-long-enough" }));
    await expect(other.verify(token)).rejects.toMatchObject({ appCode: "invalid_token" });
  });

  for (const algorithm of ["EdDSA", "RS256"] as const) {
    it(`${algorithm} with a key pair: the JWKS verifies tokens, and HS256 tokens are refused`, async () => {
      const tokens = await createAccessTokens(await keyPairSettings(algorithm));
      const { token } = await tokens.sign(subject);
      const header = decodeProtectedHeader(token);
      expect(header.alg).toBe(algorithm);
      const jwks = tokens.jwks();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kid: header.kid, alg: algorithm, use: "sig" });
      expect(jwks.keys[0]).not.toHaveProperty("d"); // never the private part

      // A third party verifies with the published keys alone.
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: "meetmind", audience: "meetmind-api" });
      expect(payload).toMatchObject({ sub: subject.userId, sid: subject.sessionId });
      await expect(tokens.verify(token)).resolves.toEqual(subject);

      // Algorithm confusion: an HS256 token (say, signed with the public key as secret) is refused.
      const hs = await createAccessTokens(parseEnv({ NODE_ENV: "test" }));
      await expect(tokens.verify((await hs.sign(subject)).token)).rejects.toMatchObject({ appCode: "invalid_token" });
    });
  }

  it("signs the same token again given the same id and issue time (a repeated refresh answer)", async () => {
    for (const settings of [parseEnv({ NODE_ENV: "test" }), await keyPairSettings("EdDSA"), await keyPairSettings("RS256")]) {
      const tokens = await createAccessTokens(settings);
      const options = { id: "0190d6a0-0000-7000-8000-0000000000aa", issuedAt: new Date(Date.now() - 3_500) };
      const first = await tokens.sign(subject, options);
      expect(await tokens.sign(subject, options)).toEqual(first);
      expect(first.expiresAt.getTime()).toBe(options.issuedAt.getTime() + 15 * 60_000);
      await expect(tokens.verify(first.token)).resolves.toEqual(subject);
      expect((await tokens.sign(subject)).token).not.toBe((await tokens.sign(subject)).token);
    }
  });

  it("remembers a verified token only until it expires, and only that exact string", async () => {
    const tokens = await createAccessTokens(parseEnv({ NODE_ENV: "test" }));
    // Issued 15 min - 2 s ago: expires 2 s from now.
    const { token, expiresAt } = await tokens.sign(subject, { issuedAt: new Date(Date.now() - 15 * 60_000 + 2_000) });
    await expect(tokens.verify(token)).resolves.toEqual(subject);
    await expect(tokens.verify(token)).resolves.toEqual(subject); // from memory now
    // One character changed in the signature: not the remembered string, so checked, and refused.
    const tampered = `${token.slice(0, -2)}${token.at(-2) === "A" ? "B" : "A"}${token.at(-1)}`;
    await expect(tokens.verify(tampered)).rejects.toMatchObject({ appCode: "invalid_token" });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(expiresAt.getTime() + 1);
      await expect(tokens.verify(token)).rejects.toMatchObject({ appCode: "invalid_token" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a key-pair algorithm without the keys at startup", () => {
    expect(() => parseEnv({ JWT_ALGORITHM: "EdDSA" })).toThrow(/JWT_PRIVATE_KEY, JWT_PUBLIC_KEY: both are required/);
  });
});

describe("opaque tokens", () => {
  it("carry 256 random bits and are stored as their SHA-256", () => {
    const token = generateOpaqueToken();
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(generateOpaqueToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });
});

describe("sealed tokens", () => {
  it("open only with the sealing token and the same context", () => {
    const [key, secret] = [generateOpaqueToken(), generateOpaqueToken()];
    const sealed = sealToken(key, secret, "row-1");
    expect(sealed).not.toContain(secret);
    expect(sealToken(key, secret, "row-1")).not.toBe(sealed); // a fresh IV each time
    expect(openSealedToken(key, sealed, "row-1")).toBe(secret);
    expect(openSealedToken(generateOpaqueToken(), sealed, "row-1")).toBeNull();
    expect(openSealedToken(hashToken(key), sealed, "row-1")).toBeNull();
    expect(openSealedToken(key, sealed, "row-2")).toBeNull();
    const tampered = Buffer.from(sealed, "base64url");
    tampered[20]! ^= 1;
    expect(openSealedToken(key, tampered.toString("base64url"), "row-1")).toBeNull();
    expect(openSealedToken(key, "short", "row-1")).toBeNull();
  });
});
