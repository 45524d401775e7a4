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
 * replacement (a pool shorter than n is cycled); queries are shuffled per (seed, epoch). AdamW with
 * linear warm-up and decay (`@i3/train`); dropout is seeded per step.
 *
 * The model becomes a distillation teacher through `@i3/distill` crossEncoderTeacher.
 */
import { SeededRandom } from "@i3/core";
import { encodePairs, passageText, type I3Tokenizer, type Passage, type Query } from "@i3/data";
import { tf, type CrossEncoder } from "@i3/encoders";
import { logSoftmaxLastAxis } from "@i3/losses";
import { linearScheduleWithWarmup, train, type StepRecord } from "@i3/train";

/** One training query: its judged positives and its pool of hard negatives (doc ids). */
export interface CrossEncoderTrainingGroup {
  readonly query: Query;
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

/** Inputs of {@link trainCrossEncoder}. */
export interface TrainCrossEncoderInputs {
  /** The model to train (fresh, or loaded with `@i3/encoders` loadCrossEncoder); trained in place. */
  model: CrossEncoder;
  tokenizer: I3Tokenizer;
  groups: readonly CrossEncoderTrainingGroup[];
  /** Passage lookup by id. */
  passages: ReadonlyMap<string, Passage>;
  /** Seeds sampling, query order and dropout. */
  seed: number;
  /** Hard negatives per group (n; group size n + 1). Default 7. */
  negatives?: number;
  /** Queries per optimizer step. Default 8. */
  batchSize?: number;
  /** Default 1. */
  epochs?: number;
  /** AdamW learning rate. Default 2e-5. */
  lr?: number;
  /** AdamW weight decay. Default 0.01. */
  weightDecay?: number;
  /** Fraction of the steps spent warming up linearly (then linear decay to 0). Default 0.1. */
  warmupRatio?: number;
  /** Pair tokens at most (longest-first truncation). Default 160. */
  maxLength?: number;
  /** JSONL training log (one line per step). */
  logFile?: string;
  onStep?: (step: StepRecord) => void | Promise<void>;
}

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
 * comment). Deterministic for inputs and seed on the cpu/wasm backends. Returns the step records.
 */
export async function trainCrossEncoder(inputs: TrainCrossEncoderInputs): Promise<{ history: readonly StepRecord[] }> {
  const n = inputs.negatives ?? 7;
  const batchSize = inputs.batchSize ?? 8;
  const epochs = inputs.epochs ?? 1;
  const maxLength = inputs.maxLength ?? 160;
  const { model, tokenizer, passages, seed } = inputs;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`trainCrossEncoder: negatives must be a positive integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`trainCrossEncoder: batchSize must be a positive integer, got ${batchSize}`);
  const groups = [...inputs.groups];
  if (groups.length === 0) throw new Error("trainCrossEncoder: no training groups");
  const text = (id: string, qid: string) => {
    const p = passages.get(id);
    if (p === undefined) throw new Error(`trainCrossEncoder: passage ${JSON.stringify(id)} of query ${JSON.stringify(qid)} is not in the corpus`);
    return passageText(p);
  };
  const stepsPerEpoch = Math.ceil(groups.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const result = await train<{ queries: string[]; passages: string[]; groupSize: number }>({
    groups: [{ name: "cross-encoder", params: model.namedParameters(), lr: inputs.lr ?? 2e-5, weightDecay: inputs.weightDecay ?? 0.01 }],
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
    schedule: linearScheduleWithWarmup({ warmupSteps: Math.round((inputs.warmupRatio ?? 0.1) * totalSteps), totalSteps }),
    seed,
    progress: "off",
    countExamples: (batch) => batch.queries.length / batch.groupSize,
    stepsPerEpoch,
    ...(inputs.logFile !== undefined ? { logFile: inputs.logFile } : {}),
    ...(inputs.onStep !== undefined ? { onStep: inputs.onStep } : {}),
  });
  return { history: result.history };
}
