/**
 * Fast wasm kernels vs the stock tfjs wasm kernels: GFLOP/s per op and shape (the `small`
 * config: hidden 256, 4 heads of 64, seq 32/128, batch 32; and base: 768, 12 heads), with the
 * 2-D matMul peak measured in the same process. Writes bench/out/kernels.json atomically.
 *
 * `npm run bench -- kernels` (add `--quick` via `node ... bench/kernels.bench.ts --quick`).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs"; // registers the gradient functions (as src/backend/tf.ts does)
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { writeFileAtomicSync } from "@i3/core";
import { embeddingLookup, embeddingLookupOneHot, installFastKernels, uninstallFastKernels } from "../packages/encoders/src/kernels/index.js";
import { fastKernelRouting } from "../packages/encoders/src/kernels/fast-batch-mat-mul.js";
import { median } from "./timing.js";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const sections = (process.argv.find((a) => a.startsWith("--sections="))?.slice("--sections=".length) ?? "matmul,embedding,ops").split(",");

interface MatMulCase {
  group: string;
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

function mm(group: string, name: string, a: number[], b: number[], transposeA = false, transposeB = false): MatMulCase {
  return { group, name, a, b, transposeA, transposeB };
}

/** The matMuls of one transformer layer's forward and backward pass at (tokens T, hidden H, heads h, seq S). */
function layerCases(group: string, batch: number, seq: number, hidden: number, heads: number): MatMulCase[] {
  const T = batch * seq;
  const d = hidden / heads;
  const bh = batch * heads;
  const ffn = 4 * hidden;
  return [
    mm(group, `dense x.W [${T}x${hidden}].[${hidden}x${ffn}]`, [T, hidden], [hidden, ffn]),
    mm(group, `dense 3-D x.W [${batch},${seq},${hidden}].[${hidden}x${ffn}]`, [batch, seq, hidden], [hidden, ffn]),
    mm(group, `dense 3-D grad dX=dY.W^T [${batch},${seq},${ffn}].[${hidden}x${ffn}]^T`, [batch, seq, ffn], [hidden, ffn], false, true),
    mm(group, `dense grad dX=dY.W^T [${T}x${ffn}].[${hidden}x${ffn}]^T`, [T, ffn], [hidden, ffn], false, true),
    mm(group, `dense grad dW=X^T.dY [${T}x${hidden}]^T.[${T}x${ffn}]`, [T, hidden], [T, ffn], true, false),
    mm(group, `attn q.k^T [${bh},${seq},${d}].[${bh},${seq},${d}]^T`, [bh, seq, d], [bh, seq, d], false, true),
    mm(group, `attn p.v [${bh},${seq},${seq}].[${bh},${seq},${d}]`, [bh, seq, seq], [bh, seq, d]),
    mm(group, `attn grad p^T.dO [${bh},${seq},${seq}]^T.[${bh},${seq},${d}]`, [bh, seq, seq], [bh, seq, d], true, false),
    mm(group, `attn grad dO.v^T [${bh},${seq},${d}].[${bh},${seq},${d}]^T`, [bh, seq, d], [bh, seq, d], false, true),
    mm(group, `attn grad dS.k [${bh},${seq},${seq}].[${bh},${seq},${d}]`, [bh, seq, seq], [bh, seq, d]),
    mm(group, `attn grad dS^T.q [${bh},${seq},${seq}]^T.[${bh},${seq},${d}]`, [bh, seq, seq], [bh, seq, d], true, false),
    mm(group, `attn plain [${bh},${seq},${d}].[${bh},${d},${seq}]`, [bh, seq, d], [bh, d, seq]),
  ];
}

function flops(c: MatMulCase): number {
  const ra = c.a.length;
  const M = c.transposeA ? c.a[ra - 1]! : c.a[ra - 2]!;
  const K = c.transposeA ? c.a[ra - 2]! : c.a[ra - 1]!;
  const N = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
  const batch = c.a.slice(0, -2).reduce((x, y) => x * y, 1);
  return 2 * batch * M * N * K;
}

/** Seconds per call of `fn`, one sample per call (warm-up first; at least `minReps` calls and `minSeconds`). */
function timeIt(fn: () => void, minReps: number, minSeconds: number): number[] {
  fn();
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || (performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 200) break;
  }
  return times;
}

