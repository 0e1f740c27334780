// Which rate limits exist, how many actions each allows per window, and what it is keyed by. The
// mechanism that counts them (memory or Redis) is in limits.ts; callers name a limit from this table.

export interface LimitSpec {
  /** Actions allowed per window. */
  readonly points: number;
  /** Window length, counted from the first action in it. */
  readonly durationSeconds: number;
  /**
   * Once a key has used all its points it stays locked this long, rather than only until its
   * window ends (so the lock cannot be dodged by waiting out a window that began long ago).
   */
  readonly blockSeconds?: number;
}

/** Defaults; `createRateLimiter({ limits })` overrides any field of any limit. */
export const DEFAULT_LIMITS = {
  /** Failed logins per account (normalised email). Consumed before the password check, refunded on success. */
  loginAccount: { points: 5, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  /** Failed logins per client IP, across accounts (credential stuffing). */
  loginIp: { points: 30, durationSeconds: 15 * 60 },
  signupIp: { points: 10, durationSeconds: 60 * 60 },
  /** Verification resends and password resets per target email (mail bombing). */
  emailAction: { points: 3, durationSeconds: 15 * 60 },
  emailActionIp: { points: 20, durationSeconds: 60 * 60 },
  /** Invitations sent per workspace. */
  invite: { points: 50, durationSeconds: 60 * 60 },
  /** Ask Mind questions per user (each one costs model tokens). */
  askMind: { points: 30, durationSeconds: 60 },
  /** AI connection tests per workspace (each one is a request from the server to an admin-chosen URL). */
  aiConnectionTest: { points: 20, durationSeconds: 10 * 60 },
  /**
   * Wrong passwords per share link, from anywhere (guessing spread over many addresses). Consumed
   * before the check, refunded when the password is right.
   */
  sharePassword: { points: 10, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  /** Wrong share-link passwords per client IP, across links. */
  sharePasswordIp: { points: 30, durationSeconds: 15 * 60 },
  /** Calls per API key, whatever the procedure (API_KEY_RATE_LIMIT_PER_MINUTE sets the points). */
  apiKey: { points: 600, durationSeconds: 60 },
} as const satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof DEFAULT_LIMITS;
export type LimitOverrides = { readonly [K in LimitName]?: Partial<LimitSpec> };

export const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as LimitName[];

/** The table with `overrides` applied; throws on an unknown limit or a value the stores cannot hold. */
export function resolveLimits(overrides: LimitOverrides = {}): Map<LimitName, LimitSpec> {
  for (const name of Object.keys(overrides)) {
    if (!(name in DEFAULT_LIMITS)) throw new Error(`Unknown rate limit "${name}"`);
  }
  const resolved = new Map<LimitName, LimitSpec>();
  for (const name of LIMIT_NAMES) {
    const spec: LimitSpec = { ...DEFAULT_LIMITS[name], ...overrides[name] };
    // Both stores work in whole seconds and points; fractions would be truncated silently.
    const valid =
      Number.isInteger(spec.points) &&
      spec.points >= 1 &&
      Number.isInteger(spec.durationSeconds) &&
      spec.durationSeconds >= 1 &&
      (spec.blockSeconds === undefined || (Number.isInteger(spec.blockSeconds) && spec.blockSeconds >= 0));
    if (!valid) throw new Error(`Rate limit "${name}" needs whole positive points and seconds`);
    resolved.set(name, spec);
  }
  return resolved;
}
