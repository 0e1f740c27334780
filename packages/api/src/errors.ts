// The domain errors services throw. They know nothing of tRPC or HTTP; trpc.ts maps them.
//
// Each error carries an `appCode`, a stable snake_case code that clients branch on (tRPC puts it in
// `error.data.appCode`). The codes are listed below, grouped by the kind of error (and so the HTTP
// status) they come with; `AppCode` is their union, published by @meetmind/contracts so a client
// can switch over it exhaustively. A code an error constructor does not list fails the typecheck.

export type NotFoundCode = "not_found";

export type ForbiddenCode =
  | "forbidden"
  // A member whose workspace role lacks the permission.
  | "insufficient_role"
  // A cookie-authenticated mutation from an origin that is not allowed.
  | "csrf_rejected"
  | "invite_email_mismatch"
  | "email_not_verified"
  // Editing or deleting someone else's comment.
  | "not_author"
  // A meeting the caller sees, but not at the access level the action needs (a view-only grant).
  | "insufficient_access"
  // Changing the members of a group one is not an admin of (nor a workspace admin).
  | "not_group_admin"
  // Revoking a share link someone else made, without managing its meeting.
  | "not_link_creator"
  // An API key used on a procedure outside what its scopes allow (or that no key may call).
  | "api_key_scope"
  // A hiring manager who may read an interview's scorecards but sits off its panel: they write none.
  | "not_on_panel";

export type ConflictCode =
  | "conflict"
  | "email_taken"
  | "slug_taken"
  // The last owner of a workspace cannot leave, be demoted or delete their account.
  | "last_owner"
  | "already_member"
  | "invite_pending"
  | "already_participant"
  | "duplicate_external_id"
  | "too_many_prompts"
  // Saving a prompt over a version someone else saved since it was read.
  | "stale_prompt_version"
  | "too_many_grants"
  // Group names are unique per workspace, whatever their case.
  | "group_name_taken"
  | "already_in_group"
  | "too_many_api_keys"
  // One live scorecard template per position, whatever the case.
  | "scorecard_template_position_taken"
  | "scorecard_template_archived"
  // A template's rating scale is fixed once submitted scorecards rated its categories.
  | "rating_scale_locked"
  // A submitted scorecard is final: changes go through submit (an amendment), not saveDraft.
  | "scorecard_submitted"
  | "interview_cancelled"
  // Unlinking or replacing an interview's meeting that holds the candidate (a transcript or a
  // 'candidate' participant), or linking one that was another interview's or names a candidate.
  | "interview_meeting_in_use"
  // A live candidate of the workspace already has this email (the message names their id).
  | "candidate_email_taken";

export type ValidationCode =
  | "validation_failed"
  // A verification, reset or invitation token that does not exist.
  | "invalid_token"
  | "token_used"
  | "token_expired"
  // Acting on oneself where that is not allowed (deactivate, delete, transfer, remove).
  | "cannot_target_self"
  | "weak_password"
  | "password_too_long"
  | "malformed_transcript"
  | "transcript_missing"
  // An interview summary asked for before the interview's meeting has a ready transcript.
  | "interview_has_no_transcript"
  | "invalid_time_range"
  | "invalid_cursor"
  // Retrying an Ask Mind answer that did not fail.
  | "not_failed"
  // A workspace model server on an address the server may not reach (private, loopback…).
  | "base_url_not_allowed"
  // Changing the model server's address without giving its API key again.
  | "api_key_required"
  // The server has no key to encrypt API keys with (SECRETS_ENCRYPTION_KEYS in production).
  | "api_key_storage_unavailable"
  // A system prompt without its kind's required placeholders, or with unknown ones.
  | "invalid_prompt"
  // Scoring an interview that has no scorecard template.
  | "interview_has_no_template"
  // A category that is not a live category of the template in question.
  | "invalid_category"
  // A rating outside 1..the template's rating scale.
  | "invalid_rating"
  // Submitting a scorecard with unrated categories or no recommendation.
  | "scorecard_incomplete"
  // A stage that is not in the workspace's list of interview stages.
  | "unknown_stage"
  // Granting a permission to a member whose role cannot hold grants (only the `member` role can).
  | "grant_requires_member_role"
  // Changing the visibility, grants or share links of an interview's meeting: its access follows the
  // interview's panel (tenancy/meeting-access.ts), nothing else.
  | "interview_meeting";

