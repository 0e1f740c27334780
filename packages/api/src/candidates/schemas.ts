import { z } from "zod";
import { optionalText, pageInput, pageOf, type ScopedInput } from "../shared/schemas.js";
import { emailSchema } from "../users/schemas.js";

const workspaceId = z.uuid();
// Lower-cased as Postgres prints uuids, so the same id in capitals is the same id.
const candidateId = z.uuid().toLowerCase();

/** Most links one candidate keeps (a CV, a portfolio, a profile or two). */
export const MAX_LINKS = 10;
/** Longest name/email query, in characters. */
export const MAX_QUERY_CHARS = 100;
/** The interviews `candidates.get` returns inline (a loop rarely has more than a handful). */
export const INTERVIEWS_IN_GET = 100;

const name = z.string().trim().min(1, "Name is required").max(200);
// Stored lowercased: the per-workspace uniqueness (a partial unique index) compares stored values.
const email = z
  .union([z.literal(""), emailSchema])
  .nullable()
  .transform((address) => (address === "" ? null : address));
const phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^[+0-9 ()./-]*$/, "Digits, spaces and + ( ) . / - only")
  .nullable()
  .transform((text) => (text === "" ? null : text));
const link = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000);
const links = z
  .array(link)
  .max(MAX_LINKS, `At most ${MAX_LINKS} links`)
  .transform((urls) => [...new Set(urls)]);
const positionTitle = optionalText(200);
// Checked against the workspace's `interviewStages` in the service (the list is the workspace's).
const stage = z.string().trim().min(1).max(100).nullable();

const fields = {
  email: email.optional(),
  phone: phone.optional(),
  links: links.optional(),
  positionTitle: positionTitle.optional(),
  stage: stage.optional(),
  source: optionalText(200).optional(),
  notes: optionalText(10_000).optional(),
};

export const createCandidateInput = z.object({ workspaceId, name, ...fields });
export const updateCandidateInput = z.object({ workspaceId, candidateId, name: name.optional(), ...fields });
export const candidateIdInput = z.object({ workspaceId, candidateId });
export const listCandidatesInput = z.object({
  workspaceId,
  ...pageInput,
  positionTitle: z.string().trim().min(1).max(200).optional(),
  stage: z.string().trim().min(1).max(100).optional(),
  /** Part of a name or email, any case. */
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS).optional(),
  /** The soft-deleted candidates instead (what `candidates.restore` takes). */
  deleted: z.boolean().default(false),
});

export type CreateCandidateInput = ScopedInput<typeof createCandidateInput>;
export type UpdateCandidateInput = ScopedInput<typeof updateCandidateInput>;
export type CandidateIdInput = ScopedInput<typeof candidateIdInput>;
export type ListCandidatesInput = ScopedInput<typeof listCandidatesInput>;

export const candidateOutput = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  links: z.array(z.string()),
  positionTitle: z.string().nullable(),
  stage: z.string().nullable(),
  source: z.string().nullable(),
  notes: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  deletedAt: z.date().nullable(),
});
export type CandidateOutput = z.infer<typeof candidateOutput>;
export const candidatePage = pageOf(candidateOutput);

export const candidateInterviewOutput = z.object({
  id: z.string(),
  positionTitle: z.string(),
  stage: z.string(),
  scheduledAt: z.date(),
  status: z.enum(["scheduled", "completed", "cancelled", "no_show"]),
});

/** A candidate with the interviews of theirs the caller may see (soonest first). */
export const candidateDetailOutput = candidateOutput.extend({ interviews: candidateInterviewOutput.array() });

/** What an erasure removed, counted (never what it was). */
export const eraseOutput = z.object({
  ok: z.literal(true),
  interviews: z.number().int(),
  meetings: z.number().int(),
  askMindMessages: z.number().int(),
});
