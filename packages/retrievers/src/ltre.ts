/**
 * LTRe / ADORE: training the query encoder alone against a fixed dense index, with a full
 * retrieval from the whole index at every step (Zhan et al., "Learning To Retrieve", arXiv
 * 2010.10469; "Optimizing Dense Retrieval Model Training with Hard Negatives", SIGIR 2021, arXiv
 * 2104.08051; reference code jingtaozhan/DRhard `adore/train.py`).
 *
 * Each step, for the batch's queries q_b (E_q in training mode, dropout on, as DRhard's
 * `model.train()`):
 *   1. retrieve the top K = `ltre.depth` passages of the whole index by q_b . p (`@i3/search`'s
 *      exact kernel, the same search as at test time; the index holds the fixed passage vectors,
 *      at `index.precision`);
 *   2. append relevant passages that were not retrieved (`ltre.appendRelevant`; DRhard's rule,
 *      the default: all of the query's relevant passages, only when none is in the top K);
 *   3. score the list with the same fixed vectors, s_i = q_b . p_i (gradients reach E_q only),
 *      and apply `@i3/losses`' `ltrePairwiseLoss`: over pairs (relevant i, non-relevant j),
 *      |1/r_i - 1/r_j| * log(1 + exp(-(s_i - s_j))), r = retrieval rank, 1/r = 0 beyond K
 *      (appended passages), averaged over pairs, then over queries.
 * No negative sampling: the negatives are whatever the current query tower retrieves.
 *
 * The passage tower is never run: passages are the index's vectors (a trained dual-encoder's
 * E_p(p), or I3's p*). The query tower trained is a copy of the start model's, so the start
 * model (shared towers or not) is left bit-identical.
 *
 * Training runs through the loop every trainer shares (./phases.ts `trainPhaseLoop`: the
 * optimizer settings, the schedule, clipping) as one phase, `ltre`; with `checkpoints` it saves
 * its state and an interrupted run continues bit-identically (./training-checkpoints.ts).
 */
import { createHash } from "node:crypto";
import { SeededRandom, seedFromParts } from "@i3/core";
import { buildTokenLookup, padBatch, type Collection, type I3Tokenizer, type Query } from "@i3/data";
import { tf, type BackendInfo, type BertEncoder, type Device } from "@i3/encoders";
import { ltrePairwiseLoss } from "@i3/losses";
import { compressIndex, type DenseIndex, type SearchKernelReport } from "@i3/search";
import { startBackend } from "./backend.js";
import { copyEncoder } from "./start.js";
import { encodeRows, type DenseRetriever } from "./encode.js";
import { searchReporting } from "./retrieve.js";
import type { DenseInference } from "./inference.js";
import { toTensors } from "./token-batches.js";
import { trainPhaseLoop, type PhaseStep } from "./phases.js";
import {
  DEFAULT_CHECKPOINT_EVERY_STEPS,
  ltreSettingsSchema,
  parseSettings,
  type AppendRelevantRule,
  type IndexPrecisionSettings,
  type LtreSettings,
  type LtreSettingsInput,
} from "./settings.js";
import { openTrainingCheckpoints, parametersDigest, resumeMessage, type ResumePoint, type TrainingCheckpointOptions } from "./training-checkpoints.js";

/** One query's training list: index rows in list order, their labels and retrieval ranks (0 = appended, not retrieved). */
export interface LtreList {
  rows: number[];
  labels: number[];
  ranks: number[];
}

/**
 * The list the loss sees for one query: the retrieved rows (ranks 1..K) labelled by `relevant`,
 * then the relevant rows not retrieved, appended in the given order with rank 0 (1/r = 0), by
 * `rule`: `when-none-retrieved` (DRhard: all relevant rows, only when no retrieved row is
 * relevant), `all-missing` (every relevant row not retrieved) or `never`.
 */
export function ltreList(retrieved: ArrayLike<number>, relevant: readonly number[], rule: AppendRelevantRule): LtreList {
  const relevantSet = new Set(relevant);
  const rows = Array.from(retrieved);
  const labels = rows.map((r) => (relevantSet.has(r) ? 1 : 0));
  const ranks = rows.map((_, i) => i + 1);
  const retrievedSet = new Set(rows);
  const anyRetrieved = labels.some((y) => y === 1);
  const append = rule === "never" ? [] : rule === "all-missing" ? relevant.filter((r) => !retrievedSet.has(r)) : anyRetrieved ? [] : relevant;
  for (const r of append) {
    rows.push(r);
    labels.push(1);
    ranks.push(0);
  }
  return { rows, labels, ranks };
}

