/**
 * The stage plan of an experiment. Each system's definition (from the registry) says which
 * stages write its run on a split; the planner asks for the run of every evaluated split, and a
 * system asks for other systems' runs through its plan context (e.g. BM25's train run for hard
 * negatives), which are planned on demand. Then it adds one `evaluate` stage per system and
 * split, and orders every stage reachable through `needs` so that each comes after its inputs.
 * With `outOfDomain`, each listed dataset gets its own data stage, and every system's run on its
 * evaluated split (`test` key) is planned on it (an {@link EvaluationTarget}) and evaluated, with
 * the training stages of the experiment's dataset (the same stage objects, so the same hashes).
 * It knows no system by name.
 */
import { replicateSeeds, type ExperimentConfig, type OutOfDomainDataset, type SplitKey } from "../config/schema.js";
import type { RunSettings } from "../config/run-settings.js";
import { SYSTEMS, systemDefinition } from "../systems/registry.js";
import type { DenseIndexOutput, EvaluationTarget, SystemDefinition, SystemStages } from "../systems/system.js";
import { stageLabel, type RunFileOutput, type StageSpec, type TrainedModelOutput } from "./stage.js";
import { dataStage, type DataOutput } from "./stages/data.js";
import { evaluateStage, type EvaluateOutput } from "./stages/evaluate.js";

/** A system's run on one evaluated split and its evaluation. */
export interface PlannedEvaluation {
  readonly run: StageSpec<RunFileOutput>;
  readonly evaluation: StageSpec<EvaluateOutput>;
}

/** One replicate (one seed) of a system in a plan: its runs and evaluations by split, its model. */
export interface PlannedReplicate {
  readonly seed: number;
  /** The key its stages are labelled with: the system key, or `<key>@<seed>` when the config has several seeds. */
  readonly label: string;
  readonly runs: ReadonlyMap<SplitKey, StageSpec<RunFileOutput>>;
  readonly evaluations: ReadonlyMap<SplitKey, StageSpec<EvaluateOutput>>;
  /** Out-of-domain dataset (registry name) -> the run and evaluation on its evaluated split, in config order. */
  readonly outOfDomain: ReadonlyMap<string, PlannedEvaluation>;
  readonly trained?: StageSpec<TrainedModelOutput>;
}

/** A dataset evaluated out of domain: its config entry and its data stage. */
export interface PlannedDataset extends OutOfDomainDataset {
  readonly data: StageSpec<DataOutput>;
}

/** One system of a plan: its definition and its replicates (one per seed). */
export interface PlannedSystem {
  readonly key: string;
  readonly definition: SystemDefinition;
  readonly replicates: readonly PlannedReplicate[];
}

/** An experiment's plan. */
export interface Plan {
  readonly data: StageSpec<DataOutput>;
  /** The datasets of `outOfDomain`, in config order (empty without it). */
  readonly outOfDomain: readonly PlannedDataset[];
  /** Every stage, each after the stages it needs. */
  readonly stages: readonly StageSpec[];
  /** Systems by key, in config order. */
  readonly systems: ReadonlyMap<string, PlannedSystem>;
}

/** The run-level settings of a config for one replicate seed (default: `config.seed`). */
export function runSettingsOf(config: ExperimentConfig, seed = config.seed): RunSettings {
  return { dataset: config.dataset, splits: config.splits, seed, device: config.device, inference: config.inference ?? "auto", evaluation: config.evaluation };
}

/**
 * The run settings of out-of-domain dataset `entry`: its name and its evaluated split as the
 * `test` split key (`train` and `dev` keep the experiment's names and are never read on it).
 */
export function outOfDomainRunSettings(run: RunSettings, entry: OutOfDomainDataset): RunSettings {
  return { ...run, dataset: entry.dataset, splits: { ...run.splits, test: entry.split } };
}

/**
 * Plans `config`: every system once per seed of `replicateSeeds(config)`, each replicate's
 * stages labelled `<key>@<seed>` when there are several (stages that do not depend on the seed,
 * such as BM25's, have equal cache keys and run once). `systems` overrides registry definitions
 * by kind (tests plug in fakes that way; the config is still validated against the registry's
 * settings schemas).
 */
