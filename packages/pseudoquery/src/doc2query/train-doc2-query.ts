/**
 * Trains a {@link Doc2QueryModel} on (passage, query) pairs (doc2query, Nogueira et al. 2019)
 * by teacher forcing: loss = `maskedTokenCrossEntropy` (mean NLL of y_1 .. y_n [SEP], pads
 * ignored) with `@i3/train`'s `train` (AdamW, biases and LayerNorm without weight decay, the HF
 * Trainer rule; linear warm-up/decay; global-norm clipping). Batches are reshuffled per epoch
 * with `SeededRandom.from(seed, "doc2query-epoch", epoch)`; dropout seeds come from
 * `train`'s (seed, step, microBatch), so a run is reproducible from its seed.
 */
import { SeededRandom } from "@i3/core";
import type { I3Tokenizer } from "@i3/data";
import { tf } from "@i3/encoders";
import { maskedTokenCrossEntropy } from "@i3/losses";
import { linearScheduleWithWarmup, splitNoDecay, train, type StepRecord, type TrainResult } from "@i3/train";
import { IGNORE_INDEX, encodePairs, makeBatch, seq2seqSpecials, type Doc2QueryBatch } from "./batches.js";
import type { Doc2QueryModel } from "./model.js";

/** Options of {@link trainDoc2Query}. */
export interface TrainDoc2QueryOptions {
  model: Doc2QueryModel;
  tokenizer: I3Tokenizer;
  /** Training pairs (e.g. from `trainingPairs`). */
  pairs: readonly { passage: string; query: string }[];
  /** Run seed (shuffling and dropout). */
  seed: number;
  /** Give epochs or maxSteps (or both). */
  epochs?: number;
  maxSteps?: number;
  /** Default 16. */
  batchSize?: number;
  /** Peak learning rate. Default 1e-3. */
  lr?: number;
  /** Default 0.01 (not on biases and LayerNorm). */
  weightDecay?: number;
  /** Linear warm-up steps, then linear decay to 0 at the last step. Default 0 warm-up, constant lr when the length is unknown. */
  warmupSteps?: number;
  /** Default 1. */
  clipNorm?: number;
  /** Passage tokens, special tokens included. Default 128. */
  maxPassageLength?: number;
  /** Decoder length (query tokens + 1). Default 32. */
  maxQueryLength?: number;
  /** Optional JSONL log and checkpoints (see `@i3/train`). */
  logFile?: string;
  checkpointDir?: string;
  checkpointEvery?: number;
  progress?: "auto" | "bar" | "lines" | "off";
  onStep?: (record: StepRecord) => void | Promise<void>;
}

/** Teacher-forced loss of one batch: maskedTokenCrossEntropy over the decoder outputs. */
export function doc2QueryLoss(model: Doc2QueryModel, batch: Doc2QueryBatch, opts: { training: boolean; seed?: number; step?: number }): tf.Scalar {
  return tf.tidy(() => {
    const passage = {
      inputIds: tf.tensor2d(batch.passageIds, [batch.size, batch.S], "int32"),
      attentionMask: tf.tensor2d(batch.passageMask, [batch.size, batch.S], "int32"),
    };
    const ids = tf.tensor2d(batch.decoderIds, [batch.size, batch.T], "int32");
    const mask = tf.tensor2d(batch.decoderMask, [batch.size, batch.T], "int32");
    const logits = model.forward(passage, ids, mask, opts);
    return maskedTokenCrossEntropy(logits, tf.tensor2d(batch.targets, [batch.size, batch.T], "int32"), { ignoreIndex: IGNORE_INDEX });
  });
}

/** Trains `model` in place (see the module comment); resolves with `train`'s result. */
export async function trainDoc2Query(options: TrainDoc2QueryOptions): Promise<TrainResult> {
  const { model, tokenizer, seed } = options;
  if (options.pairs.length === 0) throw new Error("trainDoc2Query: no training pairs");
  const batchSize = options.batchSize ?? 16;
  const specials = seq2seqSpecials(tokenizer);
  const examples = encodePairs(tokenizer, options.pairs, options.maxPassageLength ?? 128, options.maxQueryLength ?? 32);
  const stepsPerEpoch = Math.ceil(examples.length / batchSize);
  const totalSteps =
    options.maxSteps !== undefined && options.epochs !== undefined
      ? Math.min(options.maxSteps, options.epochs * stepsPerEpoch)
      : (options.maxSteps ?? (options.epochs !== undefined ? options.epochs * stepsPerEpoch : undefined));
  const warmupSteps = options.warmupSteps ?? 0;
  const schedule = totalSteps !== undefined ? linearScheduleWithWarmup({ warmupSteps, totalSteps }) : undefined;
  return train<Doc2QueryBatch>({
    groups: splitNoDecay({ name: "doc2query", params: model.namedParameters(), lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? 0.01 }),
    batches: function* (epoch) {
      const order = SeededRandom.from(seed, "doc2query-epoch", epoch).shuffle(Array.from(examples.keys()));
      for (let i = 0; i < order.length; i += batchSize) yield makeBatch(order.slice(i, i + batchSize).map((j) => examples[j]!), specials);
    },
    lossFn: (batch, ctx) => doc2QueryLoss(model, batch, { training: true, seed: ctx.seed, step: ctx.step }),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    clipNorm: options.clipNorm ?? 1,
    seed,
    stepsPerEpoch,
    progress: options.progress ?? "off",
    countExamples: (b) => b.size,
    ...(options.logFile !== undefined ? { logFile: options.logFile } : {}),
    ...(options.checkpointDir !== undefined ? { checkpointDir: options.checkpointDir } : {}),
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(options.onStep !== undefined ? { onStep: options.onStep } : {}),
  });
}
