export { appRouter, type AppRouter } from "./root.js";
export { createContextInner, type AuthUser, type Context, type InnerContextOptions } from "./context.js";
export { createCallerFactory } from "./trpc.js";
export * from "./errors.js";
export { silentLogger, type Logger } from "./logger.js";
export { checkReadiness, type Readiness } from "./health/service.js";
