import { z } from "zod";
import { aiMode } from "../ai/provider.js";
import { dateInput, pageInput, pageOf } from "../shared/schemas.js";

const workspaceId = z.uuid();
const sessionId = z.uuid();

/** Longest question, in characters. */
export const QUESTION_MAX_CHARS = 1_000;
/** Most meetings a "meetings" scope may list. */
export const SCOPE_MAX_MEETINGS = 100;

const title = z.string().trim().min(1).max(200);

/** What a session's answers may draw on. Stored with the session; retrieval never leaves it. */
export const askMindScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("meeting"), meetingId: z.uuid() }),
  z.object({
    kind: z.literal("meetings"),
    meetingIds: z
      .array(z.uuid())
      .min(1)
      .max(SCOPE_MAX_MEETINGS)
      .transform((ids) => [...new Set(ids)]),
  }),
  z.object({
    kind: z.literal("workspace"),
    /** Meetings dated (scheduled start, else creation) within [from, to]. */
    from: dateInput().optional(),
    to: dateInput().optional(),
    tag: z.string().trim().toLowerCase().min(1).max(50).optional(),
    /** A workspace member id: only meetings they took part in. */
    participantId: z.uuid().optional(),
  }),
]);
export type AskMindScope = z.output<typeof askMindScope>;

export const createSessionInput = z.object({
  workspaceId,
  scope: askMindScope,
  title: title.optional(),
  /** Shared sessions are readable by every member; private ones only by their creator. */
  shared: z.boolean().default(false),
});

export const listSessionsInput = z.object({
  workspaceId,
  ...pageInput,
  /** mine: sessions I created; shared: sessions others shared with the workspace. */
  filter: z.enum(["mine", "shared", "all"]).default("all"),
});

export const sessionIdInput = z.object({ workspaceId, sessionId });
export const renameSessionInput = z.object({ workspaceId, sessionId, title });
export const shareSessionInput = z.object({ workspaceId, sessionId, shared: z.boolean() });

export const sessionOutput = z.object({
  id: z.string(),
  title: z.string().nullable(),
  scope: askMindScope,
  shared: z.boolean(),
  /** Whether the caller created it (only the creator asks, renames, shares and deletes). */
  mine: z.boolean(),
  createdBy: z.object({ id: z.string(), fullName: z.string().nullable(), email: z.string() }).nullable(),
  lastMessageAt: z.date().nullable(),
  createdAt: z.date(),
});
export const sessionPage = pageOf(sessionOutput);

export const citationOutput = z.object({
  /** The number used in the answer's text: [1] is citations[0]. */
  marker: z.number().int().min(1),
  segmentId: z.string(),
  meetingId: z.string(),
  meetingTitle: z.string(),
  speaker: z.string().nullable(),
  startMs: z.number().int(),
  endMs: z.number().int(),
  /** The segment's text as it was when the answer was built. */
  quote: z.string(),
});
export type Citation = z.infer<typeof citationOutput>;

export const messageStatus = z.enum(["pending", "streaming", "done", "failed"]);

export const messageOutput = z.object({
  id: z.string(),
  sessionId: z.string(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  citations: z.array(citationOutput),
  status: messageStatus,
  /** Why an answer failed; retry it with askMind.retry. */
  error: z.string().nullable(),
  /** The model, or "extractive" for offline answers. */
  model: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  createdAt: z.date(),
});
export type MessageOutput = z.infer<typeof messageOutput>;
export const messagePage = pageOf(messageOutput);

export const listMessagesInput = z.object({ workspaceId, sessionId, ...pageInput });

export const askInput = z.object({
  workspaceId,
  sessionId,
  question: z
    .string()
    .trim()
    .min(1, "Ask a question")
    .max(QUESTION_MAX_CHARS, `A question can be at most ${QUESTION_MAX_CHARS} characters`),
  /** "extractive": answer without a model (also when the workspace's monthly token cap is reached). */
  mode: aiMode.default("auto"),
});
export const retryInput = z.object({ workspaceId, messageId: z.uuid(), mode: aiMode.default("auto") });

/**
 * What askMind.ask and askMind.retry stream: the stored question and the answer's id first, then
 * pieces of the answer as they are produced, then the final stored message. The final message is
 * authoritative: in LLM mode its text has citation markers renumbered and invalid ones removed.
 */
export const askEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("started"), question: messageOutput, answerId: z.string() }),
  z.object({ type: z.literal("delta"), text: z.string() }),
  z.object({ type: z.literal("final"), message: messageOutput }),
]);
export type AskEvent = z.infer<typeof askEvent>;

export const suggestedPromptsInput = z.object({ workspaceId, scope: askMindScope.optional() });
export const suggestedPromptOutput = z.object({
  /** Null for prompts derived from the scope's topics (not editable). */
  id: z.string().nullable(),
  text: z.string(),
  source: z.enum(["workspace", "topic"]),
});
export const upsertSuggestedPromptInput = z.object({
  workspaceId,
  /** Absent: a new prompt. */
  promptId: z.uuid().optional(),
  text: z.string().trim().min(3).max(300),
  position: z.number().int().min(0).max(1_000).optional(),
});
export const deleteSuggestedPromptInput = z.object({ workspaceId, promptId: z.uuid() });
export const workspacePromptOutput = z.object({ id: z.string(), text: z.string(), position: z.number().int() });

// ---------------------------------------------------------------- what the services take

/** A procedure's input as its service takes it: the workspace is the caller's scope, not a field. */
type ServiceInput<Schema extends z.ZodType> = Omit<z.infer<Schema>, "workspaceId">;

export type CreateSessionInput = ServiceInput<typeof createSessionInput>;
export type ListSessionsInput = ServiceInput<typeof listSessionsInput>;
export type SessionIdInput = ServiceInput<typeof sessionIdInput>;
export type RenameSessionInput = ServiceInput<typeof renameSessionInput>;
export type ShareSessionInput = ServiceInput<typeof shareSessionInput>;
export type ListMessagesInput = ServiceInput<typeof listMessagesInput>;
export type AskInput = ServiceInput<typeof askInput>;
export type RetryInput = ServiceInput<typeof retryInput>;
export type SuggestedPromptsInput = ServiceInput<typeof suggestedPromptsInput>;
export type UpsertSuggestedPromptInput = ServiceInput<typeof upsertSuggestedPromptInput>;
export type DeleteSuggestedPromptInput = ServiceInput<typeof deleteSuggestedPromptInput>;
