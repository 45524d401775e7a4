/**
 * The dense bench's encode measurement (bench/dense.bench.ts): passages/s of the `small`
 * dual-encoder (4 x 256, random init, vocabulary 8192) on 128-token passages in batches of 64,
 * through `encodeCorpus` to disk, on each inference engine side by side in one process
 * (`@i3/retrievers`' `openDenseInference`): TensorFlow.js (the current backend with the fast
 * kernels), onnxruntime-node on one thread and on all cores; and a PyTorch peer
 * (bench/peers/torch-encode.py, a separate process per thread count, with OMP_NUM_THREADS and
 * OPENBLAS_NUM_THREADS set to it, run while this one waits) on the same saved weights and token
 * rows, at one thread and all cores, after checking its vectors equal the toolkit's to 1e-4
 * (`maxAbsDiff`), with its Linear layers on the BLAS torch links and on oneDNN (`variants.blas`,
 * `variants.mkldnn`: Debian's torch calls the system BLAS, which may be the reference one; the
 * JSON lists the libraries loaded); the ratios take PyTorch's faster variant. The engines run in `I3_BENCH_DENSE_ENCODE_ROUNDS` (2) interleaved rounds
 * (each round: tfjs, onnxruntime 1 thread, onnxruntime all cores), each after a warm-up batch;
 * every round is recorded and the best is reported. The peer's interpreter is the one
 * `pythonWith(["torch", "numpy"])` finds (./pytorch-peer.ts: `I3_BENCH_PYTHON`, else the first
 * `python3` on the PATH, then Debian's `/usr/bin/python3`, that imports both); without one the
 * result says `peer: absent` and why. Speed never fails the run.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SeededRandom } from "@i3/core";
import type { I3Tokenizer, Passage } from "@i3/data";
import { DualEncoder, describeBackend, installFastKernels, presetConfig, saveDualEncoder, type BackendInfo } from "@i3/encoders";
import { describeInference, openDenseInference, type DenseInference, type InferenceOptions } from "@i3/retrievers";
import { encodeCorpus } from "@i3/search";
import { encoderForwardFlops } from "./flops.js";
import { pythonWith } from "./pytorch-peer.js";
import { timedAsync } from "./timing.js";

const run = promisify(execFile);
const ROUNDS = Number(process.env.I3_BENCH_DENSE_ENCODE_ROUNDS ?? 2);
/** Rows whose vectors are compared across engines and with the peer. */
const CHECK_ROWS = 64;
const PEER = join(dirname(fileURLToPath(import.meta.url)), "peers", "torch-encode.py");

/** What {@link benchEncoding} needs of the dense bench. */
export interface EncodeBenchInputs {
  /** Passages timed per engine and round (a multiple of `batchSize`). */
  passages: number;
  batchSize: number;
  /** Tokens per passage. */
  length: number;
  /** The bench's seeded generator (token ids). */
  random: SeededRandom;
  /** The tfjs backend started by the bench. */
  backend: BackendInfo;
  /** The search index's size, for the extrapolated time to encode it. */
  corpusSize: number;
}

