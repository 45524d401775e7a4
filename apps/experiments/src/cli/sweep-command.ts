/** `i3 sweep <config>`: runs every run of a sweep and writes the sweep report, or lists what it would run (`--dry-run`). */
import { loadSweepFile } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { planRunStatus } from "../runner/dry-run.js";
import { expandSweep } from "../sweep/define.js";
import { runSweep, type SweepResult } from "../sweep/run-sweep.js";
import { comparisonLegend } from "@i3/metrics";
import { alignRight, resultsTable } from "../report/page.js";
import { sweepSplits } from "../report/sweep-metrics.js";
import { configArgument, folderOptions } from "./run-command.js";

/** Flags of `i3 sweep`. */
export interface SweepCommandOptions {
  config?: string;
  resume?: boolean;
  concurrency?: number;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  verify?: boolean;
  dryRun?: boolean;
  /** Redis URL: enqueue the runs for `i3 worker` processes instead of running them here. */
  queue?: string;
  /** With `queue`: print the state of every run and worker, then exit. */
  status?: boolean;
  /** With `queue`: write the sweep folder from the finished jobs (all must be finished), run nothing. */
  collect?: boolean;
  /** With `queue`: enqueue and exit without waiting. */
  detach?: boolean;
  /** With `queue`: remove this sweep's jobs (results included) and run every run again. */
  rerun?: boolean;
}

/**
 * Runs `i3 sweep`; exits with code 1 when some run failed (the others are still reported). A
 * variant whose config does not validate (e.g. a mistyped path) stops the sweep before any run,
 * naming every such variant (a user error, exit 2).
 */
export async function sweepCommand(file: string | undefined, options: SweepCommandOptions): Promise<void> {
  const path = configArgument(file, options, "sweep");
  const sweep = await loadSweepFile(path);
  const runs = expandSweep(sweep);
  const invalid = runs.filter((run) => run.error !== undefined);
  if (invalid.length > 0) {
    throw new Error(`${path}: ${invalid.length} variant(s) do not validate; nothing was run:\n${invalid.map((run) => run.error!.message).join("\n")}`);
  }
  if (options.dryRun) {
    process.stdout.write(await sweepRunStatus(runs.map((run) => ({ name: run.name, config: run.config! })), options));
    return;
  }
  const queueOnly = (["status", "collect", "detach", "rerun"] as const).filter((flag) => options[flag]);
  if (options.queue === undefined && queueOnly.length > 0) throw new Error(`sweep: --${queueOnly[0]} needs --queue redis://...`);
  if (options.queue !== undefined) {
    if (options.resume || options.concurrency !== undefined || options.verify || options.cacheDir || options.datasetsDir) {
      throw new Error("sweep --queue: --resume, --concurrency, --verify, --cache-dir and --datasets-dir are set on each i3 worker, not here");
    }
    const { distributedSweep } = await import("./distributed-sweep.js");
    const result = await distributedSweep(sweep, runs, { ...options, queue: options.queue });
    if (result) printSweepResult(result);
    return;
  }
  const result = await runSweep(sweep, {
    runs,
    ...folderOptions(options),
    ...(options.verify ? { verify: true } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    resume: options.resume ?? false,
  });
  printSweepResult(result);
}

/** Prints the sweep folder and its results table per evaluated split on stdout, the failed runs on stderr (exit code 1 when there are any). */
function printSweepResult(result: SweepResult): void {
  const failed = result.runs.filter((r) => r.status === "failed");
  const { measures } = result.metrics;
  const splits = sweepSplits(result.metrics);
  const tables = splits.map((split) => {
    const rows = split.rows
      .filter((r) => r.role !== "failed")
      .map((r) => ({ labels: { run: r.run, system: r.role === "compared" ? r.system : `${r.system} (${r.role})` }, values: r.aggregate, ...(r.sd ? { spreads: r.sd } : {}), markers: r.markers }));
    const legend = split.comparison ? comparisonLegend(split.comparison) : "No baseline run succeeded: no significance tests.";
    const heading = splits.length > 1 ? `${split.outOfDomain ? `out of domain: ${split.dataset}, ${split.split}` : `${split.splitKey} split`}\n\n` : "";
    return `${heading}${resultsTable(rows, measures).toMarkdown(alignRight(measures))}\n\n${legend}\n`;
  });
  process.stdout.write(`${result.sweepDir}\n\n${tables.join("\n")}`);
  if (failed.length > 0) {
    process.stderr.write(`i3 sweep: ${failed.length} of ${result.runs.length} runs failed:\n${failed.map((f) => `  ${f.name}: ${f.error}`).join("\n")}\n`);
    process.exitCode = 1;
  }
}

/**
 * `i3 sweep --dry-run`: per run of the sweep, how many of its stages the cache holds, and the
 * stages left to run over the whole sweep (a stage shared by several runs counted once).
 */
async function sweepRunStatus(runs: readonly { name: string; config: ExperimentConfig }[], options: SweepCommandOptions): Promise<string> {
  const toRun = new Set<string>();
  const lines: string[] = [];
  const width = Math.max(0, ...runs.map((r) => r.name.length));
  for (const run of runs) {
    const stages = await planRunStatus(run.config, folderOptions(options));
    const missing = stages.filter((s) => !s.cached);
    for (const s of missing) toRun.add(`${s.stage}/${s.hash}`);
    lines.push(`${run.name.padEnd(width)}  ${stages.length - missing.length} of ${stages.length} stages cached${missing.length > 0 ? `; to run: ${missing.map((s) => s.id).join(", ")}` : ""}`);
  }
  lines.push(`${runs.length} runs; ${toRun.size} distinct stages to run`);
  return `${lines.join("\n")}\n`;
}
