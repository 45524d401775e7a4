import { describe, expect, it } from "vitest";
import { mulberry32Float as rng } from "@i3/core";
import { MergedTopK } from "../src/dense/merged-top-k.js";

/** Candidates (score, doc) in the index's order: score descending, then tieRank descending. */
function sortByRule(pairs: { s: number; d: number }[], tieRank: Uint32Array): { s: number; d: number }[] {
  return [...pairs].sort((a, b) => (a.s !== b.s ? b.s - a.s : tieRank[b.d]! - tieRank[a.d]!));
}

describe("MergedTopK", () => {
  it("merging sorted blocks gives the first k of one full sort, ties by tieRank descending", () => {
    const rand = rng(17);
    const docs = 200;
    const tieRank = Uint32Array.from({ length: docs }, (_, i) => (i * 73) % docs); // a permutation
    const scores = Float32Array.from({ length: docs }, () => Math.floor(rand() * 12) / 4); // many ties
    for (const [k, blockSize] of [
      [1, 7],
      [10, 33],
      [50, 50],
      [199, 64],
      [300, 1],
    ] as const) {
      const lists = new MergedTopK(1, Math.min(k, docs), tieRank);
      for (let start = 0; start < docs; start += blockSize) {
        const block = Array.from({ length: Math.min(blockSize, docs - start) }, (_, j) => ({ s: scores[start + j]!, d: start + j }));
        const sorted = sortByRule(block, tieRank).slice(0, k);
        lists.merge(0, Float32Array.from(sorted, (x) => x.s), 0, Uint32Array.from(sorted, (x) => x.d), 0, sorted.length);
      }
      const all = Array.from(scores, (s, d) => ({ s, d }));
      const expected = sortByRule(all, tieRank).slice(0, k);
      const got = lists.result(0);
      expect(Array.from(got.indices)).toEqual(expected.map((x) => x.d));
      expect(Array.from(got.scores)).toEqual(expected.map((x) => x.s));
    }
  });

  it("rejects a bad k", () => {
    expect(() => new MergedTopK(1, 0, new Uint32Array(1))).toThrow(/k must be a positive integer/);
  });
});