/** Max |a - b| over equal-length arrays. */
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Measures encoding on every engine and the peer (see the module comment); the `encode` section of dense.json. */
export async function benchEncoding(inputs: EncodeBenchInputs): Promise<Record<string, unknown>> {
  const { passages, batchSize, length } = inputs;
  const fast = installFastKernels({ log: () => {} });
  const cfg = presetConfig("small", { vocabSize: 8192, maxPositions: 512 });
  const model = new DualEncoder(cfg, { shared: true, seed: 1 });
  const tokens = new Int32Array((passages + batchSize) * length);
  for (let i = 0; i < tokens.length; i++) tokens[i] = i % length === 0 ? 2 : 5 + inputs.random.int(cfg.vocabSize - 5);
  const rows = Array.from({ length: passages + batchSize }, (_, r) => tokens.subarray(r * length, (r + 1) * length));
  // Every row is `length` tokens, so nothing is padded: the engines need only a pad id.
  const tokenizer = { special: { pad: 0 } } as unknown as I3Tokenizer;
  const cores = availableParallelism();
  const engines: [string, InferenceOptions][] = [
    ["tfjs", { inference: "tfjs", backend: inputs.backend }],
    ["onnxruntime-1-thread", { inference: "onnxruntime", threads: 1 }],
    [`onnxruntime-${cores}-threads`, { inference: "onnxruntime", threads: cores }],
  ];
  const opened = new Map<string, DenseInference>();
  const dir = await mkdtemp(join(tmpdir(), "i3-dense-encode-"));
  try {
    for (const [name, options] of engines) opened.set(name, await openDenseInference(model, tokenizer, options));
    const check = rows.slice(0, CHECK_ROWS);
    const reference = await opened.get("tfjs")!.encode(check, length, "passages", batchSize);
    const parity: Record<string, number> = {};
    for (const [name, engine] of opened) {
      parity[name] = maxAbsDiff(await engine.encode(check, length, "passages", batchSize), reference);
      await engine.encode(rows.slice(passages), length, "passages", batchSize); // warm-up batch
    }
    const flopsPerPassage = encoderForwardFlops(cfg, 1, length);
    const rounds: Record<string, unknown>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, engine] of opened) {
        let next = 0;
        const corpus = function* (): Generator<Passage> {
          for (let i = 0; i < passages; i++) yield { id: `doc${i}`, title: "", text: "" };
        };
        const t = await timedAsync(() =>
          encodeCorpus(
            corpus(),
            async (batch) => {
              const vectors = await engine.encode(rows.slice(next, next + batch.length), length, "passages", batchSize);
              next += batch.length;
              return vectors;
            },
            { out: join(dir, `index-${name}`), dim: cfg.hidden, batchSize, encoder: { description: "small random init", fingerprint: "bench" }, backend: name },
          ),
        );
        const passagesPerSec = passages / t.wall;
        rounds.push({ round, engine: name, wallSeconds: t.wall, cpuSeconds: t.cpu, passagesPerSec, passagesPerCpuSec: passages / t.cpu, achievedGflops: (flopsPerPassage * passagesPerSec) / 1e9 });
        console.log(`encode ${name} round ${round}: ${passages} passages in ${t.wall.toFixed(2)} s = ${passagesPerSec.toFixed(1)} passages/s (${(passages / t.cpu).toFixed(1)} per CPU-s)`);
      }
    }
    const best = Object.fromEntries(
      [...opened.keys()].map((name) => [name, Math.max(...rounds.filter((r) => r["engine"] === name).map((r) => r["passagesPerSec"] as number))]),
    );

    // The PyTorch peer on the same weights and rows (this process idles while it runs).
    let peer: Record<string, unknown>;
    const found = pythonWith(["torch", "numpy"]);
    if ("absent" in found) {
      peer = { status: "absent", reason: found.absent };
    } else {
      await saveDualEncoder(join(dir, "model"), model);
      await writeFile(join(dir, "tokens.bin"), tokens);
      await writeFile(join(dir, "expected.bin"), reference);
      const args = [PEER, "--model", join(dir, "model"), "--tokens", join(dir, "tokens.bin"), "--rows", String(rows.length), "--length", String(length), "--batch", String(batchSize)];
      args.push("--expected", join(dir, "expected.bin"), "--check-rows", String(CHECK_ROWS), "--passages", String(passages));
      // One process per thread count and Linear kernel, its BLAS and OpenMP pools sized by the environment before torch loads.
      peer = { status: "ran", python: found.python, variants: {} as Record<string, unknown> };
      for (const linear of ["blas", "mkldnn"] as const) {
        const byThreads: Record<string, unknown> = {};
        for (const threads of [...new Set([1, cores])]) {
          const n = String(threads);
          try {
            const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
            const { stdout } = await run(found.python, [...args, "--threads", n, "--linear", linear], { timeout: 30 * 60_000, maxBuffer: 1 << 20, env });
            const out = JSON.parse(stdout) as { byThreads: Record<string, unknown> } & Record<string, unknown>;
            Object.assign(byThreads, out.byThreads);
            (peer["variants"] as Record<string, unknown>)[linear] = { ...out, byThreads };
          } catch (error) {
            (peer["variants"] as Record<string, unknown>)[linear] = { status: "failed", reason: (error as Error).message.split("\n").slice(0, 3).join(" ") };
            break;
          }
        }
      }
    }
    // PyTorch's best of its two Linear kernels at each thread count (the JSON keeps both).
    const torch = (threads: number): number | null => {
      const variants = Object.values((peer["variants"] ?? {}) as Record<string, { byThreads?: Record<string, { passagesPerSec: number }> }>);
      const rates = variants.map((v) => v.byThreads?.[String(threads)]?.passagesPerSec).filter((x): x is number => x !== undefined);
      return rates.length > 0 ? Math.max(...rates) : null;
    };
    const ratio = (ort: number, pt: number | null) => (pt !== null && pt > 0 ? ort / pt : null);
    const ratios = {
      onnxruntimeOverPytorch1Thread: ratio(best["onnxruntime-1-thread"]!, torch(1)),
      [`onnxruntimeOverPytorch${cores}Threads`]: ratio(best[`onnxruntime-${cores}-threads`]!, torch(cores)),
      onnxruntimeAllCoresOverTfjs: best[`onnxruntime-${cores}-threads`]! / best["tfjs"]!,
    };
    console.log(
      `encode best passages/s: ${Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}; pytorch ${peer["status"] === "ran" ? `1 thread ${torch(1)?.toFixed(1)}, ${cores} threads ${torch(cores)?.toFixed(1)} (${JSON.stringify(peer["variants"]).slice(0, 400)})` : `${peer["status"]}: ${String(peer["reason"])}`}`,
    );
    console.log(`encode ratios: ${JSON.stringify(ratios)}; max |engine - tfjs| over ${CHECK_ROWS} rows: ${JSON.stringify(parity)}`);
    return {
      model: `DualEncoder small (${cfg.layers}x${cfg.hidden}, ${cfg.heads} heads, ff ${cfg.intermediate}), random init, vocab ${cfg.vocabSize}, ${cfg.pooling} pooling`,
      tfjsBackend: `${describeBackend(inputs.backend)} fastKernels=${fast.installed}`,
      engines: Object.fromEntries([...opened].map(([name, engine]) => [name, describeInference(engine.info)])),
      dim: cfg.hidden,
      passages,
      passageLength: length,
      batchSize,
      rounds: ROUNDS,
      modelGflopPerPassage: flopsPerPassage / 1e9,
      parityMaxAbsDiff: parity,
      passagesPerSecByEngine: best,
      byRound: rounds,
      peer,
      ratios,
      passagesPerSec: best[`onnxruntime-${cores}-threads`],
      minutesToEncode: { passages: inputs.corpusSize, byEngine: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, inputs.corpusSize / v / 60])) },
    };
  } finally {
    for (const engine of opened.values()) await engine.dispose();
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
