import { z } from "zod";
import { BCRYPT_MAX_BYTES } from "../passwords/hasher.js";
import { dateInput, int4Input, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";

const workspaceId = z.uuid();
const meetingId = z.uuid();

const DAY_MS = 24 * 60 * 60 * 1000;
/** A link lives at most this long; a longer share is a new link, made on purpose. */
export const SHARE_LINK_MAX_DAYS = 365;
/** When `expiresAt` is left out. */
export const SHARE_LINK_DEFAULT_DAYS = 30;
export const SHARE_PASSWORD_MIN_CHARS = 8;

/** bcrypt reads 72 bytes at most: longer passwords are refused, not silently cut. */
const withinBcrypt = (password: string) => Buffer.byteLength(password, "utf8") <= BCRYPT_MAX_BYTES;

const sharePassword = z
  .string()
  .min(SHARE_PASSWORD_MIN_CHARS, { error: `must be at least ${SHARE_PASSWORD_MIN_CHARS} characters` })
  .max(BCRYPT_MAX_BYTES)
  .refine(withinBcrypt, { error: `must be at most ${BCRYPT_MAX_BYTES} bytes` });

/** Checked when the input is parsed, against the clock then. */
const expiry = dateInput()
  .refine((date) => date.getTime() > Date.now(), { error: "must be in the future" })
  .refine((date) => date.getTime() <= Date.now() + SHARE_LINK_MAX_DAYS * DAY_MS, {
    error: `must be at most ${SHARE_LINK_MAX_DAYS} days from now`,
  });

export const createShareLinkInput = z.object({
  workspaceId,
  meetingId,
  /** Default: SHARE_LINK_DEFAULT_DAYS from now. */
  expiresAt: expiry.optional(),
  /** Visitors must type it; stored as a bcrypt hash. */
  password: sharePassword.optional(),
  /** Whether visitors also read the current transcript (the summary is always shared). */
  includeTranscript: z.boolean().default(false),
});

export const listShareLinksInput = z.object({ workspaceId, meetingId, ...pageInput });

export const revokeShareLinkInput = z.object({ workspaceId, linkId: z.uuid() });

export const shareLinkStatus = z.enum(["active", "expired", "revoked"]);

/** A link as the workspace sees it: never its token or hashes. */
export const shareLinkOutput = z.object({
  id: z.string(),
  meetingId: z.string(),
  status: shareLinkStatus,
  includeTranscript: z.boolean(),
  hasPassword: z.boolean(),
  expiresAt: z.date(),
  revokedAt: z.date().nullable(),
  viewCount: z.number().int(),
  lastViewedAt: z.date().nullable(),
  createdAt: z.date(),
  /** Null once that member has left the workspace. */
  createdBy: z.object({ memberId: z.string(), name: z.string().nullable(), email: z.string() }).nullable(),
});

export const createdShareLinkOutput = z.object({
  link: shareLinkOutput,
  /** Shown this once: only its hash is stored. */
  token: z.string(),
  /** The web app's page for the token (`/share/<token>`), and the same under APP_URL. */
  path: z.string(),
  url: z.string(),
});

export const shareLinkPage = pageOf(shareLinkOutput);

// ─── The public side ─────────────────────────────────────────────────────────

/** generateOpaqueToken's shape: 32 random bytes, base64url without padding. */
const token = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, { error: "is not a share link token" });

export const SHARE_TRANSCRIPT_MAX_PAGE = 500;

export const openShareLinkInput = z.object({
  token,
  password: z
    .string()
    .min(1)
    .max(BCRYPT_MAX_BYTES)
    .refine(withinBcrypt, { error: `must be at most ${BCRYPT_MAX_BYTES} bytes` })
    .optional(),
  /** Transcript position to continue after (the previous answer's `transcript.nextCursor`). Only the first page counts as a view. */
  cursor: int4Input(0).optional(),
  limit: z.number().int().min(1).max(SHARE_TRANSCRIPT_MAX_PAGE).default(200),
});

/** A section of the transcript, by segment position (inclusive) and time; no internal ids. */
const sharedTopic = z.object({
  title: z.string(),
  startPosition: z.number().int(),
  endPosition: z.number().int(),
  startMs: z.number().int().nullable(),
  endMs: z.number().int().nullable(),
});

/** An action item as outsiders see it: who by name only (no member ids, no emails). */
const sharedActionItem = z.object({
  text: z.string(),
  assignee: z.string().nullable(),
  dueDate: z.date().nullable(),
  status: z.enum(["open", "done"]),
});

const sharedSegment = z.object({
  position: z.number().int(),
  /** The mapped person's name, else the label from the file ("Speaker 1"). */
  speaker: z.string().nullable(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  text: z.string(),
});

export const sharedMeetingOutput = z.object({
  meeting: z.object({
    title: z.string(),
    /** When it took place (actual times, else scheduled ones). */
    startsAt: z.date().nullable(),
    endsAt: z.date().nullable(),
  }),
  /** The latest summary that succeeded; null while there is none. */
  summary: z
    .object({
      overview: z.string().nullable(),
      keyPoints: z.array(z.string()),
      decisions: z.array(z.string()),
      topics: z.array(sharedTopic),
      actionItems: z.array(sharedActionItem),
      generatedAt: z.date().nullable(),
    })
    .nullable(),
  /** Whether the link shares the transcript (it may still have none yet: `transcript` null). */
  includesTranscript: z.boolean(),
  transcript: z
    .object({
      language: z.string().nullable(),
      durationMs: z.number().int().nullable(),
      segmentCount: z.number().int(),
      segments: z.array(sharedSegment),
      nextCursor: z.number().int().nullable(),
    })
    .nullable(),
  expiresAt: z.date(),
});

export type CreateShareLinkInput = ScopedInput<typeof createShareLinkInput>;
export type ListShareLinksInput = ScopedInput<typeof listShareLinksInput>;
export type RevokeShareLinkInput = ScopedInput<typeof revokeShareLinkInput>;
export type ShareLinkOutput = z.infer<typeof shareLinkOutput>;
export type CreatedShareLinkOutput = z.infer<typeof createdShareLinkOutput>;
export type OpenShareLinkInput = z.infer<typeof openShareLinkInput>;
export type SharedMeetingOutput = z.infer<typeof sharedMeetingOutput>;
