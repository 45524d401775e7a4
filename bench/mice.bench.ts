/**
 * `npm run bench -- mice` (issue 15, item 4): re-ranking latency of one query's 100 candidates,
 * one query at a time, with the cross-encoder, MICE over stored document states and the
 * dual-encoder over stored vectors, each on onnxruntime-node (the stages' default engine) and on
 * TensorFlow.js wasm (fast kernels), plus what each stores per passage.
 *
 * Models: random init (latency needs no training), seed 1, per backbone size:
 * - `experiment` (4 layers x 64, 2 heads, FFN 256: experiments/mice.ts's cross-encoder) with
 *   MICE-l3+1 and MICE-l2+1;
 * - `minilm` (6 x 384, 12 heads, FFN 1536: MiniLM-L6-like) with MICE-l4+2.
 * MICE is `Mice.fromCrossEncoder` of the size's cross-encoder; the dual-encoder has shared towers.
 * Texts: `I3_BENCH_MICE_PASSAGES` (300) seeded synthetic passages of 130-178 pseudo-words and
 * queries of 14-30 (./mice-rerank.ts), a WordPiece vocabulary trained on them; passages cut at
 * 180 tokens, queries at 32, cross-encoder pairs at 211 (= 32 + 180 - 1: the pair holds what
 * the two sides hold). The token lengths reached are recorded.
 * Stored per passage, written once before timing: MICE's layer-l states in a float16 token-state
 * store (`buildMiceStateStore`, real tokens only), the dual-encoder's vectors in a dense index
 * (`encodeCorpus`, float32 and float16; the float32 one is searched).
 * Timing: each query's 100 candidates are a seeded sample of the corpus; per query, every
 * re-ranker of the size runs once, in rotating order (a concurrent load then hits all alike);
 * `I3_BENCH_MICE_WARMUP` (3) untimed queries first; `I3_BENCH_MICE_QUERIES` (50) timed queries on
 * onnxruntime, the first `I3_BENCH_MICE_TFJS_QUERIES` (10; 0 = onnxruntime only) of them also on tfjs. Wall ms per
 * query from the call to the scores in hand (tokenisation, state reads and dot products
 * included): median, p95 (nearest rank), mean. Batches: cross-encoder
 * `I3_BENCH_MICE_CE_BATCH` (16) pairs per pass (32 pairs of 211 tokens at 6 x 384 run the 4 GiB
 * wasm heap out in one tfjs forward), MICE all 100 candidates in one pass.
 * Each size also records: model GFLOP per query (matrix products, real tokens, ./flops.ts), the
 * cross-encoder / MICE and cross-encoder / dual-encoder latency ratios per engine, the largest
 * |onnxruntime - tfjs| score difference per system, bytes per passage of each store.
 * `I3_BENCH_MICE_SIZES=experiment,minilm` picks sizes. Writes `bench/out/mice.json`
 * atomically; `peerComparisons` puts MICE beside the cross-encoder on onnxruntime. Speed never
 * fails the run; figures measured while other processes run are not publishable.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SeededRandom } from "@i3/core";
import { trainWordPiece, type Collection, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import { CrossEncoder, DualEncoder, Mice, describeBackend, encoderConfig, initBackend, installFastKernels, type EncoderConfig } from "@i3/encoders";
import { buildMiceStateStore, openDenseInference } from "@i3/retrievers";
import { DenseIndex, TokenStateStore, encodeCorpus } from "@i3/search";
import { layerFlops } from "./flops.js";
import { crossEncoderReranker, dualEncoderReranker, miceReranker, pseudoWords, syntheticTexts, type Reranker, type RerankerOptions } from "./mice-rerank.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { peerComparison, type PeerComparison } from "./peer-ratios.js";
import { quantile } from "./timing.js";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PASSAGES = env("I3_BENCH_MICE_PASSAGES", 300);
const QUERIES = env("I3_BENCH_MICE_QUERIES", 50);
const TFJS_QUERIES = Math.min(QUERIES, env("I3_BENCH_MICE_TFJS_QUERIES", 10));
/** The engines timed: tfjs only when it times at least one query. */
const ENGINES = TFJS_QUERIES > 0 ? (["onnxruntime", "tfjs"] as const) : (["onnxruntime"] as const);
const WARMUP = env("I3_BENCH_MICE_WARMUP", 3);
const CE_BATCH = env("I3_BENCH_MICE_CE_BATCH", 16);
const CANDIDATES = 100;
const QUERY_MAX = 32;
const PASSAGE_MAX = 180;
const PAIR_MAX = QUERY_MAX + PASSAGE_MAX - 1;
const SEED = 20261206;
const started = performance.now();
const log = (m: string) => process.stderr.write(`[mice] ${((performance.now() - started) / 1000).toFixed(0)}s ${m}\n`);
const r3 = (x: number) => Number(x.toFixed(3));

