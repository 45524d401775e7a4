/**
 * `compareRuns(qrels, {name: run}, measures, {baseline})`: several systems against one baseline
 * on several measures in one call, as ranx's `compare` (Bassani, ECIR 2022) but with this
 * package's trec_eval-exact measures and its tests. Per system and measure, over the compared
 * queries q = 1..n (see "Queries"), with d_q = system_q − baseline_q:
 *
 * - `mean`: (1/n) Σ_q system_q; `delta`: mean(d) = mean(system) − mean(baseline);
 * - `ciLow`, `ciHigh`: the `ciLevel` (default 95%) confidence interval of the mean paired
 *   difference, t-based on the per-query differences (Student 1908):
 *   mean(d) ± t_{(1+level)/2, n−1} · sd(d)/√n with the n−1 sd (`meanConfidenceInterval` of d).
 *   At 95% it excludes 0 exactly when the paired t-test's unadjusted p < 0.05;
 * - `p.t`: two-sided paired t-test on d (`pairedTTest`; Student 1908, as scipy.stats.ttest_rel);
 * - `p.randomization`: two-sided paired randomization (sign-flip) test on |Σ d|
 *   (`randomizationTest`; Fisher 1935, Smucker, Allan & Carterette, CIKM 2007): exact over all
 *   2^n sign vectors when n <= `exactUpTo` (20), else `permutations` (10,000) Monte Carlo sign
 *   vectors from xoshiro128** seeded with `seed` (42), p = (1 + #{|S| >= |S_obs|}) / (1 + trials)
 *   (Phipson & Smyth 2010). Every comparison uses the same seed, so results are reproducible;
 * - `pAdjusted.<test>`: Holm's step-down adjustment (Holm, Scand. J. Statist. 1979),
 *   p~_(i) = max_{j<=i} min(1, (m − j + 1) p_(j)), over one family per test: with
 *   `family: "measure"` (default) the m = systems − 1 comparisons of one measure (each measure
 *   is its own question, as in compareToBaseline and most IR papers); with `family: "all"` all
 *   (systems − 1) × measures comparisons (a claim over every measure at once).
 *   `correction: "none"` keeps the raw p-values;
 * - `significant.<test>`: adjusted p < `alpha` (0.05); `direction`: "better" when delta > 0,
 *   "worse" when delta < 0, "equal" otherwise (every measure here grows with effectiveness).
 *
 * Queries: each run is evaluated with `evaluate` and the given options (trec_eval semantics):
 * by default a run counts the queries in both it and the qrels, and the comparison uses the
 * queries every run was evaluated on (paired tests need one query set; the others are listed
 * in `excludedQueries`); with `allQueries` (`-c`) every qrels query, a missing one scoring 0.
 */
import { from, type ColumnTable } from "arquero";
import { evaluate, type EvaluateOptions } from "../evaluate.js";
import type { Measure } from "../measures/index.js";
import { compareIds } from "../ranking.js";
import { meanConfidenceInterval } from "../stats/confidence-interval.js";
import { holm } from "../stats/holm.js";
import { randomizationTest } from "../stats/randomization.js";
import { pairedTTest } from "../stats/ttest.js";
import type { QrelsLike, RunLike } from "../types.js";
import { comparisonHtml, comparisonLatex, comparisonMarkdown, rowMarkers, type ComparisonFormatOptions } from "./comparison-format.js";
import type { ComparisonOptions, ComparisonData, ComparisonRow, ComparisonSettings, PerQueryScores } from "./types.js";

/** Options of {@link compareRuns}: the comparison's and `evaluate`'s. */
export interface CompareRunsOptions extends ComparisonOptions, EvaluateOptions {}

/** The result of {@link compareRuns}: the data, the arquero table and its renderings. */
export interface RunComparison extends ComparisonData {
  /** One row per system and measure: system, measure, n, mean, delta, ciLow, ciHigh, p_<test>, pHolm_<test>, direction, markers. */
  readonly table: ColumnTable;
  toMarkdown(options?: ComparisonFormatOptions): string;
  toLatex(options?: ComparisonFormatOptions): string;
  toHtml(options?: ComparisonFormatOptions): string;
}

