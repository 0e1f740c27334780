// What every bench script does around its measurement: read its arguments (with a --quick size for
// a smoke run), tell its progress on stderr (stdout is the report), stop on Ctrl-C, and exit 1 only
// when it could not run.
import { parseArgs, type ParseArgsConfig } from "node:util";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Progress for the operator, on stderr, so stdout holds the report alone. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A script's arguments, without the literal "--" that `pnpm <script> -- --flag` passes first. */
export function scriptArgv(): string[] {
  const argv = process.argv.slice(2);
  if (argv[0] === "--") argv.shift();
  return argv;
}

/** A bad option: the script prints its message and exits 1. */
export class UsageError extends Error {}

/**
 * Parses the script's options (strict: an unknown flag is an error). `--help` prints the usage and
 * exits; `--quick` is always accepted, for `sizes()` below.
 */
const COMMON_OPTIONS = { quick: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } as const;
type Parsed<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof COMMON_OPTIONS; allowPositionals: false; strict: true }>>["values"];

export function parseOptions<const O extends OptionsConfig>(options: O, usage: string): Parsed<O> {
  const { values } = parseArgs({ args: scriptArgv(), options: { ...options, ...COMMON_OPTIONS }, allowPositionals: false, strict: true });
  // Inside this generic function the parsed type is not resolved yet; at the call site it is.
  if ((values as { help?: boolean }).help) {
    console.error(usage);
    process.exit(0);
  }
  return values as Parsed<O>;
}

export interface SizeSpec {
  default: number;
  /** The value under --quick, when the flag itself is not given. */
  quick?: number;
  min: number;
  max: number;
  integer?: boolean;
}

/**
 * The numeric options, each from its flag, else from the --quick size (when --quick is on), else the
 * default; checked against its bounds.
 */
export function sizes<const K extends string>(
  values: Partial<Record<NoInfer<K>, unknown>> & { quick?: boolean | undefined },
  specs: Record<K, SizeSpec>,
): Record<K, number> {
  const result = {} as Record<K, number>;
  for (const name of Object.keys(specs) as K[]) {
    const spec = specs[name];
    const raw = values[name];
    const value = raw === undefined ? (values.quick && spec.quick !== undefined ? spec.quick : spec.default) : Number(raw);
    if (!Number.isFinite(value) || value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
      throw new UsageError(`--${name} must be ${spec.integer ? "an integer" : "a number"} from ${spec.min} to ${spec.max}, got ${String(raw)}`);
    }
    result[name] = value;
  }
  return result;
}

/**
 * Runs a bench's body. A usage error or a failure to run prints one message and sets exit code 1;
 * the bench's own verdict (PASS/FAIL in its report) never changes the exit code.
 */
export function runScript(body: () => Promise<void>): void {
  body().catch((error: unknown) => {
    if (error instanceof UsageError) console.error(error.message);
    else progress(`could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}

/**
 * An AbortSignal that fires on the first Ctrl-C or SIGTERM, so a bench can stop its load and still
 * clean up (stop its server, drop its database) in its `finally`. `release()` restores the default.
 */
export function interruption(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping`);
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    release() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