interface Size {
  name: string;
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  mice: { split: number; interactionLayers: number }[];
}
const SIZES: Size[] = [
  { name: "experiment", layers: 4, hidden: 64, heads: 2, intermediate: 256, mice: [{ split: 3, interactionLayers: 1 }, { split: 2, interactionLayers: 1 }] },
  { name: "minilm", layers: 6, hidden: 384, heads: 12, intermediate: 1536, mice: [{ split: 4, interactionLayers: 2 }] },
];
const wantedSizes = (process.env.I3_BENCH_MICE_SIZES ?? SIZES.map((s) => s.name).join(",")).split(",");
const unknownSizes = wantedSizes.filter((n) => !SIZES.some((s) => s.name === n));
if (unknownSizes.length > 0) {
  console.error(`I3_BENCH_MICE_SIZES: unknown size(s) ${unknownSizes.join(", ")}; known: ${SIZES.map((s) => s.name).join(", ")}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Texts, tokenizer, candidates

const info = await initBackend({ device: "wasm" });
const fast = installFastKernels({ log: () => {} });
const backend = `${describeBackend(info)} fastKernels=${fast.installed}`;
log(backend);
const date = new Date().toISOString();
const loadStart = loadavg();
const rand = new SeededRandom(SEED);
const next = () => rand.float();
const words = pseudoWords(1500, 3, next);
const passages: Passage[] = syntheticTexts(PASSAGES, 130, 178, words, next).map((text, i) => ({ id: `p${i}`, title: "", text }));
const queries: Query[] = syntheticTexts(WARMUP + QUERIES, 14, 30, words, next).map((text, i) => ({ id: `q${i}`, text }));
const tok: I3Tokenizer = await trainWordPiece([...passages.map((p) => p.text), ...queries.map((q) => q.text)], { vocabSize: 4000, minFrequency: 1 });
const candidates: string[][] = queries.map(() => {
  const ids = passages.map((p) => p.id);
  for (let i = 0; i < CANDIDATES; i++) {
    const j = i + rand.int(ids.length - i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, CANDIDATES);
});
const passageById = new Map(passages.map((p) => [p.id, p]));
const lengthStats = (xs: number[]) => ({ min: Math.min(...xs), mean: r3(xs.reduce((a, b) => a + b, 0) / xs.length), max: Math.max(...xs) });
const passageTokens = passages.map((p) => tok.encode(p.text, PASSAGE_MAX).ids.length);
const queryTokens = queries.map((q) => tok.encode(q.text, QUERY_MAX).ids.length);
const tokens = { passage: lengthStats(passageTokens), query: lengthStats(queryTokens), vocabulary: tok.vocabSize };
log(`tokens: passages ${JSON.stringify(tokens.passage)}, queries ${JSON.stringify(tokens.query)}, vocabulary ${tok.vocabSize}`);
const collection: Collection = {
  name: "mice-bench",
  dir: tmpdir(),
  splits: [],
  fingerprint: async () => String(SEED),
  async *corpus() {
    yield* passages;
  },
  queries: async () => [],
  qrels: async () => new Map(),
};

// ---------------------------------------------------------------------------------------------
// Model FLOPs per query (matrix products, real tokens: ./flops.ts's accounting)

const meanQ = tokens.query.mean;
const meanP = tokens.passage.mean;
/** Cross-encoder: 100 pairs of q + p - 1 tokens through L layers, plus the head. */
const ceFlops = (cfg: EncoderConfig) => CANDIDATES * (cfg.layers * layerFlops(cfg, meanQ + meanP - 1) + 2 * cfg.hidden);
/**
 * MICE: the query's l layers and the first interaction layer's self-attention once (they depend
 * on the query only; the ONNX query graph computes them once, tfjs' `scoreEncoded` per
 * candidate); per candidate and interaction layer, cross-attention (Q, O on the query; K, V on
 * the document; scores and weighted sum) and the FFN over the query, and the later layers'
 * self-attention.
 */
function miceFlops(cfg: EncoderConfig, split: number, k: number): number {
  const h = cfg.hidden;
  const selfAttention = meanQ * (8 * h * h + 4 * meanQ * h);
  const ffn = meanQ * 4 * h * cfg.intermediate;
  const cross = meanQ * 4 * h * h + meanP * 4 * h * h + 4 * meanQ * meanP * h;
  return split * layerFlops(cfg, meanQ) + selfAttention + CANDIDATES * (k * (cross + ffn) + (k - 1) * selfAttention + 2 * h);
}
/** Dual-encoder: the query through L layers, 100 dot products. */
const deFlops = (cfg: EncoderConfig) => cfg.layers * layerFlops(cfg, meanQ) + CANDIDATES * 2 * cfg.hidden;

// ---------------------------------------------------------------------------------------------
// One size

interface Timed {
  label: string;
  system: Reranker["system"];
  variant: string;
  engine: Reranker["engine"];
  reranker: Reranker;
  queries: number;
  ms: number[];
  scores: number[][];
  gflop: number;
}

async function benchSize(size: Size, root: string) {
  const cfg = encoderConfig({ vocabSize: tok.vocabSize, layers: size.layers, hidden: size.hidden, heads: size.heads, intermediate: size.intermediate, maxPositions: 256 });
  const ce = new CrossEncoder(cfg, { seed: 1 });
  const de = new DualEncoder(cfg, { shared: true, seed: 1 });
  const mices = size.mice.map((m) => ({ ...m, model: Mice.fromCrossEncoder(ce, { ...m, seed: 1 }), variant: `MICE-l${m.split}+${m.interactionLayers}` }));
  const stores: TokenStateStore[] = [];
  const timed: Timed[] = [];
  try {
    // Stores, written once.
    const storeInfo: Record<string, { dtype: string; tokens: number; bytesPerPassage: number; statesFileBytes: number }> = {};
    for (const m of mices) {
      const dir = join(root, `${size.name}-l${m.split}`);
      const manifest = await buildMiceStateStore(m.model, tok, collection, { out: dir, passageMaxLength: PASSAGE_MAX, dtype: "float16", batchSize: 16, description: "mice bench, random init", backend });
      stores.push(await TokenStateStore.open(dir));
      storeInfo[m.variant] = { dtype: manifest.dtype, tokens: manifest.tokens, bytesPerPassage: r3(manifest.bytesPerPassage), statesFileBytes: (await stat(join(dir, manifest.files.states))).size };
      log(`${size.name} ${m.variant}: state store ${manifest.count} passages, ${manifest.bytesPerPassage.toFixed(0)} bytes/passage (float16)`);
    }
    const denseInference = await openDenseInference(de, tok, { inference: "onnxruntime" });
    const vectors = await denseInference.encode(
      passages.map((p) => tok.encode(p.text, PASSAGE_MAX).ids),
      PASSAGE_MAX,
      "passages",
      32,
    );
    await denseInference.dispose();
    const denseBytes: Record<string, number> = {};
    for (const dtype of ["float32", "float16"] as const) {
      const dir = join(root, `${size.name}-dense-${dtype}`);
      let at = 0;
      await encodeCorpus(
        passages,
        async (batch) => {
          const rows = vectors.slice(at * cfg.hidden, (at + batch.length) * cfg.hidden);
          at += batch.length;
          return rows;
        },
        { out: dir, dim: cfg.hidden, dtype, encoder: { description: "mice bench dual-encoder, random init", fingerprint: String(SEED) }, backend },
      );
      denseBytes[dtype] = (await stat(join(dir, "vectors.bin"))).size / PASSAGES;
    }
    const index = await DenseIndex.load(join(root, `${size.name}-dense-float32`));

    // Re-rankers: every system on both engines.
    for (const inference of ENGINES) {
      const o: RerankerOptions = { inference, queryMaxLength: QUERY_MAX, pairMaxLength: PAIR_MAX, batchSize: CE_BATCH };
      const queriesOn = inference === "tfjs" ? TFJS_QUERIES : QUERIES;
      const add = (reranker: Reranker, variant: string, gflop: number) => {
        if (reranker.engine !== inference) throw new Error(`${size.name} ${variant}: asked for ${inference}, runs on ${reranker.engine}`);
        timed.push({ label: `${size.name} ${variant} ${inference}`, system: reranker.system, variant, engine: inference, reranker, queries: queriesOn, ms: [], scores: [], gflop });
      };
      add(await crossEncoderReranker(ce, tok, passageById, o), "cross-encoder", ceFlops(cfg) / 1e9);
      for (const [i, m] of mices.entries()) add(await miceReranker(m.model, tok, stores[i]!, { ...o, batchSize: CANDIDATES }), m.variant, miceFlops(cfg, m.split, m.interactionLayers) / 1e9);
      add(await dualEncoderReranker(de, tok, index, o), "dual-encoder", deFlops(cfg) / 1e9);
    }

    // Warm-up, then the timed queries, rerankers in rotating order.
    for (let q = 0; q < WARMUP; q++) for (const t of timed) await t.reranker.rerank(queries[q]!, candidates[q]!);
    log(`${size.name}: warmed up (${WARMUP} queries x ${timed.length} re-rankers)`);
    for (let q = 0; q < QUERIES; q++) {
      const query = queries[WARMUP + q]!;
      const ids = candidates[WARMUP + q]!;
      for (let j = 0; j < timed.length; j++) {
        const t = timed[(q + j) % timed.length]!;
        if (q >= t.queries) continue;
        const t0 = performance.now();
        const scores = await t.reranker.rerank(query, ids);
        t.ms.push(performance.now() - t0);
        if (scores.length !== CANDIDATES) throw new Error(`${t.label}: ${scores.length} scores for ${CANDIDATES} candidates`);
        t.scores.push(scores);
      }
      if ((q + 1) % 10 === 0) log(`${size.name}: ${q + 1}/${QUERIES} queries`);
    }

    const stats = (t: Timed) => ({ medianMs: r3(quantile(t.ms, 0.5)), p95Ms: r3(quantile(t.ms, 0.95)), meanMs: r3(t.ms.reduce((a, b) => a + b, 0) / t.ms.length) });
    const entries = timed.map((t) => ({ system: t.system, variant: t.variant, engine: t.engine, queries: t.ms.length, modelGflopPerQuery: r3(t.gflop), ...stats(t) }));
    for (const e of entries) log(`${size.name} ${e.variant} ${e.engine}: median ${e.medianMs} ms, p95 ${e.p95Ms} ms over ${e.queries} queries (${e.modelGflopPerQuery} GFLOP/query)`);
    const find = (variant: string, engine: string) => entries.find((e) => e.variant === variant && e.engine === engine)!;
    /** The largest |onnxruntime - tfjs| score over the queries both engines ran (null without tfjs). */
    const agreement = (variant: string) => {
      const [a, b] = [timed.find((t) => t.variant === variant && t.engine === "onnxruntime")!, timed.find((t) => t.variant === variant && t.engine === "tfjs")];
      if (b === undefined) return null;
      let worst = 0;
      b.scores.forEach((row, q) => row.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - a.scores[q]![i]!)))));
      return worst;
    };
    const ratios = Object.fromEntries(
      ENGINES.map((engine) => {
        const ceMedian = find("cross-encoder", engine).medianMs;
        return [
          engine,
          {
            ...Object.fromEntries(mices.map((m) => [`crossEncoderOver${m.variant}`, r3(ceMedian / find(m.variant, engine).medianMs)])),
            crossEncoderOverDualEncoder: r3(ceMedian / find("dual-encoder", engine).medianMs),
            byModelFlops: Object.fromEntries(mices.map((m) => [`crossEncoderOver${m.variant}`, r3(find("cross-encoder", engine).modelGflopPerQuery / find(m.variant, engine).modelGflopPerQuery)])),
          },
        ];
      }),
    );
    const peerComparisons: PeerComparison[] = mices.map((m) =>
      peerComparison({
        work: `re-rank 100 candidates, one query, ${size.name} (${size.layers}x${size.hidden}), median ms`,
        ours: `${m.variant} over float16 stored states, onnxruntime`,
        oursValue: find(m.variant, "onnxruntime").medianMs,
        peer: "cross-encoder, same backbone, onnxruntime",
        peerValue: find("cross-encoder", "onnxruntime").medianMs,
        unit: "ms",
        higherIsFaster: false,
      }),
    );
    return {
      size: size.name,
      config: { layers: size.layers, hidden: size.hidden, heads: size.heads, intermediate: size.intermediate, vocabSize: cfg.vocabSize, init: "random (seed 1)" },
      entries,
      ratios,
      scoreAgreementOnnxruntimeVsTfjs: Object.fromEntries(["cross-encoder", ...mices.map((m) => m.variant), "dual-encoder"].map((v) => [v, agreement(v)])),
      storage: {
        miceStates: storeInfo,
        // float32 states would take twice the float16 store's bytes
        miceStatesFloat32BytesPerPassage: r3((Object.values(storeInfo)[0]!.bytesPerPassage * 2)),
        denseVectorBytesPerPassage: denseBytes,
        miceFloat16OverDenseFloat32: r3(Object.values(storeInfo)[0]!.bytesPerPassage / denseBytes["float32"]!),
        miceFloat16OverDenseFloat16: r3(Object.values(storeInfo)[0]!.bytesPerPassage / denseBytes["float16"]!),
      },
      peerComparisons,
    };
  } finally {
    for (const t of timed) await t.reranker.dispose();
    for (const s of stores) await s.close();
    for (const m of mices) m.model.dispose();
    ce.dispose();
    de.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Run

const root = await mkdtemp(join(tmpdir(), "i3-mice-bench-"));
const sizes: Awaited<ReturnType<typeof benchSize>>[] = [];
try {
  for (const size of SIZES.filter((s) => wantedSizes.includes(s.name))) sizes.push(await benchSize(size, root));
} finally {
  await rm(root, { recursive: true, force: true });
}
const out = await writeBenchJson("mice", {
  benchmark: "mice",
  date,
  machine: { ...machineInfo(), loadavgStart: loadStart },
  backend,
  settings: { passages: PASSAGES, candidates: CANDIDATES, queries: QUERIES, tfjsQueries: TFJS_QUERIES, warmup: WARMUP, queryMaxLength: QUERY_MAX, passageMaxLength: PASSAGE_MAX, pairMaxLength: PAIR_MAX, crossEncoderBatch: CE_BATCH, miceBatch: CANDIDATES, seed: SEED },
  tokens,
  sizes,
  peerComparisons: sizes.flatMap((s) => s.peerComparisons),
  seconds: r3((performance.now() - started) / 1000),
});
log(`wrote ${out}`);
console.log(JSON.stringify(sizes.map((s) => ({ size: s.size, entries: s.entries, ratios: s.ratios, storage: s.storage })), null, 2));
