// Loads Prisma's schema engine, compiled to wasm (@prisma/schema-engine-wasm), once per process:
// an internal, pinned Prisma package (see engine.ts).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as engineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";

// The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20
// cannot load (ESM wasm integration is not enabled there). So we load its JS glue directly and
// instantiate the .wasm ourselves, the way that entry point would.

// Node has WebAssembly, but this project's TypeScript libs (ES2023 + @types/node) do not declare it.
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => WasmInstance;
}
const { WebAssembly: wasmRuntime } = globalThis as unknown as { WebAssembly: WasmRuntime };

// Rust panics inside the engine report their message through this global (see `set_message` in
// the glue); without it a panic surfaces as a bare "unreachable".
interface PanicRegistry {
  get(): string;
  set_message(message: string): void;
}
const panicHost = globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };

/** The glue module holds the instance in a module-level variable: it must be initialised once. */
function glueIsInitialised(): boolean {
  try {
    engineGlue.version();
    return true;
  } catch {
    return false;
  }
}

let loading: Promise<void> | undefined;

function loadEngineWasm(): Promise<void> {
  loading ??= (async () => {
    // The .wasm is not in the package's "exports"; it sits next to the glue, which is.
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    // Checked again after the await, synchronously with the set-up: a second copy of this module
    // (vitest re-evaluates source files per test file, but shares the glue from node_modules) may
    // have initialised the glue meanwhile, and initialising it twice would corrupt it.
    if (glueIsInitialised()) return;
    if (!panicHost.PRISMA_WASM_PANIC_REGISTRY) {
      let message = "";
      panicHost.PRISMA_WASM_PANIC_REGISTRY = {
        get: () => message,
        set_message: (value) => {
          message = `RuntimeError: ${value}`;
        },
      };
    }
    const instance = new wasmRuntime.Instance(new wasmRuntime.Module(bytes), {
      "./schema_engine_bg.js": engineGlue,
    });
    engineGlue.__wbg_set_wasm(instance.exports);
    const start = instance.exports["__wbindgen_start"];
    if (typeof start !== "function") throw new Error("@prisma/schema-engine-wasm: __wbindgen_start is missing");
    // WebAssembly exports are typed as bare `Function`s; wasm-bindgen's start takes no arguments.
    (start as () => void)();
  })();
  loading.catch(() => {
    loading = undefined; // let a later call retry, e.g. after a transient read error
  });
  return loading;
}

/** The engine's class, once its wasm is loaded and initialised. */
export async function loadSchemaEngine(): Promise<typeof engineGlue.SchemaEngine> {
  await loadEngineWasm();
  return engineGlue.SchemaEngine;
}

/** What the engine's last Rust panic said, if it panicked (it then throws a bare RuntimeError). */
export function lastPanicMessage(): string | undefined {
  return panicHost.PRISMA_WASM_PANIC_REGISTRY?.get();
}
