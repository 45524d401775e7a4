/**
 * Training-step benchmark (issue: engine). For the reference configs — tiny (2x128), small
 * (4x256) and one base-size (12x768) step — one step is a dual-encoder (shared towers) forward
 * and backward over 32 queries of 32 tokens and 64 passages of 128 tokens (one positive and one
 * negative per query), the in-batch contrastive loss, and one AdamW update.
 *
 * Model FLOPs per step (the usual transformer accounting, embeddings and the tiny score matrix
 * left out): forward = sum over sequences of tokens * layers * (8 H^2 + 4 H I + 4 S H)
 * (Q, K, V and output projections; the two FFN matrices; Q.K^T and A.V), training = 3 x forward.
 * Efficiency = achieved GFLOP/s / the 2-D matMul GFLOP/s measured in this process.
 *
 * Memory: tfjs's gradient tape keeps every activation a gradient needs and every intermediate
 * gradient until the backward pass ends. On the wasm backend (a 32-bit heap, at most 4 GiB) that
 * does not fit for small (~5.6 GB for the 9,216 tokens of a step) or base, so those configs run
 * the step GradCache-style (Gao et al. 2021): (1) embed all queries and passages in chunks without
 * a tape, (2) the loss and its gradient w.r.t. the embeddings, (3) per chunk, re-encode with the
 * tape and backpropagate that chunk's embedding gradient (d/dtheta sum(e * g)), summing the
 * parameter gradients. The gradient is the full-batch one (same dropout masks in both passes:
 * each chunk has its own seeded context); the extra forward is not counted in the model FLOPs,
 * so it shows as lower efficiency. `stepMethod` in the output says which way a config ran.
 *
 * Writes bench/out/training.json: a list of
 * {config, backend, stepMethod, stepMs, tokensPerSec, modelGflopPerStep, achievedGflops, matmulPeakGflops, efficiency,
 * matmulPeakBeforeAfter, name, measuredAt, loadavg} (a config that failed: {config, backend, error, ...}). A run limited by
 * `I3_BENCH_CONFIGS` replaces its own rows and keeps the file's other rows.
 * `I3_DEVICE` picks the device (default auto); `I3_BENCH_CONFIGS=tiny,small,small+simd-wgrad` limits the configs;
 * `I3_BENCH_CHUNKS=q,p` (sequences per chunk, e.g. `32,16`; `0` = full batch) overrides the
 * chunking of every config.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedFromName, writeFileAtomic } from "@i3/core";
import {
  DualEncoder,
  describeBackend,
  fastKernelRouting,
  initBackend,
  installFastKernels,
  installOnnxMatMul,
  presetConfig,
  tf,
  type Device,
  type PresetName,
  uninstallOnnxMatMul,
} from "@i3/encoders";
import { contrastiveLoss } from "@i3/losses";
import { AdamW } from "@i3/train";
import { encoderForwardFlops } from "./flops.js";
import { kernelBreakdown, type KernelBreakdown } from "./kernel-breakdown.js";
import { runPytorchPeer, type PeerResult } from "./pytorch-peer.js";
import { median } from "./timing.js";
import { peerComparison } from "./peer-ratios.js";

const QUERIES = 32;
const QUERY_LEN = 32;
const PASSAGES = 64;
const PASSAGE_LEN = 128;
const VOCAB = 30522;

/** Best median GFLOP/s of plain 2-D matMuls at encoder-like shapes. */
async function matmulPeak(): Promise<number> {
  const shapes: [number, number, number][] = [
    [4096, 256, 1024],
    [2048, 768, 768],
    [1024, 1024, 1024],
  ];
  let best = 0;
  for (const [m, k, n] of shapes) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      times.push(performance.now() - t0);
      c.dispose();
    }
    a.dispose();
    b.dispose();
    best = Math.max(best, (2 * m * k * n) / (median(times.slice(1)) / 1000) / 1e9);
  }
  return best;
}

/** `I3_BENCH_TRACE=1`: per-phase times and the wasm heap per chunk on stderr. */
const TRACE = process.env["I3_BENCH_TRACE"] !== undefined;

/** Milliseconds per phase of the step (embeddings, query chunks, passage chunks, AdamW), summed since the last reset. */
let phases: Record<string, number> = {};

