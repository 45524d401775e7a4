/**
 * Builds an {@link InvertedIndex} from passages, one at a time, in memory. The indexed text of a
 * passage is `title + " " + text` (Anserini's BEIR "flat" indexing).
 */
import type { Passage } from "@i3/data";
import { createEnglishAnalyzer, type Analyzer, type AnalyzerSettings } from "../analysis/index.js";
import { GrowableUint32 } from "./growable-uint32.js";
import type { InvertedIndex } from "./inverted-index.js";

/** The text BM25 indexes for a passage: title and text joined by one space (BEIR flat). */
export function passageText(passage: Passage): string {
  return passage.title ? `${passage.title} ${passage.text}` : passage.text;
}

/** Accumulates documents and produces the compact index with {@link IndexBuilder.build}. */
export class IndexBuilder {
  readonly analyzer: Analyzer;
  private readonly docIds: string[] = [];
  private readonly seenIds = new Set<string>();
  private readonly terms: string[] = [];
  private readonly termIds = new Map<string, number>();
  private readonly docFreqs = new GrowableUint32();
  private readonly docLengths = new GrowableUint32();
  // Postings in document order as (term, tf) pairs; doc boundaries from docPostingEnds.
  private readonly pairTerms = new GrowableUint32(1 << 16);
  private readonly pairFreqs = new GrowableUint32(1 << 16);
  private readonly docPostingEnds = new GrowableUint32();
  private countScratch = new Uint32Array(1024);
  private sumTotalTermFreq = 0;
  private docCount = 0;

  constructor(analyzer: Analyzer | Partial<AnalyzerSettings> = {}) {
    this.analyzer = "analyze" in analyzer ? (analyzer as Analyzer) : createEnglishAnalyzer(analyzer);
  }

  /** Number of documents added so far. */
  get size(): number {
    return this.docIds.length;
  }

  /** Adds a passage (indexed text: title + " " + text). Throws on a duplicate or empty id. */
  addPassage(passage: Passage): void {
    this.addDocument(passage.id, passageText(passage));
  }

  /** Adds a document with the given id and text. Throws on a duplicate or empty id. */
  addDocument(id: string, text: string): void {
    if (typeof id !== "string" || id === "") throw new Error(`IndexBuilder: document ${this.docIds.length} has an empty id`);
    if (this.seenIds.has(id)) throw new Error(`IndexBuilder: duplicate document id ${JSON.stringify(id)}`);
    this.seenIds.add(id);
    this.docIds.push(id);
    const tokens = this.analyzer.analyze(text);
    const unique: number[] = [];
    for (const token of tokens) {
      let t = this.termIds.get(token);
      if (t === undefined) {
        t = this.terms.length;
        this.terms.push(token);
        this.termIds.set(token, t);
        this.docFreqs.push(0);
        if (t >= this.countScratch.length) {
          const bigger = new Uint32Array(this.countScratch.length * 2);
          bigger.set(this.countScratch);
          this.countScratch = bigger;
        }
      }
      if (this.countScratch[t]!++ === 0) unique.push(t);
    }
    for (const t of unique) {
      this.pairTerms.push(t);
      this.pairFreqs.push(this.countScratch[t]!);
      this.countScratch[t] = 0;
    }
    this.docPostingEnds.push(this.pairTerms.length);
    this.docLengths.push(tokens.length);
    this.sumTotalTermFreq += tokens.length;
    if (tokens.length > 0) this.docCount++;
    for (const t of unique) this.docFreqs.increment(t);
  }

  /** Produces the compact index (the builder can keep accepting documents afterwards). */
  build(): InvertedIndex {
    const numTerms = this.terms.length;
    const offsets = new Uint32Array(numTerms + 1);
    for (let t = 0; t < numTerms; t++) offsets[t + 1] = offsets[t]! + this.docFreqs.get(t);
    const numPostings = offsets[numTerms]!;
    if (numPostings !== this.pairTerms.length) throw new Error("IndexBuilder: internal posting count mismatch");
    const postingDocs = new Uint32Array(numPostings);
    const postingFreqs = new Uint32Array(numPostings);
    const cursor = offsets.slice(0, numTerms);
    let p = 0;
    for (let d = 0; d < this.docIds.length; d++) {
      const end = this.docPostingEnds.get(d);
      for (; p < end; p++) {
        const t = this.pairTerms.get(p);
        const at = cursor[t]!++;
        postingDocs[at] = d;
        postingFreqs[at] = this.pairFreqs.get(p);
      }
    }
    return {
      analyzer: this.analyzer.settings,
      docIds: [...this.docIds],
      terms: [...this.terms],
      termIds: new Map(this.termIds),
      offsets,
      postingDocs,
      postingFreqs,
      docLengths: this.docLengths.toArray(),
      docCount: this.docCount,
      sumTotalTermFreq: this.sumTotalTermFreq,
    };
  }
}

/** Progress callback of index building: documents indexed so far. */
export type IndexProgress = (docsIndexed: number) => void;

/**
 * Indexes every passage of `passages` (sync or async iterable, e.g. `collection.corpus()`).
 * `onProgress` is called every `progressEvery` documents and at the end.
 */
export async function buildIndex(
  passages: Iterable<Passage> | AsyncIterable<Passage>,
  options: { analyzer?: Analyzer | Partial<AnalyzerSettings>; onProgress?: IndexProgress; progressEvery?: number } = {},
): Promise<InvertedIndex> {
  const builder = new IndexBuilder(options.analyzer ?? {});
  const every = options.progressEvery ?? 10_000;
  for await (const passage of passages) {
    builder.addPassage(passage);
    if (options.onProgress && builder.size % every === 0) options.onProgress(builder.size);
  }
  options.onProgress?.(builder.size);
  return builder.build();
}
