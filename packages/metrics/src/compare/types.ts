/** The shapes of a run comparison (`compare-runs.ts` computes it, `comparison-format.ts` renders it). */

/** The paired tests a comparison can run. */
export type PairedTestName = "t" | "randomization";

/** Options of `compareEvaluations`. */
export interface ComparisonOptions {
  /** The system every other is compared with (default: the first). */
  baseline?: string;
  /** Paired tests to run (default both, `["t", "randomization"]`). */
  tests?: readonly PairedTestName[];
  /** Significance level of `significant` and the markers (default 0.05). */
  alpha?: number;
  /** `holm` (default) or `none`. */
  correction?: "holm" | "none";
  /** Holm family: `measure` (default, per measure and test) or `all` (per test, over every measure). */
  family?: "measure" | "all";
  /** Confidence level of the paired-difference interval (default 0.95). */
  ciLevel?: number;
  /** Monte Carlo sign vectors of the randomization test (default 10,000). */
  permutations?: number;
  /** Seed of the randomization test (default 42). */
  seed?: number;
  /** Exact randomization test up to this many queries (default 20). */
  exactUpTo?: number;
}

/** The settings a comparison ran with (every default filled in). */
export interface ComparisonSettings {
  readonly baseline: string;
  readonly tests: readonly PairedTestName[];
  readonly alpha: number;
  readonly correction: "holm" | "none";
  readonly family: "measure" | "all";
  readonly ciLevel: number;
  readonly permutations: number;
  readonly seed: number;
  readonly exactUpTo: number;
}

/** One system on one measure. The baseline's own rows have `delta` and the rest null. */
export interface ComparisonRow {
  readonly system: string;
  readonly measure: string;
  /** Compared queries. */
  readonly n: number;
  readonly mean: number;
  readonly delta: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** Unadjusted two-sided p-value per test. */
  readonly p: Partial<Record<PairedTestName, number | null>>;
  /** Holm-adjusted p-value per test (the raw one with `correction: "none"`). */
  readonly pAdjusted: Partial<Record<PairedTestName, number | null>>;
  readonly significant: Partial<Record<PairedTestName, boolean>>;
  readonly direction: "better" | "worse" | "equal" | null;
}

/** A comparison as plain data (JSON-serialisable): what the formatters read. */
export interface ComparisonData {
  readonly settings: ComparisonSettings;
  /** Systems in the order given (the baseline among them). */
  readonly systems: readonly string[];
  readonly measures: readonly string[];
  /** The compared queries, in trec_eval order. */
  readonly queries: readonly string[];
  /** Queries some system was evaluated on but not every one (left out of the comparison). */
  readonly excludedQueries: readonly string[];
  /** One row per system and measure, systems in order, measures in order within a system. */
  readonly rows: readonly ComparisonRow[];
}

/** Per-query values of one system (an `Evaluation` is one). */
export interface PerQueryScores {
  readonly queries: readonly string[];
  readonly values: ReadonlyMap<string, ArrayLike<number>>;
}
