/**
 * The results of a sweep: per evaluated split of the base config (its `evaluation.splits`, then
 * each `outOfDomain` dataset's split), one row per (run, system), each compared with the sweep's
 * baseline on that split (the base config's `baseline` system in the first successful run) by
 * `@i3/metrics`' `compareEvaluations` (delta, its 95% CI, the paired t-test and the randomization
 * test, Holm-corrected across all compared rows per measure). A row whose per-query values equal
 * the baseline's (the same system reused from the cache) is marked as such and not tested. When
 * the sweep includes its base run, every variant's system is also tested against the same system
 * in the base run (an ablation against what it ablates), Holm-corrected across those rows as a
 * second family: `versusBase`. The first split's results are the top level of `metrics.json`
 * (as before out-of-domain evaluation existed); the others are in `otherSplits`.
 */
import type { ComparisonData, MeanInterval } from "@i3/metrics";
import type { SweepDefinition } from "../sweep/define.js";
import { evaluatedSplits, type EvaluatedSplit, type RunMetrics, type SystemMetrics } from "./run-metrics.js";
import { baselineMarkers, comparePairs, compareWithBaseline, type ComparedPair, type Comparison, type PerQueryValues } from "./significance.js";

/** How one run of a sweep ended. */
export interface SweepRunOutcome {
  readonly name: string;
  readonly changes: Record<string, unknown>;
  readonly status: "ok" | "failed";
  readonly runDir?: string;
  readonly error?: string;
  readonly metrics?: RunMetrics;
}

/** One row of the sweep table. */
export interface SweepRow {
  readonly run: string;
  readonly system: string;
  readonly label: string;
  /** `path=value; ...` of the variant. */
  readonly changes: string;
  readonly role: "baseline" | "same-as-baseline" | "compared" | "failed";
  readonly runDir?: string;
  readonly error?: string;
  readonly aggregate: Record<string, number>;
  /** Mean and 95% CI of the main measure. */
  readonly ci?: MeanInterval;
  /** Standard deviation over seeds per measure, when the run had several seeds. */
  readonly sd?: Record<string, number>;
  readonly markers: Record<string, string>;
  /** The run's value at each grid path (its grid point, else the base config's value): the axes of the sweep's heatmap. */
  readonly settings?: Record<string, unknown>;
}

/** A sweep's results on one evaluated split. */
export interface SweepSplitResults {
  /** The split's key in each run's `metrics.json` (`test`; out of domain `<dataset>:<split>`). */
  readonly splitKey: string;
  /** The dataset and its split evaluated (absent in sweep metrics written before out-of-domain evaluation existed). */
  readonly dataset?: string;
  readonly split?: string;
  /** True for a dataset of the base config's `outOfDomain` (zero-shot). */
  readonly outOfDomain?: boolean;
  readonly baseline?: { run: string; system: string };
  readonly rows: SweepRow[];
  /** The compared rows (labels `<run> / <system>`) against the baseline, when a baseline run succeeded. */
  readonly comparison?: ComparisonData;
  /** Each variant's system against the same system in the base run (when the sweep includes it). */
  readonly versusBase?: { readonly run: string; readonly comparisons: Comparison[] };
}

/** The sweep's `metrics.json`: the first evaluated split's results at the top level, the other splits' in `otherSplits`. */
export interface SweepMetrics extends SweepSplitResults {
  readonly sweep: string;
  readonly sweepId: string;
  readonly mainMeasure: string;
  readonly measures: string[];
  readonly significance: { tests: string[]; alpha: number; correction: "holm"; family: "measure" | "all" };
  /** The grid's dotted paths, in grid order (each row's `settings` has a value for each). */
  readonly axes?: string[];
  /** The base config's other evaluated splits (further `evaluation.splits`, then out-of-domain datasets), absent when it evaluates one. */
  readonly otherSplits?: SweepSplitResults[];
}

/** Every split of a sweep's metrics, the first (top-level) one first. */
export function sweepSplits(m: SweepMetrics): SweepSplitResults[] {
  return [m, ...(m.otherSplits ?? [])];
}

function valuesOf(m: SystemMetrics, measures: readonly string[]): PerQueryValues {
  return { queries: m.queries, values: Object.fromEntries(measures.map((x) => [x, m.queries.map((q) => m.perQuery[q]![x]!)])) };
}

function sameValues(a: PerQueryValues, b: PerQueryValues, measures: readonly string[]): boolean {
  if (a.queries.length !== b.queries.length || a.queries.some((q, i) => q !== b.queries[i])) return false;
  return measures.every((m) => a.values[m]!.every((v, i) => v === b.values[m]![i]));
}

/** Nested patches as dotted paths: `{ losses: { reconstruction: undefined } }` -> `losses.reconstruction`. */
function flattenChanges(changes: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(changes).flatMap(([key, value]): [string, unknown][] => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    const nested = typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
    return nested ? flattenChanges(value as Record<string, unknown>, path) : [[path, value]];
  });
}

/** The value at a dotted path of a config (undefined when a segment is missing). */
function valueAt(config: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), config);
}

/** A run's value at each grid path: what its patch sets there, else the base config's value. */
export function gridSettings(base: unknown, paths: readonly string[], changes: Record<string, unknown>): Record<string, unknown> {
  const set = new Map(flattenChanges(changes));
  return Object.fromEntries(paths.map((path) => [path, set.has(path) ? set.get(path) : valueAt(base, path)]));
}

