export {
  createRateLimiter,
  DEFAULT_LIMITS,
  LIMIT_NAMES,
  type LimitName,
  type LimitOverrides,
  type LimitSpec,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitStatus,
} from "./limits.js";
