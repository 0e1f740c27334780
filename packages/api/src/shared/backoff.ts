// The one retry-delay rule: exponential, capped, with "equal jitter". Instances that failed
// together (an SMTP or model outage) spread their retries, yet no retry comes sooner than half
// the nominal delay. The job queue, the email outbox and the model client all wait this way.

export interface BackoffPolicy {
  /** The nominal delay before the first retry. */
  baseMs: number;
  /** No nominal delay exceeds this. */
  capMs: number;
}

/** Milliseconds to wait before retry number `retry` (0 = the first retry). */
export function backoffDelay(policy: BackoffPolicy, retry: number): number {
  const nominal = Math.min(policy.baseMs * 2 ** Math.max(0, retry), policy.capMs);
  return nominal / 2 + Math.random() * (nominal / 2);
}
