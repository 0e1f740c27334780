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

/** A bad option value. */
export class UsageError extends Error {}

/** Says what is wrong with the command line and exits 1. */
export function usageError(message: string): never {
  console.error(message);
  process.exit(1);
}

const COMMON_OPTIONS = { quick: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } as const;
type Parsed<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof COMMON_OPTIONS; allowPositionals: false; strict: true }>
>["values"];

export interface SizeSpec {
  default: number;
  /** The value under --quick, when the flag itself is not given. */
  quick?: number;
  min: number;
  max: number;
  integer?: boolean;
}

/**
 * Parses the script's options (strict: an unknown flag is an error) and its numeric sizes (declared
 * as string options, read by `sizes()`). `--help` prints the usage and exits; `--quick` is always
 * accepted: a smoke run's sizes. A bad command line prints what is wrong and exits 1.
 */
export function parseOptions<const O extends OptionsConfig, const K extends string>(spec: {
  options: O;
  sizes: Record<K, SizeSpec>;
  usage: string;
}): { args: Parsed<O>; size: Record<K, number> } {
  try {
    const { values } = parseArgs({
      args: scriptArgv(),
      options: { ...spec.options, ...COMMON_OPTIONS },
      allowPositionals: false,
      strict: true,
    });
    const args: Parsed<O> = values;
    if ((values as { help?: boolean }).help) {
      console.error(spec.usage);
      process.exit(0);
    }
    return { args, size: sizes(values as Partial<Record<K, unknown>> & { quick?: boolean }, spec.sizes) };
  } catch (error) {
    // parseArgs throws TypeErrors with a code (ERR_PARSE_ARGS_UNKNOWN_OPTION...), sizes() UsageErrors.
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error)) usageError(`${error.message}\n${spec.usage}`);
    throw error;
  }
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
      throw new UsageError(
        `--${name} must be ${spec.integer ? "an integer" : "a number"} from ${spec.min} to ${spec.max}, got ${String(raw)}`,
      );
    }
    result[name] = value;
  }
  return result;
}

/**
 * Runs a bench's body. A failure to run prints one message and sets exit code 1; the bench's own
 * verdict (PASS/FAIL in its report) never changes the exit code.
 */
export function runScript(body: () => Promise<void>): void {
  body().catch((error: unknown) => {
    progress(`could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}

/**
 * An AbortSignal that fires on the first Ctrl-C or SIGTERM, so a bench can stop its load and still
 * clean up (stop its server, drop its database) in its `finally`. `release()` restores the default.
 */
export function interruption(): { signal: AbortSignal; release: () => void } {
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
