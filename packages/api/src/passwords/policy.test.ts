import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { findCommonWord, fullNameSchema, isCommonPassword, passwordSchema } from "./policy.js";

/** The rules a password breaks, by their stable codes. */
function brokenRules(password: string): string[] {
  const result = passwordSchema.safeParse(password);
  if (result.success) return [];
  return result.error.issues.map((issue) => (issue.code === "custom" ? String(issue.params?.rule) : issue.code));
}

function messages(password: string): string[] {
  const result = passwordSchema.safeParse(password);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("passwordSchema", () => {
  it("accepts a good password", () => {
    expect(passwordSchema.parse("Correct-Horse-7-Battery")).toBe("Correct-Horse-7-Battery");
    expect(passwordSchema.safeParse("Zebra#Orbit42").success).toBe(true);
    expect(passwordSchema.safeParse("Ünïcødé-Straße-9").success).toBe(true);
  });

  it.each([
    ["Zb1!xyz", "min_length", "Password must be at least 8 characters"],
    ["zebra-orbit-42", "uppercase", "Password must contain an uppercase letter"],
    ["ZEBRA-ORBIT-42", "lowercase", "Password must contain a lowercase letter"],
    ["Zebra-Orbit-Xy", "digit", "Password must contain a digit"],
    ["ZebraOrbit42", "special", "Password must contain a special character (anything other than a letter or digit)"],
  ])("rejects %j for exactly one rule (%s) with its own message", (password, rule, message) => {
    expect(brokenRules(password)).toEqual([rule]);
    expect(messages(password)).toEqual([message]);
  });

  it("counts length in characters but the upper bound in UTF-8 bytes (bcrypt's 72)", () => {
    const at72 = "Zebra#Orbit42" + "x".repeat(59);
    expect(Buffer.byteLength(at72)).toBe(72);
    expect(passwordSchema.safeParse(at72).success).toBe(true);
    expect(brokenRules(at72 + "x")).toEqual(["max_bytes"]);
    expect(messages(at72 + "x")[0]).toMatch(/^Password must be at most 72 bytes/);
    // 44 characters but 74 bytes: é takes two.
    const accented = "Zebra#Orbit42" + "é".repeat(30) + "x";
    expect([accented.length, Buffer.byteLength(accented)]).toEqual([44, 74]);
    expect(brokenRules(accented)).toEqual(["max_bytes"]);
    // 8 characters of 4 bytes each: long enough in characters, counted as 8 not 16 UTF-16 units.
    expect(brokenRules("😀".repeat(7) + "a")).toEqual(["uppercase", "digit"]);
  });

  it("reports every broken rule at once", () => {
    expect(brokenRules("abc")).toEqual(["min_length", "uppercase", "digit", "special"]);
  });

  it.each(["Password1!", "Qwerty123!", "P@ssw0rd1", "MyS3cret!Key", "Adm1n-Zebra-9", "L0g1n#Zebra", "Zebra-LetMeIn-7", "Zebra-1l0v3y0u!"])(
    "rejects %j for containing a common word, even in leetspeak",
    (password) => {
      expect(brokenRules(password)).toEqual(["common_word"]);
      expect(messages(password)[0]).toMatch(/^Password must not contain the common word "\w+"$/);
    },
  );

  it("names the word it found", () => {
    expect(messages("P@ssw0rd1")).toEqual(['Password must not contain the common word "password"']);
    expect(findCommonWord("ｐａｓｓｗｏｒｄ")).toBe("password"); // fullwidth look-alikes
    expect(findCommonWord("Zebra#Orbit42")).toBeUndefined();
  });

  it("rejects passwords on the common-password list, case-insensitively, when nothing else is wrong", () => {
    // Exact entries of the list that otherwise satisfy every rule once capitalised.
    for (const password of ["1qaz@WSX", "Sasha_007", "Doc_0815", "ZAQ!2wsx"]) {
      expect(dictionary["passwords-common"]).toContain(password.toLowerCase());
      expect(brokenRules(password)).toEqual(["common_password"]);
      expect(messages(password)).toEqual(["Password is too common: it is on a list of frequently used passwords"]);
    }
    expect(isCommonPassword("TRUSTNO1")).toBe(true);
    // Decoration takes a password off the list (the word rules catch the obvious ones).
    expect(isCommonPassword("Sasha_007x")).toBe(false);
  });

  it("never copies the password into the issues it reports", () => {
    const password = "Zebra-Password-Secret";
    const result = passwordSchema.safeParse(password);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain(password);
    // data.zodError in responses is z.flattenError (see trpc.ts).
    expect(JSON.stringify(z.flattenError(result.error!))).not.toContain(password);
  });
});

describe("fullNameSchema", () => {
  it("trims and collapses internal whitespace, including newlines and tabs", () => {
    expect(fullNameSchema.parse("  Ada \t  Lovelace \n")).toBe("Ada Lovelace");
    expect(fullNameSchema.parse("Ada\nLovelace")).toBe("Ada Lovelace");
    expect(fullNameSchema.parse("Ada\u00a0\u2003Lovelace")).toBe("Ada Lovelace");
  });

  it("strips control (Cc) and format (Cf) characters", () => {
    expect(fullNameSchema.parse("Ada\u0000\u0007 Love\u200blace\u202e\ufeff")).toBe("Ada Lovelace");
    expect(fullNameSchema.parse("Jo\u00adhn")).toBe("John"); // soft hyphen
  });

  it("keeps letters of every script and normalises to NFC", () => {
    expect(fullNameSchema.parse("José Ñúñez 山田")).toBe("José Ñúñez 山田");
    expect(fullNameSchema.parse("Jose\u0301")).toBe("José".normalize("NFC"));
  });

  it("maps omitted to undefined (leave unchanged) and null or blank to null (no name)", () => {
    expect(fullNameSchema.parse(undefined)).toBeUndefined();
    expect(fullNameSchema.parse(null)).toBeNull();
    expect(fullNameSchema.parse("")).toBeNull();
    expect(fullNameSchema.parse(" \u200b\t\n ")).toBeNull();
  });

  it("allows 128 characters after cleaning and rejects 129", () => {
    expect(fullNameSchema.parse(`  ${"a".repeat(128)}\u200b  `)).toHaveLength(128);
    expect(fullNameSchema.parse("山".repeat(128))).toHaveLength(128);
    const result = fullNameSchema.safeParse("a".repeat(129));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Full name must be at most 128 characters");
  });

  it("rejects non-strings", () => {
    expect(fullNameSchema.safeParse(42).success).toBe(false);
  });
});
