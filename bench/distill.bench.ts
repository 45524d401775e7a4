/**
 * `npm run bench -- distill` (issue 12): what distillation's teachers cost to score and what the
 * cross-encoder costs to re-rank, side by side in one process, through the functions the runner
 * calls. On a collection (default: the embedded one; `I3_BENCH_DATASET=beir/scifact` for SciFact):
 *
 * 1. Teacher scoring, pairs/s: the pools of the first `I3_BENCH_DISTILL_TEACHER_QUERIES` (100)
 *    training queries (judged positives + BM25's top `I3_BENCH_DISTILL_DEPTH` = 100, `@i3/distill`
 *    teacherPools), scored by `loadTeacher` + `cachedTeacherScores` into a fresh cache folder, as
 *    the runner's `teacher-scores` stage does (kd_train.jsonl written), for: BM25 (lexical
 *    teacher); the cross-encoder of experiments/distill-systems.ts (`crossEncoder`: 1 x 128, a
 *    corpus-trained 8,192-token WordPiece vocabulary, pairs of 96 tokens, batch 32 as the runner
 *    scores it) on TensorFlow.js; and the project's tiny ONNX fixture
 *    (packages/distill/test/fixtures/tiny-ce, 2 x 32) both through transformers.js on
 *    onnxruntime-node and, same weights, on TensorFlow.js. One query is scored first (warm-up).
 * 2. Re-ranking latency at k = 100: the top `I3_BENCH_DISTILL_DEPTH` of BM25's test-split run for
 *    the first `I3_BENCH_DISTILL_RERANK_QUERIES` (100) test queries, each scored by
 *    `loadCrossEncoderTeacher(checkpoint, { maxLength, batchSize })`'s `score`: the per-query call
 *    of the cross-encoder system's re-rank stage (`rerankWithCrossEncoder`) with
 *    `inference: "tfjs"` (its default engine is now onnxruntime-node: same pairs, same batches). Batch sizes
 *    `I3_BENCH_DISTILL_BATCHES` (32,64,128: the teacher's default, scifact-distill's
 *    `score.batchSize`, the whole top 100 in one pass), interleaved query by query (the order
 *    alternating) so a concurrent load hits them alike: median / p95 / mean ms per query (wall,
 *    and median CPU), queries/s and pairs/s.
 *
 * Every neural model is random init (seed 1; speed does not depend on the weights), saved and
 * loaded as the runner saves and loads a trained one. Model GFLOP count forward passes over the
 * padded batches the scorers build (pad to the batch's longest pair). Writes
 * bench/out/distill.json: {benchmark, date, machine, dataset, backend, weights, sizes, summary,
 * teachers, rerank}. `I3_DEVICE` picks the TensorFlow.js device (default auto).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodePairs, loadTokenizer, passageText, rankDocuments, resolveDataset, saveTokenizer, type Collection, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import { cachedTeacherScores, loadCrossEncoderTeacher, loadTeacher, teacherPools, type ScoringPool, type Teacher, type TeacherSpec } from "@i3/distill";
import { CrossEncoder, describeBackend, fromHfConfig, saveCrossEncoder, type Device, type EncoderConfig } from "@i3/encoders";
import { presetEncoderConfig, startBackend, startTokenizer, tokenizerSettingsSchema } from "@i3/retrievers";
import { bm25Run, buildIndex } from "@i3/search";
import { crossEncoder } from "../experiments/distill-systems.js";
import { encoderForwardFlops } from "./flops.js";
import { machineInfo, writeBenchJson } from "./output.js";
import { median, quantile, timedAsync } from "./timing.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataset = process.env["I3_BENCH_DATASET"] ?? "default";
const device = (process.env["I3_DEVICE"] ?? "auto") as Device;
const TEACHER_QUERIES = Number(process.env["I3_BENCH_DISTILL_TEACHER_QUERIES"] ?? 100);
const RERANK_QUERIES = Number(process.env["I3_BENCH_DISTILL_RERANK_QUERIES"] ?? 100);
const DEPTH = Number(process.env["I3_BENCH_DISTILL_DEPTH"] ?? crossEncoder.rerank.depth);
const BATCH_SIZES = (process.env["I3_BENCH_DISTILL_BATCHES"] ?? `32,${crossEncoder.score.batchSize},128`).split(",").map(Number);
/** The teacher's pairs per forward pass when a run config sets none (`@i3/distill` crossEncoderTeacher's default). */
const TEACHER_BATCH = 32;
const SEED = 1;
const FIXTURE = join(here, "..", "packages", "distill", "test", "fixtures", "tiny-ce");
const FIXTURE_MAX_LENGTH = 64; // the fixture's max_position_embeddings