/** Adds the time since `t0` (ms) to `phase` and traces it as `what`. */
function trace(what: string, t0: number, phase: string = what): void {
  const ms = performance.now() - t0;
  phases[phase] = (phases[phase] ?? 0) + ms;
  if (TRACE) process.stderr.write(`[training] ${what}: ${ms.toFixed(0)} ms\n`);
}

/** Traces the wasm heap size and the live tensor count at `where`. */
function traceHeap(where: string): void {
  if (!TRACE) return;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: { length: number } } }).wasm?.HEAPU8?.length ?? 0;
  process.stderr.write(`[training] ${where}: heap ${(heap / 2 ** 20).toFixed(0)} MiB, ${tf.memory().numTensors} tensors\n`);
}

interface Inputs {
  inputIds: tf.Tensor;
  attentionMask: tf.Tensor;
}

function randomInputs(batch: number, len: number, seed: number): Inputs {
  return tf.tidy(() => ({
    inputIds: tf.randomUniform([batch, len], 1, VOCAB, "int32", seed),
    attentionMask: tf.ones([batch, len], "int32"),
  }));
}

/** Rows [start, start + n) of a batch (new tensors). */
function rows(x: Inputs, start: number, n: number): Inputs {
  const len = x.inputIds.shape[1]!;
  return { inputIds: tf.slice(x.inputIds, [start, 0], [n, len]), attentionMask: tf.slice(x.attentionMask, [start, 0], [n, len]) };
}

/**
 * Sequences per chunk [queries, passages] for the GradCache step; undefined = full batch.
 * Chosen so one chunk's tape stays near 1.5 GB on the 4 GiB wasm heap (measured ~150 KB per
 * token per layer at hidden 256, roughly proportional to the hidden size).
 */
const CHUNKS: Record<PresetName, [number, number] | undefined> = {
  tiny: undefined,
  small: [32, 16],
  base: [4, 1],
};

function chunksFor(name: PresetName): [number, number] | undefined {
  const env = process.env["I3_BENCH_CHUNKS"];
  if (env === undefined) return CHUNKS[name];
  const [cq, cp] = env.split(",").map(Number);
  return cq === 0 || cp === 0 || cq === undefined || cp === undefined ? undefined : [cq, cp];
}

