export { createApp, type AppDeps } from "./app.js";
export { createLogger } from "./logger.js";
export { startServer, type RunningServer } from "./server.js";
