import { describe, expect, it } from "vitest";
import { Bm25Searcher, IndexBuilder, bm25Idf, bm25Run, buildIndex, passageText } from "../src/index.js";

/**
 * A 3-document corpus scored by hand with the textbook formula (double precision):
 *   idf = ln(1 + (N - df + 0.5) / (df + 0.5)), score = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))
 * k1 = 0.9, b = 0.4. After analysis: d1 = [cat, sat] ("the" is a stopword), d2 = [cat, cat, dog],
 * d3 = [dog, bird] ("and" is a stopword, plurals stemmed). N = 3, avgdl = 7 / 3.
 *   cat: df 2, idf = ln 1.6 = 0.470003629; d1 (tf 1, dl 2) 0.254252350; d2 (tf 2, dl 3) 0.313037622
 *   dog: df 2; d2 (tf 1, dl 3) 0.234666577; d3 (tf 1, dl 2) 0.254252350
 *   bird: df 1, idf = ln 2.2 = 0.980829253; d3 0.530587695; d3 for "dog bird" = 0.784840044
 */
const corpus = [
  { id: "d1", title: "", text: "The cat sat" },
  { id: "d2", title: "Cat", text: "cat dog" },
  { id: "d3", title: "", text: "dogs and birds" },
];

/** Scores agree with the double-precision formula to float32 precision (~1e-7 relative). */
const PRECISION = 6;

describe("BM25 scoring (Lucene BM25Similarity, k1 = 0.9, b = 0.4)", () => {
  it("indexes title + text with exact statistics", async () => {
    const index = await buildIndex(corpus);
    expect(passageText(corpus[1]!)).toBe("Cat cat dog");
    expect(index.docCount).toBe(3);
    expect(index.sumTotalTermFreq).toBe(7);
    expect([...index.docLengths]).toEqual([2, 3, 2]);
    const cat = index.termIds.get("cat")!;
    const postings = [index.offsets[cat]!, index.offsets[cat + 1]!];
    expect([...index.postingDocs.subarray(postings[0], postings[1])]).toEqual([0, 1]);
    expect([...index.postingFreqs.subarray(postings[0], postings[1])]).toEqual([1, 2]);
  });

  it("computes Lucene's idf", () => {
    expect(bm25Idf(2, 3)).toBeCloseTo(0.470003629, PRECISION);
    expect(bm25Idf(1, 3)).toBeCloseTo(0.980829253, PRECISION);
  });

  it("matches hand-computed scores for single- and multi-term queries", async () => {
    const searcher = new Bm25Searcher(await buildIndex(corpus));
    const cat = searcher.search("cat");
    expect(cat.map((h) => h.docId)).toEqual(["d2", "d1"]);
    expect(cat[0]!.score).toBeCloseTo(0.313037622, PRECISION);
    expect(cat[1]!.score).toBeCloseTo(0.25425235, PRECISION);

    const dogBird = searcher.search("Dog birds?");
    expect(dogBird.map((h) => h.docId)).toEqual(["d3", "d2"]);
    expect(dogBird[0]!.score).toBeCloseTo(0.784840044, PRECISION);
    expect(dogBird[1]!.score).toBeCloseTo(0.234666577, PRECISION);
  });

  it("counts a repeated query term again (BooleanQuery SHOULD clauses merged into a boost)", async () => {
    const searcher = new Bm25Searcher(await buildIndex(corpus));
    const twice = searcher.search("cat cats");
    expect(twice[0]!.score).toBeCloseTo(2 * 0.313037622, PRECISION);
    expect(twice[1]!.score).toBeCloseTo(2 * 0.25425235, PRECISION);
  });

  it("returns float32 scores, as Lucene does", async () => {
    const searcher = new Bm25Searcher(await buildIndex(corpus));
    for (const hit of searcher.search("cat dog bird")) expect(Math.fround(hit.score)).toBe(hit.score);
  });

  it("honours k1 and b", async () => {
    const searcher = new Bm25Searcher(await buildIndex(corpus), { k1: 1.2, b: 0.75 });
    // d2 for "cat": 0.470003629 * 2 / (2 + 1.2 * (0.25 + 0.75 * 3 / (7 / 3))) = 0.361624...
    const expected = (0.47000362924573563 * 2) / (2 + 1.2 * (0.25 + (0.75 * 3) / (7 / 3)));
    expect(searcher.search("cat")[0]!.score).toBeCloseTo(expected, PRECISION);
    expect(() => new Bm25Searcher(searcher.index, { b: 1.5 })).toThrow(/illegal b value/);
  });

  it("scores with Lucene's quantised document length unless told otherwise", async () => {
    // "long" has 47 terms (scored as 46 by Lucene's norms), "short" 2; N = 2, avgdl = 49 / 2.
    const filler = Array.from({ length: 46 }, (_, i) => `w${i}`).join(" ");
    const index = await buildIndex([
      { id: "long", title: "", text: `apple ${filler}` },
      { id: "short", title: "", text: "apple banana" },
    ]);
    expect([...index.docLengths]).toEqual([47, 2]);
    const idf = Math.log(1 + 0.5 / 2.5);
    const score = (dl: number) => idf / (1 + 0.9 * (0.6 + (0.4 * dl) / 24.5));
    const quantised = new Bm25Searcher(index).search("apple");
    const exact = new Bm25Searcher(index, { quantizeLengths: false }).search("apple");
    expect(quantised.find((h) => h.docId === "long")!.score).toBeCloseTo(score(46), PRECISION);
    expect(exact.find((h) => h.docId === "long")!.score).toBeCloseTo(score(47), PRECISION);
    expect(score(46) - score(47)).toBeGreaterThan(1e-4);
  });

  it("breaks score ties by document id descending (trec_eval order) and cuts at k", async () => {
    const same = ["b", "c", "a", "aa"].map((id) => ({ id, title: "", text: "same words here" }));
    const searcher = new Bm25Searcher(await buildIndex(same));
    expect(searcher.search("words").map((h) => h.docId)).toEqual(["c", "b", "aa", "a"]);
    expect(searcher.search("words", 2).map((h) => h.docId)).toEqual(["c", "b"]);
  });

  it("returns nothing for queries without indexed terms", async () => {
    const searcher = new Bm25Searcher(await buildIndex(corpus));
    expect(searcher.search("the and of")).toEqual([]);
    expect(searcher.search("zebra")).toEqual([]);
  });
});

