/**
 * `npm run bench -- dense`: exact dense search and index writing speed.
 *
 * A seeded synthetic index of 100,000 x 256-d float32 vectors (mulberry32, Gaussian components)
 * and 1,000 queries. Measures:
 * - write throughput of `encodeCorpus` (MB/s, dummy encoder slicing the precomputed vectors)
 *   and index size on disk, float32 and float16;
 * - exact top-k queries/s at k = 1000 and k = 10 with the plain-JS kernel (on the first
 *   `I3_BENCH_DENSE_JS_QUERIES` = 200 queries: it is ~10x slower) and with the tfjs wasm
 *   `matMul` path (all queries), each with wall and process-CPU time (the machine is shared);
 * - agreement of the two paths on the JS queries (identical top-10 id lists, max |score diff|);
 * - passages/s to encode with a real model whose vectors are 256-d: a `DualEncoder` of the
 *   `small` preset (4 x 256, random init, vocabulary 8192), passages of 128 random tokens in
 *   batches of 64, through `encodeCorpus` to disk, on `I3_BENCH_DENSE_ENCODE_PASSAGES` = 512
 *   passages after one warm-up batch, on TensorFlow.js (fast wasm kernels), onnxruntime-node on
 *   one thread and on all cores, and a PyTorch peer on the same weights (./dense-encode.ts; the
 *   JSON gives the extrapolated time for the whole index).
 * `summary` collects the headline figures (encode passages/s per engine and the onnxruntime /
 * PyTorch ratios, search queries/s, backend).
 * Writes `bench/out/dense.json` atomically. Speed never fails the run.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import { describeBackend, initBackend, tf } from "@i3/encoders";
import { DenseIndex, encodeCorpus, type DenseResult, type ExactSearchOptions } from "@i3/search";
import { benchEncoding } from "./dense-encode.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { timed, timedAsync } from "./timing.js";

const COUNT = Number(process.env.I3_BENCH_DENSE_DOCS ?? 100_000);
const DIM = 256;
const QUERIES = Number(process.env.I3_BENCH_DENSE_QUERIES ?? 1_000);
const JS_QUERIES = Math.min(QUERIES, Number(process.env.I3_BENCH_DENSE_JS_QUERIES ?? 200));
const SEED = 20260102;
/** Each search pass runs this many times; the one with the least CPU time is kept. */
const REPEATS = Number(process.env.I3_BENCH_DENSE_REPEATS ?? 3);
/** Passages encoded by the real model (multiple of the batch size); 0 skips the measurement. */
const ENCODE_PASSAGES = Number(process.env.I3_BENCH_DENSE_ENCODE_PASSAGES ?? 512);
const ENCODE_BATCH = 64;
const PASSAGE_LEN = 128;


/** `n * dim` standard normal float32 values (Box-Muller). */
function gaussian(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return out;
}


const random = new SeededRandom(SEED); // mulberry32
const rand = () => random.float();
const vectors = gaussian(COUNT * DIM, rand);
const queries = gaussian(QUERIES * DIM, rand);
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

const index = DenseIndex.fromVectors(ids, vectors, DIM);
index.search(queries.subarray(0, DIM), 10); // builds the tie ranks once, outside the timings

interface SearchResult {
  path: string;
  k: number;
  queries: number;
  wallSeconds: number;
  cpuSeconds: number;
  queriesPerSec: number;
  queriesPerCpuSec: number;
  /** 2 * count * dim * queries / wall time (selection included). */
  effectiveGflops: number;
  /** The same per CPU second (the machine is shared; CPU time is the steadier figure). */
  effectiveGflopsPerCpuSec: number;
}
function runSearch(path: string, nq: number, k: number, options: ExactSearchOptions, repeats = REPEATS): { result: SearchResult; hits: DenseResult[] } {
  let t = timed(() => index.search(queries.subarray(0, nq * DIM), k, options));
  for (let r = 1; r < repeats; r++) {
    const again = timed(() => index.search(queries.subarray(0, nq * DIM), k, options));
    if (again.cpu < t.cpu) t = again;
  }
  const result: SearchResult = {
    path,
    k,
    queries: nq,
    wallSeconds: t.wall,
    cpuSeconds: t.cpu,
    queriesPerSec: nq / t.wall,
    queriesPerCpuSec: nq / t.cpu,
    effectiveGflops: (2 * COUNT * DIM * nq) / t.wall / 1e9,
    effectiveGflopsPerCpuSec: (2 * COUNT * DIM * nq) / t.cpu / 1e9,
  };
  console.log(
    `${path} k=${k}: ${nq} queries in ${t.wall.toFixed(2)} s = ${result.queriesPerSec.toFixed(1)} q/s (${result.queriesPerCpuSec.toFixed(1)} per CPU-s), ${result.effectiveGflops.toFixed(2)} GFLOP/s (${result.effectiveGflopsPerCpuSec.toFixed(2)} per CPU-s)`,
  );
  return { result, hits: t.value };
}

const searches: SearchResult[] = [];
const js1000 = runSearch("js", JS_QUERIES, 1000, {});
searches.push(js1000.result);
const js10 = runSearch("js", JS_QUERIES, 10, {});
searches.push(js10.result);

const backend = await initBackend({ device: "wasm" });
runSearch("tfjs-wasm (warm-up)", Math.min(QUERIES, 64), 10, { tf }, 1); // compiles kernels, grows wasm memory
const tf1000 = runSearch("tfjs-wasm", QUERIES, 1000, { tf });
searches.push(tf1000.result);
const tf10 = runSearch("tfjs-wasm", QUERIES, 10, { tf });
searches.push(tf10.result);

// Agreement on the queries both paths ran: float32 matMul sums vs float64 JS sums.
let sameTop10 = 0;
let maxScoreDiff = 0;
for (let q = 0; q < JS_QUERIES; q++) {
  const a = js10.hits[q]!;
  const b = tf10.hits[q]!;
  if (a.ids.join(" ") === b.ids.join(" ")) sameTop10++;
  for (let i = 0; i < a.scores.length; i++) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a.scores[i]! - b.scores[i]!));
}
console.log(`agreement: ${sameTop10}/${JS_QUERIES} identical top-10 lists; max |score diff| at equal ranks ${maxScoreDiff.toExponential(2)}`);

// Encoding with a real 256-d model on each inference engine and the PyTorch peer (./dense-encode.ts),
// after the searches, which ran on the stock kernels.
const encodeResult =
  ENCODE_PASSAGES > 0 ? await benchEncoding({ passages: ENCODE_PASSAGES, batchSize: ENCODE_BATCH, length: PASSAGE_LEN, random, backend, corpusSize: COUNT }) : null;

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
        searchQueriesPerSec: Object.fromEntries(searches.map((r) => [`${r.path} k=${r.k}`, r.queriesPerSec])),
        searchQueriesPerCpuSec: Object.fromEntries(searches.map((r) => [`${r.path} k=${r.k}`, r.queriesPerCpuSec])),
      },
      data: { count: COUNT, dim: DIM, queries: QUERIES, jsQueries: JS_QUERIES, seed: SEED, distribution: "standard normal" },
      writes,
      searches,
      agreement: { queries: JS_QUERIES, identicalTop10: sameTop10, maxScoreDiff },
      encode: encodeResult,
});
console.log(`wrote ${out}`);