/** `index` held at the settings' precision (`@i3/search`'s `compressIndex`; PQ seeded by `seed`). */
export function indexAtPrecision(index: DenseIndex, settings: IndexPrecisionSettings, seed: number): DenseIndex {
  return compressIndex(index, { precision: settings.precision, pq: { ...settings.pq, seed: seedFromParts(seed, "ltre-pq") } });
}

/** A query tower as a {@link DenseRetriever} for query-side encoding (`encodePassages` throws: passages come from the index). */
export function queryTowerRetriever(queryEncoder: BertEncoder, tokenizer: I3Tokenizer): DenseRetriever {
  return {
    tokenizer,
    model: {
      encodeQueries: (inputs, opts) => queryEncoder.encode(inputs, opts),
      encodePassages: () => {
        throw new Error("a query tower encodes no passages (LTRe searches a fixed index)");
      },
      // Read for the vector size only (the index's dimension = the query tower's).
      passageEncoder: queryEncoder,
    },
  };
}

/** What one training step retrieved (for tests and diagnostics). */
export interface LtreStepRetrieval {
  step: number;
  qids: readonly string[];
  /** The query vectors searched, [B, H] row-major (training mode, as the loss saw them). */
  queryVectors: Float32Array;
  /** Index rows retrieved per query, best first. */
  retrieved: readonly Uint32Array[];
  lists: readonly LtreList[];
}

/** Inputs of {@link trainLtre}. */
export interface TrainLtreInputs {
  /** The start: a trained model's query tower (copied, never changed) and its tokenizer. */
  start: { queryEncoder: BertEncoder; tokenizer: I3Tokenizer };
  /** The fixed index of the start model's passage vectors (float32; held at `index.precision` here). */
  index: DenseIndex;
  collection: Collection;
  /** The split whose queries and qrels train the query tower. */
  trainSplit: string;
  /** Word pieces per query ([CLS] and [SEP] included): the start model's. */
  queryMaxLength: number;
  settings?: LtreSettingsInput;
  /** Seeds the batch order, dropout and the PQ codebooks. */
  seed: number;
  device?: Device;
  /** Folder for the training log (`train-ltre.jsonl`). */
  workDir: string;
  log?: (message: string) => void;
  /**
   * Save the training state into `checkpoints.dir` every `checkpoints.everySteps` optimizer steps
   * (default `train.checkpointEverySteps`, else 100) and at the end, and continue from the
   * checkpoint found there at start, bit-identical to an uninterrupted run (same weights, same
   * `steps`). A folder written by another run (other settings, seed, start tower, index, data or
   * backend) is refused.
   */
  checkpoints?: TrainingCheckpointOptions;
  /** Called after each optimizer step, before that step's checkpoint; throwing aborts training (the query tower is disposed). */
  onStep?: (step: PhaseStep) => void | Promise<void>;
  /** Called with each step's retrieval (inside the step, before the loss). */
  onRetrieve?: (retrieval: LtreStepRetrieval) => void;
}

/** What {@link trainLtre} produced. */
export interface TrainedLtre {
  /** The trained query tower (a copy of the start's). */
  queryEncoder: BertEncoder;
  tokenizer: I3Tokenizer;
  settings: LtreSettings;
  backend: BackendInfo;
  /** One record per optimizer step (phase `ltre`); `metrics`: `mrr10` (of the retrieved top 10), `appended`, `retrievalSeconds`. */
  steps: PhaseStep[];
  /** Training queries (those with a relevant passage in the index). */
  queries: number;
  /** Wall time of this call's training, and the part spent in the per-step retrieval (after a resume: of the steps this call ran). */
  trainSeconds: number;
  retrievalSeconds: number;
  /** Optimizer steps this call ran (`steps.length` unless it resumed). */
  stepsRun: number;
  /** The checkpoint this call continued from (with `checkpoints`). */
  resumedFrom?: ResumePoint;
}

/**
 * Trains a copy of `start.queryEncoder` with LTRe/ADORE against `index` (see the module
 * comment): `train.epochs` over the queries of `trainSplit` having a relevant passage (grade >= 1)
 * in the index, `train.batchSize` per step in a seeded order per epoch, AdamW (or
 * `optimizer.kind`) with a linear warm-up over `optimizer.warmupRatio` of the steps then linear
 * decay (or `optimizer.schedule`), clipping at `optimizer.clipNorm`. Deterministic for settings
 * and seed on the cpu/wasm backends. With `checkpoints`, saves its state there and continues from it.
 */
