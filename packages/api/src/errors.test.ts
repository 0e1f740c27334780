// Domain errors: the retry hint both retry-later errors carry, and appCodes checked by the compiler
// (the @ts-expect-error lines fail `pnpm typecheck` if a misspelt or misplaced code is accepted).
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  NotFoundError,
  RateLimitedError,
  retryAfterSecondsOf,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
  type AppCode,
} from "./errors.js";

describe("domain errors", () => {
  it("carry their kind and appCode, with a generic code by default", () => {
    expect(new ConflictError("Taken", "email_taken")).toMatchObject({ kind: "conflict", appCode: "email_taken", message: "Taken" });
    expect(new ValidationError("Bad")).toMatchObject({ kind: "validation", appCode: "validation_failed" });
    expect(new NotFoundError("Meeting")).toMatchObject({ kind: "not_found", appCode: "not_found", message: "Meeting not found" });
  });

  it("give a retry hint for rate limits and outages only", () => {
    const limited = new RateLimitedError(42);
    const down = new ServiceUnavailableError(5, "Down", "database_unavailable");
    expect(limited).toMatchObject({ kind: "rate_limited", appCode: "rate_limited", retryAfterSeconds: 42 });
    expect(down).toMatchObject({ kind: "unavailable", appCode: "database_unavailable", retryAfterSeconds: 5 });
    expect(retryAfterSecondsOf(limited)).toBe(42);
    expect(retryAfterSecondsOf(down)).toBe(5);
    expect(retryAfterSecondsOf(new UnauthorizedError())).toBeNull();
    expect(retryAfterSecondsOf(new Error("plain"))).toBeNull();
    expect(retryAfterSecondsOf(undefined)).toBeNull();
  });

  it("accept only the codes listed for their kind (checked at compile time)", () => {
    const codes: AppCode[] = ["email_taken", "invalid_input", "internal_server_error"];
    // @ts-expect-error a misspelt code is no AppCode
    const typo: AppCode = "email_taekn";
    // @ts-expect-error a conflict code on a validation error
    const misplaced = new ValidationError("Taken", "email_taken");
    // @ts-expect-error a code nobody sends
    const unknown = new ConflictError("Taken", "taken");
    expect([codes.length, typo, misplaced.appCode, unknown.appCode]).toEqual([3, "email_taekn", "email_taken", "taken"]);
  });
});
