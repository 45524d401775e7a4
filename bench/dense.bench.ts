/**
 * `npm run bench -- dense`: building a dense index: writing vectors and encoding passages.
 * (Exact search over the index, per kernel and beside numpy, is `npm run bench -- search`.)
 *
 * A seeded synthetic index of 100,000 x 256-d float32 vectors (mulberry32, Gaussian components).
 * Measures:
 * - write throughput of `encodeCorpus` (MB/s, dummy encoder slicing the precomputed vectors)
 *   and index size on disk, float32 and float16;
 * - passages/s to encode with a real model whose vectors are 256-d: a `DualEncoder` of the
 *   `small` preset (4 x 256, random init, vocabulary 8192), passages of 128 random tokens in
 *   batches of 64, through `encodeCorpus` to disk, on `I3_BENCH_DENSE_ENCODE_PASSAGES` = 512
 *   passages after one warm-up batch, on TensorFlow.js (fast wasm kernels), onnxruntime-node on
 *   one thread and on all cores, and a PyTorch peer on the same weights (./dense-encode.ts; the
 *   JSON gives the extrapolated time for the whole index).
 * `summary` collects the headline figures (encode passages/s per engine and the onnxruntime /
 * PyTorch ratios, backend); `peerComparisons` the onnxruntime / PyTorch ones against issue 14's
 * target (>= 2x PyTorch CPU).
 * Writes `bench/out/dense.json` atomically. Speed never fails the run.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import { describeBackend, initBackend } from "@i3/encoders";
import { DenseIndex, encodeCorpus } from "@i3/search";
import { benchEncoding } from "./dense-encode.js";
import { gaussianValues } from "./gaussian.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { peerComparison, type PeerComparison } from "./peer-ratios.js";
import { timedAsync } from "./timing.js";

const COUNT = Number(process.env.I3_BENCH_DENSE_DOCS ?? 100_000);
const DIM = 256;
const SEED = 20260102;
/** Passages encoded by the real model (multiple of the batch size); 0 skips the measurement. */
const ENCODE_PASSAGES = Number(process.env.I3_BENCH_DENSE_ENCODE_PASSAGES ?? 512);
const ENCODE_BATCH = 64;
const PASSAGE_LEN = 128;


const random = new SeededRandom(SEED); // mulberry32
const rand = () => random.float();
const vectors = gaussianValues(COUNT * DIM, rand);
const ids = Array.from({ length: COUNT }, (_, i) => `doc${i}`);
const root = await mkdtemp(join(tmpdir(), "i3-dense-bench-"));

const writes: Record<string, unknown> = {};
try {
  for (const dtype of ["float32", "float16"] as const) {
    const out = join(root, dtype);
    const passages = function* (): Generator<Passage> {
      for (let i = 0; i < COUNT; i++) yield { id: ids[i]!, title: "", text: "" };
    };
    let next = 0;
    const encode = async (batch: Passage[]): Promise<Float32Array> => {
      const rows = vectors.subarray(next * DIM, (next + batch.length) * DIM);
      next += batch.length;
      return rows;
    };
    const t = await timedAsync(() =>
      encodeCorpus(passages(), encode, { out, dim: DIM, dtype, batchSize: 256, encoder: { description: "synthetic", fingerprint: String(SEED) }, backend: "none" }),
    );
    const bytes = (await stat(join(out, "vectors.bin"))).size + (await stat(join(out, "ids.txt"))).size + (await stat(join(out, "manifest.json"))).size;
    const load = await timedAsync(() => DenseIndex.load(out));
    writes[dtype] = {
      bytesOnDisk: bytes,
      vectorsBytes: (await stat(join(out, "vectors.bin"))).size,
      writeSeconds: t.wall,
      writeCpuSeconds: t.cpu,
      writeMBps: bytes / 1e6 / t.wall,
      writeMBperCpuSec: bytes / 1e6 / t.cpu,
      writePassagesPerSec: COUNT / t.wall,
      loadSeconds: load.wall,
      loadCpuSeconds: load.cpu,
    };
    console.log(
      `write ${dtype}: ${(bytes / 1e6).toFixed(1)} MB in ${t.wall.toFixed(2)} s = ${(bytes / 1e6 / t.wall).toFixed(0)} MB/s (${(bytes / 1e6 / t.cpu).toFixed(0)} MB per CPU-s); load ${load.wall.toFixed(2)} s (${load.cpu.toFixed(2)} CPU-s)`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const backend = await initBackend({ device: "wasm" });

// Encoding with a real 256-d model on each inference engine and the PyTorch peer (./dense-encode.ts).
const encodeResult =
  ENCODE_PASSAGES > 0 ? await benchEncoding({ passages: ENCODE_PASSAGES, batchSize: ENCODE_BATCH, length: PASSAGE_LEN, random, backend, corpusSize: COUNT }) : null;

/** onnxruntime's encode throughput against PyTorch's (its faster Linear variant) at 1 thread and all cores. */
function encodePeerComparisons(result: Record<string, unknown>): PeerComparison[] {
  const best = result["passagesPerSecByEngine"] as Record<string, number>;
  const peer = result["peer"] as { status?: string; variants?: Record<string, { byThreads?: Record<string, { passagesPerSec: number }> }> };
  const cores = Number(Object.keys(best).find((k) => /^onnxruntime-\d+-threads$/.test(k))?.split("-")[1] ?? 2);
  return [1, cores].map((threads) => {
    const rates = Object.values(peer.variants ?? {}).map((v) => v.byThreads?.[String(threads)]?.passagesPerSec).filter((x): x is number => x !== undefined);
    const engine = threads === 1 ? "onnxruntime-1-thread" : `onnxruntime-${threads}-threads`;
    return peerComparison({
      work: `encode passages, ${String(result["model"])}, ${PASSAGE_LEN} tokens, batch ${ENCODE_BATCH}`,
      ours: `onnxruntime-node, ${threads} thread${threads === 1 ? "" : "s"}`,
      oursValue: best[engine]!,
      peer: `PyTorch CPU, ${threads} thread${threads === 1 ? "" : "s"}`,
      peerValue: peer.status === "ran" && rates.length > 0 ? Math.max(...rates) : null,
      unit: "passages/s",
      higherIsFaster: true,
      target: 2,
    });
  });
}

const out = await writeBenchJson("dense", {
      benchmark: "dense",
      date: new Date().toISOString(),
      machine: machineInfo(),
      backend: `${backend.backend} (${backend.binding ?? "?"}, simd=${backend.simd ?? "?"}, threads=${backend.threads}), tfjs ${backend.tfjsVersion}`,
      summary: {
        backend: describeBackend(backend),
        index: `${COUNT} x ${DIM}-d float32`,
        encodePassagesPerSec: encodeResult?.["passagesPerSec"] ?? null,
        encodePassagesPerSecByEngine: encodeResult?.["passagesPerSecByEngine"] ?? null,
        encodeRatios: encodeResult?.["ratios"] ?? null,
        encodeModel: encodeResult?.["model"] ?? null,
        writePassagesPerSec: (writes["float32"] as { writePassagesPerSec: number }).writePassagesPerSec,
      },
      data: { count: COUNT, dim: DIM, seed: SEED, distribution: "standard normal" },
      writes,
      encode: encodeResult,
      peerComparisons: encodeResult === null ? [] : encodePeerComparisons(encodeResult),
});
console.log(`wrote ${out}`);
