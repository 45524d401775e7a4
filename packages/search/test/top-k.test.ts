import { describe, expect, it } from "vitest";
import { TopKCollector, ascendingIdRanks, largestKeys, packScoreKey, unpackScoreKey } from "../src/bm25/index.js";

/** Deterministic pseudo-random scores with many exact ties (float32 values on a coarse grid). */
function scores(n: number): Float64Array {
  const out = new Float64Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = Math.fround((x % 50) / 7);
  }
  return out;
}

/** Reference order: score descending, then tie rank descending, by a plain full sort. */
function reference(s: Float64Array, tieRank: Uint32Array, k: number): number[] {
  return Array.from(s.keys())
    .sort((a, b) => s[b]! - s[a]! || tieRank[b]! - tieRank[a]!)
    .slice(0, k);
}

describe("top-k selection", () => {
  const ids = Array.from({ length: 500 }, (_, i) => `doc${(i * 7919) % 500}`);
  const tieRank = ascendingIdRanks(ids);
  const s = scores(500);

  it("ranks ids ascending by UTF-16 code units", () => {
    expect([...ascendingIdRanks(["b", "a", "aa", "B"])]).toEqual([3, 1, 2, 0]);
  });

  it.each([1, 10, 100, 499, 500, 1000])("the heap collector matches a full sort for k = %i", (k) => {
    const collector = new TopKCollector(k, tieRank);
    for (let d = 0; d < s.length; d++) collector.offer(d, s[d]!);
    const top = collector.drain();
    expect([...top.docs]).toEqual(reference(s, tieRank, k));
    expect([...top.scores]).toEqual(reference(s, tieRank, k).map((d) => s[d]!));
  });

  it.each([1, 10, 100, 124, 126, 499, 500, 1000])("packed keys match a full sort for k = %i", (k) => {
    const keys = new Float64Array(s.length);
    for (let d = 0; d < s.length; d++) keys[d] = packScoreKey(s[d]!, tieRank[d]!);
    const docByRank = new Uint32Array(s.length);
    for (let d = 0; d < s.length; d++) docByRank[tieRank[d]!] = d;
    const top = [...largestKeys(keys, s.length, k)].map((key) => docByRank[unpackScoreKey(key).tieRank]!);
    expect(top).toEqual(reference(s, tieRank, k));
  });

  it("packs and unpacks float32 scores and ranks exactly", () => {
    for (const [score, rank] of [[0, 0], [Math.fround(0.1), 7], [Math.fround(123456.789), 4_194_303]] as const) {
      expect(unpackScoreKey(packScoreKey(score, rank))).toEqual({ score, tieRank: rank });
    }
    expect(packScoreKey(Math.fround(1.5), 0)).toBeGreaterThan(packScoreKey(Math.fround(1.4999), 4_194_303));
  });
});