async function benchConfig(name: PresetName, steps: number, warmUp: boolean, backend: string, peakBefore: number) {
  const cfg = presetConfig(name, { vocabSize: VOCAB, maxPositions: 512 });
  const model = new DualEncoder(cfg, { shared: true, seed: 1 });
  const optimizer = new AdamW([{ name: "backbone", params: model.namedParameters(), lr: 2e-5, weightDecay: 0.01 }]);
  const q = randomInputs(QUERIES, QUERY_LEN, 1);
  const p = randomInputs(PASSAGES, PASSAGE_LEN, 2);
  const vars = model.namedParameters().map((x) => x.variable);
  const chunks = chunksFor(name);
  /** One step on the whole batch under one tape. */
  const fullStep = (i: number): { value: tf.Scalar; named: Record<string, tf.Tensor> } => {
    const { value, grads } = tf.variableGrads(() => {
      const opts = { training: true, seed: 7, step: i };
      const qv = model.encodeQueries(q, opts);
      const pv = model.encodePassages(p, opts);
      return contrastiveLoss(qv, pv);
    }, vars);
    const named: Record<string, tf.Tensor> = {};
    for (const np of model.namedParameters()) named[np.name] = grads[np.variable.name]!;
    return { value, named };
  };
  /** One GradCache step (see the module doc): the same loss and gradients, bounded memory. */
  const chunkedStep = (i: number, [cq, cp]: [number, number]): { value: tf.Scalar; named: Record<string, tf.Tensor> } => {
    const sides = [
      { x: q, n: QUERIES, c: Math.min(cq, QUERIES), encode: (x: Inputs, o: object) => model.encodeQueries(x, o) },
      { x: p, n: PASSAGES, c: Math.min(cp, PASSAGES), encode: (x: Inputs, o: object) => model.encodePassages(x, o) },
    ];
    const opts = (side: number, start: number) => ({ training: true, seed: seedFromName(7, `${side}:${start}`), step: i });
    let t0 = performance.now();
    // (1) embeddings, no tape
    const embs = sides.map((s, side) =>
      tf.tidy(() => {
        const parts: tf.Tensor[] = [];
        for (let start = 0; start < s.n; start += s.c) {
          const x = rows(s.x, start, Math.min(s.c, s.n - start));
          parts.push(s.encode(x, opts(side, start)));
        }
        return tf.concat(parts, 0) as tf.Tensor2D;
      }),
    );
    trace("embeddings without a tape", t0);
    // (2) loss and its gradient w.r.t. the embeddings
    const { value, grads: embGrads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D))(embs);
    tf.dispose(embs);
    // (3) per chunk: backpropagate the cached embedding gradient through the encoder
    const sum: Record<string, tf.Tensor> = {};
    sides.forEach((s, side) => {
      for (let start = 0; start < s.n; start += s.c) {
        const n = Math.min(s.c, s.n - start);
        traceHeap(`side ${side} chunk ${start}`);
        t0 = performance.now();
        const { value: dot, grads } = tf.variableGrads(() => {
          const x = rows(s.x, start, n);
          const e = s.encode(x, opts(side, start));
          return tf.sum(tf.mul(e, tf.slice(embGrads[side]!, [start, 0], [n, e.shape[1]])));
        }, vars);
        dot.dispose();
        for (const np of model.namedParameters()) {
          const g = grads[np.variable.name];
          if (g === undefined) continue;
          const prev = sum[np.name];
          sum[np.name] = prev === undefined ? g : tf.add(prev, g);
          if (prev !== undefined) {
            prev.dispose();
            g.dispose();
          }
        }
        trace(`side ${side} chunk ${start} forward + backward + sum`, t0, side === 0 ? "query chunks, forward + backward" : "passage chunks, forward + backward");
      }
    });
    tf.dispose(embGrads);
    return { value, named: sum };
  };
  const step = async (i: number) => {
    const tStep = performance.now();
    const { value, named } = chunks === undefined ? fullStep(i) : chunkedStep(i, chunks);
    if (chunks === undefined) trace("forward + backward, one tape", tStep);
    const t0 = performance.now();
    optimizer.step(named);
    trace("AdamW", t0, "AdamW");
    const loss = (await value.data())[0]!;
    value.dispose();
    tf.dispose(Object.values(named));
    return loss;
  };
  if (warmUp) {
    process.stderr.write(`[training] ${name}: warm-up step\n`);
    await step(0);
  }
  phases = {};
  const times: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const t0 = performance.now();
    const loss = await step(i);
    times.push(performance.now() - t0);
    process.stderr.write(`[training] ${name}: step ${i}/${steps} ${(times.at(-1)! / 1000).toFixed(2)}s loss ${loss.toFixed(4)}\n`);
  }
  const stepMs = median(times);
  const phasesMsPerStep = Object.fromEntries(Object.entries(phases).map(([k, ms]) => [k, Math.round(ms / steps)]));
  // Kernel time of one passage chunk (forward + backward under the tape), for the chunked configs but base.
  let chunkKernels: KernelBreakdown | undefined;
  if (chunks !== undefined && name !== "base") {
    const n = Math.min(chunks[1], PASSAGES);
    chunkKernels = await kernelBreakdown(() => {
      const { value, grads } = tf.variableGrads(() => {
        const e = model.encodePassages(rows(p, 0, n), { training: true, seed: 7, step: 0 });
        return tf.sum(tf.mul(e, tf.onesLike(e)));
      }, vars);
      tf.dispose([value, ...Object.values(grads)]);
    });
  }
  const flops = 3 * (encoderForwardFlops(cfg, QUERIES, QUERY_LEN) + encoderForwardFlops(cfg, PASSAGES, PASSAGE_LEN));
  const achieved = flops / (stepMs / 1000) / 1e9;
  tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
  optimizer.dispose();
  model.dispose();
  // The machine's speed drifts (the peak ranged 19-29 GFLOP/s over one quiet hour here): the
  // reference is the mean of the peaks measured right before and right after the steps.
  const peakAfter = await matmulPeak();
  const peak = (peakBefore + peakAfter) / 2;
  return {
    config: `${name} (${cfg.layers}x${cfg.hidden}, ${cfg.heads} heads, ff ${cfg.intermediate})`,
    backend,
    stepMethod: chunks === undefined ? "full batch, one tape" : `GradCache, chunks of ${chunks[0]} queries / ${chunks[1]} passages`,
    stepMs: Math.round(stepMs),
    tokensPerSec: Math.round((QUERIES * QUERY_LEN + PASSAGES * PASSAGE_LEN) / (stepMs / 1000)),
    modelGflopPerStep: Number((flops / 1e9).toFixed(2)),
    achievedGflops: Number(achieved.toFixed(2)),
    matmulPeakGflops: Number(peak.toFixed(2)),
    efficiency: Number((achieved / peak).toFixed(3)),
    matmulPeakBeforeAfter: [Number(peakBefore.toFixed(2)), Number(peakAfter.toFixed(2))],
    phasesMsPerStep,
    ...(chunkKernels !== undefined ? { passageChunkKernelsMs: { passages: Math.min(chunks![1], PASSAGES), ...chunkKernels } } : {}),
  };
}

