/**
 * Loading `experiments/*.ts` at run time: from sources the CLI runs under tsx, so a dynamic
 * `import()` of the file works; the compiled CLI (`dist/`, e.g. installed from a tarball) imports
 * `.mjs`/`.js` configs, and `.ts` ones only when a loader is registered. The default export (or an export named `experiment` / `sweep`) is an experiment from
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
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The compiled CLI (an install from tarballs) runs in plain Node, which imports no `.ts` file.
    const hint =
      (error as NodeJS.ErrnoException).code === "ERR_UNKNOWN_FILE_EXTENSION"
        ? " (plain Node runs this CLI: write the config as .mjs, or load TypeScript with NODE_OPTIONS=--import=tsx)"
        : "";
    throw new Error(`${file}: ${message}${hint}`, { cause: error });
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
