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
 * Writes bench/out/training.json: a list of
 * {config, backend, stepMs, tokensPerSec, modelGflopPerStep, achievedGflops, matmulPeakGflops, efficiency}.
 * `I3_DEVICE` picks the device (default auto); `I3_BENCH_CONFIGS=tiny,small` limits the configs.
 */
import { mkdirSync } from "node:fs";
import { writeFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DualEncoder,
  describeBackend,
  initBackend,
  installFastKernels,
  presetConfig,
  tf,
  type Device,
  type EncoderConfig,
  type PresetName,
} from "@i3/encoders";
import { contrastiveLoss } from "@i3/losses";
import { AdamW } from "@i3/train";

const QUERIES = 32;
const QUERY_LEN = 32;
const PASSAGES = 64;
const PASSAGE_LEN = 128;
const VOCAB = 30522;

/** Forward FLOPs of one encoder pass over `sequences` sequences of length `s`. */
function forwardFlops(cfg: EncoderConfig, sequences: number, s: number): number {
  const h = cfg.hidden;
  return sequences * s * cfg.layers * (8 * h * h + 4 * h * cfg.intermediate + 4 * s * h);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

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

function randomInputs(batch: number, len: number, seed: number) {
  return tf.tidy(() => ({
    inputIds: tf.randomUniform([batch, len], 1, VOCAB, "int32", seed),
    attentionMask: tf.ones([batch, len], "int32"),
  }));
}

async function benchConfig(name: PresetName, steps: number, backend: string, peak: number) {
  const cfg = presetConfig(name, { vocabSize: VOCAB, maxPositions: 512 });
  const model = new DualEncoder(cfg, { shared: true, seed: 1 });
  const optimizer = new AdamW([{ name: "backbone", params: model.namedParameters(), lr: 2e-5, weightDecay: 0.01 }]);
  const q = randomInputs(QUERIES, QUERY_LEN, 1);
  const p = randomInputs(PASSAGES, PASSAGE_LEN, 2);
  const vars = model.namedParameters().map((x) => x.variable);
  const step = async (i: number) => {
    const { value, grads } = tf.variableGrads(() => {
      const opts = { training: true, seed: 7, step: i };
      const qv = model.encodeQueries(q, opts);
      const pv = model.encodePassages(p, opts);
      return contrastiveLoss(qv, pv);
    }, vars);
    const named: Record<string, tf.Tensor> = {};
    for (const np of model.namedParameters()) named[np.name] = grads[np.variable.name]!;
    optimizer.step(named);
    const loss = (await value.data())[0]!;
    value.dispose();
    tf.dispose(grads);
    return loss;
  };
  process.stderr.write(`[training] ${name}: warm-up step\n`);
  await step(0);
  const times: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const t0 = performance.now();
    const loss = await step(i);
    times.push(performance.now() - t0);
    process.stderr.write(`[training] ${name}: step ${i}/${steps} ${(times.at(-1)! / 1000).toFixed(2)}s loss ${loss.toFixed(4)}\n`);
  }
  const stepMs = median(times);
  const flops = 3 * (forwardFlops(cfg, QUERIES, QUERY_LEN) + forwardFlops(cfg, PASSAGES, PASSAGE_LEN));
  const achieved = flops / (stepMs / 1000) / 1e9;
  tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask]);
  optimizer.dispose();
  model.dispose();
  return {
    config: `${name} (${cfg.layers}x${cfg.hidden}, ${cfg.heads} heads, ff ${cfg.intermediate})`,
    backend,
    stepMs: Math.round(stepMs),
    tokensPerSec: Math.round((QUERIES * QUERY_LEN + PASSAGES * PASSAGE_LEN) / (stepMs / 1000)),
    modelGflopPerStep: Number((flops / 1e9).toFixed(2)),
    achievedGflops: Number(achieved.toFixed(2)),
    matmulPeakGflops: Number(peak.toFixed(2)),
    efficiency: Number((achieved / peak).toFixed(3)),
  };
}

const info = await initBackend({ device: (process.env["I3_DEVICE"] ?? "auto") as Device });
const fast = installFastKernels({ log: () => {} });
const backend = `${describeBackend(info)} fastKernels=${fast.installed}`;
process.stderr.write(`[training] ${backend}\n`);
const peak = await matmulPeak();
process.stderr.write(`[training] 2-D matMul peak ${peak.toFixed(1)} GFLOP/s\n`);

const plan: [PresetName, number][] = [
  ["tiny", 5],
  ["small", 3],
  ["base", 1],
];
const wanted = process.env["I3_BENCH_CONFIGS"]?.split(",");
const results = [];
for (const [name, steps] of plan) {
  if (wanted !== undefined && !wanted.includes(name)) continue;
  results.push(await benchConfig(name, steps, backend, peak));
  process.stderr.write(`[training] ${JSON.stringify(results.at(-1))}\n`);
}

const out = join(dirname(fileURLToPath(import.meta.url)), "out", "training.json");
mkdirSync(dirname(out), { recursive: true });
await writeFile(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
await rename(`${out}.tmp`, out);
console.log(JSON.stringify(results, null, 2));