export async function trainLtre(inputs: TrainLtreInputs): Promise<TrainedLtre> {
  const settings = parseSettings(ltreSettingsSchema, inputs.settings);
  const log = inputs.log ?? ((m: string) => process.stderr.write(`[ltre] ${m}\n`));
  const backend = await startBackend(inputs.device);
  const { tokenizer } = inputs.start;
  const { depth, appendRelevant } = settings.ltre;
  if (inputs.index.dim !== inputs.start.queryEncoder.config.hidden) {
    throw new Error(`trainLtre: the index has dimension ${inputs.index.dim} but the query tower ${inputs.start.queryEncoder.config.hidden}`);
  }
  const index = indexAtPrecision(inputs.index, settings.index, inputs.seed);
  const rowOf = new Map(index.ids.map((id, i) => [id, i]));

  const qrels = await inputs.collection.qrels(inputs.trainSplit);
  const splitQueries: Query[] = await inputs.collection.queries(inputs.trainSplit);
  const relevant = new Map<string, number[]>();
  for (const q of splitQueries) {
    const rows = [...(qrels.get(q.id) ?? new Map<string, number>())].filter(([pid, grade]) => grade >= 1 && rowOf.has(pid)).map(([pid]) => rowOf.get(pid)!);
    if (rows.length > 0) relevant.set(q.id, rows);
  }
  const queries = [...relevant.keys()];
  if (queries.length === 0) throw new Error(`trainLtre: no query of split "${inputs.trainSplit}" has a relevant passage in the index`);
  const queryTokens = buildTokenLookup(tokenizer, splitQueries, inputs.queryMaxLength);
  const { batchSize, epochs } = settings.train;
  const stepsPerEpoch = Math.ceil(queries.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  log(
    `LTRe: ${queries.length} training queries (${splitQueries.length - queries.length} without a relevant passage: skipped), ${epochs} epochs, ` +
      `${totalSteps} steps, top ${depth} of ${index.count} passages (${settings.index.precision}), append relevant: ${appendRelevant}`,
  );

  const saving =
    inputs.checkpoints === undefined
      ? undefined
      : openTrainingCheckpoints({
          options: inputs.checkpoints,
          defaultEverySteps: settings.train.checkpointEverySteps ?? DEFAULT_CHECKPOINT_EVERY_STEPS,
          caller: "trainLtre",
          phases: ["ltre"],
          identity: {
            format: "i3-ltre-training",
            version: 1,
            trainer: "ltre",
            seed: inputs.seed,
            trainSplit: inputs.trainSplit,
            queryMaxLength: inputs.queryMaxLength,
            settings: { ...settings, train: { epochs, batchSize } },
            backend: backend.backend,
            collection: await inputs.collection.fingerprint(),
            tokenizer: tokenizer.fingerprint,
            start: parametersDigest(inputs.start.queryEncoder.namedParameters()),
            index: indexDigest(inputs.index),
          },
        });
  if (saving?.resumeFrom !== undefined) log(resumeMessage(saving.resumeFrom, 1));

  const queryEncoder = copyEncoder(inputs.start.queryEncoder);
  const { optimizer } = settings;
  let steps: PhaseStep[];
  let stepsRun = 0;
  let retrievalSeconds = 0;
  const started = performance.now();
  try {
    steps = await trainPhaseLoop<string[]>({
      phase: "ltre",
      groups: [{ name: "query", params: queryEncoder.namedParameters(), lr: optimizer.lr, weightDecay: optimizer.weightDecay }],
      optimizer,
      batches: (epoch) => {
        const order = new SeededRandom(seedFromParts(inputs.seed, "ltre-batches", epoch)).shuffle([...queries]);
        return Array.from({ length: stepsPerEpoch }, (_, i) => order.slice(i * batchSize, (i + 1) * batchSize));
      },
      epochs,
      stepsPerEpoch,
      seed: inputs.seed,
      backend,
      logFile: `${inputs.workDir}/train-ltre.jsonl`,
      ...(saving !== undefined ? { checkpoints: saving.phase(0) } : {}),
      countExamples: (qids) => qids.length,
      onStep: async (step) => {
        stepsRun++;
        await inputs.onStep?.(step);
      },
      lossFn: (qids, ctx) => {
        const encoded = padBatch(
          qids.map((qid) => ({ ids: queryTokens(qid), typeIds: new Int32Array(queryTokens(qid).length) })),
          tokenizer.special.pad,
          { maxLength: inputs.queryMaxLength },
        );
        const q = queryEncoder.encode(toTensors(encoded), { training: true, seed: ctx.seed, step: ctx.step });
        const queryVectors = Float32Array.from(q.dataSync() as Float32Array);
        const t0 = performance.now();
        // Plain JS, the kernel the published LTRe models trained with: another kernel's summation
        // order could swap near-tied passages and so change the training pairs.
        const hits = index.search(queryVectors, depth, { kernel: "js" });
        const seconds = (performance.now() - t0) / 1000;
        retrievalSeconds += seconds;
        const lists = hits.map((h, b) => ltreList(h.indices, relevant.get(qids[b]!)!, appendRelevant));
        inputs.onRetrieve?.({ step: ctx.step + 1, qids, queryVectors, retrieved: hits.map((h) => h.indices), lists });
        const length = Math.max(...lists.map((l) => l.rows.length));
        const dim = index.dim;
        const passages = new Float32Array(qids.length * length * dim);
        const labels = new Float32Array(qids.length * length);
        const ranks = new Float32Array(qids.length * length);
        const mask = new Float32Array(qids.length * length);
        lists.forEach((list, b) => {
          list.rows.forEach((row, i) => {
            passages.set(index.rows(row, 1), (b * length + i) * dim);
            labels[b * length + i] = list.labels[i]!;
            ranks[b * length + i] = list.ranks[i]!;
            mask[b * length + i] = 1;
          });
        });
        const shape: [number, number] = [qids.length, length];
        const p = tf.tensor3d(passages, [qids.length, length, dim]);
        const scores = tf.sum(tf.mul(tf.expandDims(q, 1), p), 2) as tf.Tensor2D; // s_i = q . p_i, [B, L]
        const loss = ltrePairwiseLoss(scores, tf.tensor2d(labels, shape), { cut: depth, mask: tf.tensor2d(mask, shape), ranks: tf.tensor2d(ranks, shape) });
        ctx.report("mrr10", mean(lists.map((l) => reciprocalRankAt10(l))));
        ctx.report("appended", mean(lists.map((l) => l.ranks.filter((r) => r === 0).length)));
        ctx.report("retrievalSeconds", seconds);
        return loss;
      },
    });
  } catch (error) {
    queryEncoder.dispose();
    throw error;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const resumedFrom = saving?.resumeFrom;
  return { queryEncoder, tokenizer, settings, backend, steps, queries: queries.length, trainSeconds, retrievalSeconds, stepsRun, ...(resumedFrom !== undefined ? { resumedFrom } : {}) };
}

/** sha256 of an index's ids and vectors (float32, read in blocks): the fixed passages LTRe trains against, for its identity. */
function indexDigest(index: DenseIndex): string {
  const hash = createHash("sha256").update(`${index.dtype} ${index.count} ${index.dim}\n`);
  for (const id of index.ids) hash.update(`${JSON.stringify(id)}\n`);
  const block = 4096;
  for (let start = 0; start < index.count; start += block) {
    const rows = index.rows(start, Math.min(block, index.count - start));
    hash.update(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
  }
  return hash.digest("hex");
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
}

/** 1 / rank of the first relevant passage in the retrieved top 10 (0 if none): DRhard's training MRR@10. */
function reciprocalRankAt10(list: LtreList): number {
  for (let i = 0; i < list.rows.length; i++) if (list.ranks[i]! >= 1 && list.ranks[i]! <= 10 && list.labels[i] === 1) return 1 / list.ranks[i]!;
  return 0;
}

/**
 * The run of `queries` with a trained query tower against `index` (float32, held at
 * `precision` as in training, PQ seeded by `seed`): exact inner product, top `k` per query;
 * queries encoded by `inference` when given (`openDenseInference` on the query tower), else tfjs;
 * searched by the same engine's kernel, which `onSearch` is told.
 */
export async function retrieveLtre(
  trained: { queryEncoder: BertEncoder; tokenizer: I3Tokenizer },
  index: DenseIndex,
  queries: readonly Query[],
  opts: { queryMaxLength: number; k: number; precision: IndexPrecisionSettings; seed: number; inference?: DenseInference; onSearch?: (kernel: SearchKernelReport) => void },
) {
  const held = indexAtPrecision(index, opts.precision, opts.seed);
  const retriever = queryTowerRetriever(trained.queryEncoder, trained.tokenizer);
  const rows = queries.map((q) => trained.tokenizer.encode(q.text, opts.queryMaxLength).ids);
  const vectors = await encodeRows(retriever, rows, opts.queryMaxLength, "queries", opts.inference);
  return searchReporting(held, queries, vectors, opts);
}
