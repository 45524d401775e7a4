/**
 * Training and re-ranking with MICE (Vast et al., "MICE: Minimal Interaction Cross-Encoders for
 * efficient Re-ranking", arXiv 2602.16299; `@i3/encoders` Mice, docs/mice.md there).
 *
 * Training ({@link trainMice}) distils a teacher's scores (a cross-encoder's, as the paper) into
 * MICE: per training query a list of 1 positive + n negatives drawn from its teacher-scored pool
 * (`@i3/distill` sampleCandidates over SimLM `kd_train.jsonl` records, seeded per (seed, epoch,
 * query id)), MICE scores every (query, candidate) pair with its training forward
 * (`Mice.forward`: document and query through the shared bottom layers, then the interaction
 * layers; dropout seeded per step), and the loss is
 *
 *   L = w_mm * MarginMSE(s, t) + w_kl * KL(softmax(t / T) || softmax(s / T))
 *
 * with `@i3/distill` distillationLoss: MarginMSE = mean over (q, p+, p-_j) of
 * ((s+ - s-_j) - (t+ - t-_j))^2 (Hofstätter et al. 2020, arXiv 2010.02666, eq. 1; the MICE
 * paper's objective, the default here, weight 1), listwise KL over each list (SimLM; off unless
 * set). Queries are shuffled per (seed, epoch); the optimizer and its schedule are the
 * cross-encoder's (`crossEncoderOptimizerSettingsSchema`, run by ./phases.ts `trainPhaseLoop`);
 * with `checkpoints`, training saves its state and an interrupted run continues bit-identically
 * (./training-checkpoints.ts, one phase `queries`).
 *
 * Re-ranking ({@link rerankWithMice}) reads each candidate's stored layer-l states from a
 * token-state store (./mice-states.ts), encodes each query once (`Mice.encodeQueries`) and
 * scores it against its candidates in batches (`Mice.scoreEncoded`).
 *
 * Texts are tokenised alone, `[CLS] text [SEP]` (query up to `queryMaxLength`, passage up to
 * `passageMaxLength` tokens, truncated at the end), as the state store encodes documents.
 */
import { createHash } from "node:crypto";
import { SeededRandom } from "@i3/core";
import { padBatch, rankDocuments, type EncodedBatch, type I3Tokenizer, type Query, type Run } from "@i3/data";
import { distillationLoss, sampleCandidates, type KdRecord } from "@i3/distill";
import { tf, type Mice } from "@i3/encoders";
import type { TokenStateStore } from "@i3/search";
import type { MiceInference } from "./mice-inference.js";
import { trainPhaseLoop } from "./phases.js";
import { openRerankerCheckpoints, passageTextLookup, RERANKER_PHASE, rerankerLoopHooks, rerankerTrainingSettings, trainedReranker, type RerankerTrainingOptions, type TrainedReranker } from "./reranker-training.js";
import { withOptimizerDefaults } from "./settings.js";
import { parametersDigest } from "./training-checkpoints.js";
import { toTensors } from "./token-batches.js";

/** MICE's distillation objective: MarginMSE and/or listwise KL, each with its weight (at least one). */
export interface MiceObjective {
  /** MarginMSE over the (positive, negative_j) pairs of each list (the paper's loss). */
  readonly marginMse?: { readonly weight: number };
  /** KL(softmax(t / T) || softmax(s / T)) over each list, T = `temperature` (default 1), no T^2 factor. */
  readonly kl?: { readonly weight: number; readonly temperature?: number };
}

/** The default objective: MarginMSE, weight 1 (the MICE paper's). */
export const DEFAULT_MICE_OBJECTIVE: MiceObjective = Object.freeze({ marginMse: Object.freeze({ weight: 1 }) });

/** Inputs of {@link trainMice}. */
export interface TrainMiceInputs extends RerankerTrainingOptions {
  /** The model to train (e.g. `Mice.fromCrossEncoder` of the teacher); trained in place. */
  model: Mice;
  /** Teacher-scored pools, one per training query (`@i3/distill` loadKdTrain / cachedTeacherScores), in a fixed order; `negatives` are drawn from each pool per epoch. */
  records: readonly KdRecord[];
  /** Query texts by id (records may lack `query`). */
  queries: ReadonlyMap<string, string>;
  /** Default {@link DEFAULT_MICE_OBJECTIVE}. */
  objective?: MiceObjective;
  /** Query tokens at most, [CLS] and [SEP] included. Default 32. */
  queryMaxLength?: number;
  /** Passage tokens at most, [CLS] and [SEP] included. Default 128. */
  passageMaxLength?: number;
}

