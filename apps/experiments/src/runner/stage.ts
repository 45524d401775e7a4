/**
 * A stage of the runner (Tevatron-style: stages talk through files). A stage names the stages it
 * reads (`needs`, by role) and the settings its output depends on (`key`); its output folder is
 * cached under `<cacheDir>/<stage>/<hash>/`, where hash = sha256 of the canonical JSON of
 * `{stage, version, key, upstream hashes}`. `run` writes files into `ctx.dir` and returns a small
 * JSON manifest (paths inside it are relative to the stage folder).
 *
 * Stages are typed values: `needs` holds the upstream stage objects themselves, so `ctx.inputs`
 * is typed by their outputs, and a stage is identified by a {@link StageRef}, never by a string
 * split apart again.
 */
import { stableHash } from "@i3/core";
import type { Collection } from "@i3/data";
import type { SplitKey } from "../config/run-settings.js";

/** Which stage instance of a plan: the stage kind, and the system and split it belongs to. */
export interface StageRef {
  /** The stage kind, also the cache folder: `data`, `run`, `train`, `index`, `evaluate`, ... */
  readonly stage: string;
  /** The system key (in `config.systems`) the stage belongs to; absent for shared stages (`data`). */
  readonly system?: string;
  /** The split key it works on, when it works on one. */
  readonly split?: SplitKey;
  /**
   * The out-of-domain dataset (registry name) it works on; absent for the experiment's own
   * dataset. The runner hands the stage that dataset's collection (`services.collection()`).
   */
  readonly dataset?: string;
}

/**
 * `system/stage:split` (e.g. `i3/train`, `bm25/run:test`, `data`), with `[dataset]` for an
 * out-of-domain stage (`bm25/retrieve:test[beir/cranfield]`): how logs and errors name a stage.
 */
export function stageLabel(ref: StageRef): string {
  const base = `${ref.system !== undefined ? `${ref.system}/` : ""}${ref.stage}${ref.split !== undefined ? `:${ref.split}` : ""}`;
  return ref.dataset !== undefined ? `${base}[${ref.dataset}]` : base;
}

/** A finished (or cached) stage. */
export interface StageResult<O = unknown> {
  readonly ref: StageRef;
  readonly hash: string;
  /** The committed output folder. */
  readonly dir: string;
  /** The manifest `run` returned. */
  readonly output: O;
  /** True when reused from the cache. */
  readonly cached: boolean;
  /** Wall time of this execution (0 when cached). */
  readonly seconds: number;
}

/** Shared services of one run. */
export interface RunServices {
  readonly datasetsDir: string;
  /** The stage's collection (resolved once per run): the experiment's dataset, or the out-of-domain dataset its `ref.dataset` names. */
  collection(): Promise<Collection>;
}

/** Upstream stages by role. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any output type may be needed
export type StageNeeds = Readonly<Record<string, StageSpec<any, any>>>;

/** The output type of a stage spec. */
export type OutputOf<S> = S extends StageSpec<infer O, StageNeeds> ? O : never;

/** The results of a stage's upstream stages, typed by role. */
export type StageInputs<N extends StageNeeds> = { readonly [R in keyof N]: StageResult<OutputOf<N[R]>> };

/** What a stage's `run` gets. */
export interface StageContext<N extends StageNeeds = StageNeeds> {
  /** Folder to write outputs into (a temporary folder, renamed on success). */
  readonly dir: string;
  /**
   * A folder for state worth keeping across a crash (e.g. training checkpoints): it survives a
   * killed process and is handed to the next execution of the same stage hash, and is removed
   * once the stage commits. Not created: make it when needed. One process at a time owns it
   * (see `cache.ts`).
   */
  readonly workDir: string;
  /** Upstream results by role. */
  readonly inputs: StageInputs<N>;
  readonly services: RunServices;
  /** A progress/info line on stderr and in log.jsonl. */
  log(message: string): void;
}

/** One stage instance of a plan. */
export interface StageSpec<O = unknown, N extends StageNeeds = StageNeeds> {
  readonly ref: StageRef;
  /** Bump when the stage's code changes its output. */
  readonly version: number;
  /** Upstream stages by role. */
  readonly needs: N;
  /** The settings this stage's output depends on (may read the collection, e.g. its fingerprint). */
  key(services: RunServices): unknown | Promise<unknown>;
  run(ctx: StageContext<N>): Promise<O>;
}

/** The cache hash of a stage instance: sha256 of `{stage, version, key, upstream hashes by role}` (and `dataset` for an out-of-domain stage). */
export function stageHash(spec: StageSpec, key: unknown, upstream: Readonly<Record<string, string>>): string {
  // An out-of-domain stage's hash also names its dataset, so a stage whose key does not mention
  // the corpus never shares an entry with the same stage on another dataset; the others' hashes are as before.
  const { dataset } = spec.ref;
  return stableHash({ stage: spec.ref.stage, version: spec.version, key, upstream, ...(dataset !== undefined ? { dataset } : {}) });
}

/** The `RunServices` of each stage of a run: the collection of its dataset (`ref.dataset`, else `dataset`), each resolved once. */
export function stageServices(datasetsDir: string, dataset: string, resolve: (name: string) => Promise<Collection>): (ref: StageRef) => RunServices {
  const services = new Map<string, RunServices>();
  return (ref) => {
    const name = ref.dataset ?? dataset;
    let found = services.get(name);
    if (found === undefined) {
      let collection: Promise<Collection> | undefined;
      found = { datasetsDir, collection: () => (collection ??= resolve(name)) };
      services.set(name, found);
    }
    return found;
  };
}

/** Declares a stage with its output and needs types inferred (an identity function). */
export function defineStage<O, N extends StageNeeds>(spec: StageSpec<O, N>): StageSpec<O, N> {
  return spec;
}

/** A stage output that holds a run file (TREC format, relative path). */
export interface RunFileOutput {
  readonly run: string;
  readonly queries: number;
  /** Stages that ran a trained model: the inference engine (`describeInference`). */
  readonly inference?: string;
  /** Dense retrieval: the exact-search kernel that ran (`@i3/search`'s report, e.g. `onnxruntime-node 1.23.2 (Gemm + TopK, 2 threads)`); absent in outputs written before it was recorded. */
  readonly searchKernel?: string;
}

/** A stage output that describes a trained model: where it is, which backend trained it, its log. */
export interface TrainedModelOutput {
  /** Checkpoint folder, relative to the stage folder. */
  readonly checkpoint: string;
  /** The TensorFlow.js backend that ran (e.g. `wasm`), recorded in environment.json. */
  readonly backend: string;
  /** JSON lines `{"step": n, "epoch": e, "loss": x, ...}`, plotted by the report when present. */
  readonly trainingLog?: string;
  readonly summary?: Record<string, unknown>;
}
