// How a call failed, for tests' assertions (undefined when it succeeded).

/** The tRPC error code (e.g. NOT_FOUND). */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );
}

/** The tRPC code and the domain error's appCode (a server-side caller keeps it as the cause). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; appCode?: string } | undefined> {
  return promise.then(
    () => undefined,
    (error: { code?: string; cause?: { appCode?: string } }) => ({ code: error.code, appCode: error.cause?.appCode }),
  );
}

/** The error a call failed with, which must be a `type`: anything else (or success) fails the test. */
export async function failureOf<T>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const outcome = await promise.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) throw new Error(`expected the call to fail with ${type.name}, but it succeeded`);
  if (outcome.error instanceof type) return outcome.error;
  throw new Error(`expected the call to fail with ${type.name}, got ${String(outcome.error)}`);
}
