/**
 * MICE re-ranking scores (Vast et al., arXiv 2602.16299; `@i3/encoders` `Mice`) of one query
 * against its candidates' stored layer-l document states, on onnxruntime-node or TensorFlow.js
 * with the same signature: `openMiceInference(model or checkpoint folder, tokenizer, options)`,
 * then `score(query, candidateStates)` per query.
 *
 * The query is encoded alone as `[CLS] q [SEP]` (`tokenizer.encode(text, queryMaxLength)`,
 * segment 0), as xpmir/mice tokenises it. Candidates are the per-passage states a token-state
 * store returns (`TokenStateStore.read`: row-major float32 [len_i, H], real tokens only), padded
 * `batchSize` at a time (`padDocumentStates`). A score does not depend on the other candidates
 * of its batch (MICE's masks), so chunking changes nothing but the float summation order.
 *
 * - onnxruntime: MICE's query graph (`miceQueryToOnnx`, exported in memory) fed the query once
 *   (batch 1, broadcast inside the graph) and the padded states: the query's l layers and the
 *   first interaction layer's self-attention run once per chunk, the rest of the k interaction
 *   layers and the head per candidate.
 * - tfjs: `Mice.encodeQueries` once per query, then `scoreEncoded` per chunk.
 * The engine follows `options.inference` as the other stages' inference does (./inference.ts).
 */
import { padBatch, type I3Tokenizer, type Query } from "@i3/data";
import { batchDocumentStates, LOGITS_OUTPUT, loadMice, Mice, MICE_DOCUMENT_INPUTS, miceQueryToOnnx, padDocumentStates, tf, type LayerStates } from "@i3/encoders";
import type { TokenStateStore } from "@i3/search";
import { describeInference, selectEngine, type InferenceEngineInfo, type InferenceOptions } from "./inference.js";
import { OnnxGraphSession } from "./onnxruntime.js";
import { toTensors } from "./token-batches.js";

/** Options of {@link openMiceInference}: the engine and how queries and candidates are batched. */
export interface MiceInferenceOptions extends InferenceOptions {
  /** Query tokens at most, [CLS] and [SEP] included. */
  queryMaxLength: number;
  /** Candidates per forward pass (default 128). */
  batchSize?: number;
}

