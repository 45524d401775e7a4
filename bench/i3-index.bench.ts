/**
 * `npm run bench -- i3-index` (issue #6): index size, index-time encoding speed and query
 * latency of the dual-encoder (DE) and the I3 retriever at the same backbone size.
 *
 * Models (random init, vocabulary 8192, shared towers, seed 1, so the DE's encoder and I3's
 * query encoder have the same weights), for each backbone — 1 layer x 128 and the `tiny` preset
 * (2 x 128) — `DualEncoder`, `I3Retriever` with the reference switches (m = 32 slots, 1-layer
 * reconstructor cross-attending to p0 only, pooled interactor over [p0 ; mean Z]) and the paper
 * variant (token memory, token interactor). Per model:
 * - index time: `I3_BENCH_I3_PASSAGES` (3,072) random-token passages of 128 tokens, batch 64,
 *   encoded and written by `@i3/search`'s `encodeCorpus` (one warm-up batch first): passages/s
 *   (wall and per CPU-second: the machine may be shared) and model GFLOP per passage;
 * - index size: the folder written (vectors.bin + ids.txt + manifest.json), bytes per passage
 *   ((vectors + ids) / passages, ids = decimal row numbers), extrapolated to 100k and to
 *   MS MARCO's 8,841,823 passages;
 * - query time, the backbone's models interleaved query by query (so a concurrent load hits
 *   them alike): `I3_BENCH_I3_SINGLE` (200) single queries of 32 tokens, each encoded
 *   (`encodeQueries`, batch 1) and searched (exact top-`I3_BENCH_I3_K` = 1000 by the plain-JS
 *   kernel, faster than tf's matMul for one query) over a 100k x H float32 `DenseIndex`: median
 *   and p95 of encode, search, total and total CPU time; then `I3_BENCH_I3_BATCH` (256) queries
 *   encoded by 64 and searched in one tf matMul pass (best of 2 by CPU time): queries/s.
 * The 100k index holds seeded Gaussian vectors, one index per width shared by its models: search
 * cost depends on count and dim only. Each backbone adds a `comparison`: equal index bytes, query
 * vectors identical to the DE's, latencies side by side, index-time cost ratio (measured and by
 * model FLOPs). Writes `bench/out/i3-index.json` atomically. Speed never fails the run.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import {
  DualEncoder,
  I3Retriever,
  describeBackend,
  i3Config,
  initBackend,
  installFastKernels,
  presetConfig,
  tf,
  type Device,
  type EncoderConfig,
  type I3Config,
} from "@i3/encoders";
import { DenseIndex, encodeCorpus } from "@i3/search";
import { layerFlops } from "./flops.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { quantile, timedAsync, type Timing } from "./timing.js";

const VOCAB = 8192;
const PASSAGE_LEN = 128;
const QUERY_LEN = 32;
const BATCH = 64;
const SPECIAL = { cls: 2, sep: 3, mask: 4 } as const;
const INDEX_PASSAGES = Number(process.env.I3_BENCH_I3_PASSAGES ?? 3072);
const SEARCH_COUNT = Number(process.env.I3_BENCH_I3_SEARCH_DOCS ?? 100_000);
const SINGLE = Number(process.env.I3_BENCH_I3_SINGLE ?? 200);
const BATCHED = Number(process.env.I3_BENCH_I3_BATCH ?? 256);
const K = Number(process.env.I3_BENCH_I3_K ?? 1000);
const BATCH_REPEATS = 2;
const MSMARCO = 8_841_823;
const SEED = 20261204;
const started = performance.now();
const log = (m: string) => process.stderr.write(`[i3-index] ${((performance.now() - started) / 1000).toFixed(0)}s ${m}\n`);

// ---------------------------------------------------------------------------------------------
// Helpers

const r3 = (x: number) => Number(x.toFixed(3));
const stats = (ms: number[]) => ({ medianMs: r3(quantile(ms, 0.5)), p95Ms: r3(quantile(ms, 0.95)), meanMs: r3(ms.reduce((a, b) => a + b, 0) / ms.length) });

/** `n` rows of `len` token ids: [CLS] random word pieces [SEP]. */
function tokenRows(n: number, len: number, rand: SeededRandom): Int32Array {
  const ids = new Int32Array(n * len);
  for (let r = 0; r < n; r++) {
    ids[r * len] = SPECIAL.cls;
    for (let i = 1; i < len - 1; i++) ids[r * len + i] = 5 + rand.int(VOCAB - 5);
    ids[r * len + len - 1] = SPECIAL.sep;
  }
  return ids;
}
/** `n` standard normal float32 values (Box-Muller). */
function gaussian(n: number, rand: SeededRandom): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - rand.float())) * Math.cos(2 * Math.PI * rand.float());
  return out;
}
/** Bytes of ids.txt for decimal ids 0..n-1, one per line. */
function decimalIdBytes(n: number): number {
  let bytes = 0;
  for (let lo = 0, hi = 10, digits = 1; lo < n; lo = hi, hi *= 10, digits++) bytes += (Math.min(n, hi) - lo) * (digits + 1);
  return bytes;
}

