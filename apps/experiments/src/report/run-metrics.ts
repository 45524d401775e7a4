/**
 * `metrics.json` of a run: per split, each system's aggregates, 95% confidence intervals and
 * per-query values, and the comparison of every system with the config's baseline
 * (`@i3/metrics`' `compareEvaluations`: means, deltas, their 95% CIs, raw and Holm p-values of the
 * paired t-test and the randomization test, direction). With
 * several seeds, a system's per-query values are the means over its seeds (what the tests
 * pair), its aggregate is their mean (= the mean of the seeds' aggregates), and `seeds` holds
 * each seed's aggregate and the standard deviation over seeds.
 */
import { meanConfidenceInterval, type ComparisonData, type MeanInterval } from "@i3/metrics";
import type { ExperimentConfig } from "../config/schema.js";
import type { EvaluationFile } from "../runner/stages/evaluate.js";
import { compareWithBaseline, type PerQueryValues } from "./significance.js";

/** One system on one split. */
export interface SystemMetrics {
  readonly aggregate: Record<string, number>;
  /** Measure -> mean and 95% CI (t-distribution over the per-query values). */
  readonly ci: Record<string, MeanInterval>;
  /** Queries in trec_eval order. */
  readonly queries: string[];
  /** Query id -> measure -> value. */
  readonly perQuery: Record<string, Record<string, number>>;
  /** With several seeds: each seed's aggregate, and the sample standard deviation over seeds per measure. */
  readonly seeds?: { readonly seeds: number[]; readonly aggregates: Record<string, number>[]; readonly sd: Record<string, number> };
}

/** One seed's evaluation of a system on a split. */
export interface ReplicateEvaluation {
  readonly seed: number;
  readonly file: EvaluationFile;
}

/** The sample standard deviation (n - 1 in the denominator); 0 for a single value. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}

/**
 * One evaluation from a system's seeds: per-query values averaged over seeds. The seeds must
 * have evaluated the same queries (they do with `allQueries`, or when every seed's run answers
 * every query); otherwise the pairing would be undefined and this throws.
 */
export function averageOverSeeds(system: string, replicates: readonly ReplicateEvaluation[]): EvaluationFile {
  const first = { ...replicates[0]!.file, system };
  if (replicates.length === 1) return first;
  for (const { seed, file } of replicates) {
    if (file.queries.length !== first.queries.length || file.queries.some((q, i) => q !== first.queries[i])) {
      throw new Error(
        `system ${system}: seed ${seed} was evaluated on other queries than seed ${replicates[0]!.seed} ` +
          "(a run without some queries); set evaluation.allQueries: true to average every seed over the same queries",
      );
    }
  }
  const values: Record<string, number[]> = {};
  const aggregate: Record<string, number> = {};
  for (const measure of Object.keys(first.values)) {
    const mean = first.values[measure]!.map((_, i) => replicates.reduce((sum, r) => sum + r.file.values[measure]![i]!, 0) / replicates.length);
    values[measure] = mean;
    aggregate[measure] = replicates.reduce((sum, r) => sum + r.file.aggregate[measure]!, 0) / replicates.length;
  }
  return { ...first, values, aggregate };
}

/** One split. */
export interface SplitMetrics {
  /** The dataset evaluated: the experiment's, or an out-of-domain one (absent in metrics.json written before `outOfDomain` existed). */
  readonly dataset?: string;
  /** True for a dataset of `outOfDomain` (evaluated with the models trained on the experiment's dataset). */
  readonly outOfDomain?: boolean;
  readonly split: string;
  readonly systems: Record<string, SystemMetrics>;
  /** Every system against the baseline on every measure (absent when the baseline was not evaluated on the split). */
  readonly comparison?: ComparisonData;
}

/** The whole `metrics.json`. */
export interface RunMetrics {
  readonly experiment: string;
  readonly runId: string;
  readonly dataset: string;
  readonly baseline: string;
  readonly mainMeasure: string;
  readonly measures: string[];
  readonly significance: { tests: string[]; alpha: number; correction: "holm"; family: "measure" | "all"; permutations: number };
  /** Split key (`test`, ...; out of domain: `<dataset>:<split>`, {@link outOfDomainKey}) -> metrics, the experiment's splits first. */
  readonly splits: Record<string, SplitMetrics>;
  /** System -> training log file in the run folder (JSON lines), when the system was trained. */
  readonly trainingLogs: Record<string, string>;
}

