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

/** Compares every system of `systems` with `baseline` on each measure (Holm across the systems). */
export function compareWithBaseline(
  baseline: PerQueryValues,
  systems: ReadonlyMap<string, PerQueryValues>,
  measures: readonly string[],
  options: SignificanceOptions,
): Comparison[] {
  const out: Comparison[] = [];
  for (const measure of measures) {
    const pairs = new Map([...systems].map(([name, values]) => [name, paired(baseline, values, measure)]));
    const testable = [...pairs].filter(([, p]) => p.a.length >= 2);
    const byTest = new Map<SignificanceTest, Map<string, TestOutcome>>();
    for (const test of options.tests) {
      const results = new Map<string, TestOutcome>();
      // compareToBaseline needs one baseline vector: test each system on its own pairing, then Holm jointly.
      const raw = testable.map(([name, p]) => {
        const [r] = compareToBaseline(p.a, new Map([[name, p.b]]), { test, alpha: options.alpha, trials: options.permutations, seed: options.seed });
        return { name, p: r!.pValue };
      });
      const adjusted = holm(raw.map((r) => r.p));
      raw.forEach((r, i) => results.set(r.name, { pValue: r.p, pHolm: adjusted[i]!, significant: adjusted[i]! <= options.alpha }));
      byTest.set(test, results);
    }
    for (const [name, p] of pairs) {
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

/** The markers of a comparison (e.g. `†‡`), empty when nothing is significant. */
export function markersOf(comparison: Comparison | undefined): string {
  if (!comparison) return "";
  return (Object.keys(MARKERS) as SignificanceTest[]).filter((t) => comparison.tests[t]?.significant).map((t) => MARKERS[t]).join("");
}

/**
 * Comparisons made against different references (e.g. each system of a base run) as one family:
 * per measure and test, Holm over every comparison's raw p-value, replacing `pHolm` and
 * `significant` (= `pHolm <= alpha`).
 */
export function holmAcrossRows(comparisons: readonly Comparison[], alpha = 0.05): Comparison[] {
  const out = comparisons.map((c) => ({ ...c, tests: { ...c.tests } }));
  for (const measure of new Set(out.map((c) => c.measure))) {
    for (const test of Object.keys(MARKERS) as SignificanceTest[]) {
      const rows = out.filter((c) => c.measure === measure && c.tests[test] !== undefined);
      const adjusted = holm(rows.map((c) => c.tests[test]!.pValue));
      rows.forEach((c, i) => {
        c.tests[test] = { pValue: c.tests[test]!.pValue, pHolm: adjusted[i]!, significant: adjusted[i]! <= alpha };
      });
    }
  }
  return out;
}
