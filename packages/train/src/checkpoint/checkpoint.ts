/**
 * Training checkpoints: one directory per saved step, written atomically (a temporary
 * directory, then `rename`), the last K kept.
 *
 *   <checkpointDir>/step-00000100/
 *     manifest.json           position (step, epoch, next batch), scheduler step, RNG seed,
 *                             groups, optimizer kind (adamw, lamb) and step counts, backend, time
 *     weights.safetensors     every parameter (F32) under its name
 *     optimizer.safetensors   the optimizer's moments: `m/<param>` and `v/<param>` (F32)
 *
 * The safetensors files are written and read with `@i3/encoders`' safetensors codec
 * (huggingface/safetensors format); float32 values round-trip bit for bit.
 *
 * A `step-*` directory exists only once complete, so the latest one is always loadable.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeDirAtomicSync, writeFileFlushedSync } from "@i3/core";
import { parseSafetensors, serializeSafetensors, tf, toFloat32 } from "@i3/encoders";
import type { Float32Entry } from "@i3/encoders";
import type { MomentOptimizer, MomentState, OptimizerKind } from "../optim/moment-optimizer.js";

/** Where the run stands after a step: the next batch to read is (epoch, batchIndex). */
export interface TrainPosition {
  /** Optimizer steps taken (= the scheduler step). */
  readonly step: number;
  /** Epoch of the next batch. */
  readonly epoch: number;
  /** Index within `epoch` of the next batch (batches already consumed in that epoch). */
  readonly batchIndex: number;
  /** Examples consumed so far (when the trainer can count them). */
  readonly examplesSeen: number;
}

/** The JSON manifest of a checkpoint. */
export interface CheckpointManifest {
  readonly format: "i3-train-checkpoint";
  readonly version: 1;
  readonly position: TrainPosition;
  /** Scheduler step (= position.step: the schedule is a pure function of it). */
  readonly scheduler: { readonly step: number };
  /** RNG state: training randomness is a pure function of (seed, step, micro-batch). */
  readonly rng: { readonly seed: number; readonly scheme: string };
  readonly groups: readonly { name: string; lr: number; weightDecay: number; betas: readonly [number, number]; eps: number; params: string[] }[];
  /** The weights file and its parameter names (in group order). */
  readonly weights: { readonly file: string; readonly params: readonly string[] };
  /** The moments file (`m/<param>`, `v/<param>`) and the optimizer's kind and per-parameter step counts. */
  readonly optimizer: { readonly kind: OptimizerKind; readonly file: string; readonly steps: Readonly<Record<string, number>> };
  /** `describeBackend` line of the process that wrote it. */
  readonly backend: string;
  readonly createdAt: string;
}

/** The seed-derivation scheme recorded in manifests (`@i3/core`'s `seedFromCoordinates`). */
export const RNG_SCHEME = "seedFromCoordinates(seed, step, microBatch): chained MurmurHash3 fmix32";

const NAME = /^step-(\d{8,})$/;
const WEIGHTS_FILE = "weights.safetensors";
const OPTIMIZER_FILE = "optimizer.safetensors";

/** Reads a safetensors file into float32 arrays (copies), naming the file in errors. */
function readFloat32Tensors(file: string): Map<string, { shape: number[]; data: Float32Array }> {
  const buf = readFileSync(file);
  try {
    // a plain Uint8Array view: its slices are copies (a Buffer's are views of a shared pool)
    const parsed = parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of parsed.tensors) {
      if (t.dtype !== "F32") throw new Error(`tensor "${name}" is ${t.dtype}, expected F32`);
      out.set(name, { shape: [...t.shape], data: toFloat32(t) });
    }
    return out;
  } catch (err) {
    throw new Error(`checkpoint file ${file}: ${(err as Error).message}`);
  }
}

/** The directory name of the checkpoint of a step, e.g. `step-00000100`. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/** Complete checkpoints in `dir`, oldest first (an absent dir has none). */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ m: NAME.exec(name), name }))
    .filter((e) => e.m !== null && existsSync(join(dir, e.name, "manifest.json")))
    .map((e) => ({ step: Number(e.m![1]), path: join(dir, e.name) }))
    .sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint in `dir`, or undefined. */
export function latestCheckpoint(dir: string): string | undefined {
  return listCheckpoints(dir).at(-1)?.path;
}

/** Deletes all but the newest `keepLast` checkpoints. */
export function pruneCheckpoints(dir: string, keepLast: number): void {
  if (!(Number.isInteger(keepLast) && keepLast >= 1)) throw new Error(`keepLast must be an integer >= 1 (got ${keepLast})`);
  const all = listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keepLast))) rmSync(c.path, { recursive: true, force: true });
}

/** What {@link saveCheckpoint} needs. */
export interface SaveCheckpointOptions {
  readonly optimizer: MomentOptimizer;
  readonly position: TrainPosition;
  readonly seed: number;
  readonly backend: string;
  /** Keep this many newest checkpoints (default 3). */
  readonly keepLast?: number;
}

