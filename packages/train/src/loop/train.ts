/**
 * The training loop, model-agnostic: named `tf.Variable` groups and a loss closure in,
 * optimizer steps out. Each optimizer step:
 *
 *   1. pulls `accumulate` micro-batches (fewer at the end of an epoch: a step never spans
 *      epochs), and for each computes the loss and its gradients with `tf.variableGrads`
 *      over the group variables, with seeds derived from (seed, step, microBatch);
 *   2. averages the gradients (mean semantics, `GradAccumulator`);
 *   3. clips them by global norm when `clipNorm` is set (`clip_grad_norm_` semantics);
 *   4. applies AdamW (or LAMB, `optimizer.kind`) with each group's lr times `schedule(step)`
 *      (step = updates already taken, as HF's `LambdaLR`);
 *   5. logs a JSONL line, updates the progress display, calls `onStep`, and checkpoints
 *      every `checkpointEvery` steps and at the end.
 *
 * Resume restores weights, optimizer moments and step counts, the scheduler step and the data
 * position from a checkpoint and re-opens the epoch, skipping the consumed batches; with a
 * deterministic `batches(epoch)` and the pure-JS or wasm backend the continued run is
 * bitwise identical to an uninterrupted one (tested).
 */
import { mulberry32Float, seedFromCoordinates } from "@i3/core";
import { currentBackend, describeBackend, tf } from "@i3/encoders";
import type { BackendInfo } from "@i3/encoders";
import { AdamW } from "../optim/adamw.js";
import { Lamb } from "../optim/lamb.js";
import { GradAccumulator } from "../grad/grad-accumulator.js";
import { clipGradsByGlobalNorm, globalGradNorm } from "../grad/clip-grad-norm.js";
import { constantSchedule } from "../schedule/schedules.js";
import { applyCheckpoint, latestCheckpoint, loadCheckpoint, saveCheckpoint } from "../checkpoint/checkpoint.js";
import type { TrainPosition } from "../checkpoint/checkpoint.js";
import { JsonlLog } from "../log/jsonl-log.js";
import { createProgress } from "../progress/progress.js";
import { openBatchStream } from "./batch-stream.js";
import type { BatchStream } from "./batch-stream.js";
import type { StepContext, StepRecord, TrainOptions, TrainResult } from "./types.js";

function positiveInt(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`${name} must be an integer >= 1 (got ${value})`);
}

function validate<B>(opts: TrainOptions<B>): void {
  if (typeof opts.lossFn !== "function") throw new Error("train: lossFn must be a function (batch, ctx) => tf.Scalar");
  if (typeof opts.batches !== "function") throw new Error("train: batches must be a function (epoch) => Iterable | AsyncIterable");
  if (opts.epochs === undefined && opts.maxSteps === undefined) throw new Error("train: give epochs or maxSteps (or both)");
  if (opts.epochs !== undefined && !(Number.isInteger(opts.epochs) && opts.epochs >= 0)) throw new Error(`train: epochs must be an integer >= 0 (got ${opts.epochs})`);
  if (opts.maxSteps !== undefined && !(Number.isInteger(opts.maxSteps) && opts.maxSteps >= 0)) throw new Error(`train: maxSteps must be an integer >= 0 (got ${opts.maxSteps})`);
  positiveInt("train: accumulate", opts.accumulate);
  positiveInt("train: logEvery", opts.logEvery);
  positiveInt("train: checkpointEvery", opts.checkpointEvery);
  positiveInt("train: keepCheckpoints", opts.keepCheckpoints);
  positiveInt("train: stepsPerEpoch", opts.stepsPerEpoch);
  if (!Number.isSafeInteger(opts.seed)) throw new Error(`train: seed must be a safe integer (got ${opts.seed})`);
  if (opts.clipNorm !== undefined && !(Number.isFinite(opts.clipNorm) && opts.clipNorm > 0)) throw new Error(`train: clipNorm must be a finite number > 0 (got ${opts.clipNorm})`);
  if (opts.checkpointEvery !== undefined && opts.checkpointDir === undefined) throw new Error("train: checkpointEvery needs checkpointDir");
  if (opts.resume !== undefined && opts.resume !== false && typeof opts.resume !== "object" && opts.checkpointDir === undefined) {
    throw new Error("train: resume from the latest checkpoint needs checkpointDir (or pass resume: { from: <checkpoint path> })");
  }
}

function resolveBackend(info: BackendInfo | undefined): string {
  const b = info ?? currentBackend();
  if (b === undefined) throw new Error("train: no backend selected; call `await initBackend({ device })` from @i3/encoders first (or pass backendInfo)");
  if (b.backend !== tf.getBackend()) throw new Error(`train: backendInfo says "${b.backend}" but the current tfjs backend is "${tf.getBackend()}"`);
  return describeBackend(b);
}