/** Model FLOPs of one passage (the training bench's accounting: matrix products only). */
function passageFlops(cfg: EncoderConfig, i3: I3Config | undefined): number {
  const s = PASSAGE_LEN;
  let flops = cfg.layers * layerFlops(cfg, s);
  if (i3 === undefined) return flops;
  const h = cfg.hidden;
  const m = i3.slots;
  const mem = i3.reconstructor.memory === "tokens" ? s : 1;
  // decoder-style layer: self-attention over m slots, cross-attention (Q, O on slots; K, V on memory), FFN
  flops += i3.reconstructor.layers * (layerFlops(cfg, m) + m * (4 * h * h + 4 * mem * h) + mem * 4 * h * h);
  if (i3.interactor.enabled) flops += layerFlops(cfg, i3.interactor.input === "tokens" ? s + m : 2);
  return flops;
}

// ---------------------------------------------------------------------------------------------
// Set-up

const info = await initBackend({ device: (process.env.I3_DEVICE ?? "wasm") as Device });
const fast = installFastKernels({ log: () => {} });
const backend = `${describeBackend(info)} fastKernels=${fast.installed}`;
log(backend);
const date = new Date().toISOString();
const loadStart = loadavg();

const rand = new SeededRandom(SEED);
const passageIds = tokenRows(INDEX_PASSAGES + BATCH, PASSAGE_LEN, rand); // + one warm-up batch
const singleIds = tokenRows(SINGLE, QUERY_LEN, rand);
const batchedIds = tokenRows(BATCHED, QUERY_LEN, rand);

interface Model {
  encodeQueries(inputs: { inputIds: tf.Tensor; attentionMask: tf.Tensor }): tf.Tensor2D;
  encodePassages(inputs: { inputIds: tf.Tensor; attentionMask: tf.Tensor }): tf.Tensor2D;
  namedParameters(): { variable: tf.Variable }[];
  dispose(): void;
}
/** Rows [start, start + n) of `ids` (`len` per row) through the model; [n, H] on the host. */
function encodeRows(model: Model, side: "queries" | "passages", ids: Int32Array, len: number, start: number, n: number): Float32Array {
  const out = tf.tidy(() => {
    const inputs = { inputIds: tf.tensor2d(ids.subarray(start * len, (start + n) * len), [n, len], "int32"), attentionMask: tf.ones([n, len], "int32") };
    return side === "queries" ? model.encodeQueries(inputs) : model.encodePassages(inputs);
  });
  const rows = out.dataSync() as Float32Array;
  out.dispose();
  return rows;
}

interface Variant {
  name: string;
  system: "DE" | "I3";
  i3?: I3Config;
}
const VARIANTS: Variant[] = [
  { name: "DE", system: "DE" },
  { name: "I3 (reference: m=32, 1-layer reconstructor, cls memory, pooled interactor)", system: "I3", i3: i3Config({ specialTokens: SPECIAL }) },
  {
    name: "I3 (paper figure: token memory, token interactor)",
    system: "I3",
    i3: i3Config({ specialTokens: SPECIAL, reconstructor: { memory: "tokens" }, interactor: { input: "tokens" } }),
  },
];
const BACKBONES: { name: string; config: EncoderConfig }[] = [
  { name: "1x128", config: presetConfig("tiny", { layers: 1, vocabSize: VOCAB, maxPositions: 512 }) },
  { name: "tiny (2x128)", config: presetConfig("tiny", { vocabSize: VOCAB, maxPositions: 512 }) },
];

