/**
 * Checkpoints of phased training (`trainDualEncoder` / `trainI3` with `checkpoints`), so an
 * interrupted run continues where it stopped with the result of an uninterrupted one. Each phase
 * is one `@i3/train` run, and each gets its own `@i3/train` checkpoint folder and log: the state
 * saved is `@i3/train`'s (weights, AdamW moments and step counts, scheduler step, data position
 * in the epoch, seed; training randomness is a pure function of (seed, step, micro-batch)), and
 * the phase index is the folder. No second format:
 *
 *   <dir>/training.json                what the run is (see {@link trainingIdentity}); checkpoints
 *                                      of another run are refused, never mixed
 *   <dir>/<i>-<phase>/step-XXXXXXXX/   `@i3/train` checkpoints of phase i (0-based), the newest kept
 *   <dir>/<i>-<phase>/train.jsonl      `@i3/train`'s log of the phase; on resume `@i3/train` cuts it
 *                                      back to the checkpoint's step, so its step lines are those of
 *                                      an uninterrupted run: the trainer's returned `steps` are read
 *                                      from here
 *
 * On a new call every phase runs with `resume: "if-available"`: a phase whose last checkpoint is
 * its end restores its weights and returns at once, the phase in progress continues from its
 * step, the later ones start fresh.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256File, writeFileAtomicSync } from "@i3/core";
import type { Collection, I3Tokenizer, Qrels } from "@i3/data";
import { listCheckpoints, readJsonl, type StepRecord } from "@i3/train";
import { initFolderFiles } from "./hf-files.js";

/** What the identity reads of a training phase (`./phases.ts` `Phase`). */
interface PhaseData {
  readonly name: string;
  readonly epochs: number;
  readonly queries: readonly string[];
  readonly negatives: ReadonlyMap<string, readonly string[]>;
  readonly qrels: Qrels;
}

/** Where and how often a trainer saves its state (`trainDualEncoder` / `trainI3` `checkpoints`). */
export interface TrainingCheckpointOptions {
  /** A folder that outlives the process; a checkpoint found there at start is continued. */
  dir: string;
  /** Save every this many optimizer steps of a phase, and at each phase's end (default `train.checkpointEverySteps`). */
  everySteps?: number;
}

/** Where one phase saves: its `@i3/train` checkpoint folder and log. */
export interface PhaseCheckpoints {
  dir: string;
  everySteps: number;
}

/** The newest checkpoint of a training folder: its phase (name, 0-based index) and step within the phase. */
export interface ResumePoint {
  phase: string;
  phaseIndex: number;
  step: number;
  path: string;
}

const IDENTITY_FILE = "training.json";
const IDENTITY_FORMAT = "i3-phased-training";

/** The folder of phase `index` named `name` under `dir`. */
export function phaseCheckpointDir(dir: string, index: number, name: string): string {
  return join(dir, `${index}-${name}`);
}

/** The newest checkpoint among `phases` (in order) under `dir`, or undefined when there is none. */
export function findResumePoint(dir: string, phases: readonly string[]): ResumePoint | undefined {
  for (let i = phases.length - 1; i >= 0; i--) {
    const newest = listCheckpoints(phaseCheckpointDir(dir, i, phases[i]!)).at(-1);
    if (newest !== undefined) return { phase: phases[i]!, phaseIndex: i, step: newest.step, path: newest.path };
  }
  return undefined;
}

/** The line a trainer logs when it continues: `resuming from phase queries (2 of 2) step 40`. */
export function resumeMessage(point: ResumePoint, phases: number): string {
  return `resuming from phase ${point.phase} (${point.phaseIndex + 1} of ${phases}) step ${point.step}`;
}

/** sha256 of a phase's data: its queries in order, their negatives and judgments, and the reconstruction labels (I3). */
function phaseDigest(phase: PhaseData, labels?: ReadonlyMap<string, Int32Array>): string {
  const hash = createHash("sha256");
  for (const qid of phase.queries) {
    hash.update(`${JSON.stringify(qid)}\t${JSON.stringify(phase.negatives.get(qid) ?? [])}\t${JSON.stringify([...(phase.qrels.get(qid) ?? [])])}\n`);
  }
  if (labels !== undefined) {
    for (const [pid, row] of labels) hash.update(`${JSON.stringify(pid)}\t${row.join(",")}\n`);
  }
  return hash.digest("hex");
}

