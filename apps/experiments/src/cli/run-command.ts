/** `i3 run <config>`: runs (or resumes) the experiment declared in a config file, or lists its stages (`--dry-run`). */
import { loadExperimentFile } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { formatRunStatus, planRunStatus } from "../runner/dry-run.js";
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
  dryRun?: boolean;
}

/** The config file from the positional argument or `--config`. */
export function configArgument(positional: string | undefined, options: { config?: string }, command: string): string {
  const file = positional ?? options.config;
  if (!file) throw new Error(`${command}: give a config file (i3 ${command} experiments/default.ts, or --config=...)`);
  if (positional && options.config && positional !== options.config) throw new Error(`${command}: two config files given (${positional} and ${options.config})`);
  return file;
}

/** Runs `i3 run`; prints the run folder and the results table on stdout (with `--dry-run`: every stage, cached or to run). */
export async function runCommand(file: string | undefined, options: RunCommandOptions): Promise<void> {
  const config = await loadExperimentFile(configArgument(file, options, "run"));
  if (options.dryRun) {
    if (options.resume !== undefined) throw new Error("run: --dry-run and --resume exclude each other (a dry run lists stages; it runs nothing)");
    process.stdout.write(formatRunStatus(await planRunStatus(config, folderOptions(options))));
    return;
  }
  await runAndPrint(config, options);
}

/** The folder flags given, as runner options. */
export function folderOptions(options: Pick<RunCommandOptions, "runsDir" | "cacheDir" | "datasetsDir">): { runsDir?: string; cacheDir?: string; datasetsDir?: string } {
  return {
    ...(options.runsDir ? { runsDir: options.runsDir } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
  };
}

/** Runs (or resumes) `config` with the command's folders and flags; prints the run folder and the results table on stdout. */
export async function runAndPrint(config: ExperimentConfig, options: Omit<RunCommandOptions, "config">): Promise<void> {
  const result = await runExperiment(config, {
    ...folderOptions(options),
    ...(options.verify ? { verify: true } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
  });
  process.stdout.write(`${result.runDir}\n\n${resultsSummary(result.metrics)}`);
}
