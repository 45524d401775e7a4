/**
 * Text-level encoding for library users: strings in, one vector per string out, through the same
 * tokenisation, batches and forward pass that indexing and retrieval run (./encode.ts), with a
 * progress callback after each batch.
 *
 * What each side is, exactly (DESIGN.md sec. 2):
 * - queries: E_q(q) pooled ([CLS] or mean, the model's setting), for the dual-encoder and I3 alike;
 * - passages: the dual-encoder's E_p(p) pooled; I3's index vector p*, the interactor's output over
 *   the passage and the pseudo-query vectors Z that its reconstructor computes from the passage
 *   itself (no pseudo-query text is needed: texts such as `@i3/pseudoquery` output are training
 *   targets only). With the interactor disabled, p* = p0 = E_p(p) pooled.
 * Score s(q, p) = encodeQueries(q) . encodePassages(p), the inner product the index searches.
 */
import type { DenseInference } from "./inference.js";
import { encodeTokenRows, type DenseRetriever } from "./encode.js";

/** Progress of a text encoding: after each batch, the texts encoded so far out of all. */
export interface EncodeProgress {
  done: number;
  total: number;
}

/** Options of {@link encodeTexts} and of a {@link TextEncoder}'s methods. */
export interface EncodeTextsOptions {
  /** Texts per forward pass (default 64, the indexing batch); each batch is padded to its longest text. */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (progress: EncodeProgress) => void;
  /** Word pieces per text, [CLS] and [SEP] included (default: the model's training length for that side). */
  maxLength?: number;
  /** Encodes on this engine (`openDenseInference` on the same model) instead of TensorFlow.js. */
  inference?: DenseInference;
}

/** Vectors of encoded texts: `count` rows of `dim` floats, row-major in `vectors` (the layout `DenseIndex.fromVectors` takes). */
export interface TextVectors {
  vectors: Float32Array;
  dim: number;
  count: number;
  /** Row `i` (a view into `vectors`, not a copy). */
  row(i: number): Float32Array;
}

/** The two sides of a bi-encoder. */
export type EncodeSide = "queries" | "passages";

/**
 * `texts` encoded by `retriever` as queries or passages (module doc: what each side is), each cut to
 * `maxLength` word pieces, `options.batchSize` texts per batch (default 64) in order, on
 * `options.inference` when given, else TensorFlow.js; `onProgress` after each batch. With the
 * default batch size the vectors are exactly those `encodeTokenRows` / `encodeCorpusVectors`
 * (indexing) and `retrieveDense` compute for the same texts. A text that is not a string is an
 * error naming its index.
 */
export async function encodeTexts(
  retriever: DenseRetriever,
  texts: readonly string[],
  side: EncodeSide,
  maxLength: number,
  options: Omit<EncodeTextsOptions, "maxLength"> = {},
): Promise<TextVectors> {
  if (side !== "queries" && side !== "passages") throw new Error(`encode: side must be "queries" or "passages", got ${JSON.stringify(side)}`);
  if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError(`encode: maxLength must be an integer >= 2, got ${maxLength}`);
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`encode: batchSize must be a positive integer, got ${batchSize}`);
  texts.forEach((t, i) => {
    if (typeof t !== "string") throw new TypeError(`encode: texts[${i}] is ${t === null ? "null" : typeof t}, not a string`);
  });
  const dim = retriever.model.passageEncoder.config.hidden;
  const vectors = new Float32Array(texts.length * dim);
  const total = texts.length;
  for (let start = 0; start < total; start += batchSize) {
    const rows = texts.slice(start, start + batchSize).map((t) => retriever.tokenizer.encode(t, maxLength).ids);
    const batch =
      options.inference !== undefined
        ? await options.inference.encode(rows, maxLength, side, batchSize)
        : encodeTokenRows(retriever, rows, maxLength, side, batchSize);
    vectors.set(batch, start * dim);
    options.onProgress?.({ done: start + rows.length, total });
  }
  return textVectors(vectors, dim);
}

/** `vectors` (row-major, `dim` per row) as {@link TextVectors}. */
function textVectors(vectors: Float32Array, dim: number): TextVectors {
  const count = vectors.length / dim;
  return {
    vectors,
    dim,
    count,
    row(i: number): Float32Array {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`row ${i} out of range [0, ${count})`);
      return vectors.subarray(i * dim, (i + 1) * dim);
    },
  };
}

/** Text-level encoding bound to a trained model and its lengths (what the trainers return). */
export interface TextEncoder {
  /** `texts` as queries: E_q(q) (`settings.model.queryMaxLength` word pieces unless `maxLength`). */
  encodeQueries(texts: readonly string[], options?: EncodeTextsOptions): Promise<TextVectors>;
  /** `texts` as passages: E_p(p), I3's p* (`settings.model.passageMaxLength` word pieces unless `maxLength`). */
  encodePassages(texts: readonly string[], options?: EncodeTextsOptions): Promise<TextVectors>;
  /** `texts` on `options.side` (required: the two sides differ for I3 and for separate towers). */
  encode(texts: readonly string[], options: EncodeTextsOptions & { side: EncodeSide }): Promise<TextVectors>;
}

/**
 * {@link TextEncoder} methods for `retriever` with its query and passage lengths (a trainer's
 * `settings.model`, or those of a loaded checkpoint's training run).
 */
export function textEncoder(retriever: DenseRetriever, lengths: { queryMaxLength: number; passageMaxLength: number }): TextEncoder {
  const run = (texts: readonly string[], side: EncodeSide, options: EncodeTextsOptions = {}) => {
    const { maxLength, ...rest } = options;
    return encodeTexts(retriever, texts, side, maxLength ?? (side === "queries" ? lengths.queryMaxLength : lengths.passageMaxLength), rest);
  };
  return {
    encodeQueries: (texts, options) => run(texts, "queries", options),
    encodePassages: (texts, options) => run(texts, "passages", options),
    encode: (texts, options) => run(texts, options.side, options),
  };
}