/** A cross-encoder as the benchmark describes it: its size and the pair inputs it scores. */
interface CrossEncoderModel {
  name: string;
  config: EncoderConfig;
  tokenizer: I3Tokenizer;
  maxLength: number;
}

/** Tokens and forward FLOPs of scoring `passages` for `query` in batches of `batchSize`, padded as the scorers pad (to each batch's longest pair). */
function scoringCost(model: CrossEncoderModel, query: Query, passages: readonly Passage[], batchSize: number): { tokens: number; flops: number } {
  let tokens = 0;
  let flops = 0;
  for (let start = 0; start < passages.length; start += batchSize) {
    const batch = passages.slice(start, start + batchSize);
    const enc = encodePairs(model.tokenizer, batch.map(() => query.text), batch.map(passageText), { maxLength: model.maxLength });
    tokens += enc.batchSize * enc.seqLength;
    flops += encoderForwardFlops(model.config, enc.batchSize, enc.seqLength);
  }
  return { tokens, flops };
}

/** "L x H (heads, ff I), vocabulary V": an encoder config in one line. */
function sizeOf(cfg: EncoderConfig): string {
  return `${cfg.layers}x${cfg.hidden} (${cfg.heads} heads, ff ${cfg.intermediate}), vocabulary ${cfg.vocabSize}`;
}

