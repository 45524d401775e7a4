/**
 * Paired significance of systems against references, per measure, for the app's reports:
 * `@i3/metrics`' `compareEvaluations` (mean difference, its t-interval, the paired t-test and the
 * randomization test) on each pair, Holm-corrected across the pairs per measure and test. Used
 * where each system has its own reference (a sweep variant against the same system of the base
 * run, or any two systems of finished runs); comparisons against one baseline use
 * `compareEvaluations` directly.
 */
import { compareEvaluations, holm, rowMarkers, type ComparisonData, type ComparisonRow, type PerQueryScores } from "@i3/metrics";

/** Per-query values of one system: `values[m][i]` belongs to `queries[i]`. */
export interface PerQueryValues {
  readonly queries: readonly string[];
  readonly values: Readonly<Record<string, readonly number[]>>;
}

/** A significance test's outcome. */
export interface TestOutcome {
  readonly pValue: number;
  /** Holm-adjusted across the compared pairs. */
  readonly pHolm: number;
  readonly significant: boolean;
}

/** One system against its reference on one measure. */
export interface Comparison {
  readonly system: string;
  readonly measure: string;
  /** Paired queries. */
  readonly n: number;
  /** mean(system - reference) over the paired queries. */
  readonly meanDiff: number;
  /** 95% t-interval of the mean paired difference (absent with fewer than 2 paired queries). */
  readonly ciLow?: number;
  readonly ciHigh?: number;
  readonly tests: Partial<Record<SignificanceTest, TestOutcome>>;
}

/** Test names. */
export type SignificanceTest = "t" | "randomization";

/** Options of {@link comparePairs}. */
export interface SignificanceOptions {
  readonly tests: readonly SignificanceTest[];
  readonly alpha: number;
  readonly permutations: number;
  readonly seed: number;
  /** Holm family of the baseline comparisons (`measure` when absent). */
  readonly family?: "measure" | "all";
}

/** Per-query values as `@i3/metrics` takes them. */
export function scoresOf(values: PerQueryValues): PerQueryScores {
  return { queries: values.queries, values: new Map(Object.entries(values.values)) };
}

/** A system and the reference it is compared with. */
export interface ComparedPair {
  readonly reference: PerQueryValues;
  readonly system: PerQueryValues;
}

/**
 * Each system of `systems` against `baseline` on each measure with `compareEvaluations`: one
 * table, Holm over the systems per measure and test (or over everything with `family: "all"`).
 */
export function compareWithBaseline(
  baseline: { name: string; values: PerQueryValues },
  systems: ReadonlyMap<string, PerQueryValues>,
  measures: readonly string[],
  options: SignificanceOptions,
): ComparisonData {
  const scores = new Map([[baseline.name, scoresOf(baseline.values)], ...[...systems].map(([name, v]) => [name, scoresOf(v)] as const)]);
  const { settings, systems: names, measures: ms, queries, excludedQueries, rows } = compareEvaluations(scores, measures, {
    baseline: baseline.name,
    tests: options.tests,
    alpha: options.alpha,
    permutations: options.permutations,
    seed: options.seed,
    ...(options.family ? { family: options.family } : {}),
  });
  return { settings, systems: names, measures: ms, queries, excludedQueries, rows };
}

/**
 * Compares each pair's system with its own reference on each measure (paired on the queries both
 * have): per measure and test, one Holm family over every pair. The pairs may share a reference
 * or not (each variant against the same system of a base run).
 */
export function comparePairs(pairs: ReadonlyMap<string, ComparedPair>, measures: readonly string[], options: SignificanceOptions): Comparison[] {
  const raw = [...pairs].flatMap(([name, { reference, system }]): { name: string; measure: string; row: ComparisonRow | undefined }[] => {
    const shared = new Set(system.queries);
    if (!reference.queries.some((q) => shared.has(q))) return measures.map((measure) => ({ name, measure, row: undefined }));
    const { rows } = compareEvaluations(new Map([["reference", scoresOf(reference)], ["system", scoresOf(system)]]), measures, {
      baseline: "reference",
      tests: options.tests,
      correction: "none",
      alpha: options.alpha,
      permutations: options.permutations,
      seed: options.seed,
    });
    return rows.filter((r) => r.system === "system").map((row) => ({ name, measure: row.measure, row }));
  });
  const adjusted = new Map<string, number>();
  for (const measure of measures) {
    for (const test of options.tests) {
      const family = raw.filter((r) => r.measure === measure && typeof r.row?.p[test] === "number");
      holm(family.map((r) => r.row!.p[test]!)).forEach((p, i) => adjusted.set(`${family[i]!.name}\u0000${measure}\u0000${test}`, p));
    }
  }
  return raw.map(({ name, measure, row }) => {
    const tests: Partial<Record<SignificanceTest, TestOutcome>> = {};
    for (const test of options.tests) {
      const pHolm = adjusted.get(`${name}\u0000${measure}\u0000${test}`);
      if (pHolm !== undefined) tests[test] = { pValue: row!.p[test]!, pHolm, significant: pHolm <= options.alpha };
    }
    return {
      system: name,
      measure,
      n: row?.n ?? 0,
      meanDiff: row?.delta ?? NaN,
      ...(row && row.n >= 2 ? { ciLow: row.ciLow!, ciHigh: row.ciHigh! } : {}),
      tests,
    };
  });
}

/** The markers of a pair comparison (e.g. `▲†‡`: above its reference, both tests), empty when nothing is significant. */
export function markersOf(comparison: Comparison | undefined): string {
  if (!comparison) return "";
  const tests = Object.keys(comparison.tests) as SignificanceTest[];
  const significant = Object.fromEntries(tests.map((t) => [t, comparison.tests[t]!.significant]));
  const direction = comparison.meanDiff > 0 ? "better" : comparison.meanDiff < 0 ? "worse" : "equal";
  return rowMarkers({ significant, direction }, (["t", "randomization"] as const).filter((t) => tests.includes(t)));
}

/** The markers of `system` on `measure` in a baseline comparison (empty for the baseline, or when absent). */
export function baselineMarkers(comparison: ComparisonData | undefined, system: string, measure: string): string {
  const row = comparison?.rows.find((r) => r.system === system && r.measure === measure);
  return row && comparison ? rowMarkers(row, comparison.settings.tests) : "";
}
