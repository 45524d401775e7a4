/**
 * Plain-data batches for doc2query teacher forcing (Nogueira et al. 2019; "teacher forcing",
 * Williams & Zipser 1989): passage rows `[CLS] p [SEP]`, decoder inputs `[CLS] y_1 .. y_n`
 * (BOS = [CLS]) and targets `y_1 .. y_n [SEP]` (EOS = [SEP]); right-padded with the pad id,
 * targets padded with -100 (ignored by `maskedTokenCrossEntropy`).
 */
import type { I3Tokenizer } from "@i3/data";

/** Ignored target id (PyTorch / HF convention). */
export const IGNORE_INDEX = -100;

/** Row-major [size, S] / [size, T] arrays of one batch. */
export interface Doc2QueryBatch {
  size: number;
  /** Passage length S (longest row). */
  S: number;
  passageIds: Int32Array;
  passageMask: Int32Array;
  /** Decoder length T (longest query + 1). */
  T: number;
  decoderIds: Int32Array;
  decoderMask: Int32Array;
  targets: Int32Array;
}

/** One encoded training example. */
export interface EncodedPair {
  passage: Int32Array;
  /** Query content ids (no BOS/EOS), at most maxQueryLength - 1. */
  query: Int32Array;
}

/** BOS, EOS and pad ids of a BERT-style tokenizer ([CLS], [SEP], [PAD]); throws when missing. */
export function seq2seqSpecials(tok: I3Tokenizer): { bos: number; eos: number; pad: number } {
  const { cls, sep, pad } = tok.special;
  if (cls === undefined || sep === undefined) throw new Error("doc2query: the tokenizer needs [CLS] (BOS) and [SEP] (EOS) tokens");
  return { bos: cls, eos: sep, pad };
}

/** Encodes a passage as `[CLS] p [SEP]`, at most `maxLength` tokens. */
export function encodePassage(tok: I3Tokenizer, text: string, maxLength: number): Int32Array {
  return tok.encode(text, maxLength).ids;
}

/** Encodes (passage, query) pairs; queries keep at most `maxQueryLength - 1` content tokens. */
export function encodePairs(
  tok: I3Tokenizer,
  pairs: readonly { passage: string; query: string }[],
  maxPassageLength: number,
  maxQueryLength: number,
): EncodedPair[] {
  if (!(Number.isInteger(maxQueryLength) && maxQueryLength >= 2)) throw new RangeError(`doc2query: maxQueryLength must be an integer >= 2, got ${maxQueryLength}`);
  return pairs.map((p) => ({
    passage: encodePassage(tok, p.passage, maxPassageLength),
    query: tok.tokenize(p.query).slice(0, maxQueryLength - 1),
  }));
}

/** Pads passage rows into [B, S] ids and mask. */
export function padPassages(rows: readonly Int32Array[], pad: number): { S: number; ids: Int32Array; mask: Int32Array } {
  const S = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * S).fill(pad);
  const mask = new Int32Array(rows.length * S);
  rows.forEach((r, b) => {
    ids.set(r, b * S);
    mask.fill(1, b * S, b * S + r.length);
  });
  return { S, ids, mask };
}

/** Builds the teacher-forcing batch of `examples`. */
export function makeBatch(examples: readonly EncodedPair[], specials: { bos: number; eos: number; pad: number }): Doc2QueryBatch {
  const { S, ids: passageIds, mask: passageMask } = padPassages(
    examples.map((e) => e.passage),
    specials.pad,
  );
  const T = Math.max(...examples.map((e) => e.query.length)) + 1;
  const decoderIds = new Int32Array(examples.length * T).fill(specials.pad);
  const decoderMask = new Int32Array(examples.length * T);
  const targets = new Int32Array(examples.length * T).fill(IGNORE_INDEX);
  examples.forEach((e, b) => {
    const o = b * T;
    decoderIds[o] = specials.bos;
    decoderIds.set(e.query, o + 1);
    decoderMask.fill(1, o, o + e.query.length + 1);
    targets.set(e.query, o);
    targets[o + e.query.length] = specials.eos;
  });
  return { size: examples.length, S, passageIds, passageMask, T, decoderIds, decoderMask, targets };
}
