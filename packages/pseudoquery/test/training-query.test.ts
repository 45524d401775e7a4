/** The real-training-query source, the qid order, the fallback, and doc2query training pairs. */
import { describe, expect, it } from "vitest";
import type { Passage } from "@i3/data";
import { compareQids, firstRelevantQueries, generatePseudoQueries, rakeSource, trainingPairs, trainingQuerySource } from "../src/index.js";
import { MemoryCollection, qrelsOf, tempDir } from "./helpers.js";

const PASSAGES: Passage[] = [
  { id: "p1", title: "", text: "Neural ranking models for passage retrieval." },
  { id: "p2", title: "", text: "Keyword extraction with stop words and phrase delimiters." },
  { id: "p3", title: "", text: "Unjudged passage about sampled spans." },
  { id: "p4", title: "", text: "Judged but not relevant." },
];

function collection(): MemoryCollection {
  return new MemoryCollection("mem", PASSAGES, {
    train: {
      queries: [
        { id: "10", text: "neural ranking" },
        { id: "9", text: "passage retrieval\tmodels" },
        { id: "q-a", text: "keyword extraction" },
      ],
      // p1 relevant to 10 and 9 -> 9 wins (9 < 10 numerically); p2 to q-a and 10 -> 10 (integers first)
      qrels: qrelsOf([
        ["10", "p1", 1],
        ["10", "p2", 2],
        ["9", "p1", 1],
        ["q-a", "p2", 1],
        ["9", "p4", 0],
      ]),
    },
  });
}

describe("compareQids", () => {
  it("orders integers numerically, before other ids, which compare by code units", () => {
    expect(["10", "q-a", "9", "Q", "002", "1"].sort(compareQids)).toEqual(["1", "9", "10", "002", "Q", "q-a"]);
  });
});

describe("trainingQuerySource", () => {
  it("takes the first relevant query in qid order; unjudged and non-relevant passages get none", async () => {
    const c = collection();
    const chosen = await firstRelevantQueries(c);
    expect([...chosen]).toEqual([
      ["p1", { qid: "9", text: "passage retrieval models" }],
      ["p2", { qid: "10", text: "neural ranking" }],
    ]);
    const src = await trainingQuerySource(c);
    const out = await generatePseudoQueries(c, src);
    expect([...out]).toEqual([
      ["p1", "passage retrieval models"],
      ["p2", "neural ranking"],
    ]);
    expect(src.params).toMatchObject({ split: "train", minRelevance: 1, fallback: null });
  });

  it("fills the others from a fallback source, in corpus order, and caches", async () => {
    const c = collection();
    const src = await trainingQuerySource(c, { fallback: rakeSource({ topK: 1 }), batchSize: 3 });
    const cacheDir = tempDir();
    const out = await generatePseudoQueries(c, src, { cacheDir });
    expect([...out]).toEqual([
      ["p1", "passage retrieval models"],
      ["p2", "neural ranking"],
      ["p3", "unjudged passage"],
      ["p4", "judged"],
    ]);
    expect(src.params.fallback).toMatchObject({ name: "rake" });
    const reads = c.corpusReads;
    expect(await generatePseudoQueries(c, src, { cacheDir })).toEqual(out);
    expect(c.corpusReads).toBe(reads);
  });

  it("minRelevance 2 and unknown splits", async () => {
    const c = collection();
    expect([...(await firstRelevantQueries(c, "train", 2)).keys()]).toEqual(["p2"]);
    await expect(trainingQuerySource(c, { split: "dev" })).rejects.toThrow(/unknown split dev/);
  });
});

describe("trainingPairs", () => {
  it("lists relevant (passage, query) pairs in qid then corpus order", async () => {
    const pairs = await trainingPairs(collection());
    expect(pairs.map((p) => `${p.qid}:${p.pid}`)).toEqual(["9:p1", "10:p1", "10:p2", "q-a:p2"]);
    expect(pairs[0]).toEqual({ pid: "p1", qid: "9", passage: "Neural ranking models for passage retrieval.", query: "passage retrieval\tmodels" });
  });
});