/** `path=value; ...` of a variant; a patch that deletes a field (value undefined) shows `(removed)`. */
export function describeChanges(changes: Record<string, unknown>): string {
  return flattenChanges(changes)
    .map(([k, v]) => `${k}=${v === undefined ? "(removed)" : typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("; ");
}

/** Builds the sweep table and its significance tests on every split the base config evaluates. */
export function buildSweepMetrics(sweep: SweepDefinition, sweepId: string, outcomes: readonly SweepRunOutcome[]): SweepMetrics {
  const base = sweep.base;
  const { measures, mainMeasure, significance } = base.evaluation;
  const axes = Object.keys(sweep.grid);
  const [first, ...others] = evaluatedSplits(base).map((split) => buildSplitResults(sweep, outcomes, split));
  return {
    sweep: sweep.name,
    sweepId,
    mainMeasure,
    measures: [...measures],
    significance: { tests: [...significance.tests], alpha: significance.alpha, correction: "holm", family: significance.family ?? "measure" },
    ...(axes.length > 0 ? { axes } : {}),
    ...first!,
    ...(others.length > 0 ? { otherSplits: others } : {}),
  };
}

/** One split's rows, their comparison with the baseline and (with the base run included) with the base run. */
function buildSplitResults(sweep: SweepDefinition, outcomes: readonly SweepRunOutcome[], evaluated: EvaluatedSplit): SweepSplitResults {
  const base = sweep.base;
  const splitKey = evaluated.key;
  const { measures, mainMeasure, significance } = base.evaluation;
  const reference = outcomes.find((o) => o.status === "ok" && o.metrics?.splits[splitKey]?.systems[base.baseline]);
  const referenceValues = reference ? valuesOf(reference.metrics!.splits[splitKey]!.systems[base.baseline]!, measures) : undefined;

  const axes = Object.keys(sweep.grid);
  const compared = new Map<string, PerQueryValues>();
  const draft: Omit<SweepRow, "markers">[] = [];
  for (const outcome of outcomes) {
    const changes = describeChanges(outcome.changes);
    const systems = outcome.metrics?.splits[splitKey]?.systems;
    if (outcome.status === "failed" || !systems) {
      draft.push({ run: outcome.name, system: "–", label: outcome.name, changes, role: "failed", error: outcome.error ?? `no ${splitKey} results`, aggregate: {} });
      continue;
    }
    for (const [system, m] of Object.entries(systems)) {
      const label = `${outcome.name} / ${system}`;
      const values = valuesOf(m, measures);
      let role: SweepRow["role"] = "compared";
      if (outcome === reference && system === base.baseline) role = "baseline";
      else if (referenceValues && sameValues(values, referenceValues, measures)) role = "same-as-baseline";
      else if (referenceValues && values.queries.some((q) => referenceValues.queries.includes(q))) compared.set(label, values);
      const settings = axes.length > 0 ? { settings: gridSettings(base, axes, outcome.changes) } : {};
      draft.push({ run: outcome.name, system, label, changes, role, ...(outcome.runDir ? { runDir: outcome.runDir } : {}), aggregate: m.aggregate, ci: m.ci[mainMeasure]!, ...(m.seeds ? { sd: m.seeds.sd } : {}), ...settings });
    }
  }
  const baselineLabel = reference ? `${reference.name} / ${base.baseline}` : "";
  const comparison = referenceValues ? compareWithBaseline({ name: baselineLabel, values: referenceValues }, compared, measures, { ...significance, seed: base.seed }) : undefined;
  const versusBase = sweep.includeBase ? compareWithBaseRun(outcomes.find((o) => o.name === base.name), outcomes, splitKey, measures, { ...significance, seed: base.seed }) : undefined;
  const rows = draft.map((row) => ({
    ...row,
    markers: Object.fromEntries(measures.map((m) => [m, row.role === "compared" ? baselineMarkers(comparison, row.label, m) : ""])),
  }));
  return {
    splitKey,
    dataset: evaluated.dataset,
    split: evaluated.split,
    ...(evaluated.outOfDomain ? { outOfDomain: true } : {}),
    ...(reference ? { baseline: { run: reference.name, system: base.baseline } } : {}),
    rows,
    ...(comparison ? { comparison } : {}),
    ...(versusBase ? { versusBase } : {}),
  };
}

/**
 * Each variant's systems against the same system of the base run: one paired comparison per
 * (variant, system) whose per-query values differ from the base run's, one Holm family per
 * measure over all of them (labels `<run> / <system>`).
 */
function compareWithBaseRun(
  baseRun: SweepRunOutcome | undefined,
  outcomes: readonly SweepRunOutcome[],
  splitKey: string,
  measures: readonly string[],
  options: Parameters<typeof comparePairs>[2],
): { run: string; comparisons: Comparison[] } | undefined {
  const baseSystems = baseRun?.status === "ok" ? baseRun.metrics?.splits[splitKey]?.systems : undefined;
  if (!baseRun || !baseSystems) return undefined;
  const pairs = new Map<string, ComparedPair>();
  for (const [system, base] of Object.entries(baseSystems)) {
    const reference = valuesOf(base, measures);
    for (const outcome of outcomes) {
      const m = outcome !== baseRun && outcome.status === "ok" ? outcome.metrics?.splits[splitKey]?.systems[system] : undefined;
      if (m === undefined) continue;
      const values = valuesOf(m, measures);
      if (!sameValues(values, reference, measures)) pairs.set(`${outcome.name} / ${system}`, { reference, system: values });
    }
  }
  return { run: baseRun.name, comparisons: pairs.size > 0 ? comparePairs(pairs, measures, options) : [] };
}