/** An installed package's version (read from the workspace's node_modules), or "unknown". */
function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(here, "..", "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/**
 * Saves a random-init cross-encoder of experiments/distill-systems.ts's size, with a WordPiece
 * vocabulary trained on the corpus, into `dir` (the runner's checkpoint layout: HF
 * BertForSequenceClassification + tokenizer files); returns its description.
 */
async function saveRandomCrossEncoder(dir: string, corpus: readonly Passage[]): Promise<CrossEncoderModel> {
  const tokenizer = await startTokenizer({ tokenizer: tokenizerSettingsSchema.parse(crossEncoder.tokenizer), model: {} }, () => corpus.map(passageText), () => {});
  const config = presetEncoderConfig({ preset: crossEncoder.model.preset, pooling: "cls" }, tokenizer.vocabSize);
  const model = new CrossEncoder(config, { seed: SEED });
  try {
    await saveCrossEncoder(dir, model);
    await saveTokenizer(tokenizer, dir);
  } finally {
    model.dispose();
  }
  return { name: `cross-encoder ${config.layers}x${config.hidden}`, config, tokenizer, maxLength: crossEncoder.model.maxLength };
}

/** The tiny ONNX fixture's size and tokenizer (its config.json, read as `@i3/encoders` reads it). */
async function fixtureModel(): Promise<CrossEncoderModel> {
  const config = fromHfConfig(JSON.parse(readFileSync(join(FIXTURE, "config.json"), "utf8")) as Record<string, unknown>);
  return { name: `tiny-ce ${config.layers}x${config.hidden}`, config, tokenizer: await loadTokenizer(FIXTURE), maxLength: FIXTURE_MAX_LENGTH };
}

/** One teacher to measure: how the runner names it, and what runs it. */
interface TeacherCase {
  name: string;
  spec: TeacherSpec;
  runtime: string;
  model?: CrossEncoderModel;
}

/**
 * Loads one teacher with `loadTeacher`, scores one pool (warm-up), then times `cachedTeacherScores`
 * over all pools into a fresh cache folder: pairs/s (wall and per CPU-second) and, for a
 * cross-encoder, padded tokens and achieved model GFLOP/s. A teacher that fails to load or
 * score is recorded with its error (the others still run).
 */
async function measureTeacher(c: TeacherCase, pools: readonly ScoringPool[], passages: ReadonlyMap<string, Passage>, collection: Collection, work: string) {
  const pairs = pools.reduce((n, p) => n + p.positives.length + p.negatives.length, 0);
  const settings = { maxLength: "maxLength" in c.spec ? (c.spec.maxLength ?? null) : null, batchSize: c.model !== undefined ? TEACHER_BATCH : null };
  const base = { name: c.name, kind: c.spec.kind, runtime: c.runtime, model: c.model !== undefined ? sizeOf(c.model.config) : "BM25 k1 0.9, b 0.4", ...settings, queries: pools.length, pairs };
  let teacher: Teacher | undefined;
  try {
    const loaded = await timedAsync(() => loadTeacher(c.spec, { collection }));
    teacher = loaded.value;
    const first = pools[0]!;
    await teacher.score(first.query, [...first.positives, ...first.negatives].map((id) => passages.get(id)!));
    const cacheDir = join(work, `teacher-${c.name.replace(/[^a-z0-9]+/gi, "-")}`);
    const loadedTeacher = teacher;
    const scored = await timedAsync(() => cachedTeacherScores({ teacher: loadedTeacher, pools, passages, cacheDir }));
    const cost = c.model !== undefined ? pools.map((p) => scoringCost(c.model!, p.query, [...p.positives, ...p.negatives].map((id) => passages.get(id)!), TEACHER_BATCH)) : [];
    const flops = cost.reduce((n, x) => n + x.flops, 0);
    const row = {
      ...base,
      loadSeconds: loaded.wall,
      seconds: scored.wall,
      cpuSeconds: scored.cpu,
      cpuPerWall: scored.cpu / scored.wall,
      pairsPerSec: pairs / scored.wall,
      pairsPerCpuSec: pairs / scored.cpu,
      ...(c.model !== undefined
        ? { paddedTokensPerPair: cost.reduce((n, x) => n + x.tokens, 0) / pairs, modelGflopPerPair: flops / pairs / 1e9, achievedGflops: flops / scored.wall / 1e9 }
        : {}),
    };
    console.log(`teacher ${c.name}: ${pairs} pairs of ${pools.length} queries in ${scored.wall.toFixed(2)} s = ${row.pairsPerSec.toFixed(0)} pairs/s (${row.pairsPerCpuSec.toFixed(0)} per CPU-s); load ${loaded.wall.toFixed(2)} s`);
    return row;
  } catch (err) {
    console.log(`teacher ${c.name}: failed: ${(err as Error).message}`);
    return { ...base, error: (err as Error).message };
  } finally {
    await teacher?.dispose();
  }
}

/**
 * Re-ranks each query's candidates with one `loadCrossEncoderTeacher` scorer per batch size,
 * interleaved query by query (order alternating), after one warm-up query per scorer; per batch
 * size: per-query wall ms (median, p95, mean), CPU ms median, queries/s, pairs/s, GFLOP/s.
 */
async function measureRerank(model: CrossEncoderModel, checkpoint: string, candidates: readonly { query: Query; passages: Passage[] }[]) {
  const scorers = await Promise.all(BATCH_SIZES.map((batchSize) => loadCrossEncoderTeacher(checkpoint, { maxLength: model.maxLength, batchSize })));
  try {
    const wall = BATCH_SIZES.map(() => [] as number[]);
    const cpu = BATCH_SIZES.map(() => [] as number[]);
    for (const s of scorers) await s.score(candidates[0]!.query, candidates[0]!.passages);
    for (const [i, c] of candidates.entries()) {
      const order = BATCH_SIZES.map((_, b) => b);
      if (i % 2 === 1) order.reverse();
      for (const b of order) {
        const t = await timedAsync(() => scorers[b]!.score(c.query, c.passages));
        wall[b]!.push(t.wall * 1000);
        cpu[b]!.push(t.cpu * 1000);
      }
    }
    const pairs = candidates.reduce((n, c) => n + c.passages.length, 0);
    return BATCH_SIZES.map((batchSize, b) => {
      const seconds = wall[b]!.reduce((x, y) => x + y, 0) / 1000;
      const flops = candidates.reduce((n, c) => n + scoringCost(model, c.query, c.passages, batchSize).flops, 0);
      const row = {
        batchSize,
        queries: candidates.length,
        pairs,
        medianMs: median(wall[b]!),
        p95Ms: quantile(wall[b]!, 0.95),
        meanMs: (seconds * 1000) / candidates.length,
        cpuMedianMs: median(cpu[b]!),
        queriesPerSec: candidates.length / seconds,
        pairsPerSec: pairs / seconds,
        achievedGflops: flops / seconds / 1e9,
      };
      console.log(`re-rank batch ${batchSize}: median ${row.medianMs.toFixed(1)} ms, p95 ${row.p95Ms.toFixed(1)} ms per query; ${row.queriesPerSec.toFixed(2)} queries/s, ${row.pairsPerSec.toFixed(0)} pairs/s`);
      return row;
    });
  } finally {
    for (const s of scorers) await s.dispose();
  }
}

const work = mkdtempSync(join(tmpdir(), "i3-bench-distill-"));
try {
  const collection = await resolveDataset(dataset);
  const passages = new Map<string, Passage>();
  for await (const p of collection.corpus()) passages.set(p.id, p);
  const index = await buildIndex(passages.values());
  const backend = await startBackend(device);

  const checkpoint = join(work, "cross-encoder");
  const ce = await saveRandomCrossEncoder(checkpoint, [...passages.values()]);
  const tiny = await fixtureModel();

  const trainQueries = (await collection.queries("train")).slice(0, TEACHER_QUERIES);
  const pools = teacherPools(trainQueries, await collection.qrels("train"), bm25Run(index, trainQueries, { k: DEPTH }), { depth: DEPTH, minGrade: 1, minNegatives: 1 });
  const tfjs = `TensorFlow.js ${backend.backend} (see backend)`;
  const onnx = `transformers.js ${packageVersion("@huggingface/transformers")} on onnxruntime-node ${packageVersion("onnxruntime-node")} (CPU, default session options)`;
  const cases: TeacherCase[] = [
    { name: "bm25", spec: { kind: "bm25" }, runtime: "@i3/search (JavaScript)" },
    { name: `${ce.name} (tfjs)`, spec: { kind: "cross-encoder", path: checkpoint, maxLength: ce.maxLength }, runtime: tfjs, model: ce },
    { name: `${tiny.name} (onnx)`, spec: { kind: "onnx-cross-encoder", modelDir: FIXTURE, maxLength: tiny.maxLength }, runtime: onnx, model: tiny },
    { name: `${tiny.name} (tfjs)`, spec: { kind: "cross-encoder", path: FIXTURE, maxLength: tiny.maxLength }, runtime: tfjs, model: tiny },
  ];
  const teachers = [];
  for (const c of cases) teachers.push(await measureTeacher(c, pools, passages, collection, work));

  const testQueries = (await collection.queries("test")).slice(0, RERANK_QUERIES);
  const firstStage = bm25Run(index, testQueries, { k: DEPTH });
  const candidates = testQueries.flatMap((query) => {
    const ranking = firstStage.get(query.id);
    const ids = ranking === undefined ? [] : rankDocuments(ranking).slice(0, DEPTH).map(([id]) => id);
    return ids.length > 0 ? [{ query, passages: ids.map((id) => passages.get(id)!) }] : [];
  });
  const rerank = await measureRerank(ce, checkpoint, candidates);

  const out = await writeBenchJson("distill", {
    benchmark: "distill",
    date: new Date().toISOString(),
    machine: machineInfo(),
    dataset,
    backend: describeBackend(backend),
    weights: `random init (seed ${SEED}): speed only, the scores mean nothing`,
    sizes: {
      passages: passages.size,
      depth: DEPTH,
      teacherQueries: pools.length,
      teacherPairs: pools.reduce((n, p) => n + p.positives.length + p.negatives.length, 0),
      rerankQueries: candidates.length,
      rerankPairs: candidates.reduce((n, c) => n + c.passages.length, 0),
      rerankBatchSizes: BATCH_SIZES,
    },
    crossEncoder: { model: sizeOf(ce.config), maxLength: ce.maxLength, source: "experiments/distill-systems.ts crossEncoder", teacherBatchSize: TEACHER_BATCH },
    summary: {
      teacherPairsPerSec: Object.fromEntries(teachers.map((t) => [t.name, "pairsPerSec" in t ? t.pairsPerSec : null])),
      rerank: Object.fromEntries(rerank.map((r) => [`batch ${r.batchSize}`, { medianMs: r.medianMs, p95Ms: r.p95Ms, queriesPerSec: r.queriesPerSec }])),
    },
    teachers,
    rerank: { model: sizeOf(ce.config), maxLength: ce.maxLength, runtime: tfjs, firstStage: `BM25 top ${DEPTH}, test split`, rows: rerank },
  });
  console.log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