export function planExperiment(config: ExperimentConfig, systems: readonly SystemDefinition[] = SYSTEMS): Plan {
  const data = dataStage(runSettingsOf(config)) as StageSpec<DataOutput>;
  // The seed is not in a data stage's key: one data stage per out-of-domain dataset serves every seed.
  const outOfDomain: PlannedDataset[] = (config.outOfDomain ?? []).map((entry) => ({
    ...entry,
    data: dataStage(outOfDomainRunSettings(runSettingsOf(config), entry), true) as StageSpec<DataOutput>,
  }));
  const definitionOf = (kind: string) => systems.find((s) => s.kind === kind) ?? systemDefinition(kind);
  const seeds = replicateSeeds(config);
  const labelOf = (key: string, seed: number) => (seeds.length > 1 ? `${key}@${seed}` : key);
  const result = new Map<string, { key: string; definition: SystemDefinition; replicates: PlannedReplicate[] }>();
  for (const [key, settings] of Object.entries(config.systems)) result.set(key, { key, definition: definitionOf(settings.kind), replicates: [] });

  for (const seed of seeds) {
    const run = runSettingsOf(config, seed);
    const home: EvaluationTarget = { data, run };
    const targets = new Map<string, EvaluationTarget>(outOfDomain.map((d) => [d.dataset, { dataset: d.dataset, data: d.data, run: outOfDomainRunSettings(run, d) }]));
    const planned = new Map<string, SystemStages>();
    const planning = new Set<string>();
    // Target -> system key -> split -> its run stage.
    const runs = new Map<EvaluationTarget, Map<string, Map<SplitKey, StageSpec<RunFileOutput>>>>();
    const stagesOf = (key: string): SystemStages => {
      const done = planned.get(key);
      if (done) return done;
      const settings = config.systems[key];
      if (settings === undefined) throw new Error(`no system "${key}" in this config (systems: ${Object.keys(config.systems).join(", ")})`);
      if (planning.has(key)) throw new Error(`systems ${[...planning, key].join(" -> ")} name each other in a circle`);
      planning.add(key);
      const stages = definitionOf(settings.kind).plan({ key: labelOf(key, seed), settings, run, data, home, runOf, indexOf, trainingIndexOf, trainedOf, settingsOf });
      planning.delete(key);
      planned.set(key, stages);
      return stages;
    };
    /** `stage`, after checking that a system planned it on `target`'s dataset (a system that ignores the target would evaluate the wrong corpus). */
    const onTarget = <S extends StageSpec>(key: string, target: EvaluationTarget, stage: S): S => {
      if (stage.ref.dataset !== target.dataset) {
        const kind = config.systems[key]!.kind;
        throw new Error(
          `system "${key}" (${kind}) planned ${stageLabel(stage.ref)} when asked for ${target.dataset ?? config.dataset}: ` +
            `${target.dataset !== undefined ? "it does not support out-of-domain evaluation (remove outOfDomain, or see docs/runner.md)" : "plan bug"}`,
        );
      }
      return stage;
    };
    function runOf(key: string, split: SplitKey, target = home): StageSpec<RunFileOutput> {
      const bySystem = runs.get(target) ?? new Map<string, Map<SplitKey, StageSpec<RunFileOutput>>>();
      runs.set(target, bySystem);
      const bySplit = bySystem.get(key) ?? new Map<SplitKey, StageSpec<RunFileOutput>>();
      bySystem.set(key, bySplit);
      const existing = bySplit.get(split);
      if (existing) return existing;
      const stage = onTarget(key, target, stagesOf(key).run(split, target));
      bySplit.set(split, stage);
      return stage;
    }
    function indexOf(key: string, target = home): StageSpec<DenseIndexOutput> {
      const index = stagesOf(key).index;
      if (index === undefined) throw new Error(`system "${key}" has no dense index to search`);
      return onTarget(key, target, index(target));
    }
    function trainingIndexOf(key: string, target = home): StageSpec<DenseIndexOutput> {
      const index = stagesOf(key).trainingIndex;
      if (index === undefined) throw new Error(`system "${key}" has no dense index to search`);
      return onTarget(key, target, index(target));
    }
    function trainedOf(key: string): StageSpec<TrainedModelOutput> {
      const trained = stagesOf(key).trained;
      if (trained === undefined) throw new Error(`system "${key}" trains no model to start from`);
      return trained;
    }
    function settingsOf(key: string): { readonly kind: string } {
      const settings = config.systems[key];
      if (settings === undefined) throw new Error(`no system "${key}" in this config (systems: ${Object.keys(config.systems).join(", ")})`);
      return settings;
    }
    for (const [key, system] of result) {
      const label = labelOf(key, seed);
      const evaluations = new Map<SplitKey, StageSpec<EvaluateOutput>>();
      for (const split of config.evaluation.splits) {
        evaluations.set(split, evaluateStage({ system: label, key: split, evaluation: config.evaluation, data, run: runOf(key, split) }) as StageSpec<EvaluateOutput>);
      }
      const ood = new Map<string, PlannedEvaluation>();
      for (const target of targets.values()) {
        const runStage = runOf(key, "test", target);
        ood.set(target.dataset!, { run: runStage, evaluation: evaluateStage({ system: label, key: "test", evaluation: config.evaluation, data: target.data, run: runStage, dataset: target.dataset! }) as StageSpec<EvaluateOutput> });
      }
      const stages = stagesOf(key);
      system.replicates.push({ seed, label, runs: runs.get(home)!.get(key)!, evaluations, outOfDomain: ood, ...(stages.trained ? { trained: stages.trained } : {}) });
    }
  }
  // Every data stage first: a dataset that does not resolve or lacks a split fails before any training.
  const roots: StageSpec[] = [data, ...outOfDomain.map((d) => d.data)];
  // Seed by seed (all systems of seed 1 first), so a run interrupted between seeds has whole replicates.
  for (const index of seeds.keys()) {
    for (const system of result.values()) {
      const replicate = system.replicates[index]!;
      if (replicate.trained) roots.push(replicate.trained);
      roots.push(...replicate.evaluations.values());
      for (const { evaluation } of replicate.outOfDomain.values()) roots.push(evaluation);
    }
  }
  return { data, outOfDomain, stages: topologicalOrder(roots), systems: result };
}
/** Every stage reachable from `roots` through `needs`, each after its inputs (depth-first, inputs in role order). */
function topologicalOrder(roots: readonly StageSpec[]): StageSpec[] {
  const order: StageSpec[] = [];
  const done = new Set<StageSpec>();
  const active = new Set<StageSpec>();
  const labels = new Map<string, StageSpec>();
  const visit = (stage: StageSpec) => {
    if (done.has(stage)) return;
    if (active.has(stage)) throw new Error(`stage ${stageLabel(stage.ref)} needs itself (plan bug)`);
    active.add(stage);
    for (const upstream of Object.values(stage.needs)) visit(upstream as StageSpec);
    active.delete(stage);
    const label = stageLabel(stage.ref);
    if (labels.has(label)) throw new Error(`two different stages are both ${label} (plan bug)`);
    labels.set(label, stage);
    done.add(stage);
    order.push(stage);
  };
  roots.forEach(visit);
  return order;
}