/** Per-query values of an evaluation file as the significance module takes them. */
export function perQueryValues(file: EvaluationFile): PerQueryValues {
  return { queries: file.queries, values: file.values };
}

/** The key of out-of-domain dataset `dataset`'s evaluated split `split` in `metrics.json`'s `splits` (and in the evaluations given to {@link buildRunMetrics}). */
export function outOfDomainKey(dataset: string, split: string): string {
  return `${dataset}:${split}`;
}

/** One evaluated split of a config: its key in `metrics.json`, its dataset and collection split name. */
export interface EvaluatedSplit {
  readonly key: string;
  readonly dataset: string;
  readonly split: string;
  readonly outOfDomain: boolean;
}

/** Every split a config evaluates, in `metrics.json` order: `evaluation.splits` of its dataset, then each `outOfDomain` dataset's split. */
export function evaluatedSplits(config: ExperimentConfig): EvaluatedSplit[] {
  return [
    ...config.evaluation.splits.map((key) => ({ key, dataset: config.dataset, split: config.splits[key] as string, outOfDomain: false })),
    ...(config.outOfDomain ?? []).map((d) => ({ key: outOfDomainKey(d.dataset, d.split), dataset: d.dataset, split: d.split, outOfDomain: true })),
  ];
}

/**
 * Builds the metrics of a run from its evaluations (`system -> split key -> one evaluation per
 * seed`; out-of-domain evaluations under {@link outOfDomainKey}): per evaluated split, of the
 * experiment's dataset and then of each out-of-domain dataset, the systems and their comparison
 * with the baseline on that split.
 */
export function buildRunMetrics(
  config: ExperimentConfig,
  runId: string,
  replicated: ReadonlyMap<string, ReadonlyMap<string, readonly ReplicateEvaluation[]>>,
  trainingLogs: Record<string, string>,
): RunMetrics {
  const evaluations = new Map([...replicated].map(([system, bySplit]) => [system, new Map([...bySplit].map(([key, reps]) => [key, averageOverSeeds(system, reps)]))]));
  const { measures, mainMeasure, significance } = config.evaluation;
  const splits: Record<string, SplitMetrics> = {};
  for (const { key, dataset, split: named, outOfDomain } of evaluatedSplits(config)) {
    const systems: Record<string, SystemMetrics> = {};
    let split = named;
    for (const system of Object.keys(config.systems)) {
      const file = evaluations.get(system)?.get(key);
      if (!file) continue;
      split = file.split;
      const perQuery: Record<string, Record<string, number>> = {};
      file.queries.forEach((q, i) => {
        perQuery[q] = Object.fromEntries(measures.map((m) => [m, file.values[m]![i]!]));
      });
      const reps = replicated.get(system)?.get(key) ?? [];
      systems[system] = {
        aggregate: file.aggregate,
        ci: Object.fromEntries(measures.map((m) => [m, meanConfidenceInterval(file.values[m] ?? [])])),
        queries: file.queries,
        perQuery,
        ...(reps.length > 1
          ? {
              seeds: {
                seeds: reps.map((r) => r.seed),
                aggregates: reps.map((r) => r.file.aggregate),
                sd: Object.fromEntries(measures.map((m) => [m, sampleSd(reps.map((r) => r.file.aggregate[m]!))])),
              },
            }
          : {}),
      };
    }
    const base = evaluations.get(config.baseline)?.get(key);
    const others = new Map(
      Object.keys(config.systems).filter((s) => s !== config.baseline && evaluations.get(s)?.get(key)).map((s) => [s, perQueryValues(evaluations.get(s)!.get(key)!)]),
    );
    const comparison = base ? compareWithBaseline({ name: config.baseline, values: perQueryValues(base) }, others, measures, { ...significance, seed: config.seed }) : undefined;
    splits[key] = { dataset, ...(outOfDomain ? { outOfDomain } : {}), split, systems, ...(comparison ? { comparison } : {}) };
  }
  return {
    experiment: config.name,
    runId,
    dataset: config.dataset,
    baseline: config.baseline,
    mainMeasure,
    measures: [...measures],
    significance: { tests: [...significance.tests], alpha: significance.alpha, correction: "holm", family: significance.family ?? "measure", permutations: significance.permutations },
    splits,
    trainingLogs,
  };
}
