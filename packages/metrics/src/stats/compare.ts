/**
 * One baseline against several systems on one measure: a paired test per system, then Holm's
 * correction across the systems (DESIGN.md section 4: report p-values with a multiple-comparison
 * correction when several systems are compared).
 */
import { holm } from "./holm.js";
import type { RandomizationOptions } from "./randomization.js";
import { randomizationTest } from "./randomization.js";
import { pairedTTest } from "./ttest.js";

/** Options of {@link compareToBaseline}. */
export interface CompareOptions extends RandomizationOptions {
  /** `t` (paired t-test, default) or `randomization` (Fisher). */
  test?: "t" | "randomization";
  /** Significance level for `significant` (default 0.05). */
  alpha?: number;
}

/** One system's comparison with the baseline. */
export interface BaselineComparison {
  readonly system: string;
  /** mean(system - baseline). */
  readonly meanDiff: number;
  /** Unadjusted two-sided p-value. */
  readonly pValue: number;
  /** Holm-adjusted p-value across all systems compared. */
  readonly pHolm: number;
  /** pHolm <= alpha. */
  readonly significant: boolean;
}

/**
 * Compares each system's per-query values with the baseline's (all aligned on the same queries,
 * e.g. `Evaluation.values.get(name)` of evaluations over the same query set).
 */
export function compareToBaseline(
  baseline: ArrayLike<number>,
  systems: ReadonlyMap<string, ArrayLike<number>>,
  options: CompareOptions = {},
): BaselineComparison[] {
  const alpha = options.alpha ?? 0.05;
  const rows = [...systems].map(([system, values]) => {
    const r = options.test === "randomization" ? randomizationTest(baseline, values, options) : pairedTTest(baseline, values);
    return { system, meanDiff: r.meanDiff, pValue: r.pValue };
  });
  const adjusted = holm(rows.map((r) => r.pValue));
  return rows.map((r, i) => ({ ...r, pHolm: adjusted[i]!, significant: adjusted[i]! <= alpha }));
}