const info = await initBackend({ device: (process.env["I3_DEVICE"] ?? "auto") as Device });
const fast = installFastKernels({ log: () => {} });
const backend = `${describeBackend(info)} fastKernels=${fast.installed}`;
process.stderr.write(`[training] ${backend}\n`);

// [config, timed steps, warm-up step first]: base's single step takes many minutes, against
// which first-call costs (operator setup, heap growth) are noise, so it runs without a warm-up.
// "small+simd-wgrad": small with the opt-in SIMD route for the weight gradients
// (fastKernelRouting.simdTransposedAFromK = 512; off by default, see fast-batch-mat-mul.ts).
// "small+onnxruntime": small with the opt-in onnxruntime route of the matMuls (installOnnxMatMul,
// 2 native threads; its matMul peak is measured with the route on). "small-pytorch": the PyTorch
// CPU peer (bench/peers/torch_training_step.py, when python3 with torch is present), at 2 and 1
// threads, right after the two small rows, and the ratios between the three.
const plan: [string, number, boolean][] = [
  ["tiny", 5, true],
  ["small", 3, true],
  ["small+onnxruntime", 3, true],
  ["small-pytorch", 3, true],
  ["small+simd-wgrad", 3, true],
  ["base", 1, false],
];
const ONNX_THREADS = 2;
const wanted = process.env["I3_BENCH_CONFIGS"]?.split(",");
const out = join(dirname(fileURLToPath(import.meta.url)), "out", "training.json");
mkdirSync(dirname(out), { recursive: true });
type Row = { name?: string; config: string } & Record<string, unknown>;
/** The plan name of a row (older files lack `name`: the config's first word). */
const nameOf = (row: Row): string => row.name ?? row.config.split(" ")[0]!;
/**
 * Rows of an earlier run for the configs this run skips (`I3_BENCH_CONFIGS`), so that a partial
 * re-run updates its own rows only; each row carries when it was measured and the load then.
 */
const earlier: Row[] = (() => {
  try {
    const rows = JSON.parse(readFileSync(out, "utf8")) as Row[];
    return Array.isArray(rows) ? rows : [];
  } catch {
    return [];
  }
})();
const results: Row[] = [];
/** Written after every config, so a config that runs the heap out keeps the others' figures. */
async function save(): Promise<void> {
  const measured = new Set(results.map(nameOf));
  const order = plan.map(([name]) => name as string);
  const rows = [...earlier.filter((r) => !measured.has(nameOf(r))), ...results].sort((a, b) => order.indexOf(nameOf(a)) - order.indexOf(nameOf(b)));
  await writeFileAtomic(out, `${JSON.stringify(rows, null, 2)}\n`);
}
/** The peer's row: its 2-thread median step as `stepMs`, every thread count in `peerRows`. */
function peerRow(peer: PeerResult): Row {
  if ("reason" in peer) return { config: "small, PyTorch CPU peer", peer: "absent", reason: peer.reason };
  const two = peer.rows.find((r) => r.threads === 2) ?? peer.rows[0];
  return {
    config: `small (4x256), ${peer.peer}, ${peer.step}`,
    backend: peer.peer,
    stepMethod: peer.step,
    stepMs: two?.stepMs,
    threads: two?.threads,
    tokensPerSec: two === undefined ? undefined : Math.round((QUERIES * QUERY_LEN + PASSAGES * PASSAGE_LEN) / (two.stepMs / 1000)),
    peerRows: peer.rows,
  };
}