/** What {@link trainMice} did. */
export type TrainedMice = TrainedReranker;

/** Checks an objective (at least one term, finite non-negative weights, positive temperature); returns it. */
export function checkMiceObjective(objective: MiceObjective): MiceObjective {
  const { marginMse, kl } = objective;
  if (marginMse === undefined && kl === undefined) throw new Error("trainMice: objective needs marginMse and/or kl");
  for (const [name, w] of [["marginMse", marginMse?.weight], ["kl", kl?.weight]] as const) {
    if (w !== undefined && !(Number.isFinite(w) && w >= 0)) throw new RangeError(`trainMice: objective.${name}.weight must be a finite number >= 0, got ${w}`);
  }
  if (kl?.temperature !== undefined && !(kl.temperature > 0)) throw new RangeError(`trainMice: objective.kl.temperature must be > 0, got ${kl.temperature}`);
  return objective;
}

/** The objective's loss for student scores [B, L] against teacher scores [B, L] (column 0 = the positive). */
export function miceLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, objective: MiceObjective): tf.Scalar {
  return tf.tidy(() => {
    const terms: tf.Scalar[] = [];
    if (objective.marginMse !== undefined) terms.push(tf.mul(distillationLoss(student, teacher, { kind: "margin-mse" }), objective.marginMse.weight));
    if (objective.kl !== undefined) {
      terms.push(tf.mul(distillationLoss(student, teacher, { kind: "kl", temperature: objective.kl.temperature ?? 1 }), objective.kl.weight));
    }
    return terms.reduce((a, b) => tf.add(a, b)) as tf.Scalar;
  });
}

/** `texts` tokenised alone (`[CLS] text [SEP]`, at most `maxLength` tokens) and padded to the longest. */
export function encodeAlone(tokenizer: I3Tokenizer, texts: readonly string[], maxLength: number): EncodedBatch {
  const rows = texts.map((t) => {
    const ids = tokenizer.encode(t, maxLength).ids;
    return { ids, typeIds: new Int32Array(ids.length) };
  });
  return padBatch(rows, tokenizer.special.pad, { maxLength });
}

/**
 * Trains `model` in place by distillation (see the module comment). Deterministic for inputs and
 * seed on the cpu/wasm backends. Returns the step records.
 */
export async function trainMice(inputs: TrainMiceInputs): Promise<TrainedMice> {
  const { negatives: n, batchSize, epochs, optimizer, log } = rerankerTrainingSettings(inputs, "trainMice", "mice");
  const queryMaxLength = inputs.queryMaxLength ?? 32;
  const passageMaxLength = inputs.passageMaxLength ?? 128;
  const objective = checkMiceObjective(inputs.objective ?? DEFAULT_MICE_OBJECTIVE);
  const { model, tokenizer, seed } = inputs;
  const positions = model.encoder.maxPositions;
  for (const [name, len] of [["queryMaxLength", queryMaxLength], ["passageMaxLength", passageMaxLength]] as const) {
    if (!Number.isInteger(len) || len < 2 || len > positions) throw new RangeError(`trainMice: ${name} must be an integer in [2, ${positions}] (the encoder's positions), got ${len}`);
  }
  const records = [...inputs.records];
  if (records.length === 0) throw new Error("trainMice: no teacher-scored training queries");
  const queryText = (qid: string) => {
    const text = inputs.queries.get(qid);
    if (text === undefined) throw new Error(`trainMice: query ${JSON.stringify(qid)} of the teacher scores is not among the training queries`);
    return text;
  };
  const text = passageTextLookup(inputs.passages, "trainMice");
  // Every query and passage the lists can name, checked before the first step.
  for (const r of records) {
    queryText(r.queryId);
    for (const { docId } of [...r.positives, ...r.negatives]) text(docId, r.queryId);
  }
  const saving = openRerankerCheckpoints(
    inputs,
    "trainMice",
    {
      format: "i3-mice-training",
      version: 1,
      trainer: "mice",
      seed,
      settings: { negatives: n, batchSize, epochs, queryMaxLength, passageMaxLength, optimizer, objective, mice: model.config },
      backend: tf.getBackend(),
      tokenizer: tokenizer.fingerprint,
      start: parametersDigest(model.namedParameters()),
      data: recordsDigest(records, queryText, text),
    },
    log,
  );
  const listSize = n + 1;
  const history = await trainPhaseLoop<{ queries: string[]; passages: string[]; teacher: number[] }>({
    phase: RERANKER_PHASE,
    groups: [{ name: "mice", params: model.namedParameters(), lr: optimizer.lr, weightDecay: optimizer.weightDecay }],
    optimizer: withOptimizerDefaults(optimizer),
    batches: function* (epoch) {
      const order = SeededRandom.from(seed, epoch, "order").shuffle([...records.keys()]);
      for (let start = 0; start < order.length; start += batchSize) {
        const queries: string[] = [];
        const texts: string[] = [];
        const teacher: number[] = [];
        for (const i of order.slice(start, start + batchSize)) {
          const list = sampleCandidates(records[i]!, { negatives: n, seed, epoch });
          queries.push(queryText(list.queryId));
          for (const id of list.docIds) texts.push(text(id, list.queryId));
          teacher.push(...list.scores);
        }
        yield { queries, passages: texts, teacher };
      }
    },
    lossFn: (batch, ctx) => {
      const b = batch.queries.length;
      // Each query's row repeated for its list (group-major), as the pairs of Mice.forward.
      const q = encodeAlone(tokenizer, batch.queries.flatMap((t) => Array<string>(listSize).fill(t)), queryMaxLength);
      const d = encodeAlone(tokenizer, batch.passages, passageMaxLength);
      const scores = model.forward(toTensors(q), toTensors(d), { training: true, seed: ctx.seed, step: ctx.step });
      return miceLoss(tf.reshape(scores, [b, listSize]) as tf.Tensor2D, tf.tensor2d(batch.teacher, [b, listSize], "float32"), objective);
    },
    epochs,
    stepsPerEpoch: Math.ceil(records.length / batchSize),
    seed,
    progress: "off",
    countExamples: (batch) => batch.queries.length,
    ...rerankerLoopHooks(inputs, saving),
  });
  return trainedReranker(history, saving);
}