describe("top-k selection", () => {
  it("agrees with a full sort when many documents match", async () => {
    // 300 documents with varied lengths and term counts; compare k = 10 against all results.
    const docs = Array.from({ length: 300 }, (_, i) => ({
      id: `doc${String(i).padStart(3, "0")}`,
      title: "",
      text: `${"alpha ".repeat(1 + (i % 5))}${"beta ".repeat(1 + (i % 7))}${"pad ".repeat(i % 40)}`,
    }));
    const searcher = new Bm25Searcher(await buildIndex(docs));
    const all = searcher.search("alpha beta", 1000);
    expect(all).toHaveLength(300);
    const sorted = [...all].sort((x, y) => y.score - x.score || (x.docId < y.docId ? 1 : -1));
    expect(all).toEqual(sorted);
    expect(searcher.search("alpha beta", 10)).toEqual(all.slice(0, 10));
  });
});

describe("bm25Run", () => {
  it("builds a run with k results per query, best first", async () => {
    const index = await buildIndex(corpus);
    const run = bm25Run(index, [
      { id: "q1", text: "cat" },
      { id: "q2", text: "the" },
    ], { k: 1 });
    expect([...run.keys()]).toEqual(["q1", "q2"]);
    expect([...run.get("q1")!.keys()]).toEqual(["d2"]);
    expect(run.get("q2")!.size).toBe(0);
  });

  it("rejects duplicate query ids and bad k", async () => {
    const index = await buildIndex(corpus);
    expect(() => bm25Run(index, [{ id: "q", text: "cat" }, { id: "q", text: "dog" }])).toThrow(/duplicate query id "q"/);
    expect(() => bm25Run(index, [], { k: 0 })).toThrow(/k must be a positive integer/);
  });
});

describe("IndexBuilder", () => {
  it("rejects duplicate and empty document ids", () => {
    const builder = new IndexBuilder();
    builder.addDocument("x", "text");
    expect(() => builder.addDocument("x", "more")).toThrow(/duplicate document id "x"/);
    expect(() => builder.addDocument("", "more")).toThrow(/empty id/);
  });

  it("leaves documents without terms out of N (Lucene's docCount)", async () => {
    const index = await buildIndex([...corpus, { id: "empty", title: "", text: "the of and" }]);
    expect(index.docIds).toHaveLength(4);
    expect(index.docCount).toBe(3);
    // Same idf, hence same scores, as without the empty document.
    expect(new Bm25Searcher(index).search("cat")[0]!.score).toBeCloseTo(0.313037622, PRECISION);
  });
});
