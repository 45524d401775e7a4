/**
 * Indexing and retrieval with a trained bi-encoder (dual-encoder or I3: one vector per passage
 * either way): an `@i3/search` DenseIndex, in memory or as a folder, searched exactly by inner
 * product with the encoded queries.
 */
import { passageText, type Collection, type Passage, type Query, type Run } from "@i3/data";
import { tf } from "@i3/encoders";
import { DenseIndex, encodeCorpus, encodeCorpusSharded, ShardedDenseIndex, type DenseDtype, type DenseManifest, type SearchKernelReport, type ShardedManifest } from "@i3/search";
import { encodeCorpusVectors, encodeRows, type DenseRetriever } from "./encode.js";
import type { DenseInference } from "./inference.js";

/**
 * The run of `queries` (`queryMaxLength` tokens each) against `index` (a single-array index, or a
 * sharded one searched shard by shard within `maxMemoryBytes`, default 512 MiB: the same run):
 * exact inner product, top `k` per query; queries encoded by `inference` when given (else tfjs,
 * `encodeTokenRows`) and searched by the kernel of the same engine ({@link searchKernelFor}),
 * which `onSearch` is told.
 */
export async function retrieveDense(
  retriever: DenseRetriever,
  index: DenseIndex | ShardedDenseIndex,
  queries: readonly Query[],
  opts: { queryMaxLength: number; k: number; inference?: DenseInference; onSearch?: (kernel: SearchKernelReport) => void; maxMemoryBytes?: number },
): Promise<Run> {
  const rows = queries.map((q) => retriever.tokenizer.encode(q.text, opts.queryMaxLength).ids);
  const vectors = await encodeRows(retriever, rows, opts.queryMaxLength, "queries", opts.inference);
  return searchReporting(index, queries, vectors, opts);
}

/** `index.searchToRun` with the kernel of `opts.inference`'s engine; tells `opts.onSearch` which kernel ran. */
export async function searchReporting(
  index: DenseIndex | ShardedDenseIndex,
  queries: readonly Query[],
  vectors: Float32Array,
  opts: { k: number; inference?: DenseInference; onSearch?: (kernel: SearchKernelReport) => void; maxMemoryBytes?: number },
): Promise<Run> {
  const ids = queries.map((q) => q.id);
  const kernel = searchKernelFor(opts.inference);
  const run =
    index instanceof ShardedDenseIndex
      ? await index.searchToRun(ids, vectors, opts.k, { ...kernel, ...(opts.maxMemoryBytes !== undefined ? { maxMemoryBytes: opts.maxMemoryBytes } : {}) })
      : index.searchToRun(ids, vectors, opts.k, kernel);
  if (opts.onSearch && index.lastKernel) opts.onSearch(index.lastKernel);
  return run;
}

/**
 * The exact-search kernel that goes with an inference engine, so that one setting decides both:
 * onnxruntime encodes and searches (`onnx`); tfjs (or no engine given) encodes and searches on
 * TensorFlow.js (`tf`, the kernel every published run used).
 */
export function searchKernelFor(inference: DenseInference | undefined): { kernel: "onnx" } | { kernel: "tf"; tf: typeof tf } {
  return inference?.info.engine === "onnxruntime" ? { kernel: "onnx" } : { kernel: "tf", tf };
}

/**
 * Encodes `collection` with a trained retriever into an in-memory index and retrieves the top
 * `k` (default 1000) for every query of each of `splits`; lengths are the retriever's training
 * settings' (`settings.model.queryMaxLength` / `passageMaxLength`); `inference` (opened on the
 * retriever's model) encodes instead of tfjs. Returns split -> run. The model stays alive (dispose
 * it when done).
 */
export async function indexAndRetrieve(
  retriever: DenseRetriever & { settings: { model: { queryMaxLength: number; passageMaxLength: number } } },
  inputs: { collection: Collection; splits: readonly string[]; k?: number; inference?: DenseInference },
): Promise<Map<string, Run>> {
  const { queryMaxLength, passageMaxLength } = retriever.settings.model;
  const { inference } = inputs;
  const { ids, vectors, dim } = await encodeCorpusVectors(retriever, inputs.collection, passageMaxLength, inference);
  const index = DenseIndex.fromVectors(ids, vectors, dim);
  const runs = new Map<string, Run>();
  for (const split of inputs.splits) {
    const queries = await inputs.collection.queries(split);
    runs.set(split, await retrieveDense(retriever, index, queries, { queryMaxLength, k: inputs.k ?? 1000, ...(inference !== undefined ? { inference } : {}) }));
  }
  return runs;
}

/** Options of {@link buildDenseIndex}. */
export interface BuildDenseIndexOptions {
  /** The index folder (replaced atomically). */
  out: string;
  passageMaxLength: number;
  /** Passages per `encodeCorpus` batch (default 64). */
  batchSize?: number;
  /** Copied to the manifest: what encoded the corpus (e.g. the checkpoint folder). */
  description: string;
  /** Copied to the manifest: the backend that ran (`describeBackend`; with `inference`, its `describeInference`). */
  backend: string;
  /** Encodes instead of `retriever.model` on tfjs (`openDenseInference` on the same model). */
  inference?: DenseInference;
}

/**
 * Encodes the corpus (title and text, `passageMaxLength` tokens; I3: p*) into an `@i3/search`
 * DenseIndex folder through `encodeCorpus`, the collection's fingerprint in its manifest; on
 * `options.inference` when given, else tfjs.
 */
export async function buildDenseIndex(retriever: DenseRetriever, collection: Collection, options: BuildDenseIndexOptions): Promise<DenseManifest> {
  const { encode, writer } = await corpusEncoding(retriever, collection, options);
  return encodeCorpus(collection.corpus(), encode, writer);
}

/** What both index builders give their `@i3/search` writer: the batch encoder (token rows of title and text, on `options.inference` or tfjs) and the common writer options. */
async function corpusEncoding(retriever: DenseRetriever, collection: Collection, options: BuildDenseIndexOptions) {
  const maxLength = options.passageMaxLength;
  const { tokenizer } = retriever;
  return {
    encode: async (batch: Passage[]) => encodeRows(retriever, batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids), maxLength, "passages", options.inference),
    writer: {
      out: options.out,
      dim: retriever.model.passageEncoder.config.hidden,
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      encoder: { description: options.description, fingerprint: await collection.fingerprint() },
      backend: options.backend,
    },
  };
}

/** Options of {@link buildShardedDenseIndex}: {@link BuildDenseIndexOptions} plus the shard layout. */
export interface BuildShardedDenseIndexOptions extends BuildDenseIndexOptions {
  /** Rows per shard (default: the most below 2^31 bytes per shard file, `defaultShardSize`). */
  shardSize?: number;
  /** Stored element type. Default `"float32"`. */
  dtype?: DenseDtype;
}

/**
 * {@link buildDenseIndex} into an `@i3/search` sharded index folder (`encodeCorpusSharded`), for
 * collections past one array: resumable per shard (run it again on the same `out` after an
 * interruption: completed shards are kept and their passages not encoded again).
 */
export async function buildShardedDenseIndex(retriever: DenseRetriever, collection: Collection, options: BuildShardedDenseIndexOptions): Promise<ShardedManifest> {
  const { encode, writer } = await corpusEncoding(retriever, collection, options);
  return encodeCorpusSharded(collection.corpus(), encode, {
    ...writer,
    ...(options.shardSize !== undefined ? { shardSize: options.shardSize } : {}),
    ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
  });
}