/** sha256 of parameters' names and float32 values in order: the weights a training run starts from, for its identity. */
export function parametersDigest(params: readonly { name: string; variable: { dataSync(): unknown } }[]): string {
  const hash = createHash("sha256");
  for (const p of params) {
    const values = p.variable.dataSync() as Float32Array;
    hash.update(`${JSON.stringify(p.name)}\t${values.length}\n`).update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest("hex");
}

/** Settings without the checkpoint interval (it never changes the trained model). */
function withoutInterval<S extends { train: { checkpointEverySteps?: number } }>(settings: S): unknown {
  const { checkpointEverySteps: _interval, ...train } = settings.train;
  return legacyMemoryName({ ...settings, train });
}

/**
 * I3's `reconstructor.memory: "pooled"` under its name before the rename (`"cls"`), so that a
 * training interrupted before the rename continues (nothing but the name changed).
 */
function legacyMemoryName<S>(settings: S): S {
  const i3 = (settings as { i3?: { reconstructor?: { memory?: string } } }).i3;
  if (i3?.reconstructor?.memory !== "pooled") return settings;
  return { ...settings, i3: { ...i3, reconstructor: { ...i3.reconstructor, memory: "cls" } } };
}

/**
 * What a phased training run is, for `training.json`: the trainer, seed, train split, settings
 * (without `train.checkpointEverySteps`; I3's memory `pooled` written `cls`, its old name), tfjs backend, the collection's and tokenizer's
 * fingerprints, the sha256 of the `model.init` files, and per phase its name, epochs and a
 * sha256 of its data (queries, negatives, judgments, reconstruction labels). A checkpoint folder
 * whose identity differs is refused.
 */
export async function trainingIdentity(args: {
  trainer: string;
  seed: number;
  trainSplit: string;
  settings: { train: { checkpointEverySteps?: number }; model: { init?: string | undefined } };
  backend: string;
  collection: Collection;
  tokenizer: I3Tokenizer;
  phases: readonly { phase: PhaseData; labels?: ReadonlyMap<string, Int32Array> }[];
}): Promise<Record<string, unknown>> {
  const init = args.settings.model.init;
  let initFiles: Record<string, string> | undefined;
  if (init !== undefined) {
    const files = await initFolderFiles(init);
    initFiles = { "config.json": await sha256File(files.config), "model.safetensors": await sha256File(files.weights) };
  }
  return {
    format: IDENTITY_FORMAT,
    version: 1,
    trainer: args.trainer,
    seed: args.seed,
    trainSplit: args.trainSplit,
    settings: withoutInterval(args.settings),
    backend: args.backend,
    collection: await args.collection.fingerprint(),
    tokenizer: args.tokenizer.fingerprint,
    ...(initFiles !== undefined ? { init: initFiles } : {}),
    phases: args.phases.map(({ phase, labels }) => ({ name: phase.name, epochs: phase.epochs, queries: phase.queries.length, data: phaseDigest(phase, labels) })),
  };
}

/** Up to `max` differences between two JSON values, as `path: a -> b`. */
function differences(a: unknown, b: unknown, path = "", out: string[] = [], max = 5): string[] {
  if (out.length >= max) return out;
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
  if (isObject(a) && isObject(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) differences(a[key], b[key], path === "" ? key : `${path}.${key}`, out, max);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || "(root)"}: ${JSON.stringify(a) ?? "absent"} -> ${JSON.stringify(b) ?? "absent"}`);
  return out;
}

/**
 * Opens a training checkpoint folder for a run with `identity` and these phases: writes
 * `training.json` when the folder holds no checkpoint, else checks it and **refuses** (throws,
 * naming the folder and the first differences) a folder written by another run (other seed,
 * settings, data, backend). Returns each phase's folder and interval, and the checkpoint the run
 * continues from.
 */
export function openTrainingCheckpoints(args: {
  options: TrainingCheckpointOptions;
  defaultEverySteps: number;
  identity: Record<string, unknown>;
  phases: readonly string[];
  /** Names the caller in the refusal, e.g. `trainI3`. */
  caller: string;
}): { phase(index: number): PhaseCheckpoints; resumeFrom: ResumePoint | undefined } {
  const { dir } = args.options;
  const everySteps = args.options.everySteps ?? args.defaultEverySteps;
  if (!(Number.isInteger(everySteps) && everySteps >= 1)) throw new Error(`${args.caller}: checkpoints.everySteps must be an integer >= 1 (got ${everySteps})`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, IDENTITY_FILE);
  const resumeFrom = findResumePoint(dir, args.phases);
  const stored = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  if (resumeFrom !== undefined) {
    if (stored === undefined) throw new Error(`${args.caller}: ${dir} holds training checkpoints but no ${IDENTITY_FILE}; cannot tell which run wrote them (remove the folder to start over)`);
    let previous: unknown;
    try {
      previous = JSON.parse(stored);
    } catch {
      throw new Error(`${args.caller}: ${file} is not valid JSON (remove the folder to start over)`);
    }
    const diff = differences(previous, args.identity);
    if (diff.length > 0) {
      throw new Error(
        `${args.caller}: the checkpoints in ${dir} were written by a different training run; refusing to continue from them ` +
          `(${diff.join("; ")}). Remove the folder or give another checkpoints.dir.`,
      );
    }
  } else {
    // Nothing saved yet: this run's identity (re)claims the folder.
    writeFileAtomicSync(file, `${JSON.stringify(args.identity, null, 2)}\n`);
  }
  return { phase: (index) => ({ dir: phaseCheckpointDir(dir, index, args.phases[index]!), everySteps }), resumeFrom };
}

/**
 * The step records of a phase from its `@i3/train` log (the `step` lines without `event`,
 * `backend` and `time`), tagged with the phase; throws unless they are steps 1..`steps` in order.
 */
export function phaseStepsFromLog(logFile: string, phase: string, steps: number): (StepRecord & { phase: string })[] {
  const records = readJsonl(logFile)
    .filter((r) => r["event"] === "step")
    .map(({ event: _event, backend: _backend, time: _time, ...record }) => ({ ...(record as unknown as StepRecord), phase }));
  const numbers = records.map((r) => r.step);
  if (numbers.length !== steps || numbers.some((n, i) => n !== i + 1)) {
    throw new Error(`${logFile}: expected the step lines 1..${steps} of phase ${phase}, found ${numbers.length} (${numbers.slice(0, 3).join(", ")}${numbers.length > 3 ? ", ..." : ""})`);
  }
  return records;
}
