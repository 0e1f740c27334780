export { DEFAULT_LIMITS, LIMIT_NAMES, type LimitName, type LimitOverrides, type LimitSpec } from "./policies.js";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions, type RateLimitStatus } from "./limits.js";