/** One query's forward against chunks of candidates, on one engine. */
interface MiceForward {
  /** Scores of the query (token ids [CLS] q [SEP]) against each chunk of candidate states. */
  scores(queryIds: Int32Array, chunks: readonly (readonly Float32Array[])[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** The tfjs forward: `encodeQueries` once, `scoreEncoded` per chunk. */
function tfjsMiceForward(model: Mice, padId: number, owned: boolean): MiceForward {
  const H = model.encoder.hidden;
  return {
    async scores(queryIds, chunks) {
      const batch = padBatch([{ ids: queryIds, typeIds: new Int32Array(queryIds.length) }], padId, { maxLength: queryIds.length });
      const inputs = toTensors(batch);
      let query: LayerStates | undefined;
      try {
        query = model.encodeQueries(inputs);
        const out: Float32Array[] = [];
        for (const chunk of chunks) {
          const docs = batchDocumentStates(chunk, H);
          const s = model.scoreEncoded(query, docs);
          out.push(Float32Array.from(s.dataSync()));
          tf.dispose([s, docs.states, docs.mask]);
        }
        return out;
      } finally {
        tf.dispose([inputs.inputIds, inputs.attentionMask, ...(query !== undefined ? [query.states, query.mask] : [])]);
      }
    },
    release: async () => {
      if (owned) model.dispose();
    },
  };
}

/** The onnxruntime forward: MICE's query graph, the query fed once per chunk. */
function onnxMiceForward(session: OnnxGraphSession, hidden: number, padId: number): MiceForward {
  return {
    async scores(queryIds, chunks) {
      const batch = padBatch([{ ids: queryIds, typeIds: new Int32Array(queryIds.length) }], padId, { maxLength: queryIds.length });
      const out: Float32Array[] = [];
      for (const chunk of chunks) {
        const padded = padDocumentStates(chunk, hidden);
        out.push(
          await session.run(batch, {
            [MICE_DOCUMENT_INPUTS.states]: { data: padded.states, dims: [padded.batch, padded.length, hidden] },
            [MICE_DOCUMENT_INPUTS.mask]: { data: padded.mask, dims: [padded.batch, padded.length] },
          }),
        );
      }
      return out;
    },
    release: () => session.release(),
  };
}

/** Scores one query against its candidates' stored MICE states on the engine {@link openMiceInference} selected. */
export class MiceInference {
  /** @internal Use {@link openMiceInference}. */
  constructor(
    /** The engine that runs. */
    readonly info: InferenceEngineInfo,
    /** The model's hidden size (each stored state row). */
    readonly hidden: number,
    /** The layer l after which documents are stored (the model's `split`). */
    readonly layer: number,
    private readonly tokenizer: I3Tokenizer,
    private readonly queryMaxLength: number,
    private readonly batchSize: number,
    private forward: MiceForward | undefined,
  ) {}

  /**
   * s(query, d) for each candidate d, in order: `candidates` are the candidates' layer-l states,
   * each row-major float32 [len_i, hidden] (`TokenStateStore.read`).
   */
  async score(query: Query, candidates: readonly Float32Array[]): Promise<number[]> {
    const forward = this.forward;
    if (forward === undefined) throw new Error("MiceInference.score: this inference engine was disposed");
    if (candidates.length === 0) return [];
    candidates.forEach((c, i) => {
      if (c.length === 0 || c.length % this.hidden !== 0) throw new Error(`MiceInference.score: candidate #${i} has ${c.length} state values, not a positive multiple of hidden ${this.hidden}`);
    });
    const chunks: Float32Array[][] = [];
    for (let start = 0; start < candidates.length; start += this.batchSize) chunks.push(candidates.slice(start, start + this.batchSize));
    const ids = this.tokenizer.encode(query.text, this.queryMaxLength).ids;
    const out = await forward.scores(ids, chunks);
    const scores: number[] = [];
    out.forEach((values, c) => {
      if (values.length !== chunks[c]!.length) throw new Error(`the ${this.info.engine} MICE forward pass gave ${values.length} scores for ${chunks[c]!.length} candidates`);
      for (const v of values) scores.push(v);
    });
    return scores;
  }

  /** `score` against the stored states of passages `ids` in `store` (unknown ids throw, naming them). */
  async scoreStored(query: Query, store: TokenStateStore, ids: readonly string[]): Promise<number[]> {
    if (store.manifest.hidden !== this.hidden) throw new Error(`MiceInference.scoreStored: ${store.dir} holds ${store.manifest.hidden}-d states, the model is ${this.hidden}-d`);
    return this.score(query, await store.read(ids));
  }

  /** Frees the onnxruntime session, and the model when it was loaded from a folder (a `Mice` passed in stays the caller's). Idempotent. */
  async dispose(): Promise<void> {
    const forward = this.forward;
    this.forward = undefined;
    await forward?.release();
  }
}

/**
 * Opens MICE scoring for `model` (a `Mice`, or a `saveMice` checkpoint folder loaded here and
 * freed by `dispose`) with its `tokenizer`, on the engine `options.inference` selects (`auto`:
 * onnxruntime when it loads; ./inference.ts), logging which one runs and why.
 */
export async function openMiceInference(model: Mice | string, tokenizer: I3Tokenizer, options: MiceInferenceOptions): Promise<MiceInference> {
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`openMiceInference: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(options.queryMaxLength) || options.queryMaxLength < 2) throw new RangeError(`openMiceInference: queryMaxLength must be an integer >= 2 ([CLS] and [SEP]), got ${options.queryMaxLength}`);
  const { info, ort } = await selectEngine(options);
  const owned = typeof model === "string";
  const mice = owned ? await loadMice(model) : model;
  if (!(mice instanceof Mice)) throw new TypeError("openMiceInference: expected a Mice or a MICE checkpoint folder");
  const hidden = mice.encoder.hidden;
  const layer = mice.config.split;
  let forward: MiceForward;
  if (ort !== undefined) {
    let session: OnnxGraphSession;
    try {
      session = await OnnxGraphSession.create(ort.ort, miceQueryToOnnx(mice), LOGITS_OUTPUT, info.onnxruntime!.threads);
    } finally {
      if (owned) mice.dispose(); // the graph holds the weights
    }
    forward = onnxMiceForward(session, hidden, tokenizer.special.pad);
  } else forward = tfjsMiceForward(mice, tokenizer.special.pad, owned);
  options.log?.(describeInference(info));
  return new MiceInference(info, hidden, layer, tokenizer, options.queryMaxLength, batchSize, forward);
}

/**
 * Scores of one query against its candidates' stored states, opening and closing the engine
 * around the call: for a single query. A run of many queries opens {@link openMiceInference}
 * once (the ONNX export and session are built at open).
 */
export async function scoreMiceCandidates(model: Mice | string, tokenizer: I3Tokenizer, query: Query, candidates: readonly Float32Array[], options: MiceInferenceOptions): Promise<number[]> {
  const inference = await openMiceInference(model, tokenizer, options);
  try {
    return await inference.score(query, candidates);
  } finally {
    await inference.dispose();
  }
}
