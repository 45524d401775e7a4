/** `i3 run <config>`: runs (or resumes) the experiment declared in a config file. */
import { loadExperimentFile } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { runExperiment } from "../runner/run-experiment.js";
import { resultsSummary } from "./summary.js";

/** Flags of `i3 run`. */
export interface RunCommandOptions {
  config?: string;
  resume?: boolean | string;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  verify?: boolean;
}

/** The config file from the positional argument or `--config`. */
export function configArgument(positional: string | undefined, options: { config?: string }, command: string): string {
  const file = positional ?? options.config;
  if (!file) throw new Error(`${command}: give a config file (i3 ${command} experiments/default.ts, or --config=...)`);
  if (positional && options.config && positional !== options.config) throw new Error(`${command}: two config files given (${positional} and ${options.config})`);
  return file;
}

/** Runs `i3 run`; prints the run folder and the results table on stdout. */
export async function runCommand(file: string | undefined, options: RunCommandOptions): Promise<void> {
  await runAndPrint(await loadExperimentFile(configArgument(file, options, "run")), options);
}

/** Runs (or resumes) `config` with the command's folders and flags; prints the run folder and the results table on stdout. */
export async function runAndPrint(config: ExperimentConfig, options: Omit<RunCommandOptions, "config">): Promise<void> {
  const result = await runExperiment(config, {
    ...(options.runsDir ? { runsDir: options.runsDir } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
    ...(options.verify ? { verify: true } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
  });
  process.stdout.write(`${result.runDir}\n\n${resultsSummary(result.metrics)}`);
}
