/**
 * `runSweep(sweep, options)`: runs every expanded run with a concurrency limit (default 1), keeps
 * going when one fails (its error is reported), then writes the sweep folder
 * `<runsDir>/<sweep>/<sweep-id>/` with `sweep.json` (runs, status, errors), `results.csv`,
 * `metrics.json` and `report.md` / `report.html`. All runs share one stage cache, so a sweep that
 * only changes the loss reuses the data, BM25 and negatives stages.
 */
import { join, resolve } from "node:path";
import { readdir, readFile } from "node:fs/promises";
import { stableHash, writeFileAtomic } from "@i3/core";
import { configHash } from "../config/define.js";
import { StageCache } from "../runner/cache.js";
import { createRunDir, readRunStatus } from "../runner/run-dir.js";
import { defaultRunsDir, runExperiment, type RunOptions, type RunResult } from "../runner/run-experiment.js";
import type { RunMetrics } from "../report/run-metrics.js";
import { buildSweepMetrics, type SweepMetrics, type SweepRunOutcome } from "../report/sweep-metrics.js";
import { sweepTable, writeSweepReport } from "../report/sweep-report.js";
import type { ColumnTable } from "arquero";
import { expandSweep, type SweepDefinition, type SweepRunSpec } from "./define.js";

/** Options of {@link runSweep}: those of each run, plus the concurrency override. */
export interface SweepOptions extends Omit<RunOptions, "resume" | "cache"> {
  /** Runs at once (default: the sweep's `concurrency`, itself 1 by default). */
  concurrency?: number;
  /** Reuse the latest complete run of each config, and continue unfinished ones. */
  resume?: boolean;
  /** The sweep's runs when the caller has expanded it already (`expandSweep(sweep)`); default: expanded here. */
  runs?: readonly SweepRunSpec[];
}

/** Result of {@link runSweep}. */
export interface SweepResult {
  readonly sweepDir: string;
  readonly sweepId: string;
  readonly runs: SweepRunOutcome[];
  readonly metrics: SweepMetrics;
  /** Every run's measures per system (see `sweepTable`). */
  readonly table: ColumnTable;
}

/** Runs `tasks` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The latest complete run of a config, as a result (for --resume). */
async function completeRun(runsDir: string, name: string, hash: string): Promise<RunMetrics & { runDir: string } | undefined> {
  const dir = join(runsDir, name);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  for (const entry of names.sort().reverse()) {
    const status = await readRunStatus(join(dir, entry));
    if (status?.configHash === hash && status.status === "complete") {
      const metrics = JSON.parse(await readFile(join(dir, entry, "metrics.json"), "utf8")) as RunMetrics;
      return { ...metrics, runDir: join(dir, entry) };
    }
  }
  return undefined;
}

/** Runs a sweep and writes its folder; never throws because one run failed. */
export async function runSweep(sweep: SweepDefinition, options: SweepOptions = {}): Promise<SweepResult> {
  const runsDir = resolve(options.runsDir ?? defaultRunsDir());
  const cache = new StageCache(resolve(options.cacheDir ?? join(runsDir, ".cache")));
  const specs = options.runs ?? expandSweep(sweep);
  const concurrency = options.concurrency ?? sweep.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`sweep ${sweep.name}: concurrency must be an integer >= 1, got ${concurrency}`);
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`[sweep ${sweep.name}] ${line}\n`);
  };
  log(`${specs.length} runs, ${concurrency} at a time`);
  const outcomes = await mapWithConcurrency(specs, concurrency, async (spec, i): Promise<SweepRunOutcome> => {
    const label = `${i + 1}/${specs.length} ${spec.name}`;
    if (!spec.config) {
      log(`${label}: invalid config: ${spec.error!.message}`);
      return { name: spec.name, changes: spec.changes, status: "failed", error: spec.error!.message };
    }
    try {
      if (options.resume) {
        const done = await completeRun(runsDir, spec.name, configHash(spec.config));
        if (done) {
          log(`${label}: reusing ${done.runDir}`);
          return { name: spec.name, changes: spec.changes, status: "ok", runDir: done.runDir, metrics: done };
        }
      }
      log(`${label}: running`);
      const result: RunResult = await runExperiment(spec.config, { ...options, runsDir, cache, resume: options.resume ?? false });
      log(`${label}: done`);
      return {
        name: spec.name,
        changes: spec.changes,
        status: "ok",
        runDir: result.runDir,
        metrics: result.metrics,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${label}: FAILED: ${message}`);
      return { name: spec.name, changes: spec.changes, status: "failed", error: message };
    }
  });

  return writeSweepFolder(sweep, specs, outcomes, runsDir, log);
}

/** The content key of a sweep's expanded runs (names and resolved configs): the sweep folder's hash, and the distributed queue's job key. */
export function sweepKey(specs: readonly SweepRunSpec[]): string {
  return stableHash(specs.map((s) => ({ name: s.name, config: s.config ?? null })));
}

/**
 * Writes the sweep folder `<runsDir>/<sweep>/<sweep-id>/` from the outcomes of its runs (in the
 * order of `specs`): sweep.json, metrics.json and the reports. Used by {@link runSweep} and by the
 * distributed sweep once every job is done. `extra` adds fields to each run of sweep.json (e.g.
 * the worker that ran it).
 */
export async function writeSweepFolder(
  sweep: SweepDefinition,
  specs: readonly SweepRunSpec[],
  outcomes: SweepRunOutcome[],
  runsDir: string,
  log: (line: string) => void,
  extra: readonly Record<string, unknown>[] = [],
): Promise<SweepResult> {
  const { runId: sweepId, dir } = await createRunDir(join(runsDir, sweep.name), sweepKey(specs));
  const metrics = buildSweepMetrics(sweep, sweepId, outcomes);
  const runs = outcomes.map(({ metrics: _m, ...rest }, i) => ({ ...rest, ...extra[i] }));
  await writeFileAtomic(
    join(dir, "sweep.json"),
    `${JSON.stringify({ sweep: sweep.name, sweepId, base: sweep.base, grid: sweep.grid, variants: sweep.variants, runs }, null, 2)}\n`,
  );
  await writeFileAtomic(join(dir, "metrics.json"), `${JSON.stringify(metrics)}\n`);
  await writeSweepReport(dir, metrics);
  const failed = outcomes.filter((o) => o.status === "failed").length;
  log(`${outcomes.length - failed} ok, ${failed} failed: ${join(dir, "report.html")}`);
  return { sweepDir: dir, sweepId, runs: outcomes, metrics, table: sweepTable(metrics) };
}
