/**
 * Loading `experiments/*.ts` at run time: from sources the CLI runs under tsx, so a dynamic
 * `import()` of the file works; the compiled CLI (`dist/`) imports `.mjs`/`.js` configs itself and
 * `.ts` ones through tsx when tsx is installed (in the workspace; not in an install from tarballs). The default export (or an export named `experiment` / `sweep`) is an experiment from
 * `defineExperiment` or a sweep from `defineSweep`.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isSweepDefinition, type SweepDefinition } from "../sweep/define.js";
import { parseExperiment } from "./define.js";
import type { ExperimentConfig } from "./schema.js";

/** What a config file declares. */
export type LoadedConfig = { kind: "experiment"; config: ExperimentConfig; path: string } | { kind: "sweep"; sweep: SweepDefinition; path: string };

/** The part of tsx's ESM API used here (`tsx/esm/api`). */
interface TsxApi {
  tsImport(specifier: string, parentUrl: string): Promise<Record<string, unknown>>;
}

/**
 * Imports a config module. The compiled CLI runs in plain Node, which imports no `.ts` file: such
 * a file then goes through tsx's `tsImport` when tsx is installed (the workspace's dev
 * dependency); without tsx (an install from tarballs) the error says what to do instead.
 */
async function importConfig(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    const tsxApi = "tsx/esm/api"; // not a dependency of this package: resolved at run time, when present
    const tsx = (await import(tsxApi).catch(() => undefined)) as TsxApi | undefined;
    if (tsx === undefined) {
      throw new Error(`${(error as Error).message}; plain Node runs this CLI and tsx is not installed: write the config as .mjs, or npm install tsx`, { cause: error });
    }
    const module = await tsx.tsImport(url, import.meta.url);
    // Outside a `"type": "module"` package tsx compiles the file to CommonJS: its exports are then
    // the namespace's `default`, marked `__esModule`.
    const inner = module["default"] as Record<string, unknown> | undefined;
    return typeof inner === "object" && inner !== null && inner["__esModule"] === true ? inner : module;
  }
}

/** Imports a config file and validates what it exports; errors name the file. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  const path = resolve(file);
  try {
    await stat(path);
  } catch {
    throw new Error(`${file}: config file not found (resolved to ${path})`);
  }
  let module: Record<string, unknown>;
  try {
    module = await importConfig(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${message}`, { cause: error });
  }
  const value = module["default"] ?? module["sweep"] ?? module["experiment"];
  if (value === undefined) throw new Error(`${file}: no default export (export default defineExperiment({...}) or defineSweep(...))`);
  if (isSweepDefinition(value)) return { kind: "sweep", sweep: value, path };
  return { kind: "experiment", config: parseExperiment(value, file), path };
}

/** Loads a file that must declare an experiment. */
export async function loadExperimentFile(file: string): Promise<ExperimentConfig> {
  const loaded = await loadConfigFile(file);
  if (loaded.kind !== "experiment") throw new Error(`${file}: declares a sweep; use i3 sweep ${file}`);
  return loaded.config;
}

/** Loads a file that must declare a sweep. */
export async function loadSweepFile(file: string): Promise<SweepDefinition> {
  const loaded = await loadConfigFile(file);
  if (loaded.kind !== "sweep") throw new Error(`${file}: declares a single experiment; use i3 run ${file}`);
  return loaded.sweep;
}
