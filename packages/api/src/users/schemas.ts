import { z } from "zod";
import { fullNameSchema, passwordSchema } from "../passwords/policy.js";

/** Emails are compared and stored trimmed and lowercased. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(254));

export const userIdSchema = z.uuid();

/** What any procedure may show of a user: never a hash, a token or an internal flag. */
export const publicUser = z.object({
  id: z.string(),
  email: z.string(),
  fullName: z.string().nullable(),
  timezone: z.string().nullable(),
  locale: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  emailVerified: z.boolean(),
  isAdmin: z.boolean(),
  isActive: z.boolean(),
  createdAt: z.date(),
});
export type PublicUser = z.infer<typeof publicUser>;

const timezones = new Set(Intl.supportedValuesOf("timeZone"));

export const updateProfileInput = z.object({
  fullName: fullNameSchema.nullable().optional(),
  timezone: z
    .string()
    .refine((value) => timezones.has(value) || value === "UTC", "Unknown time zone")
    .nullable()
    .optional(),
  locale: z
    .string()
    .max(35)
    .refine((value) => {
      try {
        return Intl.getCanonicalLocales(value).length === 1;
      } catch {
        return false;
      }
    }, "Not a BCP 47 locale, e.g. en-GB")
    .nullable()
    .optional(),
  avatarUrl: z
    .url({ protocol: /^https$/, error: "Must be an https URL" })
    .max(2048)
    .nullable()
    .optional(),
});

export const preferencesOutput = z.object({
  colorMode: z.enum(["light", "dark", "system"]).nullable(),
  pinnedItemIds: z.array(z.string()),
});

export const updatePreferencesInput = z.object({
  colorMode: z.enum(["light", "dark", "system"]).nullable().optional(),
  pinnedItemIds: z
    .array(
      z
        .string()
        .max(64)
        .regex(/^[a-zA-Z0-9_-]+$/, "Only letters, digits, _ and -"),
    )
    .max(50, "At most 50 pinned items")
    .optional(),
});

// The current password is checked, not held to the policy: only a sane size limit.
const currentPassword = z.string().min(1).max(1024);

export const changePasswordInput = z.object({ currentPassword, newPassword: passwordSchema });
export const deleteAccountInput = z.object({ password: currentPassword });

export type UpdateProfileInput = z.infer<typeof updateProfileInput>;
export type UpdatePreferencesInput = z.infer<typeof updatePreferencesInput>;
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;
