/**
 * The pieces of `mice.bench.ts`: seeded synthetic texts of controlled length, and the three
 * ways of re-ranking one query's candidates that the benchmark times, each through the
 * toolkit's own inference path on a chosen engine (onnxruntime or tfjs):
 *
 *   cross-encoder  `openCrossEncoderInference(...).score(query, passages)`: every
 *                  [CLS] q [SEP] p [SEP] pair through all L layers
 *   MICE           `openMiceInference(...).scoreStored(query, store, ids)`: the candidates'
 *                  layer-l states read from a token-state store, the query's l layers once,
 *                  k interaction layers per candidate
 *   dual-encoder   `openDenseInference(...).encode` of the query, then one dot product per
 *                  candidate against its stored vector (`DenseIndex.vector`)
 */
import type { I3Tokenizer, Passage, Query } from "@i3/data";
import type { CrossEncoder, DualEncoder, Mice } from "@i3/encoders";
import { openCrossEncoderInference, openDenseInference, openMiceInference } from "@i3/retrievers";
import type { InferenceSetting } from "@i3/retrievers/settings";
import type { DenseIndex, TokenStateStore } from "@i3/search";

/** Lower-case pseudo-words of `letters` letters each, `n` distinct ones drawn with `rand` (uniform in [0, 1)). */
export function pseudoWords(n: number, letters: number, rand: () => number): string[] {
  if (n > 26 ** letters) throw new RangeError(`pseudoWords: only ${26 ** letters} words of ${letters} letters, asked for ${n}`);
  const words = new Set<string>();
  while (words.size < n) {
    let w = "";
    for (let i = 0; i < letters; i++) w += String.fromCharCode(97 + Math.floor(rand() * 26));
    words.add(w);
  }
  return [...words];
}

/** `n` texts, each of a word count drawn uniformly from [minWords, maxWords], words drawn uniformly from `words`. */
export function syntheticTexts(n: number, minWords: number, maxWords: number, words: readonly string[], rand: () => number): string[] {
  if (!(Number.isInteger(minWords) && Number.isInteger(maxWords) && minWords >= 1 && maxWords >= minWords)) throw new RangeError(`syntheticTexts: bad word range [${minWords}, ${maxWords}]`);
  return Array.from({ length: n }, () => {
    const count = minWords + Math.floor(rand() * (maxWords - minWords + 1));
    return Array.from({ length: count }, () => words[Math.floor(rand() * words.length)]!).join(" ");
  });
}

/** Inner products of `query` with the stored vectors of `ids` (rows looked up in `rowOf`), in order; unknown ids throw. */
export function dotScores(query: Float32Array, index: DenseIndex, rowOf: ReadonlyMap<string, number>, ids: readonly string[]): number[] {
  if (query.length !== index.dim) throw new RangeError(`dotScores: query has ${query.length} values, the index is ${index.dim}-d`);
  return ids.map((id) => {
    const row = rowOf.get(id);
    if (row === undefined) throw new Error(`dotScores: passage ${id} is not in the index`);
    const v = index.vector(row);
    let s = 0;
    for (let i = 0; i < v.length; i++) s += query[i]! * v[i]!;
    return s;
  });
}

/** One system re-ranking one query's candidates on one engine. */
export interface Reranker {
  readonly system: "cross-encoder" | "mice" | "dual-encoder";
  /** The engine that runs (`InferenceEngineInfo.engine`). */
  readonly engine: "onnxruntime" | "tfjs";
  /** Scores of `ids` for `query`, in order. */
  rerank(query: Query, ids: readonly string[]): Promise<number[]>;
  dispose(): Promise<void>;
}

/** Engine and lengths shared by the rerankers. */
export interface RerankerOptions {
  inference: Exclude<InferenceSetting, "auto">;
  queryMaxLength: number;
  /** Cross-encoder pair tokens at most. */
  pairMaxLength: number;
  /** Pairs (cross-encoder) or candidates (MICE) per forward pass. */
  batchSize: number;
}

/** The cross-encoder over (query, passage) pairs; `passages` maps every candidate id to its text. */
export async function crossEncoderReranker(ce: CrossEncoder, tok: I3Tokenizer, passages: ReadonlyMap<string, Passage>, o: RerankerOptions): Promise<Reranker> {
  const inference = await openCrossEncoderInference(ce, tok, { inference: o.inference, maxLength: o.pairMaxLength, batchSize: o.batchSize });
  return {
    system: "cross-encoder",
    engine: inference.info.engine,
    async rerank(query, ids) {
      return inference.score(
        query,
        ids.map((id) => passages.get(id) ?? fail(`crossEncoderReranker: passage ${id} unknown`)),
      );
    },
    dispose: () => inference.dispose(),
  };
}

/** MICE over the candidates' stored layer-l states in `store`. */
export async function miceReranker(mice: Mice, tok: I3Tokenizer, store: TokenStateStore, o: RerankerOptions): Promise<Reranker> {
  const inference = await openMiceInference(mice, tok, { inference: o.inference, queryMaxLength: o.queryMaxLength, batchSize: o.batchSize });
  return { system: "mice", engine: inference.info.engine, rerank: (query, ids) => inference.scoreStored(query, store, ids), dispose: () => inference.dispose() };
}

/** The dual-encoder: the query's vector, then a dot product with each candidate's stored vector in `index`. */
export async function dualEncoderReranker(de: DualEncoder, tok: I3Tokenizer, index: DenseIndex, o: RerankerOptions): Promise<Reranker> {
  const inference = await openDenseInference(de, tok, { inference: o.inference });
  const rowOf = new Map(index.ids.map((id, i) => [id, i]));
  return {
    system: "dual-encoder",
    engine: inference.info.engine,
    async rerank(query, ids) {
      const q = await inference.encode([tok.encode(query.text, o.queryMaxLength).ids], o.queryMaxLength, "queries", 1);
      return dotScores(q, index, rowOf, ids);
    },
    dispose: () => inference.dispose(),
  };
}

function fail(message: string): never {
  throw new Error(message);
}
