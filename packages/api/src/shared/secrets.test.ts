import { describe, expect, it } from "vitest";
import { createSecretBox, maskSecret } from "./secrets.js";

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("createSecretBox", () => {
  it("seals with the first key (random IV each time) and opens with any key listed", () => {
    const old = createSecretBox([{ id: "k1", key: key(1) }]);
    const sealed = old.seal("sk-secret");
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain("sk-secret");
    expect(old.seal("sk-secret")).not.toBe(sealed);
    const rotated = createSecretBox([
      { id: "k2", key: key(2) },
      { id: "k1", key: key(1) },
    ]);
    expect(rotated.open(sealed)).toBe("sk-secret");
    expect(rotated.seal("sk-secret")).toMatch(/^v1\.k2\./);
  });

  it("refuses a value sealed under a key it lacks, a tampered value, or one moved under another key's id", () => {
    const box = createSecretBox([{ id: "k1", key: key(1) }]);
    const sealed = box.seal("sk-secret");
    expect(() => createSecretBox([{ id: "k9", key: key(9) }]).open(sealed)).toThrow(/not configured/);
    const [format, id, iv, body = ""] = sealed.split(".");
    const flipped = Buffer.from(body, "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open([format, id, iv, flipped.toString("base64url")].join("."))).toThrow(/cannot be decrypted/);
    // Same key bytes under another id: the id is authenticated, so it does not open.
    const twin = createSecretBox([
      { id: "k1", key: key(1) },
      { id: "k2", key: key(1) },
    ]);
    expect(() => twin.open([format, "k2", iv, body].join("."))).toThrow(/cannot be decrypted/);
  });

  it("cannot seal without a key", () => {
    const none = createSecretBox([]);
    expect(none.canSeal).toBe(false);
    expect(() => none.seal("x")).toThrow(/No encryption key/);
  });
});

describe("maskSecret", () => {
  it("shows a short prefix and the last 4 of a long key, less of shorter ones", () => {
    expect(maskSecret("sk-proj-0123456789abcdefWXYZ")).toBe("sk-…WXYZ");
    expect(maskSecret("0123456789ab")).toBe("…89ab");
    expect(maskSecret("short")).toBe("…");
  });
});
