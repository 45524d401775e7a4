/**
 * Paired significance of systems against a baseline, per measure: the paired t-test and the
 * randomization test of `@i3/metrics` (`compareToBaseline`), each Holm-corrected across the
 * compared systems. Per-query values are paired on the queries both systems were evaluated on.
 */
import { compareToBaseline, holm } from "@i3/metrics";

/** Per-query values of one system: `values[m][i]` belongs to `queries[i]`. */
export interface PerQueryValues {
  readonly queries: readonly string[];
  readonly values: Readonly<Record<string, readonly number[]>>;
}

/** A significance test's outcome. */
export interface TestOutcome {
  readonly pValue: number;
  /** Holm-adjusted across the compared systems. */
  readonly pHolm: number;
  readonly significant: boolean;
}

/** One system against the baseline on one measure. */
export interface Comparison {
  readonly system: string;
  readonly measure: string;
  /** Paired queries. */
  readonly n: number;
  /** mean(system - baseline) over the paired queries. */
  readonly meanDiff: number;
  readonly tests: Partial<Record<SignificanceTest, TestOutcome>>;
}

/** Test names. */
export type SignificanceTest = "t" | "randomization";

/** Marker shown next to a value significantly different from the baseline (Holm, alpha). */
export const MARKERS: Record<SignificanceTest, string> = { t: "†", randomization: "‡" };

/** Options of {@link compareWithBaseline}. */
export interface SignificanceOptions {
  readonly tests: readonly SignificanceTest[];
  readonly alpha: number;
  readonly permutations: number;
  readonly seed: number;
}

function paired(baseline: PerQueryValues, system: PerQueryValues, measure: string): { a: number[]; b: number[] } {
  const index = new Map(system.queries.map((q, i) => [q, i]));
  const a: number[] = [];
  const b: number[] = [];
  const av = baseline.values[measure] ?? [];
  const bv = system.values[measure] ?? [];
  baseline.queries.forEach((q, i) => {
    const j = index.get(q);
    if (j !== undefined) {
      a.push(av[i]!);
      b.push(bv[j]!);
    }
  });
  return { a, b };
}

/** A system and the reference it is compared with. */
export interface ComparedPair {
  readonly reference: PerQueryValues;
  readonly system: PerQueryValues;
}

/**
 * Compares each pair's system with its own reference on each measure: per measure and test, one
 * Holm family over every pair. The pairs may share a reference (a baseline) or not (each variant
 * against the same system of a base run).
 */
export function comparePairs(pairs: ReadonlyMap<string, ComparedPair>, measures: readonly string[], options: SignificanceOptions): Comparison[] {
  const out: Comparison[] = [];
  for (const measure of measures) {
    const aligned = new Map([...pairs].map(([name, pair]) => [name, paired(pair.reference, pair.system, measure)]));
    const testable = [...aligned].filter(([, p]) => p.a.length >= 2);
    const byTest = new Map<SignificanceTest, Map<string, TestOutcome>>();
    for (const test of options.tests) {
      const results = new Map<string, TestOutcome>();
      // compareToBaseline needs one baseline vector: test each pair on its own alignment, then Holm jointly.
      const raw = testable.map(([name, p]) => {
        const [r] = compareToBaseline(p.a, new Map([[name, p.b]]), { test, alpha: options.alpha, trials: options.permutations, seed: options.seed });
        return { name, p: r!.pValue };
      });
      const adjusted = holm(raw.map((r) => r.p));
      raw.forEach((r, i) => results.set(r.name, { pValue: r.p, pHolm: adjusted[i]!, significant: adjusted[i]! <= options.alpha }));
      byTest.set(test, results);
    }
    for (const [name, p] of aligned) {
      let diff = 0;
      for (let i = 0; i < p.a.length; i++) diff += p.b[i]! - p.a[i]!;
      const tests: Partial<Record<SignificanceTest, TestOutcome>> = {};
      for (const [test, results] of byTest) {
        const r = results.get(name);
        if (r) tests[test] = r;
      }
      out.push({ system: name, measure, n: p.a.length, meanDiff: p.a.length > 0 ? diff / p.a.length : NaN, tests });
    }
  }
  return out;
}

/** Compares every system of `systems` with `baseline` on each measure (Holm across the systems). */
export function compareWithBaseline(
  baseline: PerQueryValues,
  systems: ReadonlyMap<string, PerQueryValues>,
  measures: readonly string[],
  options: SignificanceOptions,
): Comparison[] {
  return comparePairs(new Map([...systems].map(([name, system]) => [name, { reference: baseline, system }])), measures, options);
}

/** The markers of a comparison (e.g. `†‡`), empty when nothing is significant. */
export function markersOf(comparison: Comparison | undefined): string {
  if (!comparison) return "";
  return (Object.keys(MARKERS) as SignificanceTest[]).filter((t) => comparison.tests[t]?.significant).map((t) => MARKERS[t]).join("");
}

