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
