/**
 * The stage plan of an experiment. Each system's definition (from the registry) says which
 * stages write its run on a split; the planner asks for the run of every evaluated split, and a
 * system asks for other systems' runs through its plan context (e.g. BM25's train run for hard
 * negatives), which are planned on demand. Then it adds one `evaluate` stage per system and
 * split, and orders every stage reachable through `needs` so that each comes after its inputs.
 * It knows no system by name.
 */
import { replicateSeeds, type ExperimentConfig, type SplitKey } from "../config/schema.js";
import type { RunSettings } from "../config/run-settings.js";
import { SYSTEMS, systemDefinition } from "../systems/registry.js";
import type { DenseIndexOutput, SystemDefinition, SystemStages } from "../systems/system.js";
import { stageLabel, type RunFileOutput, type StageSpec, type TrainedModelOutput } from "./stage.js";
import { dataStage, type DataOutput } from "./stages/data.js";
import { evaluateStage, type EvaluateOutput } from "./stages/evaluate.js";

/** One replicate (one seed) of a system in a plan: its runs and evaluations by split, its model. */
export interface PlannedReplicate {
  readonly seed: number;
  /** The key its stages are labelled with: the system key, or `<key>@<seed>` when the config has several seeds. */
  readonly label: string;
  readonly runs: ReadonlyMap<SplitKey, StageSpec<RunFileOutput>>;
  readonly evaluations: ReadonlyMap<SplitKey, StageSpec<EvaluateOutput>>;
  readonly trained?: StageSpec<TrainedModelOutput>;
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
 * Plans `config`: every system once per seed of `replicateSeeds(config)`, each replicate's
 * stages labelled `<key>@<seed>` when there are several (stages that do not depend on the seed,
 * such as BM25's, have equal cache keys and run once). `systems` overrides registry definitions
 * by kind (tests plug in fakes that way; the config is still validated against the registry's
 * settings schemas).
 */
export function planExperiment(config: ExperimentConfig, systems: readonly SystemDefinition[] = SYSTEMS): Plan {
  const data = dataStage(runSettingsOf(config)) as StageSpec<DataOutput>;
  const definitionOf = (kind: string) => systems.find((s) => s.kind === kind) ?? systemDefinition(kind);
  const seeds = replicateSeeds(config);
  const labelOf = (key: string, seed: number) => (seeds.length > 1 ? `${key}@${seed}` : key);
  const result = new Map<string, { key: string; definition: SystemDefinition; replicates: PlannedReplicate[] }>();
  for (const [key, settings] of Object.entries(config.systems)) result.set(key, { key, definition: definitionOf(settings.kind), replicates: [] });

  for (const seed of seeds) {
    const run = runSettingsOf(config, seed);
    const planned = new Map<string, SystemStages>();
    const planning = new Set<string>();
    const runs = new Map<string, Map<SplitKey, StageSpec<RunFileOutput>>>();
    const stagesOf = (key: string): SystemStages => {
      const done = planned.get(key);
      if (done) return done;
      const settings = config.systems[key];
      if (settings === undefined) throw new Error(`no system "${key}" in this config (systems: ${Object.keys(config.systems).join(", ")})`);
      if (planning.has(key)) throw new Error(`systems ${[...planning, key].join(" -> ")} name each other in a circle`);
      planning.add(key);
      const stages = definitionOf(settings.kind).plan({ key: labelOf(key, seed), settings, run, data, runOf, indexOf, trainingIndexOf, trainedOf, settingsOf });
      planning.delete(key);
      planned.set(key, stages);
      return stages;
    };
    function runOf(key: string, split: SplitKey): StageSpec<RunFileOutput> {
      const bySplit = runs.get(key) ?? new Map<SplitKey, StageSpec<RunFileOutput>>();
      runs.set(key, bySplit);
      const existing = bySplit.get(split);
      if (existing) return existing;
      const stage = stagesOf(key).run(split);
      bySplit.set(split, stage);
      return stage;
    }
    function indexOf(key: string): StageSpec<DenseIndexOutput> {
      const index = stagesOf(key).index;
      if (index === undefined) throw new Error(`system "${key}" has no dense index to search`);
      return index;
    }
    function trainingIndexOf(key: string): StageSpec<DenseIndexOutput> {
      const index = stagesOf(key).trainingIndex;
      if (index === undefined) throw new Error(`system "${key}" has no dense index to search`);
      return index;
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
      const stages = stagesOf(key);
      system.replicates.push({ seed, label, runs: runs.get(key)!, evaluations, ...(stages.trained ? { trained: stages.trained } : {}) });
    }
  }
  const roots: StageSpec[] = [data];
  // Seed by seed (all systems of seed 1 first), so a run interrupted between seeds has whole replicates.
  for (const index of seeds.keys()) {
    for (const system of result.values()) {
      const replicate = system.replicates[index]!;
      if (replicate.trained) roots.push(replicate.trained);
      roots.push(...replicate.evaluations.values());
    }
  }
  return { data, stages: topologicalOrder(roots), systems: result };
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