/** Median and best GFLOP/s from per-call samples. */
function rate(flop: number, samples: number[]): { median: number; best: number } {
  return { median: +(flop / median(samples) / 1e9).toFixed(2), best: +(flop / Math.min(...samples) / 1e9).toFixed(2) };
}

/** Per-call seconds of matMul for case `c` under the currently registered kernels. */
function samples(c: MatMulCase): number[] {
  const a = tf.randomNormal(c.a);
  const b = tf.randomNormal(c.b);
  const s = timeIt(() => tf.matMul(a, b, c.transposeA, c.transposeB).dispose(), 3, quick ? 0.1 : 0.2);
  a.dispose();
  b.dispose();
  return s;
}

/** Stock vs fast samples, interleaved over `rounds` rounds so load changes hit both alike. */
function compare(c: MatMulCase, rounds: number, fastSetup: () => void = () => undefined, fastTeardown: () => void = () => undefined): { stock: number[]; fast: number[] } {
  const stock: number[] = [];
  const fast: number[] = [];
  for (let r = 0; r < rounds; r++) {
    uninstallFastKernels();
    stock.push(...samples(c));
    installFastKernels();
    fastSetup();
    fast.push(...samples(c));
    fastTeardown();
    uninstallFastKernels();
  }
  return { stock, fast };
}

/** erf-GELU, as BERT uses it. */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Layer normalisation over the last axis, from primitive ops. */
function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, 1e-12))), gamma), beta);
}

/**
 * The non-matMul ops of a BERT layer (small config, seq 128, batch 32) on wasm: forward and
 * forward+backward milliseconds, next to the time the layer's matMuls need at the 2-D peak.
 */
function benchOps(rounds: number, peak: number) {
  installFastKernels();
  const [B, S, H, F, heads] = [32, 128, 256, 1024, 4];
  const T = B * S;
  const d = H / heads;
  const matmulFlopFwd = 2 * T * (4 * H * H + 2 * H * F) + 4 * B * heads * S * S * d;
  const x = tf.randomNormal([T, H]);
  const xf = tf.randomNormal([T, F]);
  const scores = tf.randomNormal([B * heads, S, S]);
  const bias = tf.randomNormal([F]);
  const gamma = tf.randomNormal([H]);
  const beta = tf.randomNormal([H]);
  const x4 = tf.randomNormal([B, S, heads, d]);
  const ops: [string, tf.Tensor, (t: tf.Tensor) => tf.Tensor][] = [
    [`softmax [${B * heads},${S},${S}]`, scores, (t) => tf.softmax(t)],
    [`scale by 1/sqrt(d) [${B * heads},${S},${S}]`, scores, (t) => tf.mul(t, 1 / Math.sqrt(d))],
    [`layerNorm (primitives) [${T},${H}]`, x, (t) => layerNorm(t, gamma, beta)],
    [`GELU erf [${T},${F}]`, xf, gelu],
    [`GELU tanh approx [${T},${F}]`, xf, (t) => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(t, tf.mul(tf.pow(t, 3), 0.044715)), Math.sqrt(2 / Math.PI)))))],
    [`bias add broadcast [${T},${F}]+[${F}]`, xf, (t) => tf.add(t, bias)],
    [`residual add [${T},${H}]`, x, (t) => tf.add(t, x)],
    [`head split transpose [${B},${S},${heads},${d}] -> [${B},${heads},${S},${d}]`, x4, (t) => tf.transpose(t, [0, 2, 1, 3])],
  ];
  const out = [];
  const measure = (input: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor, w: tf.Tensor) => {
    const fwd = timeIt(() => tf.tidy(() => f(input)).dispose(), 3, 0.1);
    const both = timeIt(() => {
      const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(input));
      g.dataSync();
      g.dispose();
    }, 3, 0.1);
    return { fwd, both };
  };
  for (const [name, input, f] of ops) {
    const w = tf.tidy(() => tf.randomNormal(f(input).shape));
    const st = { fwd: [] as number[], both: [] as number[] };
    const fa = { fwd: [] as number[], both: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      uninstallFastKernels();
      const a = measure(input, f, w);
      st.fwd.push(...a.fwd);
      st.both.push(...a.both);
      installFastKernels();
      const b = measure(input, f, w);
      fa.fwd.push(...b.fwd);
      fa.both.push(...b.both);
    }
    w.dispose();
    const ms = (xs: number[]) => +(median(xs) * 1e3).toFixed(2);
    const row = { op: name, stock: { forwardMs: ms(st.fwd), forwardBackwardMs: ms(st.both) }, fast: { forwardMs: ms(fa.fwd), forwardBackwardMs: ms(fa.both) } };
    out.push(row);
    console.log(`op ${name.padEnd(60)} stock fwd ${row.stock.forwardMs.toFixed(2).padStart(8)} fwd+bwd ${row.stock.forwardBackwardMs.toFixed(2).padStart(8)} | fast fwd ${row.fast.forwardMs.toFixed(2).padStart(8)} fwd+bwd ${row.fast.forwardBackwardMs.toFixed(2).padStart(8)} ms`);
  }
  const layerMatmulMs = +((3 * matmulFlopFwd) / (peak * 1e9) * 1e3).toFixed(1);
  console.log(`layer matMuls fwd+bwd at the 2-D peak: ${layerMatmulMs} ms (${((3 * matmulFlopFwd) / 1e9).toFixed(1)} GFLOP)`);
  for (const t of [x, xf, scores, bias, gamma, beta, x4]) t.dispose();
  uninstallFastKernels();
  return { shapes: { B, S, H, F, heads }, layerMatmulFwdBwdGflop: +((3 * matmulFlopFwd) / 1e9).toFixed(2), layerMatmulMsAtPeak: layerMatmulMs, ops: out };
}