/** Search indexes, one per dimension (every model of that width searches the same one). */
const searchIndexes = new Map<number, DenseIndex>();
function searchIndex(dim: number): DenseIndex {
  let index = searchIndexes.get(dim);
  if (index === undefined) {
    const r = new SeededRandom(SEED + dim);
    index = DenseIndex.fromVectors(
      Array.from({ length: SEARCH_COUNT }, (_, i) => String(i)),
      gaussian(SEARCH_COUNT * dim, r),
      dim,
    );
    index.search(new Float32Array(dim).fill(1), 10); // builds the tie ranks outside the timings
    index.search(new Float32Array(dim * 64).fill(1), 10, { tf }); // compiles the matMul path
    searchIndexes.set(dim, index);
  }
  return index;
}

// One backbone: index time per model, then query time with the models interleaved query by
// query (a concurrent load then hits every model alike).

interface Live {
  variant: Variant;
  label: string;
  model: Model;
  params: number;
}

/** Index time and on-disk size of one model: warm-up batch, then encodeCorpus over INDEX_PASSAGES. */
async function indexTime(live: Live, dim: number, flops: number, root: string) {
  encodeRows(live.model, "passages", passageIds, PASSAGE_LEN, INDEX_PASSAGES, BATCH);
  const dir = join(root, live.label.replace(/[^a-z0-9]+/gi, "-"));
  let next = 0;
  const passages = function* (): Generator<Passage> {
    for (let i = 0; i < INDEX_PASSAGES; i++) yield { id: String(i), title: "", text: "" };
  };
  const written = await timedAsync(() =>
    encodeCorpus(
      passages(),
      async (batch) => {
        const rows = encodeRows(live.model, "passages", passageIds, PASSAGE_LEN, next, batch.length);
        next += batch.length;
        return rows;
      },
      { out: dir, dim, batchSize: BATCH, encoder: { description: "i3-index bench, random init", fingerprint: String(SEED) }, backend },
    ),
  );
  const files = {
    vectors: (await stat(join(dir, "vectors.bin"))).size,
    ids: (await stat(join(dir, "ids.txt"))).size,
    manifest: (await stat(join(dir, "manifest.json"))).size,
  };
  await rm(dir, { recursive: true, force: true });
  const passagesPerSec = INDEX_PASSAGES / written.wall;
  log(`${live.label}: ${INDEX_PASSAGES} passages in ${written.wall.toFixed(1)} s = ${passagesPerSec.toFixed(1)} passages/s (${(INDEX_PASSAGES / written.cpu).toFixed(1)} per CPU-s)`);
  return {
    indexTime: {
      passages: INDEX_PASSAGES,
      passageLength: PASSAGE_LEN,
      batchSize: BATCH,
      wallSeconds: r3(written.wall),
      cpuSeconds: r3(written.cpu),
      passagesPerSec: Number(passagesPerSec.toFixed(2)),
      passagesPerCpuSec: Number((INDEX_PASSAGES / written.cpu).toFixed(2)),
      modelGflopPerPassage: Number((flops / 1e9).toFixed(4)),
      achievedGflopsPerCpuSec: Number(((flops * INDEX_PASSAGES) / written.cpu / 1e9).toFixed(2)),
      hoursFor8_8MPassages: Number((MSMARCO / passagesPerSec / 3600).toFixed(1)),
    },
    index: {
      dim,
      dtype: "float32",
      passagesWritten: INDEX_PASSAGES,
      bytesOnDisk: { ...files, total: files.vectors + files.ids + files.manifest },
      vectorBytesPerPassage: files.vectors / INDEX_PASSAGES,
      // (vectors.bin + ids.txt) / passages; manifest.json adds a fixed few hundred bytes per index
      bytesPerPassage: Number(((files.vectors + files.ids) / INDEX_PASSAGES).toFixed(3)),
      // vectors dim x 4 bytes + decimal ids + the manifest as written
      extrapolatedBytes: {
        "100000": 100_000 * dim * 4 + decimalIdBytes(100_000) + files.manifest,
        "8841823": MSMARCO * dim * 4 + decimalIdBytes(MSMARCO) + files.manifest,
      },
    },
  };
}

