import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as Wasm from '@prisma/schema-engine-wasm';

export type SchemaEngine = Wasm.SchemaEngine;
export type { DiffTarget, HistoryDiagnostic, MigrationList, SchemaFilter, SchemasContainer } from '@prisma/schema-engine-wasm';

interface SchemaEngineBindings {
  SchemaEngine: typeof Wasm.SchemaEngine;
  version: typeof Wasm.version;
}

// The WebAssembly global, typed for the few calls made here (the project's `lib` has no DOM types).
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmRuntime };

let loaded: SchemaEngineBindings | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly.
 *
 * The package is ESM whose entry point does `import * as wasm from "./x.wasm"`, which Node 20 cannot do,
 * and whose glue file Jest's CommonJS runtime cannot require. So the glue (plain `export function` /
 * `export class` declarations, no imports) is evaluated here as a function body in the caller's realm,
 * and the .wasm is instantiated by hand against it, as the package's own entry point would.
 */
export function loadSchemaEngine(): SchemaEngineBindings {
  if (loaded) return loaded;

  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = readFileSync(gluePath, 'utf8');
  if (/^\s*import\s/m.test(glue)) {
    throw new Error(`Unexpected import statement in ${gluePath}; the schema engine loader needs updating`);
  }
  const exportNames = [...glue.matchAll(/^export (?:function|class) ([A-Za-z0-9_$]+)/gm)].map((match) => match[1]);
  const body = `${glue.replace(/^export (?=function |class )/gm, '')}\nreturn { ${exportNames.join(', ')} };`;
  // The glue reads `module.require` (to probe for node:crypto) and `global`; hand it both. Its timers
  // are the engine's timeouts (e.g. 10 s to take the advisory lock), never cleared once the work is
  // done: unreferenced, they no longer hold the process open after the migrations finished.
  const unrefTimeout = (callback: () => void, ms: number) => setTimeout(callback, ms).unref();
  // The glue is ESM source that neither Node 20 (it imports the .wasm) nor Jest's CommonJS runtime can load, so its
  // body is compiled here as a function; that is the loader's whole point, not a shortcut around an import.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the package's own glue, see above
  const evaluateGlue = new Function('module', 'global', 'setTimeout', body) as (
    module: { require: NodeJS.Require },
    global: typeof globalThis,
    setTimeout: typeof unrefTimeout,
  ) => Record<string, unknown> & { __wbg_set_wasm(exports: Record<string, unknown>): void };
  const imports = evaluateGlue({ require }, globalThis, unrefTimeout);

  // The engine reports Rust panics through this global registry; without it a panic surfaces as a bare trap.
  const registry = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
  registry.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (message: string) => void (lastPanic = message) };

  const wasmPath = path.join(path.dirname(gluePath), 'schema_engine_bg.wasm');
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports });
  imports.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();

  loaded = imports as unknown as SchemaEngineBindings;
  return loaded;
}

let lastPanic: string | undefined;

/** The message of the last panic inside the engine, to attach to the opaque error that follows it. */
export function takeLastEnginePanic(): string | undefined {
  const message = lastPanic;
  lastPanic = undefined;
  return message;
}