function defaultCount(batch: unknown): number | undefined {
  if (Array.isArray(batch)) return batch.length;
  const size = (batch as { size?: unknown } | null)?.size;
  return typeof size === "number" ? size : undefined;
}

/** Trains the groups' variables on `lossFn` over `batches` (see the module comment); resolves when done. */
export async function train<B>(opts: TrainOptions<B>): Promise<TrainResult> {
  validate(opts);
  const backend = resolveBackend(opts.backendInfo);
  const accumulate = opts.accumulate ?? 1;
  const schedule = opts.schedule ?? constantSchedule();
  const logEvery = opts.logEvery ?? 1;
  const count = opts.countExamples ?? defaultCount;
  const { kind: optimizerKind, ...optimizerOptions } = opts.optimizer ?? {};
  const optimizer = optimizerKind === "lamb" ? new Lamb(opts.groups, optimizerOptions) : new AdamW(opts.groups, optimizerOptions);
  const acc = new GradAccumulator();
  const varNameToParam = new Map<string, string>();
  for (const p of optimizer.params) varNameToParam.set(p.variable.name, p.name);
  const variables = optimizer.params.map((p) => p.variable);

  let stream: BatchStream<B> | undefined;
  let progress: ReturnType<typeof createProgress> | undefined;
  const history: StepRecord[] = [];
  let lastCheckpoint: string | undefined;
  let resumedFrom: string | undefined;
  try {
    // --- resume -----------------------------------------------------------------------
    let pos: TrainPosition = { step: 0, epoch: 0, batchIndex: 0, examplesSeen: 0 };
    if (opts.resume !== undefined && opts.resume !== false) {
      const path = typeof opts.resume === "object" ? opts.resume.from : latestCheckpoint(opts.checkpointDir!);
      if (path === undefined && opts.resume === true) throw new Error(`train: resume requested but ${opts.checkpointDir} has no checkpoint`);
      if (path !== undefined) {
        const ckpt = loadCheckpoint(path);
        if (ckpt.manifest.rng.seed !== opts.seed) throw new Error(`train: checkpoint ${path} was written by a run with seed ${ckpt.manifest.rng.seed}, this run has seed ${opts.seed}`);
        applyCheckpoint(ckpt, optimizer, path);
        pos = ckpt.manifest.position;
        resumedFrom = path;
      }
    }
    const log = opts.logFile === undefined ? undefined : new JsonlLog(opts.logFile, resumedFrom !== undefined ? { keepThroughStep: pos.step } : {});
    log?.write({
      event: resumedFrom !== undefined ? "resume" : "start",
      step: pos.step,
      epoch: pos.epoch,
      batch: pos.batchIndex,
      ...(resumedFrom !== undefined ? { from: resumedFrom } : {}),
      seed: opts.seed,
      ...(optimizer.kind !== "adamw" ? { optimizer: optimizer.kind } : {}),
      accumulate,
      clipNorm: opts.clipNorm ?? null,
      groups: optimizer.groups.map((g) => ({ name: g.name, lr: g.lr, weightDecay: g.weightDecay, betas: g.betas, eps: g.eps, params: g.params.length })),
      backend,
      time: new Date().toISOString(),
    });

    const total = opts.maxSteps ?? (opts.epochs !== undefined && opts.stepsPerEpoch !== undefined ? opts.epochs * opts.stepsPerEpoch : undefined);
    progress = createProgress(opts.progress ?? "auto", total, opts.progressIntervalMs !== undefined ? { intervalMs: opts.progressIntervalMs } : {});
    const runStart = performance.now();
    const startStep = pos.step;
    let { step, epoch, batchIndex, examplesSeen } = pos;
    let lastSaved = resumedFrom !== undefined ? step : -1;

    const checkpoint = () => {
      lastCheckpoint = saveCheckpoint(opts.checkpointDir!, { optimizer, position: { step, epoch, batchIndex, examplesSeen }, seed: opts.seed, backend, keepLast: opts.keepCheckpoints ?? 3 });
      lastSaved = step;
      log?.write({ event: "checkpoint", step, path: lastCheckpoint, backend, time: new Date().toISOString() });
    };

    // --- loop ---------------------------------------------------------------------------
    outer: while (opts.epochs === undefined || epoch < opts.epochs) {
      const fresh = batchIndex === 0;
      stream = await openBatchStream(opts.batches(epoch), batchIndex, epoch);
      let yielded = false;
      while (true) {
        if (opts.maxSteps !== undefined && step >= opts.maxSteps) break outer;
        const t0 = performance.now();
        let micro = 0;
        let lossSum = 0;
        let examples: number | null = 0;
        let stepEpoch = epoch;
        const reported = new Map<string, { sum: number; n: number }>();
        while (micro < accumulate) {
          const batch = await stream.next();
          if (batch === undefined) break;
          yielded = true;
          const n = count(batch);
          examples = examples === null || n === undefined ? null : examples + n;
          const seed = seedFromCoordinates(opts.seed, step, micro);
          let rng: (() => number) | undefined;
          const ctx: StepContext = {
            step,
            microBatch: micro,
            epoch,
            batchIndex,
            seed,
            random: () => (rng ??= mulberry32Float(seed))(),
            report: (name, value) => {
              const v = typeof value === "number" ? value : (value.dataSync()[0] as number);
              const r = reported.get(name) ?? { sum: 0, n: 0 };
              reported.set(name, { sum: r.sum + v, n: r.n + 1 });
            },
          };
          let taped: { value: tf.Scalar; grads: tf.NamedTensorMap };
          try {
            taped = tf.tidy(() => tf.variableGrads(() => opts.lossFn(batch, ctx), variables));
          } catch (err) {
            if (/Cannot find a connection between any variable/.test((err as Error).message)) {
              throw new Error(`train: the loss at step ${step + 1} (epoch ${epoch}, batch ${batchIndex}) does not depend on any parameter of the groups`);
            }
            throw err;
          }
          const { value, grads } = taped;
          const loss = value.dataSync()[0] as number;
          value.dispose();
          const named: Record<string, tf.Tensor> = {};
          for (const [varName, g] of Object.entries(grads)) if (g != null) named[varNameToParam.get(varName)!] = g;
          if (!Number.isFinite(loss)) {
            tf.dispose(Object.values(named));
            throw new Error(`train: non-finite loss ${loss} at step ${step + 1} (epoch ${epoch}, batch ${batchIndex})`);
          }
          acc.add(named);
          lossSum += loss;
          micro++;
          batchIndex++;
          stepEpoch = epoch;
        }
        const exhausted = micro < accumulate;
        if (micro > 0) {
          const mean = acc.takeMean();
          let gradNorm: number;
          let clipped = false;
          let update = mean;
          if (opts.clipNorm !== undefined) {
            const c = clipGradsByGlobalNorm(mean, opts.clipNorm);
            tf.dispose(Object.values(mean));
            update = c.grads;
            gradNorm = c.totalNorm;
            clipped = c.clipped;
          } else gradNorm = globalGradNorm(mean);
          const multiplier = schedule(step);
          optimizer.step(update, multiplier);
          tf.dispose(Object.values(update));
          step++;
          const batchInEpoch = batchIndex;
          if (exhausted) {
            epoch++;
            batchIndex = 0;
          }
          if (examples !== null) examplesSeen += examples;
          const seconds = Math.max((performance.now() - t0) / 1000, 1e-9);
          const record: StepRecord = {
            step,
            epoch: stepEpoch,
            batch: batchInEpoch,
            loss: lossSum / micro,
            lr: optimizer.lrs(multiplier),
            gradNorm,
            clipped,
            microBatches: micro,
            ...(reported.size > 0 ? { metrics: Object.fromEntries([...reported].map(([k, r]) => [k, r.sum / r.n])) } : {}),
            examples,
            examplesPerSec: examples === null ? null : examples / seconds,
            stepsPerSec: 1 / seconds,
          };
          history.push(record);
          if (log !== undefined && (step % logEvery === 0 || step === opts.maxSteps)) {
            log.write({ event: "step", ...record, backend, time: new Date().toISOString() });
          }
          const elapsed = Math.max((performance.now() - runStart) / 1000, 1e-9);
          progress.update({
            step,
            epoch: stepEpoch,
            loss: record.loss,
            lr: Object.values(record.lr)[0] ?? 0,
            stepsPerSec: (step - startStep) / elapsed,
            ...(examples === null ? {} : { examplesPerSec: (examplesSeen - pos.examplesSeen) / elapsed }),
          });
          await opts.onStep?.(record);
          if (opts.checkpointDir !== undefined && opts.checkpointEvery !== undefined && step % opts.checkpointEvery === 0) checkpoint();
        }
        if (exhausted) break;
      }
      await stream.close();
      stream = undefined;
      if (fresh && !yielded) throw new Error(`train: batches(${epoch}) yielded no batches`);
      if (batchIndex !== 0) {
        // the epoch ended exactly at a step boundary (discovered on the next pull)
        epoch++;
        batchIndex = 0;
      }
    }
    if (opts.checkpointDir !== undefined && lastSaved !== step && step > startStep) checkpoint();
    log?.write({ event: "end", step, epoch, batch: batchIndex, backend, time: new Date().toISOString() });
    return {
      position: { step, epoch, batchIndex, examplesSeen },
      history,
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
      ...(lastCheckpoint !== undefined ? { lastCheckpoint } : {}),
    };
  } finally {
    progress?.stop();
    await stream?.close();
    acc.dispose();
    optimizer.dispose();
  }
}