/**
 * Ratios between rows measured in this run (never mixed with an earlier run's rows): each small
 * row's step time over the PyTorch peer's at 2 threads (`stepVsPytorch`, 1 = as fast), and the
 * onnxruntime row's speed-up over the stock small row (`speedupVsStock`).
 */
function addRatios(rows: Row[]): void {
  const step = (name: string): number | undefined => {
    const v = rows.find((r) => nameOf(r) === name)?.["stepMs"];
    return typeof v === "number" ? v : undefined;
  };
  const peer = step("small-pytorch");
  const stock = step("small");
  for (const r of rows) {
    const ms = r["stepMs"];
    if (typeof ms !== "number" || !nameOf(r).startsWith("small") || nameOf(r) === "small-pytorch") continue;
    if (peer !== undefined) r["stepVsPytorch"] = Number((ms / peer).toFixed(2));
    // Issue 14's target: a step at least as fast as PyTorch CPU's on the same machine.
    r["peerComparisons"] = [
      peerComparison({
        work: "one training step, small (4x256), 32 x 32 + 64 x 128 tokens",
        ours: String(r["config"] ?? nameOf(r)),
        oursValue: ms,
        peer: "PyTorch CPU, 2 threads",
        peerValue: peer ?? null,
        unit: "ms",
        higherIsFaster: false,
        target: 1,
      }),
    ];
    if (stock !== undefined && nameOf(r) !== "small") r["speedupVsStock"] = Number((stock / ms).toFixed(2));
  }
}

let failed = false;
for (const [name, steps, warmUp] of plan) {
  if (wanted !== undefined && !wanted.includes(name)) continue;
  const stamp = () => ({ name, measuredAt: new Date().toISOString(), loadavg: loadavg().map((x) => Number(x.toFixed(2))) });
  try {
    if (name === "small-pytorch") {
      results.push({ ...peerRow(runPytorchPeer("small", [2, 1], steps)), ...stamp() });
      process.stderr.write(`[training] ${JSON.stringify(results.at(-1))}\n`);
      await save();
      continue;
    }
    const [preset, route] = name.split("+") as [PresetName, string | undefined];
    let routeBackend = backend;
    if (route === "onnxruntime") {
      const status = installOnnxMatMul({ threads: ONNX_THREADS });
      if (!status.installed) {
        results.push({ config: name, backend, skipped: status.reason ?? "onnxruntime route not installed", ...stamp() });
        await save();
        continue;
      }
      routeBackend = `${backend} + onnxruntime-node ${status.version} MatMul (${status.threads} threads)`;
    }
    const peak = await matmulPeak();
    process.stderr.write(`[training] ${name}: 2-D matMul peak ${peak.toFixed(1)} GFLOP/s\n`);
    fastKernelRouting.simdTransposedAFromK = route === "simd-wgrad" ? 512 : Number.POSITIVE_INFINITY;
    const row = await benchConfig(preset, steps, warmUp, routeBackend, peak);
    fastKernelRouting.simdTransposedAFromK = Number.POSITIVE_INFINITY;
    uninstallOnnxMatMul();
    results.push({ ...row, ...(route ? { config: `${row.config}, ${route} (opt-in)` } : {}), ...stamp() });
  } catch (e) {
    // A wasm abort or heap exhaustion leaves the backend unusable: record it and stop.
    results.push({ config: name, backend, error: String(e instanceof Error ? e.message : e), ...stamp() });
    if (e instanceof Error && e.stack !== undefined) process.stderr.write(`[training] ${name} failed:\n${e.stack}\n`);
    failed = true;
  }
  process.stderr.write(`[training] ${JSON.stringify(results.at(-1))}\n`);
  await save();
  if (failed) break;
}
addRatios(results);
await save();
console.log(JSON.stringify(results, null, 2));
if (failed) process.exit(1);
