/**
 * The driver behind `i3 bm25 --dataset D --split S --out RUN`: index a collection (or load its
 * persisted index) and retrieve the top k for every query of a split.
 */
import type { Collection, Run } from "@i3/data";
import { sameAnalyzerSettings, type AnalyzerSettings } from "../analysis/index.js";
import { buildIndex } from "./index-builder.js";
import type { InvertedIndex } from "./inverted-index.js";
import { loadIndex, readIndexManifest, saveIndex } from "./persistence.js";
import { DEFAULT_K, bm25Run } from "./searcher.js";
import { DEFAULT_ANALYZER_SETTINGS } from "../analysis/index.js";
import type { Bm25Params } from "./similarity.js";
import { stat } from "node:fs/promises";
import { join } from "node:path";

/** A progress report of {@link runBm25OnCollection}. */
export interface Bm25Progress {
  readonly stage: "load-index" | "index" | "save-index" | "search";
  /** Documents indexed or queries searched so far (0 for the load/save stages). */
  readonly done: number;
  /** Total when known (queries of the split). */
  readonly total?: number;
}

/** Options of {@link runBm25OnCollection}. */
export interface RunBm25Options extends Partial<Bm25Params> {
  /** Results per query (default 1000). */
  k?: number;
  /**
   * Folder of the persisted index: loaded when it holds an index of this collection's current
   * corpus (same `fingerprint()`), otherwise built and saved there. Without it the index is built
   * in memory and discarded.
   */
  indexDir?: string;
  /** Analyzer settings for a newly built index (default: Anserini's English analyzer). */
  analyzer?: Partial<AnalyzerSettings>;
  onProgress?: (progress: Bm25Progress) => void;
}

async function hasManifest(dir: string): Promise<boolean> {
  return stat(join(dir, "manifest.json")).then(
    () => true,
    () => false,
  );
}

/**
 * Returns the index of `collection`: loaded from `indexDir` when it holds one built from the same
 * corpus (manifest `source.collection` and `source.fingerprint` equal to the collection's name and
 * `fingerprint()`); rebuilt and saved over it when the corpus changed; built in memory when there
 * is no `indexDir`. Throws if `indexDir` holds another collection's index or one built with other
 * analyzer settings (pick another folder or delete it).
 */
export async function indexForCollection(
  collection: Collection,
  options: Pick<RunBm25Options, "indexDir" | "analyzer" | "onProgress"> = {},
): Promise<InvertedIndex> {
  const { indexDir, onProgress } = options;
  const analyzer = { ...DEFAULT_ANALYZER_SETTINGS, ...options.analyzer };
  const fingerprint = indexDir === undefined ? "" : await collection.fingerprint();
  if (indexDir !== undefined && (await hasManifest(indexDir))) {
    const manifestPath = join(indexDir, "manifest.json");
    const manifest = await readIndexManifest(indexDir);
    if (manifest.source.collection !== collection.name) {
      throw new Error(
        `${manifestPath}: field "source.collection" is ${JSON.stringify(manifest.source.collection)}, ` +
          `not ${JSON.stringify(collection.name)}; use another index folder or delete this one`,
      );
    }
    if (!sameAnalyzerSettings(manifest.analyzer, analyzer)) {
      throw new Error(`${manifestPath}: field "analyzer" differs from the requested analyzer settings`);
    }
    if (manifest.source.fingerprint === fingerprint) {
      onProgress?.({ stage: "load-index", done: 0 });
      return loadIndex(indexDir);
    }
    // The corpus changed since the index was built: fall through and rebuild it.
  }
  const index = await buildIndex(collection.corpus(), {
    analyzer,
    onProgress: (done) => onProgress?.({ stage: "index", done }),
  });
  if (indexDir !== undefined) {
    onProgress?.({ stage: "save-index", done: 0 });
    await saveIndex(index, indexDir, { collection: collection.name, fingerprint, dir: collection.dir });
  }
  return index;
}

/**
 * BM25 (Lucene BM25Similarity, k1 = 0.9, b = 0.4 unless given) over `collection` for the queries
 * of `split`, `k` (default 1000) results per query. Builds or loads the index (see
 * {@link indexForCollection}).
 */
export async function runBm25OnCollection(
  collection: Collection,
  split: string,
  options: RunBm25Options = {},
): Promise<Run> {
  const { k = DEFAULT_K, indexDir, analyzer, onProgress, ...params } = options;
  const queries = await collection.queries(split);
  const index = await indexForCollection(collection, { indexDir, analyzer, onProgress });
  return bm25Run(index, queries, {
    ...params,
    k,
    onProgress: (done, total) => onProgress?.({ stage: "search", done, total }),
  });
}