export type UnauthorizedCode =
  | "unauthorized"
  | "invalid_credentials"
  | "account_deactivated"
  // An access token that does not verify (bad signature, expired).
  | "invalid_token"
  | "session_expired"
  | "invalid_refresh_token"
  // A refresh token presented twice: the session is revoked.
  | "refresh_token_reused"
  // Opening a share link that has a password, without one or with a wrong one.
  | "share_password_required"
  | "share_password_invalid"
  // An API key that is unknown, malformed, expired or revoked, or whose creator left the workspace.
  | "invalid_api_key";

export type RateLimitedCode =
  | "rate_limited"
  | "askmind_budget_exceeded"
  // The workspace's monthly model token cap is reached (retryAfterSeconds: until the month turns).
  | "ai_quota_exceeded";

export type PayloadTooLargeCode = "payload_too_large" | "transcript_too_large";

export type UnavailableCode = "service_unavailable" | "database_unavailable";

/**
 * Codes with no domain error behind them. `invalid_input`: the input failed its zod schema (with
 * `data.zodError`). The others are tRPC's own error codes lower-cased, as the formatter reports an
 * error tRPC raised itself (e.g. `parse_error`, `method_not_supported`, `internal_server_error`);
 * trpc.ts checks at compile time that every tRPC code is here. `invalid_json` is sent by the HTTP
 * server outside tRPC (with `not_found`, `payload_too_large` and `internal_server_error`).
 */
export type GenericCode =
  | "invalid_input"
  | "invalid_json"
  | "parse_error"
  | "bad_request"
  | "internal_server_error"
  | "not_implemented"
  | "bad_gateway"
  | "service_unavailable"
  | "gateway_timeout"
  | "unauthorized"
  | "payment_required"
  | "forbidden"
  | "not_found"
  | "method_not_supported"
  | "timeout"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unprocessable_content"
  | "precondition_required"
  | "too_many_requests"
  | "client_closed_request";

/** Every `appCode` the API sends. */
export type AppCode =
  | NotFoundCode
  | ForbiddenCode
  | ConflictCode
  | ValidationCode
  | UnauthorizedCode
  | RateLimitedCode
  | PayloadTooLargeCode
  | UnavailableCode
  | GenericCode;

export type DomainErrorKind =
  | "not_found"
  | "forbidden"
  | "conflict"
  | "validation"
  | "rate_limited"
  | "unauthorized"
  | "payload_too_large"
  | "unavailable";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Stable snake_case code for clients to branch on, e.g. `email_taken`. */
    readonly appCode: AppCode,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "Resource", appCode: NotFoundCode = "not_found") {
    super("not_found", `${what} not found`, appCode);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You do not have permission to do this", appCode: ForbiddenCode = "forbidden") {
    super("forbidden", message, appCode);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, appCode: ConflictCode = "conflict") {
    super("conflict", message, appCode);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, appCode: ValidationCode = "validation_failed") {
    super("validation", message, appCode);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = "Not signed in", appCode: UnauthorizedCode = "unauthorized") {
    super("unauthorized", message, appCode);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string, appCode: PayloadTooLargeCode = "payload_too_large") {
    super("payload_too_large", message, appCode);
  }
}

/** A refusal that says when to ask again (a rate limit, an outage): the server sends `Retry-After`. */
export abstract class RetryLaterError extends DomainError {
  constructor(
    kind: "rate_limited" | "unavailable",
    message: string,
    appCode: RateLimitedCode | UnavailableCode,
    readonly retryAfterSeconds: number,
  ) {
    super(kind, message, appCode);
  }
}

export class RateLimitedError extends RetryLaterError {
  constructor(retryAfterSeconds: number, message = "Too many requests, try again later", appCode: RateLimitedCode = "rate_limited") {
    super("rate_limited", message, appCode, retryAfterSeconds);
  }
}

/** Something the service depends on (the database) is down for now; worth retrying later. */
export class ServiceUnavailableError extends RetryLaterError {
  constructor(
    retryAfterSeconds: number,
    message = "The service is temporarily unavailable, try again shortly",
    appCode: UnavailableCode = "service_unavailable",
  ) {
    super("unavailable", message, appCode, retryAfterSeconds);
  }
}

/** The retry hint a domain error carries (rate limits, outages), for a `Retry-After` header. */
export function retryAfterSecondsOf(error: unknown): number | null {
  return error instanceof RetryLaterError ? error.retryAfterSeconds : null;
}