/** sha256 of the training data as the batches read it: each record, then each named passage's text (first occurrence order). */
function recordsDigest(records: readonly KdRecord[], queryText: (qid: string) => string, text: (id: string, qid: string) => string): string {
  const hash = createHash("sha256");
  for (const r of records) hash.update(`${JSON.stringify([r.queryId, queryText(r.queryId), r.positives, r.negatives])}\n`);
  const seen = new Set<string>();
  for (const r of records) {
    for (const { docId } of [...r.positives, ...r.negatives]) {
      if (seen.has(docId)) continue;
      seen.add(docId);
      hash.update(`${JSON.stringify([docId, text(docId, r.queryId)])}\n`);
    }
  }
  return hash.digest("hex");
}

/** Options of {@link rerankWithMice}. */
export interface RerankWithMiceOptions {
  /** Called after each query with (queries done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The top `depth` documents of `run` for each of `queries` that it ranks (canonical run order). */
export function rerankCandidates(queries: readonly Query[], run: Run, depth: number): Map<string, string[]> {
  const candidates = new Map<string, string[]>();
  for (const q of queries) {
    const ranking = run.get(q.id);
    if (ranking !== undefined && ranking.size > 0) candidates.set(q.id, rankDocuments(ranking).slice(0, depth).map(([id]) => id));
  }
  return candidates;
}

/**
 * Scores each query's candidates (`candidates`: query id -> doc ids) with `scorer` (a MICE on
 * either engine, `openMiceInference`) from the document states in `store` (built by
 * `buildMiceStateStore` from the same model): each query against its candidates' stored states,
 * `scorer`'s batch size at a time. Returns the run (the candidates only, by MICE's score); a
 * store of another layer or width, or a candidate missing from it, is an error naming it.
 */
export async function rerankWithMice(scorer: MiceInference, store: TokenStateStore, queries: readonly Query[], candidates: ReadonlyMap<string, readonly string[]>, options: RerankWithMiceOptions = {}): Promise<Run> {
  if (store.manifest.layer !== scorer.layer || store.manifest.hidden !== scorer.hidden) {
    throw new Error(`rerankWithMice: the store in ${store.dir} holds layer ${store.manifest.layer} states of width ${store.manifest.hidden}; the model needs layer ${scorer.layer}, width ${scorer.hidden}`);
  }
  const todo = queries.filter((q) => (candidates.get(q.id)?.length ?? 0) > 0);
  const run: Run = new Map();
  for (const [done, q] of todo.entries()) {
    const ids = candidates.get(q.id)!;
    const scores = await scorer.scoreStored(q, store, ids);
    run.set(q.id, new Map(ids.map((id, i) => [id, scores[i]!])));
    options.onProgress?.(done + 1, todo.length);
  }
  return run;
}
