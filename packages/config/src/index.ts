export { EnvError, envSchema, loadEnv, loadTestEnv, parseEnv, type Env } from "./env.js";