/** Writes the checkpoint of `position.step` into `dir` atomically, prunes old ones, returns its path. */
export function saveCheckpoint(dir: string, opts: SaveCheckpointOptions): string {
  const { optimizer, position } = opts;
  mkdirSync(dir, { recursive: true });
  const final = join(dir, checkpointName(position.step));
  writeDirAtomicSync(final, (tmp) => {
    const params = optimizer.params;
    const weights = new Map<string, Float32Entry>(params.map((p) => [p.name, { shape: p.variable.shape, data: (p.variable.dataSync() as Float32Array).slice() }]));
    const state = optimizer.getState();
    const moments = new Map<string, Float32Entry>();
    for (const p of params) {
      moments.set(`m/${p.name}`, { shape: p.variable.shape, data: state.m[p.name]! });
      moments.set(`v/${p.name}`, { shape: p.variable.shape, data: state.v[p.name]! });
    }
    const manifest: CheckpointManifest = {
      format: "i3-train-checkpoint",
      version: 1,
      position,
      scheduler: { step: position.step },
      rng: { seed: opts.seed, scheme: RNG_SCHEME },
      groups: optimizer.groups.map((g) => ({ name: g.name, lr: g.lr, weightDecay: g.weightDecay, betas: g.betas, eps: g.eps, params: g.params.map((p) => p.name) })),
      weights: { file: WEIGHTS_FILE, params: params.map((p) => p.name) },
      optimizer: { kind: optimizer.kind, file: OPTIMIZER_FILE, steps: state.steps },
      backend: opts.backend,
      createdAt: new Date().toISOString(),
    };
    const metadata = { format: "i3-train-checkpoint", step: String(position.step) };
    writeFileFlushedSync(join(tmp, WEIGHTS_FILE), serializeSafetensors(weights, metadata));
    writeFileFlushedSync(join(tmp, OPTIMIZER_FILE), serializeSafetensors(moments, metadata));
    writeFileFlushedSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  pruneCheckpoints(dir, opts.keepLast ?? 3);
  return final;
}

/** A checkpoint read from disk (values copied into memory). */
export interface LoadedCheckpoint {
  readonly manifest: CheckpointManifest;
  readonly weights: Map<string, { shape: number[]; data: Float32Array }>;
  readonly optimizerState: MomentState;
}

/** Reads and validates a checkpoint directory. */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  const manifestPath = join(path, "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`not a checkpoint: ${manifestPath} does not exist`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as CheckpointManifest;
  } catch (err) {
    throw new Error(`checkpoint ${path}: manifest.json is not valid JSON (${(err as Error).message})`);
  }
  if (manifest.format !== "i3-train-checkpoint" || manifest.version !== 1) {
    throw new Error(`checkpoint ${path}: unsupported format ${String(manifest.format)} version ${String(manifest.version)} (expected i3-train-checkpoint 1)`);
  }
  const pos = manifest.position as Partial<TrainPosition> | undefined;
  const nat = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  if (pos === undefined || !nat(pos.step) || !nat(pos.epoch) || !nat(pos.batchIndex) || !nat(pos.examplesSeen)) {
    throw new Error(`checkpoint ${path}: manifest.position must hold integers >= 0 step, epoch, batchIndex, examplesSeen`);
  }
  const weights = readFloat32Tensors(join(path, manifest.weights.file));
  const moments = readFloat32Tensors(join(path, manifest.optimizer.file));
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const [key, t] of moments) {
    const slash = key.indexOf("/");
    const kind = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (kind === "m") m[name] = t.data;
    else if (kind === "v") v[name] = t.data;
    else throw new Error(`checkpoint ${path}: unexpected optimizer tensor "${key}"`);
  }
  return { manifest, weights, optimizerState: { steps: manifest.optimizer.steps, m, v } };
}

/**
 * Loads a checkpoint into the optimizer's parameters and state. The parameter names and
 * shapes must match exactly (clear errors otherwise); nothing is assigned if any check fails.
 */
export function restoreCheckpoint(path: string, optimizer: MomentOptimizer): CheckpointManifest {
  const ckpt = loadCheckpoint(path);
  applyCheckpoint(ckpt, optimizer, path);
  return ckpt.manifest;
}

/** {@link restoreCheckpoint} for a checkpoint already read with {@link loadCheckpoint}; `path` is for messages. */
export function applyCheckpoint(ckpt: LoadedCheckpoint, optimizer: MomentOptimizer, path = "(loaded)"): void {
  if (ckpt.manifest.optimizer.kind !== optimizer.kind) {
    throw new Error(`checkpoint ${path} holds ${String(ckpt.manifest.optimizer.kind)} moments, this run trains with ${optimizer.kind}`);
  }
  const params = optimizer.params;
  const wanted = new Set(params.map((p) => p.name));
  const extra = [...ckpt.weights.keys()].filter((n) => !wanted.has(n));
  const missing = params.filter((p) => !ckpt.weights.has(p.name)).map((p) => p.name);
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `checkpoint ${path} does not match the parameters being trained` +
        (missing.length > 0 ? `; missing: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}` : "") +
        (extra.length > 0 ? `; unexpected: ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", ..." : ""}` : ""),
    );
  }
  for (const p of params) {
    const w = ckpt.weights.get(p.name)!;
    if (!tf.util.arraysEqual(w.shape, p.variable.shape)) {
      throw new Error(`checkpoint ${path}: parameter "${p.name}" has shape [${w.shape.join(", ")}], the model has [${p.variable.shape.join(", ")}]`);
    }
  }
  optimizer.setState(ckpt.optimizerState);
  for (const p of params) {
    const w = ckpt.weights.get(p.name)!;
    tf.tidy(() => p.variable.assign(tf.tensor(w.data, w.shape, "float32")));
  }
}
