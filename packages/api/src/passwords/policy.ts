// Input rules for passwords and display names, as zod schemas so routers report every failed rule
// at once (each as its own issue in data.zodError) instead of one error at a time.
import { dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";

export const PASSWORD_MIN_CHARS = 8;
/** bcrypt ignores input past 72 bytes; longer passwords are refused rather than silently cut. */
export const PASSWORD_MAX_BYTES = 72;
export const FULL_NAME_MAX_CHARS = 128;

/**
 * Words a password must not contain, matched case-insensitively and through simple leetspeak
 * (p@ssw0rd, l0g1n, $ecr3t). Kept to words attackers try first: a substring ban on ordinary words
 * would reject good passphrases. Note that "test" and "admin" do also catch "Contest", "Badminton".
 */
export const COMMON_PASSWORD_WORDS = [
  "password",
  "passwd",
  "secret",
  "login",
  "admin",
  "test",
  "qwerty",
  "azerty",
  "asdfgh",
  "zxcvbn",
  "welcome",
  "letmein",
  "iloveyou",
  "changeme",
  "trustno",
  "monkey",
  "dragon",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "superman",
  "meetmind",
] as const;

// What each letter may be written as in leetspeak. 1 stands for both i and l, so matching goes
// letter by letter through character classes rather than by un-leeting the password first.
const LEET: Readonly<Record<string, string>> = {
  a: "a@4",
  b: "b8",
  e: "e3",
  g: "g9",
  i: "i1!|",
  l: "l1|",
  o: "o0",
  s: "s$5",
  t: "t7+",
  z: "z2",
};

const escapeForClass = (chars: string): string => chars.replace(/[\\\]^-]/g, "\\$&");

const COMMON_WORD_PATTERNS = COMMON_PASSWORD_WORDS.map((word) => ({
  word,
  pattern: new RegExp([...word].map((letter) => `[${escapeForClass(LEET[letter] ?? letter)}]`).join(""), "iu"),
}));

// ~49k common passwords from zxcvbn-ts, all lowercase. A Set makes the lookup O(1); it is built
// once when this module loads (the package decompresses the list at import anyway).
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary["passwords-common"]);

function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
function charCount(value: string): number {
  return [...value].length;
}

/** The common word a password contains, if any. NFKC folds look-alikes such as fullwidth letters. */
export function findCommonWord(password: string): string | undefined {
  const folded = password.normalize("NFKC");
  return COMMON_WORD_PATTERNS.find(({ pattern }) => pattern.test(folded))?.word;
}

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/**
 * A new password. Every failing rule adds its own issue, with `params.rule` as a stable code
 * (`min_length`, `max_bytes`, `uppercase`, `lowercase`, `digit`, `special`, `common_word`,
 * `common_password`) for clients that show a checklist. The password itself is never put in an
 * issue, so error responses and logs cannot leak it.
 */
export const passwordSchema = z.string().superRefine((password, ctx) => {
  const fail = (rule: string, message: string): void => {
    ctx.addIssue({ code: "custom", message, params: { rule } });
  };
  if (charCount(password) < PASSWORD_MIN_CHARS) {
    fail("min_length", `Password must be at least ${PASSWORD_MIN_CHARS} characters`);
  }
  if (utf8Bytes(password) > PASSWORD_MAX_BYTES) {
    fail(
      "max_bytes",
      `Password must be at most ${PASSWORD_MAX_BYTES} bytes (accented letters, other scripts and emoji take 2–4 bytes each)`,
    );
  }
  if (!/\p{Lu}/u.test(password)) fail("uppercase", "Password must contain an uppercase letter");
  if (!/\p{Ll}/u.test(password)) fail("lowercase", "Password must contain a lowercase letter");
  if (!/\p{Nd}/u.test(password)) fail("digit", "Password must contain a digit");
  if (!/[^\p{L}\p{N}]/u.test(password)) {
    fail("special", "Password must contain a special character (anything other than a letter or digit)");
  }
  const word = findCommonWord(password);
  if (word !== undefined) fail("common_word", `Password must not contain the common word "${word}"`);
  if (isCommonPassword(password)) {
    fail("common_password", "Password is too common: it is on a list of frequently used passwords");
  }
});

// Whitespace controls (tab, newlines, NEL) separate words, so they become spaces; every other
// control (Cc) and format character (Cf: zero-width spaces, bidi overrides, BOM, soft hyphen) is
// invisible in a name and is used for spoofing, so it is dropped. This also drops ZWJ/ZWNJ, which
// a few scripts (e.g. Persian) use inside words: accepted as the price of no invisible characters.
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085]/gu;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/gu;

/** The cleaned form of a display name; "" when nothing visible is left. */
export function cleanFullName(value: string): string {
  return value
    .normalize("NFC") // one encoding per name, so equal-looking names compare and sort equal
    .replace(WHITESPACE_CONTROLS, " ")
    .replace(CONTROL_OR_FORMAT, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/**
 * A user's display name (User.fullName, a nullable column).
 *
 * - `undefined` (field omitted) stays `undefined`: on an update, leave the name as it is.
 * - `null`, or a string with nothing visible left after cleaning, becomes `null`: no name (clears
 *   it on an update).
 * - Otherwise the cleaned string: NFC-normalised, control/format characters removed, runs of
 *   whitespace collapsed to one space, trimmed; at most 128 characters after cleaning.
 */
export const fullNameSchema = z
  .string()
  .nullish()
  .transform((value) => {
    if (value === undefined) return undefined;
    if (value === null) return null;
    return cleanFullName(value) || null;
  })
  .refine((value) => value == null || charCount(value) <= FULL_NAME_MAX_CHARS, {
    error: `Full name must be at most ${FULL_NAME_MAX_CHARS} characters`,
  });
