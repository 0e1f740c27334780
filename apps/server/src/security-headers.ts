// helmet's security headers, worked out once. helmet is thirteen middlewares, each setting or
// removing one header, and with its default options every response gets the same ones: running it
// per request cost ~0.07 ms of CPU, a tenth of what the bare baseline of `pnpm bench:http` spends on
// a whole read. So helmet runs once, against a recorder, and each response gets its recorded
// headers in one pass. security-headers.test.ts checks the recording against helmet on a real response.
import type { IncomingMessage, ServerResponse } from "node:http";
import helmet from "helmet";

type Change = { set: string; value: string | string[] } | { remove: string };

/** What helmet (with these options) does to every response, in order. */
export function recordHelmet(options?: Parameters<typeof helmet>[0]): Change[] {
  const changes: Change[] = [];
  const recorder = {
    setHeader(name: string, value: string | string[]) {
      changes.push({ set: name, value });
      return recorder;
    },
    removeHeader(name: string) {
      changes.push({ remove: name });
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {
    finished = true;
  });
  // helmet calls next synchronously; if a version ever stops doing so, recording would be wrong.
  if (!finished) throw new Error("helmet did not finish synchronously: its headers cannot be recorded");
  return changes;
}

/** Express middleware applying helmet's recorded headers. */
export function securityHeaders(options?: Parameters<typeof helmet>[0]) {
  const changes = recordHelmet(options);
  return (_req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    for (const change of changes) {
      if ("set" in change) res.setHeader(change.set, change.value);
      else res.removeHeader(change.remove);
    }
    next();
  };
}
