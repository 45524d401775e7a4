/**
 * `metrics.json` of a run: per split, each system's aggregates, 95% confidence intervals and
 * per-query values, and the significance of each system against the config's baseline.
 */
import type { ExperimentConfig } from "../config/schema.js";
import type { EvaluationFile } from "../runner/stages/evaluate.js";
import { compareWithBaseline, type Comparison, type PerQueryValues } from "./significance.js";
import { meanConfidenceInterval, type MeanInterval } from "./stats.js";

/** One system on one split. */
export interface SystemMetrics {
  readonly aggregate: Record<string, number>;
  /** Measure -> mean and 95% CI (t-distribution over the per-query values). */
  readonly ci: Record<string, MeanInterval>;
  /** Queries in trec_eval order. */
  readonly queries: string[];
  /** Query id -> measure -> value. */
  readonly perQuery: Record<string, Record<string, number>>;
}

/** One split. */
export interface SplitMetrics {
  readonly split: string;
  readonly systems: Record<string, SystemMetrics>;
  /** Each non-baseline system against the baseline, per measure. */
  readonly comparisons: Comparison[];
}

/** The whole `metrics.json`. */
export interface RunMetrics {
  readonly experiment: string;
  readonly runId: string;
  readonly dataset: string;
  readonly baseline: string;
  readonly mainMeasure: string;
  readonly measures: string[];
  readonly significance: { tests: string[]; alpha: number; correction: "holm"; permutations: number };
  /** Split key -> metrics. */
  readonly splits: Record<string, SplitMetrics>;
  /** System -> training log file in the run folder (JSON lines), when the system was trained. */
  readonly trainingLogs: Record<string, string>;
}

/** Per-query values of an evaluation file as the significance module takes them. */
export function perQueryValues(file: EvaluationFile): PerQueryValues {
  return { queries: file.queries, values: file.values };
}

/** Builds the metrics of a run from its evaluations (`system -> split key -> evaluation`). */
export function buildRunMetrics(
  config: ExperimentConfig,
  runId: string,
  evaluations: ReadonlyMap<string, ReadonlyMap<string, EvaluationFile>>,
  trainingLogs: Record<string, string>,
): RunMetrics {
  const { measures, mainMeasure, significance } = config.evaluation;
  const splits: Record<string, SplitMetrics> = {};
  for (const key of config.evaluation.splits) {
    const systems: Record<string, SystemMetrics> = {};
    let split = config.splits[key];
    for (const system of Object.keys(config.systems)) {
      const file = evaluations.get(system)?.get(key);
      if (!file) continue;
      split = file.split;
      const perQuery: Record<string, Record<string, number>> = {};
      file.queries.forEach((q, i) => {
        perQuery[q] = Object.fromEntries(measures.map((m) => [m, file.values[m]![i]!]));
      });
      systems[system] = {
        aggregate: file.aggregate,
        ci: Object.fromEntries(measures.map((m) => [m, meanConfidenceInterval(file.values[m] ?? [])])),
        queries: file.queries,
        perQuery,
      };
    }
    const base = evaluations.get(config.baseline)?.get(key);
    const others = new Map(
      Object.keys(config.systems).filter((s) => s !== config.baseline && evaluations.get(s)?.get(key)).map((s) => [s, perQueryValues(evaluations.get(s)!.get(key)!)]),
    );
    const comparisons = base && others.size > 0
      ? compareWithBaseline(perQueryValues(base), others, measures, { ...significance, seed: config.seed })
      : [];
    splits[key] = { split, systems, comparisons };
  }
  return {
    experiment: config.name,
    runId,
    dataset: config.dataset,
    baseline: config.baseline,
    mainMeasure,
    measures: [...measures],
    significance: { tests: [...significance.tests], alpha: significance.alpha, correction: "holm", permutations: significance.permutations },
    splits,
    trainingLogs,
  };
}
