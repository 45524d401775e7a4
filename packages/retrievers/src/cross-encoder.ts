/**
 * Training a cross-encoder re-ranker (monoBERT, Nogueira & Cho 2019; `@i3/encoders`
 * CrossEncoder: s(q, p) = w . BERT([CLS] q [SEP] p [SEP])[CLS] + b) with the localized
 * contrastive estimation loss (LCE; Gao, Dai & Callan 2021, "Rethink Training of BERT Rerankers
 * in Multi-Stage Retrieval Pipeline", ECIR 2021, arXiv 2101.08751, sec. 3.2):
 *
 *   L = (1/B) sum_q -log( exp(s(q, p+)) / sum_{p in G_q} exp(s(q, p)) )
 *
 * where G_q = 1 positive + n hard negatives sampled from the first stage's top results for q
 * (the paper's "localized" negatives; Tevatron's reranker default group size is 8, n = 7). The
 * positive is one of q's judged positives. Sampling is seeded per (seed, epoch, query id)
 * (`@i3/core` SeededRandom.from): the positive uniformly, the negatives uniformly without
 * replacement (a pool shorter than n is cycled); queries are shuffled per (seed, epoch). The
 * optimizer settings are the other trainers' (`crossEncoderOptimizerSettingsSchema`: AdamW or
 * LAMB, linear warm-up then linear decay or constant, clipping), run by the same `@i3/train` loop
 * (./phases.ts `trainPhaseLoop`); dropout is seeded per step. With `checkpoints`, training saves
 * its state and an interrupted run continues bit-identically (./training-checkpoints.ts: one
 * phase, `queries`).
 *
 * The model becomes a distillation teacher through `@i3/distill` crossEncoderTeacher.
 */
import { createHash } from "node:crypto";
import { SeededRandom } from "@i3/core";
import { encodePairs, type Query } from "@i3/data";
import { tf, type CrossEncoder } from "@i3/encoders";
import { logSoftmaxLastAxis } from "@i3/losses";
import { trainPhaseLoop } from "./phases.js";
import { openRerankerCheckpoints, passageTextLookup, RERANKER_PHASE, rerankerLoopHooks, rerankerTrainingSettings, trainedReranker, type RerankerTrainingOptions, type TrainedReranker } from "./reranker-training.js";
import { withOptimizerDefaults } from "./settings.js";
import { parametersDigest } from "./training-checkpoints.js";

