/**
 * Indexing and retrieval with a trained bi-encoder (dual-encoder or I3: one vector per passage
 * either way): an `@i3/search` DenseIndex, in memory or as a folder, searched exactly by inner
 * product with the encoded queries.
 */
import { passageText, type Collection, type Query, type Run } from "@i3/data";
import { tf } from "@i3/encoders";
import { DenseIndex, encodeCorpus, type DenseManifest } from "@i3/search";
import { encodeCorpusVectors, encodeTokenRows, type DenseRetriever } from "./encode.js";

/** The run of `queries` (`queryMaxLength` tokens each) against `index`: exact inner product, top `k` per query. */
export function retrieveDense(retriever: DenseRetriever, index: DenseIndex, queries: readonly Query[], opts: { queryMaxLength: number; k: number }): Run {
  const rows = queries.map((q) => retriever.tokenizer.encode(q.text, opts.queryMaxLength).ids);
  const vectors = encodeTokenRows(retriever, rows, opts.queryMaxLength, "queries");
  return index.searchToRun(
    queries.map((q) => q.id),
    vectors,
    opts.k,
    { tf },
  );
}

/**
 * Encodes `collection` with a trained retriever into an in-memory index and retrieves the top
 * `k` (default 1000) for every query of each of `splits`; lengths are the retriever's training
 * settings' (`settings.model.queryMaxLength` / `passageMaxLength`). Returns split -> run. The
 * model stays alive (dispose it when done).
 */
export async function indexAndRetrieve(
  retriever: DenseRetriever & { settings: { model: { queryMaxLength: number; passageMaxLength: number } } },
  inputs: { collection: Collection; splits: readonly string[]; k?: number },
): Promise<Map<string, Run>> {
  const { queryMaxLength, passageMaxLength } = retriever.settings.model;
  const { ids, vectors, dim } = await encodeCorpusVectors(retriever, inputs.collection, passageMaxLength);
  const index = DenseIndex.fromVectors(ids, vectors, dim);
  const runs = new Map<string, Run>();
  for (const split of inputs.splits) {
    const queries = await inputs.collection.queries(split);
    runs.set(split, retrieveDense(retriever, index, queries, { queryMaxLength, k: inputs.k ?? 1000 }));
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
  /** Copied to the manifest: the backend that ran (`describeBackend`). */
  backend: string;
}

/**
 * Encodes the corpus (title and text, `passageMaxLength` tokens; I3: p*) into an `@i3/search`
 * DenseIndex folder through `encodeCorpus`, the collection's fingerprint in its manifest.
 */
export async function buildDenseIndex(retriever: DenseRetriever, collection: Collection, options: BuildDenseIndexOptions): Promise<DenseManifest> {
  const maxLength = options.passageMaxLength;
  const { tokenizer } = retriever;
  return encodeCorpus(
    collection.corpus(),
    async (batch) => encodeTokenRows(retriever, batch.map((p) => tokenizer.encode(passageText(p), maxLength).ids), maxLength, "passages"),
    {
      out: options.out,
      dim: retriever.model.passageEncoder.config.hidden,
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      encoder: { description: options.description, fingerprint: await collection.fingerprint() },
      backend: options.backend,
    },
  );
}
