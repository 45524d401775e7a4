/** `i3 sweep <config>`: runs every run of a sweep and writes the sweep report. */
import { loadSweepFile } from "../config/load.js";
import { expandSweep } from "../sweep/define.js";
import { runSweep } from "../sweep/run-sweep.js";
import { comparisonLegend } from "@i3/metrics";
import { alignRight, resultsTable } from "../report/page.js";
import { configArgument } from "./run-command.js";

/** Flags of `i3 sweep`. */
export interface SweepCommandOptions {
  config?: string;
  resume?: boolean;
  concurrency?: number;
  runsDir?: string;
  cacheDir?: string;
  datasetsDir?: string;
  verify?: boolean;
}

/**
 * Runs `i3 sweep`; exits with code 1 when some run failed (the others are still reported). A
 * variant whose config does not validate (e.g. a mistyped path) stops the sweep before any run,
 * naming every such variant (a user error, exit 2).
 */
export async function sweepCommand(file: string | undefined, options: SweepCommandOptions): Promise<void> {
  const path = configArgument(file, options, "sweep");
  const sweep = await loadSweepFile(path);
  const invalid = expandSweep(sweep).filter((run) => run.error !== undefined);
  if (invalid.length > 0) {
    throw new Error(`${path}: ${invalid.length} variant(s) do not validate; nothing was run:\n${invalid.map((run) => run.error!.message).join("\n")}`);
  }
  const result = await runSweep(sweep, {
    ...(options.runsDir ? { runsDir: options.runsDir } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.datasetsDir ? { datasetsDir: options.datasetsDir } : {}),
    ...(options.verify ? { verify: true } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    resume: options.resume ?? false,
  });
  const failed = result.runs.filter((r) => r.status === "failed");
  const rows = result.metrics.rows
    .filter((r) => r.role !== "failed")
    .map((r) => ({ labels: { run: r.run, system: r.role === "compared" ? r.system : `${r.system} (${r.role})` }, values: r.aggregate, ...(r.sd ? { spreads: r.sd } : {}), markers: r.markers }));
  const legend = result.metrics.comparison ? comparisonLegend(result.metrics.comparison) : "No baseline run succeeded: no significance tests.";
  process.stdout.write(`${result.sweepDir}\n\n${resultsTable(rows, result.metrics.measures).toMarkdown(alignRight(result.metrics.measures))}\n\n${legend}\n`);
  if (failed.length > 0) {
    process.stderr.write(`i3 sweep: ${failed.length} of ${result.runs.length} runs failed:\n${failed.map((f) => `  ${f.name}: ${f.error}`).join("\n")}\n`);
    process.exitCode = 1;
  }
}