async function benchBackbone(backbone: { name: string; config: EncoderConfig }, root: string) {
  const cfg = backbone.config;
  const dim = cfg.hidden;
  const lives: Live[] = VARIANTS.map((variant) => {
    const model: Model = variant.i3 === undefined ? new DualEncoder(cfg, { shared: true, seed: 1 }) : new I3Retriever(cfg, variant.i3, { shared: true, seed: 1 });
    const label = `${backbone.name} ${variant.system}${variant.i3 ? ` ${variant.i3.reconstructor.memory}/${variant.i3.interactor.input}` : ""}`;
    return { variant, label, model, params: model.namedParameters().reduce((a, p) => a + p.variable.size, 0) };
  });
  try {
    const indexed: Awaited<ReturnType<typeof indexTime>>[] = [];
    for (const live of lives) indexed.push(await indexTime(live, dim, passageFlops(cfg, live.variant.i3), root));

    // Single queries: encode (batch 1) + JS search, models interleaved, rotating who goes first.
    const index = searchIndex(dim);
    const single = lives.map(() => ({ encodeMs: [] as number[], searchMs: [] as number[], totalMs: [] as number[], cpuMs: [] as number[], vectors: new Float32Array(SINGLE * dim) }));
    for (const live of lives) encodeRows(live.model, "queries", singleIds, QUERY_LEN, 0, 1); // warm-up
    for (let q = 0; q < SINGLE; q++) {
      for (let j = 0; j < lives.length; j++) {
        const m = (q + j) % lives.length;
        const s = single[m]!;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const vec = encodeRows(lives[m]!.model, "queries", singleIds, QUERY_LEN, q, 1);
        const t1 = performance.now();
        index.search(vec, K);
        const t2 = performance.now();
        const c = process.cpuUsage(c0);
        s.encodeMs.push(t1 - t0);
        s.searchMs.push(t2 - t1);
        s.totalMs.push(t2 - t0);
        s.cpuMs.push((c.user + c.system) / 1000);
        s.vectors.set(vec, q * dim);
      }
    }
    // Batched: BATCHED queries encoded by 64 and searched in one tf pass; best of BATCH_REPEATS by CPU time.
    const batched = lives.map(() => undefined as undefined | { encode: Timing; search: Timing; all: Timing });
    for (let r = 0; r < BATCH_REPEATS; r++) {
      for (let m = 0; m < lives.length; m++) {
        const t = await timedAsync(async () => {
          const encode = await timedAsync(async () => {
            const vectors = new Float32Array(BATCHED * dim);
            for (let s = 0; s < BATCHED; s += BATCH) vectors.set(encodeRows(lives[m]!.model, "queries", batchedIds, QUERY_LEN, s, Math.min(BATCH, BATCHED - s)), s * dim);
            return vectors;
          });
          const search = await timedAsync(async () => index.search(encode.value, K, { tf }));
          return { encode, search };
        });
        if (batched[m] === undefined || t.cpu < batched[m]!.all.cpu) batched[m] = { encode: t.value.encode, search: t.value.search, all: t };
      }
    }

    const entries = lives.map((live, m) => {
      const s = single[m]!;
      const b = batched[m]!;
      log(
        `${live.label}: single query median ${quantile(s.totalMs, 0.5).toFixed(2)} ms (encode ${quantile(s.encodeMs, 0.5).toFixed(2)} + search ${quantile(s.searchMs, 0.5).toFixed(2)}), p95 ${quantile(s.totalMs, 0.95).toFixed(2)} ms, CPU median ${quantile(s.cpuMs, 0.5).toFixed(2)} ms; batched ${(BATCHED / b.all.wall).toFixed(1)} q/s`,
      );
      return {
        system: live.variant.system,
        variant: live.variant.name,
        backbone: backbone.name,
        date,
        backend,
        config: {
          encoder: { layers: cfg.layers, hidden: cfg.hidden, heads: cfg.heads, intermediate: cfg.intermediate, vocabSize: cfg.vocabSize, pooling: cfg.pooling, sharedTowers: true, init: "random (seed 1)" },
          i3: live.variant.i3 ?? null,
          parameters: live.params,
        },
        ...indexed[m]!,
        queryTime: {
          queryLength: QUERY_LEN,
          modelGflopPerQuery: Number((cfg.layers * layerFlops(cfg, QUERY_LEN) / 1e9).toFixed(4)),
          searchIndex: { count: SEARCH_COUNT, dim, dtype: "float32", vectors: "seeded standard normal, shared by the backbone's models (search cost depends on count and dim only)" },
          k: K,
          single: { queries: SINGLE, searchPath: "js", encode: stats(s.encodeMs), search: stats(s.searchMs), total: stats(s.totalMs), totalCpu: stats(s.cpuMs) },
          batched: {
            queries: BATCHED,
            encodeBatchSize: BATCH,
            searchPath: "tfjs-wasm matMul",
            repeats: BATCH_REPEATS,
            encodeSeconds: r3(b.encode.wall),
            searchSeconds: r3(b.search.wall),
            wallSeconds: r3(b.all.wall),
            cpuSeconds: r3(b.all.cpu),
            queriesPerSec: Number((BATCHED / b.all.wall).toFixed(1)),
            queriesPerCpuSec: Number((BATCHED / b.all.cpu).toFixed(1)),
          },
        },
      };
    });

    const [de, ...i3s] = entries;
    const byVariant = <T>(list: typeof entries, f: (e: (typeof entries)[number]) => T) => Object.fromEntries(list.map((e) => [e.variant, f(e)]));
    const comparison = {
      backbone: backbone.name,
      date,
      backend,
      dim,
      sameIndexBytes: entries.every((e) => e.index.bytesOnDisk.vectors === de!.index.bytesOnDisk.vectors && e.index.bytesOnDisk.ids === de!.index.bytesOnDisk.ids),
      indexBytesPerPassage: byVariant(entries, (e) => e.index.bytesPerPassage),
      indexBytesFor8841823: byVariant(entries, (e) => e.index.extrapolatedBytes["8841823"]),
      // Same seed + shared towers: I3's query encoder is the DE's, so the query vectors match bit for bit.
      queryVectorsMaxAbsDiffVsDE: Object.fromEntries(
        i3s.map((e) => [e.variant, single[entries.indexOf(e)]!.vectors.reduce((acc, x, i) => Math.max(acc, Math.abs(x - single[0]!.vectors[i]!)), 0)]),
      ),
      queryModelGflop: byVariant(entries, (e) => e.queryTime.modelGflopPerQuery),
      singleQueryMedianMs: byVariant(entries, (e) => e.queryTime.single.total.medianMs),
      singleQueryP95Ms: byVariant(entries, (e) => e.queryTime.single.total.p95Ms),
      singleQueryMedianCpuMs: byVariant(entries, (e) => e.queryTime.single.totalCpu.medianMs),
      batchedQueriesPerSec: byVariant(entries, (e) => e.queryTime.batched.queriesPerSec),
      batchedQueriesPerCpuSec: byVariant(entries, (e) => e.queryTime.batched.queriesPerCpuSec),
      indexPassagesPerSec: byVariant(entries, (e) => e.indexTime.passagesPerSec),
      indexPassagesPerCpuSec: byVariant(entries, (e) => e.indexTime.passagesPerCpuSec),
      // DE passages per CPU-s / I3's, and the same ratio predicted by model FLOPs
      indexTimeCostVsDE: byVariant(i3s, (e) => ({
        measured: r3(de!.indexTime.passagesPerCpuSec / e.indexTime.passagesPerCpuSec),
        modelFlops: r3(e.indexTime.modelGflopPerPassage / de!.indexTime.modelGflopPerPassage),
      })),
    };
    return { entries, comparison };
  } finally {
    for (const live of lives) live.model.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Run

const root = await mkdtemp(join(tmpdir(), "i3-index-bench-"));
const entries: Awaited<ReturnType<typeof benchBackbone>>["entries"] = [];
const comparisons: Awaited<ReturnType<typeof benchBackbone>>["comparison"][] = [];
try {
  for (const backbone of BACKBONES) {
    const r = await benchBackbone(backbone, root);
    entries.push(...r.entries);
    comparisons.push(r.comparison);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const out = await writeBenchJson("i3-index", {
      benchmark: "i3-index",
      date,
      machine: { ...machineInfo(), loadavgStart: loadStart },
      backend,
      conclusion:
        "I3's index holds one H-dim float32 vector per passage, exactly the DE's (same bytes per passage); query-time work is identical (same query encoder weights and FLOPs, same exact inner-product search over the same index); only index-time encoding costs more (indexTimeCostVsDE).",
      settings: {
        vocab: VOCAB,
        passageLength: PASSAGE_LEN,
        queryLength: QUERY_LEN,
        batchSize: BATCH,
        indexPassages: INDEX_PASSAGES,
        searchCount: SEARCH_COUNT,
        singleQueries: SINGLE,
        batchedQueries: BATCHED,
        batchedRepeats: BATCH_REPEATS,
        k: K,
        seed: SEED,
      },
      comparisons,
      entries,
      seconds: r3((performance.now() - started) / 1000),
});
log(`wrote ${out}`);
console.log(JSON.stringify(comparisons, null, 2));
