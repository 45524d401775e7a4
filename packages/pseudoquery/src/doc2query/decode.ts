/**
 * Autoregressive decoding for the doc2query model: greedy (argmax; ties to the lowest id) or
 * top-k sampling (Fan, Lewis, Dauphin 2018, "Hierarchical Neural Story Generation": sample from
 * the k most likely tokens renormalised, logits divided by a temperature; doc2query-T5 uses
 * top-k 10, Nogueira & Lin 2019). Decoding starts from BOS ([CLS]), stops at EOS ([SEP]) or
 * after `maxLength` tokens; the special tokens [PAD], [CLS], [UNK] and [MASK] are never emitted.
 *
 * Determinism: sampling for a passage draws from `SeededRandom.from(seed, pid)` (one uniform
 * per emitted token), so it depends on (seed, pid) only, not on the batch. The prefix is
 * re-run at every step (no key/value cache): O(T^2) decoder work, fine for short queries.
 */
import { SeededRandom } from "@i3/core";
import type { I3Tokenizer } from "@i3/data";
import { RunContext, tf } from "@i3/encoders";
import { encodePassage, padPassages, seq2seqSpecials } from "./batches.js";
import type { Doc2QueryModel } from "./model.js";

/** How to pick each token. */
export type Decoding = { strategy: "greedy" } | { strategy: "top-k"; k: number; temperature?: number };

/** Options of {@link generateQueries}. */
export interface GenerateQueriesOptions {
  decoding?: Decoding;
  /** Generated tokens at most (EOS excluded). Default 32. */
  maxLength?: number;
  /** Passage tokens, special tokens included. Default 128. */
  maxPassageLength?: number;
  /** Seed for sampling. Default 0. */
  seed?: number;
}

/** Index of the largest finite value; ties to the lowest index. */
function argmax(row: Float32Array, banned: ReadonlySet<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < row.length; i++) {
    if (banned.has(i)) continue;
    const v = row[i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** One top-k draw (see the module comment): uses one `rng.float()`. */
export function sampleTopK(row: Float32Array, k: number, temperature: number, rng: SeededRandom, banned: ReadonlySet<number> = new Set()): number {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`top-k: k must be an integer >= 1, got ${k}`);
  if (!(temperature > 0)) throw new RangeError(`top-k: temperature must be > 0, got ${temperature}`);
  const ids = Array.from(row.keys()).filter((i) => !banned.has(i));
  // Sort by logit descending, ties to the lower id; keep k.
  ids.sort((a, b) => row[b]! - row[a]! || a - b);
  const top = ids.slice(0, k);
  const max = row[top[0]!]!;
  const weights = top.map((i) => Math.exp((row[i]! - max) / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  let u = rng.float() * total;
  for (let j = 0; j < top.length; j++) {
    u -= weights[j]!;
    if (u < 0) return top[j]!;
  }
  return top[top.length - 1]!;
}

/**
 * Generates one query per passage text (ids as pids for seeding), in order. Runs in eval mode;
 * every intermediate tensor is freed.
 */
export function generateQueries(
  model: Doc2QueryModel,
  tokenizer: I3Tokenizer,
  passages: readonly { id: string; text: string }[],
  options: GenerateQueriesOptions = {},
): string[] {
  if (passages.length === 0) return [];
  const decoding = options.decoding ?? { strategy: "greedy" };
  const maxLength = options.maxLength ?? 32;
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new RangeError(`generateQueries: maxLength must be an integer >= 1, got ${maxLength}`);
  if (maxLength + 1 > model.config.maxPositions) throw new RangeError(`generateQueries: maxLength ${maxLength} + BOS exceeds the model's ${model.config.maxPositions} positions`);
  const seed = options.seed ?? 0;
  const specials = seq2seqSpecials(tokenizer);
  const banned = new Set([specials.pad, specials.bos, tokenizer.special.unk, tokenizer.special.mask].filter((x): x is number => x !== undefined));
  const rngs = passages.map((p) => SeededRandom.from(seed, p.id));
  const B = passages.length;
  const { S, ids, mask } = padPassages(
    passages.map((p) => encodePassage(tokenizer, p.text, options.maxPassageLength ?? 128)),
    specials.pad,
  );
  const ctx = new RunContext({ training: false });
  const encoded = tf.tidy(() => {
    const e = model.encode({ inputIds: tf.tensor2d(ids, [B, S], "int32"), attentionMask: tf.tensor2d(mask, [B, S], "int32") }, ctx);
    return [e.memory, e.memoryBias] as const;
  });
  const out: number[][] = passages.map(() => []);
  const finished = new Array<boolean>(B).fill(false);
  try {
    for (let t = 0; t < maxLength && finished.includes(false); t++) {
      const T = t + 1;
      const decIds = new Int32Array(B * T).fill(specials.pad);
      const decMask = new Int32Array(B * T).fill(1);
      for (let b = 0; b < B; b++) {
        decIds[b * T] = specials.bos;
        out[b]!.forEach((id, j) => (decIds[b * T + 1 + j] = id));
        // finished rows are padded after their EOS; their output is ignored
        for (let j = out[b]!.length + 1; j < T; j++) decMask[b * T + j] = finished[b] ? 0 : 1;
      }
      const last = tf.tidy(() => {
        const logits = model.decode(
          { memory: encoded[0], memoryBias: encoded[1] },
          tf.tensor2d(decIds, [B, T], "int32"),
          tf.tensor2d(decMask, [B, T], "int32"),
          ctx,
        );
        return tf.reshape(tf.slice(logits, [0, T - 1, 0], [B, 1, -1]), [B, -1]);
      });
      const values = last.dataSync() as Float32Array;
      last.dispose();
      const V = values.length / B;
      for (let b = 0; b < B; b++) {
        if (finished[b]) continue;
        const row = values.subarray(b * V, (b + 1) * V);
        const id = decoding.strategy === "greedy" ? argmax(row, banned) : sampleTopK(row, decoding.k, decoding.temperature ?? 1, rngs[b]!, banned);
        if (id === specials.eos) finished[b] = true;
        else out[b]!.push(id);
      }
    }
  } finally {
    tf.dispose([...encoded]);
  }
  return out.map((row) => tokenizer.decode(row));
}
