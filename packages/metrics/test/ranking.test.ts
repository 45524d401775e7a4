import { describe, expect, it } from "vitest";
import { compareIds, compareRanked, rankDocuments, Ranker, Xoshiro128 } from "../src/index.js";

describe("trec_eval ranking order", () => {
  it("sorts by score descending, ties by doc id descending (strcmp), ignoring insertion order", () => {
    const docs = new Map([["a", 1], ["b", 2], ["c", 1], ["B", 1], ["ab", 1]]);
    // ties at 1: strcmp descending: "c" > "ab" > "a" > "B"
    expect(rankDocuments(docs)).toEqual(["b", "c", "ab", "a", "B"]);
  });

  it("compares numeric-looking ids as strings", () => {
    expect(rankDocuments(new Map([["9", 0], ["10", 0], ["100", 0]]))).toEqual(["9", "100", "10"]);
  });

  it("handles negative and infinite scores and depth / exclude", () => {
    const docs = new Map([["x", -1], ["y", Infinity], ["z", -Infinity], ["q", 0]]);
    expect(rankDocuments(docs)).toEqual(["y", "q", "x", "z"]);
    expect(rankDocuments(docs, { depth: 2 })).toEqual(["y", "q"]);
    expect(rankDocuments(docs, { exclude: "q" })).toEqual(["y", "x", "z"]);
  });

  it("rejects NaN scores with the query and document", () => {
    expect(() => rankDocuments(new Map([["d", NaN]]))).toThrow(/document d: score is NaN/);
  });

  it("compareIds follows UTF-8 byte order, also where UTF-16 code units disagree", () => {
    const astral = "\u{1F600}"; // U+1F600, UTF-16 starts with 0xD83D
    const bmpHigh = "\uFF21"; // U+FF21 (fullwidth A)
    expect(astral < bmpHigh).toBe(true); // JavaScript's UTF-16 order
    expect(Buffer.compare(Buffer.from(astral), Buffer.from(bmpHigh))).toBe(1); // strcmp order
    expect(compareIds(astral, bmpHigh)).toBeGreaterThan(0);
    expect(compareIds("abc", "abd")).toBeLessThan(0);
    expect(compareIds("ab", "abc")).toBeLessThan(0);
    expect(compareIds("x", "x")).toBe(0);
    expect(compareRanked(1, "a", 1, "b")).toBeGreaterThan(0); // "b" ranks first on a tie
    expect(compareRanked(2, "a", 1, "b")).toBeLessThan(0);
  });
});

describe("Ranker agrees with a plain comparator sort (randomised, many ties)", () => {
  it("on shuffled, score-sorted and fully sorted inputs, with -0 and +0 tied", () => {
    const rng = new Xoshiro128(99);
    const ranker = new Ranker();
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (rng.nextUint32() % 60);
      const levels = 1 + (rng.nextUint32() % 6); // few distinct scores -> many ties
      let entries: [string, number][] = [];
      const used = new Set<string>();
      while (entries.length < n) {
        const id = `d${rng.nextUint32() % 500}`;
        if (used.has(id)) continue;
        used.add(id);
        const level = rng.nextUint32() % levels;
        entries.push([id, level === 0 ? (rng.nextFloat() < 0.5 ? -0 : 0) : level - 2.5]);
      }
      const reference = [...entries].sort((a, b) => compareRanked(a[1], a[0], b[1], b[0])).map((e) => e[0]);
      const mode = trial % 3;
      if (mode === 1) entries = [...entries].sort((a, b) => b[1] - a[1]); // by score only
      if (mode === 2) entries = reference.map((id) => entries.find((e) => e[0] === id)!);
      const docs = new Map(entries);
      const k = ranker.rank(docs, undefined, Infinity, "q");
      const got = Array.from({ length: k }, (_, i) => ranker.idAt(i));
      expect(got).toEqual(reference);
      for (const [i, id] of reference.entries()) expect(ranker.positionOf(id, docs.get(id)!)).toBe(i);
      expect(ranker.positionOf("absent", 0)).toBe(-1);
    }
  });
});
