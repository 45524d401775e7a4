/**
 * Teacher (c): BM25 as a lexical teacher. SPAR (Chen et al. 2022, "Salient Phrase Aware Dense
 * Retrieval: Can a Dense Retriever Imitate a Sparse One?", arXiv 2110.06918) trains a dense
 * "Lambda" model to imitate a sparse retriever; here BM25's scores are the teacher signal of the
 * distillation losses (listwise KL / MarginMSE), the one strong teacher available without
 * pre-trained weights.
 *
 * Score s(q, p) = BM25(q, p) exactly as `@i3/search` computes it (Lucene BM25Similarity, Anserini's
 * English analyzer, k1 = 0.9, b = 0.4 by default), with the collection statistics (N, df, avgdl)
 * of the whole indexed corpus: the same number `bm25Run` gives p for q, and 0 for a passage that
 * shares no term with the query. A passage must be in the index (its statistics are).
 */
import type { Collection, Passage, Query } from "@i3/data";
import { Bm25Searcher, indexForCollection, type AnalyzerSettings, type Bm25Params, type InvertedIndex } from "@i3/search";
import { checkTeacherScores, type Teacher } from "./teacher.js";

/** Options of {@link bm25Teacher}. */
export interface Bm25TeacherOptions extends Partial<Bm25Params> {
  /** An identity of the indexed corpus (e.g. the collection's `fingerprint()`): part of the teacher's identity. */
  corpus: string;
}

/** A BM25 teacher over an index (or a searcher built on one); see the module comment. */
export function bm25Teacher(index: InvertedIndex | Bm25Searcher, options: Bm25TeacherOptions): Teacher {
  const { corpus, ...params } = options;
  const searcher = index instanceof Bm25Searcher ? index : new Bm25Searcher(index, params);
  const docNumbers = new Map<string, number>();
  searcher.index.docIds.forEach((id, d) => docNumbers.set(id, d));
  const numDocs = searcher.index.docIds.length;
  return {
    kind: "bm25",
    identity: { kind: "bm25", k1: searcher.params.k1, b: searcher.params.b, analyzer: { ...searcher.index.analyzer }, corpus },
    async score(query: Query, passages: readonly Passage[]): Promise<number[]> {
      const byDoc = new Map<number, number>();
      if (numDocs > 0) {
        const { docs, scores } = searcher.searchDocs(query.text, numDocs);
        for (let i = 0; i < docs.length; i++) byDoc.set(docs[i]!, scores[i]!);
      }
      const out = passages.map((p) => {
        const d = docNumbers.get(p.id);
        if (d === undefined) throw new Error(`bm25 teacher: passage ${JSON.stringify(p.id)} is not in the BM25 index (score only passages of the indexed corpus)`);
        return byDoc.get(d) ?? 0;
      });
      return checkTeacherScores("bm25", query, passages, out);
    },
    async dispose() {},
  };
}

/** Options of {@link bm25TeacherForCollection}. */
export interface Bm25CollectionTeacherOptions extends Partial<Bm25Params> {
  /** Folder of a persisted index (loaded when it matches the corpus, else built and saved; `@i3/search` indexForCollection). */
  indexDir?: string;
  /** Analyzer settings (default: Anserini's English analyzer). */
  analyzer?: Partial<AnalyzerSettings>;
}

/** A BM25 teacher over a collection's corpus (indexed, or loaded from `indexDir`); its identity names the collection's fingerprint. */
export async function bm25TeacherForCollection(collection: Collection, options: Bm25CollectionTeacherOptions = {}): Promise<Teacher> {
  const { indexDir, analyzer, ...params } = options;
  const index = await indexForCollection(collection, { ...(indexDir !== undefined ? { indexDir } : {}), ...(analyzer !== undefined ? { analyzer } : {}) });
  return bm25Teacher(index, { ...params, corpus: await collection.fingerprint() });
}
