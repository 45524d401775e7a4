/**
 * Fast wasm kernels vs the stock tfjs wasm kernels: GFLOP/s per op and shape (the `small`
 * config: hidden 256, 4 heads of 64, seq 32/128, batch 32; and base: 768, 12 heads), with the
 * 2-D matMul peak measured in the same process. Writes bench/out/kernels.json atomically.
 *
 * `npm run bench -- kernels` (add `--quick` via `node ... bench/kernels.bench.ts --quick`).
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { installFastKernels, uninstallFastKernels } from "../packages/encoders/src/kernels/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);

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

/** Median seconds per call of `fn` (warm-up first; at least `minReps` calls and `minSeconds`). */
function timeIt(fn: () => void, minReps: number, minSeconds: number): number {
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
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)]!;
}

function gflops(c: MatMulCase): number {
  const a = tf.randomNormal(c.a);
  const b = tf.randomNormal(c.b);
  const s = timeIt(() => tf.matMul(a, b, c.transposeA, c.transposeB).dispose(), quick ? 3 : 5, quick ? 0.15 : 0.6);
  a.dispose();
  b.dispose();
  return flops(c) / s / 1e9;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const wasmDir = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  setWasmPaths(wasmDir + "/");
  await tf.setBackend("wasm");
  await tf.ready();

  const cases = [...layerCases("small seq128 batch32", 32, 128, 256, 4), ...layerCases("small seq32 batch32", 32, 32, 256, 4)];
  if (!quick) cases.push(...layerCases("base seq128 batch8", 8, 128, 768, 12));
  const selected = only ? cases.filter((c) => c.name.includes(only) || c.group.includes(only)) : cases;

  const peakShapes: [number, number, number][] = [[4096, 256, 1024], [1024, 768, 3072], [2048, 512, 512]];
  uninstallFastKernels();
  const peakPerShape = peakShapes.map(([m, k, n]) => ({ shape: `${m}x${k}x${n}`, gflops: gflops(mm("peak", "", [m, k], [k, n])) }));
  const peak = Math.max(...peakPerShape.map((p) => p.gflops));
  console.log(`2-D matMul peak (stock wasm): ${peak.toFixed(1)} GFLOP/s`);

  const rows = [];
  for (const c of selected) {
    uninstallFastKernels();
    const stock = gflops(c);
    installFastKernels();
    const fast = gflops(c);
    uninstallFastKernels();
    const row = { group: c.group, op: c.name, stockGflops: +stock.toFixed(2), fastGflops: +fast.toFixed(2), speedup: +(fast / stock).toFixed(2), fastOverPeak: +(fast / peak).toFixed(2) };
    rows.push(row);
    console.log(`${c.group.padEnd(22)} ${c.name.padEnd(64)} stock ${stock.toFixed(2).padStart(6)}  fast ${fast.toFixed(2).padStart(6)}  x${row.speedup}`);
  }

  const result = {
    bench: "kernels",
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version },
    backend: "wasm (SIMD, 1 thread), @tensorflow/tfjs-backend-wasm 4.22",
    quick,
    peak2dGflops: +peak.toFixed(2),
    peakPerShape,
    rows,
  };
  const outDir = join(here, "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "kernels.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}`);
}

await main();
