/**
 * A stage of the runner (Tevatron-style: stages talk through files). A stage declares the config
 * slice it depends on (`key`) and its upstream stages (`needs`); its output folder is cached under
 * `<cacheDir>/<stage>/<hash>/`, where hash = sha256 of the canonical JSON of
 * `{stage, version, key, upstream hashes}`. `run` writes files into `ctx.dir` and returns a small
 * JSON manifest (paths inside it are relative to the stage folder).
 */
import type { Collection } from "@i3/data";
import type { ExperimentConfig } from "../config/schema.js";
import type { NeuralStages } from "./neural.js";

/** A finished (or cached) stage. */
export interface StageResult<O = unknown> {
  /** Plan id, e.g. `bm25:test`. */
  readonly id: string;
  /** Cache folder name, e.g. `bm25`. */
  readonly stage: string;
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
  /** The run's collection (resolved once). */
  collection(): Promise<Collection>;
  /** The neural stages (train, index, retrieve); throws "not available yet" when absent. */
  neural(): Promise<NeuralStages>;
}

/** What a stage's `run` gets. */
export interface StageContext {
  /** Folder to write outputs into (a temporary folder, renamed on success). */
  readonly dir: string;
  readonly config: ExperimentConfig;
  /** Upstream results by role. */
  readonly inputs: Readonly<Record<string, StageResult>>;
  readonly services: RunServices;
  /** A progress/info line on stderr and in log.jsonl. */
  log(message: string): void;
}

/** One stage instance of a plan. */
export interface StageSpec<O = unknown> {
  readonly id: string;
  readonly stage: string;
  /** Bump when the stage's code changes its output. */
  readonly version: number;
  /** The config slice this stage depends on (may need the collection, e.g. its fingerprint). */
  key(config: ExperimentConfig, services: RunServices): unknown | Promise<unknown>;
  /** role -> upstream stage id. */
  readonly needs: Readonly<Record<string, string>>;
  run(ctx: StageContext): Promise<O>;
}

/** Thrown by stages whose implementation has not landed yet (train, index, retrieve, pseudo-queries). */
export class NotAvailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAvailableError";
  }
}