/** Forward + table-gradient time of the embedding lookup: scatterND vs one-hot matMul gradient. */
function benchEmbedding(rounds: number) {
  installFastKernels();
  const out = [];
  const n = 32 * 128;
  const D = 256;
  for (const V of quick ? [1000, 30522] : [1000, 8000, 30522]) {
    const table = tf.randomNormal([V, D]) as tf.Tensor2D;
    const ids = tf.randomUniform([32, 128], 0, V, "int32");
    const dy = tf.randomNormal([32, 128, D]);
    // The typed array is read outside tidy: tidy walks a returned container key by key.
    const step = (lookup: typeof embeddingLookup) => () => {
      const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, ids), dy)))(table));
      g.dataSync();
      g.dispose();
    };
    const forward: number[] = [];
    const scatter: number[] = [];
    const oneHot: number[] = [];
    for (let r = 0; r < rounds; r++) {
      forward.push(...timeIt(() => tf.tidy(() => embeddingLookup(table, ids)).dispose(), 3, 0.1));
      scatter.push(...timeIt(step(embeddingLookup), 3, 0.1));
      if (V * n <= 8000 * n) oneHot.push(...timeIt(step(embeddingLookupOneHot), 3, 0.1));
    }
    const row = { V, n, D, forwardMs: +(median(forward) * 1e3).toFixed(2), scatterNdMs: +(median(scatter) * 1e3).toFixed(2), oneHotMatMulMs: oneHot.length > 0 ? +(median(oneHot) * 1e3).toFixed(2) : null };
    out.push(row);
    console.log(`embedding V=${V} n=${n} D=${D}: forward ${row.forwardMs} ms; scatterND ${row.scatterNdMs} ms, one-hot ${row.oneHotMatMulMs ?? "skipped (V x n one-hot too large)"} ms (forward + grad, median)`);
    table.dispose();
    ids.dispose();
    dy.dispose();
  }
  uninstallFastKernels();
  return out;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(wasmDir + "/");
  await tf.setBackend("wasm");
  await tf.ready();

  const cases = [...layerCases("small seq128 batch32", 32, 128, 256, 4), ...layerCases("small seq32 batch32", 32, 32, 256, 4)];
  if (!quick) cases.push(...layerCases("base seq128 batch8", 8, 128, 768, 12));
  if (!sections.includes("matmul")) cases.length = 0;
  const selected = only ? cases.filter((c) => c.name.includes(only) || c.group.includes(only)) : cases;

  const peakShapes: [number, number, number][] = [[4096, 256, 1024], [1024, 768, 3072], [2048, 512, 512]];
  uninstallFastKernels();
  const rounds = 2;
  const peakPerShape = peakShapes.map(([m, k, n]) => {
    const c = mm("peak", "", [m, k], [k, n]);
    const all: number[] = [];
    for (let r = 0; r < rounds; r++) all.push(...samples(c));
    return { shape: `${m}x${k}x${n}`, ...rate(flops(c), all) };
  });
  const peak = Math.max(...peakPerShape.map((p) => p.median));
  const peakBest = Math.max(...peakPerShape.map((p) => p.best));
  console.log(`2-D matMul peak (stock wasm): median ${peak.toFixed(1)}, best ${peakBest.toFixed(1)} GFLOP/s`);

  const rows = [];
  for (const c of selected) {
    const { stock, fast } = compare(c, rounds);
    const st = rate(flops(c), stock);
    const fa = rate(flops(c), fast);
    const row = { group: c.group, op: c.name, stockGflops: st, fastGflops: fa, speedupMedian: +(fa.median / st.median).toFixed(2), fastOverPeakMedian: +(fa.median / peak).toFixed(2) };
    rows.push(row);
    console.log(`${c.group.padEnd(22)} ${c.name.padEnd(66)} stock ${st.median.toFixed(2).padStart(6)} (best ${st.best.toFixed(2).padStart(6)})  fast ${fa.median.toFixed(2).padStart(6)} (best ${fa.best.toFixed(2).padStart(6)})  x${row.speedupMedian}`);
  }

  // Routing alternatives, measured with the fast kernels installed: the SIMD kernel vs folding
  // a shared right-hand side into one 2-D product.
  const routing = [];
  const defaultFoldK = fastKernelRouting.foldSharedRhsAboveK;
  for (const c of selected.filter((x) => x.name.startsWith("dense 3-D"))) {
    const simdOnly: number[] = [];
    const fold: number[] = [];
    installFastKernels();
    for (let r = 0; r < rounds; r++) {
      fastKernelRouting.foldSharedRhsAboveK = Infinity;
      simdOnly.push(...samples(c));
      fastKernelRouting.foldSharedRhsAboveK = 0;
      fold.push(...samples(c));
    }
    fastKernelRouting.foldSharedRhsAboveK = defaultFoldK;
    uninstallFastKernels();
    const row = { op: c.name, group: c.group, simdKernel: rate(flops(c), simdOnly), foldTo2d: rate(flops(c), fold) };
    routing.push(row);
    console.log(`routing ${c.group} ${c.name}: SIMD kernel ${row.simdKernel.median} vs fold to 2-D ${row.foldTo2d.median} GFLOP/s (median)`);
  }

  const embedding = sections.includes("embedding") ? benchEmbedding(rounds) : [];
  const ops = sections.includes("ops") ? benchOps(rounds, peak) : null;

  const result = {
    bench: "kernels",
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version },
    backend: "wasm (SIMD, 1 thread), @tensorflow/tfjs-backend-wasm 4.22",
    quick,
    timing: "per-call wall time, stock and fast interleaved over rounds; median and best of all calls",
    peak2dGflops: +peak.toFixed(2),
    peak2dBestGflops: +peakBest.toFixed(2),
    peakPerShape,
    rows,
    routing,
    embedding,
    ops,
  };
  const outDir = join(here, "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "kernels.json");
  // A partial run (--sections=...) updates only its sections of an existing result file.
  let merged: Record<string, unknown> = result;
  if (sections.length < 3 && existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    merged = { ...previous, ...(sections.includes("matmul") ? { peak2dGflops: result.peak2dGflops, peak2dBestGflops: result.peak2dBestGflops, peakPerShape, rows, routing } : {}), ...(sections.includes("embedding") ? { embedding } : {}), ...(sections.includes("ops") ? { ops } : {}), [`updated_${sections.join("+")}`]: result.date };
  }
  writeFileAtomicSync(file, JSON.stringify(merged, null, 2) + "\n");
  console.log(`wrote ${file}`);
}

await main();
