/**
 * Paired tests between any two systems of finished runs, beyond the report's (which tests every
 * system against the config's baseline): e.g. a distilled model against its undistilled twin, or
 * a variant of one sweep run against a system of another. Each pair is tested on the per-query
 * values of `metrics.json` (averaged over seeds there), with `comparePairs`: per measure and
 * test, one Holm family over the pairs.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { readRunMetrics } from "./run-report.js";
import type { RunMetrics, SystemMetrics } from "./run-metrics.js";
import { comparePairs, type Comparison, type PerQueryValues, type SignificanceOptions } from "./significance.js";

/** The scripts' defaults: both tests, alpha 0.05, 10,000 permutations, seed 42. */
export const PAIR_TEST_DEFAULTS: SignificanceOptions = { tests: ["t", "randomization"], alpha: 0.05, permutations: 10_000, seed: 42 };

/**
 * `metrics.json` of the latest finished run of `experiment` under `runsDir` (run ids sort by
 * time); throws naming the folder when there is none.
 */
export async function latestRunMetrics(runsDir: string, experiment: string): Promise<RunMetrics> {
  const dir = join(runsDir, experiment);
  let ids: string[];
  try {
    ids = await readdir(dir);
  } catch {
    throw new Error(`${dir}: no such folder; run the experiment ${experiment} first (or name another runs folder)`);
  }
  const finished: string[] = [];
  for (const id of ids.sort()) {
    if (id.startsWith(".")) continue;
    const files = await readdir(join(dir, id)).catch(() => [] as string[]);
    if (files.includes("metrics.json")) finished.push(id);
  }
  if (finished.length === 0) throw new Error(`${dir}: no finished run (a folder with metrics.json); run the experiment ${experiment} first`);
  return readRunMetrics(join(dir, finished.at(-1)!));
}

/** A system's per-query values on `measures`, as the significance module takes them. */
export function systemPerQuery(system: SystemMetrics, measures: readonly string[]): PerQueryValues {
  return { queries: system.queries, values: Object.fromEntries(measures.map((m) => [m, system.queries.map((q) => system.perQuery[q]![m]!)])) };
}

/** One tested pair: `system` against `reference`. */
export interface SystemPair {
  readonly reference: SystemMetrics;
  readonly system: SystemMetrics;
}

/**
 * Tests each named pair on each measure (mean difference system - reference, p-values raw and
 * Holm-adjusted over the pairs per measure and test). The two systems of a pair must have been
 * evaluated on the same queries: a pair that was not throws instead of being tested on a subset.
 */
export function compareSystemPairs(pairs: ReadonlyMap<string, SystemPair>, measures: readonly string[], options: SignificanceOptions = PAIR_TEST_DEFAULTS): Comparison[] {
  for (const [name, { reference, system }] of pairs) {
    if (reference.queries.length !== system.queries.length || reference.queries.some((q, i) => q !== system.queries[i])) {
      throw new Error(`${name}: the two systems were evaluated on different queries (${reference.queries.length} vs ${system.queries.length})`);
    }
  }
  const compared = new Map([...pairs].map(([name, p]) => [name, { reference: systemPerQuery(p.reference, measures), system: systemPerQuery(p.system, measures) }]));
  return comparePairs(compared, measures, options);
}

/** One line per comparison: `nDCG@10  b - a: +0.0123  p(t) 0.0010 (Holm 0.0040)  p(randomization) ...`. */
export function formatComparisons(comparisons: readonly Comparison[]): string[] {
  return comparisons.map(({ system, measure, meanDiff, tests }) => {
    const p = Object.entries(tests).map(([test, o]) => `p(${test}) ${o.pValue.toFixed(4)} (Holm ${o.pHolm.toFixed(4)})`);
    return `${measure}  ${system}: ${meanDiff >= 0 ? "+" : ""}${meanDiff.toFixed(4)}  ${p.join("  ")}`;
  });
}