function settingsOf(systems: readonly string[], options: ComparisonOptions): ComparisonSettings {
  if (systems.length === 0) throw new Error("compareRuns: no runs to compare");
  const baseline = options.baseline ?? systems[0]!;
  if (!systems.includes(baseline)) throw new Error(`compareRuns: baseline "${baseline}" is not one of the runs [${systems.join(", ")}]`);
  const tests = options.tests ?? ["t", "randomization"];
  for (const t of tests) if (t !== "t" && t !== "randomization") throw new Error(`compareRuns: unknown test "${String(t)}"; expected "t" or "randomization"`);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`compareRuns: alpha must be in (0, 1), got ${alpha}`);
  const ciLevel = options.ciLevel ?? 0.95;
  if (!(ciLevel > 0 && ciLevel < 1)) throw new Error(`compareRuns: ciLevel must be in (0, 1), got ${ciLevel}`);
  const correction = options.correction ?? "holm";
  if (correction !== "holm" && correction !== "none") throw new Error(`compareRuns: correction must be "holm" or "none", got "${String(correction)}"`);
  const family = options.family ?? "measure";
  if (family !== "measure" && family !== "all") throw new Error(`compareRuns: family must be "measure" or "all", got "${String(family)}"`);
  return { baseline, tests: [...tests], alpha, correction, family, ciLevel, permutations: options.permutations ?? 10_000, seed: options.seed ?? 42, exactUpTo: options.exactUpTo ?? 20 };
}

/** The queries every system has (in trec_eval order) and those only some have. */
function commonQueries(scores: ReadonlyMap<string, PerQueryScores>): { queries: string[]; excluded: string[] } {
  const all = new Set<string>();
  for (const s of scores.values()) for (const q of s.queries) all.add(q);
  const sets = [...scores.values()].map((s) => new Set(s.queries));
  const queries: string[] = [];
  const excluded: string[] = [];
  for (const q of all) (sets.every((set) => set.has(q)) ? queries : excluded).push(q);
  return { queries: queries.sort(compareIds), excluded: excluded.sort(compareIds) };
}

/** A system's values of `measure` on `queries`. */
function aligned(system: string, s: PerQueryScores, measure: string, queries: readonly string[]): Float64Array {
  const values = s.values.get(measure);
  if (values === undefined) throw new Error(`compareRuns: system "${system}" has no values of measure "${measure}" (it has ${[...s.values.keys()].join(", ")})`);
  const index = new Map(s.queries.map((q, i) => [q, i]));
  return Float64Array.from(queries, (q) => values[index.get(q)!]!);
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? NaN : sum / values.length;
}

/** Holm (or no) adjustment of the p-values in place, one family per key. */
function adjust(families: Map<string, { p: number; set: (adjusted: number) => void }[]>, correction: "holm" | "none"): void {
  for (const members of families.values()) {
    const adjusted = correction === "holm" ? holm(members.map((m) => m.p)) : members.map((m) => m.p);
    members.forEach((m, i) => m.set(adjusted[i]!));
  }
}

/**
 * Compares per-query values already computed (e.g. `evaluate` results, or values averaged over
 * seeds) of each named system with the baseline's on `measures`; the definitions are this
 * file's header. Throws on no systems, a baseline not among them, a measure a system lacks, or no
 * query common to every system.
 */
