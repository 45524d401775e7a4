/**
 * What a system is to the runner. A system is one folder under `src/systems/` that exports one
 * {@link SystemDefinition}: its settings schema (zod, with its defaults, so a config is a
 * discriminated union on `kind` and an editor flags a wrong field for that system), its role,
 * the other systems its settings name, and its stages. `./registry.ts` lists the definitions;
 * the runner, planner, evaluator, sweeps and reports know no system by name.
 */
import type { z } from "zod";
import type { RunSettings, SplitKey } from "../config/run-settings.js";
import type { RunFileOutput, StageSpec, TrainedModelOutput } from "../runner/stage.js";
import type { DataOutput } from "../runner/stages/data.js";

/**
 * How a system takes part in a run:
 * - `first-stage`: (optionally trained, then) indexes the collection and retrieves from it;
 * - `re-ranker`: re-scores the top of another system's run (named in its settings);
 * - `query-encoder`: trains a query encoder against another system's fixed dense index (LTRe/ADORE);
 * - `fusion`: combines other systems' runs (e.g. reciprocal rank fusion).
 */
export type SystemRole = "first-stage" | "re-ranker" | "query-encoder" | "fusion";

/** A field of a system's settings that names another system of the same config. */
export interface SystemReference {
  /** Dotted path inside the system's settings, e.g. `negatives.from` (for error messages). */
  readonly field: string;
  /** The system key it names. */
  readonly system: string;
  /** Roles the named system may have. */
  readonly roles: readonly SystemRole[];
  /** Kinds the named system may have (absent: any kind of those roles), e.g. the dense systems whose checkpoint and index a query-encoder system reads. */
  readonly kinds?: readonly string[];
}

/** A dense index folder written by a stage (an `@i3/search` DenseIndex), with the checkpoint that encoded it. */
export interface DenseIndexOutput {
  /** Index folder, relative to the stage folder. */
  readonly index: string;
  readonly backend: string;
  /** The inference engine that encoded it (`describeInference`; absent in indexes cached before the setting existed). */
  readonly inference?: string;
  /** True for an `@i3/search` sharded index folder (`index.shardSize`); absent for the single-array index. */
  readonly sharded?: boolean;
}

/**
 * Where a system's evaluation stages (index, retrieve, re-rank, fuse) work: the experiment's own
 * dataset, or a dataset evaluated out of domain with the models trained on the experiment's
 * (config `outOfDomain`). Training stages (negatives, teacher scores, pseudo-queries, train)
 * always use the plan context's `run` and `data`, never a target's.
 */
export interface EvaluationTarget {
  /** The out-of-domain dataset's registry name; absent for the experiment's dataset. Stages on it carry it in their ref (`{ dataset }`). */
  readonly dataset?: string;
  /** Its data stage (queries and qrels of its evaluated splits). */
  readonly data: StageSpec<DataOutput>;
  /** The run settings with its `dataset` and split names (seed, device, inference and evaluation are the experiment's). */
  readonly run: RunSettings;
}

/** What a system's planner gets. */
export interface PlanContext<S> {
  /** This system's key in `config.systems`. */
  readonly key: string;
  readonly settings: S;
  readonly run: RunSettings;
  /** The run's data stage (queries and qrels of every split). */
  readonly data: StageSpec<DataOutput>;
  /** The experiment's own dataset as an evaluation target (`{ data, run }`). */
  readonly home: EvaluationTarget;
  /** The stage that writes another system's run on a split of `target` (default `home`; planned on demand, once). */
  runOf(system: string, split: SplitKey, target?: EvaluationTarget): StageSpec<RunFileOutput>;
  /** Another system's dense index stage of `target`'s corpus (default `home`; throws when that system has none). */
  indexOf(system: string, target?: EvaluationTarget): StageSpec<DenseIndexOutput>;
  /**
   * Another system's dense index built on TensorFlow.js whatever `inference` says: the fixed
   * index a query-encoder system trains against (a training input, on `home`), and searches
   * (on `target`'s corpus).
   */
  trainingIndexOf(system: string, target?: EvaluationTarget): StageSpec<DenseIndexOutput>;
  /**
   * Another system's trained-model stage (throws when that system trains none): a query-encoder
   * system starts from its checkpoint. With several seeds, the replicate of the same seed.
   */
  trainedOf(system: string): StageSpec<TrainedModelOutput>;
  /** Another system's resolved settings (its `kind` says which model code reads its checkpoint). */
  settingsOf(system: string): { readonly kind: string };
}

/**
 * The stages of one system, as the planner asks for them. Stages on an out-of-domain target
 * carry `dataset: target.dataset` in their ref (the planner checks), read that dataset's
 * collection, and reuse the training stages planned on the experiment's dataset.
 */
export interface SystemStages {
  /** The stage writing this system's run on `split` of `target` (the planner calls it once per target and split). */
  run(split: SplitKey, target: EvaluationTarget): StageSpec<RunFileOutput>;
  /** The trained model, when the system trains one: its backend goes to environment.json, its log to the report. */
  readonly trained?: StageSpec<TrainedModelOutput>;
  /** The dense index of `target`'s corpus (the same stage on every call with one target), for systems other systems may search. */
  index?(target: EvaluationTarget): StageSpec<DenseIndexOutput>;
  /** The dense index built on TensorFlow.js (`index` itself when the run's `inference` is `tfjs`), for query-encoder systems. */
  trainingIndex?(target: EvaluationTarget): StageSpec<DenseIndexOutput>;
}

/** A system: settings schema, role, references and stages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the settings shape is the system's own
export interface SystemDefinition<K extends string = string, S extends z.ZodObject<any> = z.ZodObject<any>> {
  /** The `kind` a config writes, e.g. `"dual-encoder"`. */
  readonly kind: K;
  readonly role: SystemRole;
  /** One line for docs and `i3 systems`. */
  readonly description: string;
  /** Strict zod object with `kind: z.literal(kind)` and every default. */
  readonly settings: S;
  /** The other systems its settings name (validated when the config loads). */
  references(settings: z.output<S>): SystemReference[];
  /**
   * Problems of its settings against the resolved settings of the systems it names (`settingsOf`,
   * called only once every reference is valid), reported when the config loads as
   * `systems.<key>.<field>: message`. Absent: none beyond the schema and the references.
   */
  issues?(settings: z.output<S>, settingsOf: (system: string) => { readonly kind: string }): { field: string; message: string }[];
  /** Its stages. */
  plan(ctx: PlanContext<z.output<S>>): SystemStages;
}

/** Declares a system with its settings type inferred (an identity function). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see SystemDefinition
export function defineSystem<K extends string, S extends z.ZodObject<any>>(definition: SystemDefinition<K, S>): SystemDefinition<K, S> {
  return definition;
}