/** One training query: its judged positives and its pool of hard negatives (doc ids). */
export interface CrossEncoderTrainingGroup {
  readonly query: Query;
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

/** Inputs of {@link trainCrossEncoder}. */
export interface TrainCrossEncoderInputs extends RerankerTrainingOptions {
  /** The model to train (fresh, or loaded with `@i3/encoders` loadCrossEncoder); trained in place. */
  model: CrossEncoder;
  groups: readonly CrossEncoderTrainingGroup[];
  /** Pair tokens at most (longest-first truncation). Default 160. */
  maxLength?: number;
}

/** What {@link trainCrossEncoder} did. */
export type TrainedCrossEncoder = TrainedReranker;

/** LCE over group scores [B, G] (column 0 = the positive): mean over rows of -log softmax(row)[0]. */
export function localizedContrastiveLoss(scores: tf.Tensor2D): tf.Scalar {
  const [b, g] = scores.shape;
  if (b < 1 || g < 2) throw new Error(`localizedContrastiveLoss: need [B >= 1, G >= 2] group scores, got [${b}, ${g}]`);
  return tf.tidy(() => tf.neg(tf.mean(tf.slice(logSoftmaxLastAxis(scores), [0, 0], [b, 1]))) as tf.Scalar);
}

/** One query's group for an epoch: a positive then n negatives (see the module comment). */
export function sampleRerankerGroup(group: CrossEncoderTrainingGroup, n: number, seed: number, epoch: number): string[] {
  const qid = group.query.id;
  if (group.positives.length === 0) throw new Error(`trainCrossEncoder: query ${JSON.stringify(qid)} has no positive`);
  if (group.negatives.length === 0) throw new Error(`trainCrossEncoder: query ${JSON.stringify(qid)} has no hard negatives`);
  const rng = SeededRandom.from(seed, epoch, qid);
  const out = [group.positives[rng.int(group.positives.length)]!];
  const order = rng.sampleIndices(group.negatives.length, Math.min(n, group.negatives.length));
  for (let i = 0; i < n; i++) out.push(group.negatives[order[i % order.length]!]!);
  return out;
}

/**
 * Trains `model` in place with LCE over groups of 1 positive + n hard negatives (see the module
 * comment), with `optimizer`'s settings. Deterministic for inputs and seed on the cpu/wasm
 * backends. With `checkpoints`, saves its state there and continues from it. Returns the step records.
 */
export async function trainCrossEncoder(inputs: TrainCrossEncoderInputs): Promise<TrainedCrossEncoder> {
  const { negatives: n, batchSize, epochs, optimizer, log } = rerankerTrainingSettings(inputs, "trainCrossEncoder", "cross-encoder");
  const maxLength = inputs.maxLength ?? 160;
  const { model, tokenizer, seed } = inputs;
  const groups = [...inputs.groups];
  if (groups.length === 0) throw new Error("trainCrossEncoder: no training groups");
  const text = passageTextLookup(inputs.passages, "trainCrossEncoder");
  const saving = openRerankerCheckpoints(
    inputs,
    "trainCrossEncoder",
    {
      format: "i3-cross-encoder-training",
      version: 1,
      trainer: "cross-encoder",
      seed,
      settings: { negatives: n, batchSize, epochs, maxLength, optimizer },
      backend: tf.getBackend(),
      tokenizer: tokenizer.fingerprint,
      start: parametersDigest(model.namedParameters()),
      data: groupsDigest(groups, text),
    },
    log,
  );
  const history = await trainPhaseLoop<{ queries: string[]; passages: string[]; groupSize: number }>({
    phase: RERANKER_PHASE,
    groups: [{ name: "cross-encoder", params: model.namedParameters(), lr: optimizer.lr, weightDecay: optimizer.weightDecay }],
    optimizer: withOptimizerDefaults(optimizer),
    batches: function* (epoch) {
      const order = SeededRandom.from(seed, epoch, "order").shuffle([...groups.keys()]);
      for (let start = 0; start < order.length; start += batchSize) {
        const queries: string[] = [];
        const texts: string[] = [];
        for (const i of order.slice(start, start + batchSize)) {
          const g = groups[i]!;
          for (const id of sampleRerankerGroup(g, n, seed, epoch)) {
            queries.push(g.query.text);
            texts.push(text(id, g.query.id));
          }
        }
        yield { queries, passages: texts, groupSize: n + 1 };
      }
    },
    lossFn: (batch, ctx) => {
      const enc = encodePairs(tokenizer, batch.queries, batch.passages, { maxLength });
      const shape: [number, number] = [enc.batchSize, enc.seqLength];
      const scores = model.forward(
        {
          inputIds: tf.tensor2d(enc.inputIds, shape, "int32"),
          attentionMask: tf.tensor2d(enc.attentionMask, shape, "int32"),
          tokenTypeIds: tf.tensor2d(enc.tokenTypeIds, shape, "int32"),
        },
        { training: true, seed: ctx.seed, step: ctx.step },
      );
      return localizedContrastiveLoss(tf.reshape(scores, [enc.batchSize / batch.groupSize, batch.groupSize]) as tf.Tensor2D);
    },
    epochs,
    stepsPerEpoch: Math.ceil(groups.length / batchSize),
    seed,
    progress: "off",
    countExamples: (batch) => batch.queries.length / batch.groupSize,
    ...rerankerLoopHooks(inputs, saving),
  });
  return trainedReranker(history, saving);
}

/**
 * sha256 of the training data as the batches read it: each group's query (id, text), positives
 * and negatives in order, then the text of every passage they name (first occurrence order).
 */
function groupsDigest(groups: readonly CrossEncoderTrainingGroup[], text: (id: string, qid: string) => string): string {
  const hash = createHash("sha256");
  for (const g of groups) hash.update(`${JSON.stringify([g.query.id, g.query.text, g.positives, g.negatives])}\n`);
  const seen = new Set<string>();
  for (const g of groups) {
    for (const id of [...g.positives, ...g.negatives]) {
      if (seen.has(id)) continue;
      seen.add(id);
      hash.update(`${JSON.stringify([id, text(id, g.query.id)])}\n`);
    }
  }
  return hash.digest("hex");
}