export function compareEvaluations(scores: ReadonlyMap<string, PerQueryScores>, measures: readonly string[], options: ComparisonOptions = {}): RunComparison {
  const systems = [...scores.keys()];
  const settings = settingsOf(systems, options);
  if (measures.length === 0) throw new Error("compareRuns: no measures given");
  const { queries, excluded } = commonQueries(scores);
  if (queries.length === 0) throw new Error(`compareRuns: no query was evaluated for every system [${systems.join(", ")}]`);
  const n = queries.length;
  const rows: { -readonly [K in keyof ComparisonRow]: ComparisonRow[K] }[] = [];
  const families = new Map<string, { p: number; set: (adjusted: number) => void }[]>();
  const base = new Map(measures.map((m) => [m, aligned(settings.baseline, scores.get(settings.baseline)!, m, queries)]));
  for (const system of systems) {
    for (const measure of measures) {
      const b = base.get(measure)!;
      const values = system === settings.baseline ? b : aligned(system, scores.get(system)!, measure, queries);
      const row: (typeof rows)[number] = { system, measure, n, mean: mean(values), delta: null, ciLow: null, ciHigh: null, p: {}, pAdjusted: {}, significant: {}, direction: null };
      rows.push(row);
      if (system === settings.baseline) continue;
      const d = values.map((v, i) => v - b[i]!);
      const ci = meanConfidenceInterval(d, settings.ciLevel);
      row.delta = ci.mean;
      row.ciLow = ci.low;
      row.ciHigh = ci.high;
      row.direction = ci.mean > 0 ? "better" : ci.mean < 0 ? "worse" : "equal";
      for (const test of settings.tests) {
        row.p[test] = null;
        row.pAdjusted[test] = null;
        row.significant[test] = false;
        if (n < 2) continue; // a paired test needs two queries
        const p =
          test === "t"
            ? pairedTTest(b, values).pValue
            : randomizationTest(b, values, { trials: settings.permutations, seed: settings.seed, exactUpTo: settings.exactUpTo }).pValue;
        row.p[test] = p;
        const key = settings.family === "all" ? test : `${test}\u0000${measure}`;
        if (!families.has(key)) families.set(key, []);
        families.get(key)!.push({
          p,
          set: (adjusted) => {
            row.pAdjusted[test] = adjusted;
            row.significant[test] = adjusted <= settings.alpha;
          },
        });
      }
    }
  }
  adjust(families, settings.correction);
  return withRenderings({ settings, systems, measures: [...measures], queries, excludedQueries: excluded, rows });
}

/**
 * Evaluates every run on `qrels` with `evaluate` (the trec_eval options in `options`) and
 * compares each with the baseline on `measures`: means, deltas, confidence intervals of the
 * paired differences, paired t-test and randomization test p-values, Holm-adjusted p-values and
 * direction markers, as an arquero table with Markdown, LaTeX and HTML renderings. The exact
 * definitions are in this file's header. Throws on an empty `runs`, a baseline not among them,
 * an unknown measure, or no query evaluated for every run.
 */
export function compareRuns(
  qrels: QrelsLike,
  runs: ReadonlyMap<string, RunLike> | Readonly<Record<string, RunLike>>,
  measures: readonly (string | Measure)[],
  options: CompareRunsOptions = {},
): RunComparison {
  const named = runs instanceof Map ? [...(runs as ReadonlyMap<string, RunLike>)] : Object.entries(runs as Record<string, RunLike>);
  settingsOf(named.map(([name]) => name), options); // fail on bad options before evaluating
  const evaluations = new Map(named.map(([name, run]) => [name, evaluate(qrels, run, measures, options)]));
  const names = [...evaluations.values()][0]!.measures.map((m) => m.name);
  return compareEvaluations(evaluations, names, options);
}

/** The comparison's arquero table (one row per system and measure, p-value columns per test). */
export function comparisonTable(data: ComparisonData): ColumnTable {
  const { tests } = data.settings;
  return from(
    data.rows.map((r) => ({
      system: r.system,
      measure: r.measure,
      n: r.n,
      mean: r.mean,
      delta: r.delta,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      ...Object.fromEntries(tests.flatMap((t) => [[`p_${t}`, r.p[t] ?? null], [`pHolm_${t}`, r.pAdjusted[t] ?? null]])),
      direction: r.direction,
      markers: rowMarkers(r, tests),
    })),
  );
}

/** The data with its table and `toMarkdown` / `toLatex` / `toHtml`. */
export function withRenderings(data: ComparisonData): RunComparison {
  return {
    ...data,
    table: comparisonTable(data),
    toMarkdown: (options) => comparisonMarkdown(data, options),
    toLatex: (options) => comparisonLatex(data, options),
    toHtml: (options) => comparisonHtml(data, options),
  };
}
