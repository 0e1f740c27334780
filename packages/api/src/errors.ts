// The domain errors services throw. They know nothing of tRPC or HTTP; trpc.ts maps them.

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
    readonly appCode: string = kind,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "Resource", appCode = "not_found") {
    super("not_found", `${what} not found`, appCode);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You do not have permission to do this", appCode = "forbidden") {
    super("forbidden", message, appCode);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, appCode = "conflict") {
    super("conflict", message, appCode);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, appCode = "validation_failed") {
    super("validation", message, appCode);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = "Not signed in", appCode = "unauthorized") {
    super("unauthorized", message, appCode);
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests, try again later",
    appCode = "rate_limited",
  ) {
    super("rate_limited", message, appCode);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string, appCode = "payload_too_large") {
    super("payload_too_large", message, appCode);
  }
}

/** Something the service depends on (the database) is down for now; worth retrying later. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = "The service is temporarily unavailable, try again shortly",
    appCode = "service_unavailable",
  ) {
    super("unavailable", message, appCode);
  }
}

/** The retry hint a domain error carries (rate limits, outages), for a `Retry-After` header. */
export function retryAfterSecondsOf(error: unknown): number | null {
  return error instanceof RateLimitedError || error instanceof ServiceUnavailableError ? error.retryAfterSeconds : null;
}
