import { describe, expect, it } from "vitest";
import { combMnz, combSum, normalizeRun, normalizeScores } from "../src/index.js";

// Run a: q -> x 3, y 2, z 1; run b: q -> z 0.9, x 0.5, and r -> w 1 (a has no r).
const a = new Map([["q", new Map([["x", 3], ["y", 2], ["z", 1]])]]);
const b = new Map([
  ["q", new Map([["z", 0.9], ["x", 0.5]])],
  ["r", new Map([["w", 1]])],
]);
const scoresOf = (run: Map<string, Map<string, number>>, qid: string) => Object.fromEntries(run.get(qid)!);

describe("score normalisations (ranx's definitions), hand-computed", () => {
  it("min-max, max, sum, zmuv, rank and none on [3, 2, 1]", () => {
    expect([...normalizeScores([3, 2, 1], "min-max")]).toEqual([1, 0.5, 0]);
    expect([...normalizeScores([3, 2, 1], "max")]).toEqual([1, 2 / 3, 1 / 3]);
    expect([...normalizeScores([3, 2, 1], "sum")]).toEqual([2 / 3, 1 / 3, 0]); // (s - 1) / (2 + 1 + 0)
    const z = normalizeScores([3, 2, 1], "zmuv"); // mean 2, population sd sqrt(2/3)
    expect(z[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 14);
    expect(z[1]).toBe(0);
    expect(z[2]).toBeCloseTo(-1 / Math.sqrt(2 / 3), 14);
    expect([...normalizeScores([3, 2, 1], "rank")]).toEqual([1, 1 - 1 / 3, 1 - 2 / 3]); // 1 - (r - 1) / n
    expect([...normalizeScores([3, 2, 1], "none")]).toEqual([3, 2, 1]);
  });

  it("degenerate lists follow ranx's 1e-9 floors: equal scores give 0 for min-max, sum and zmuv", () => {
    expect([...normalizeScores([5, 5], "min-max")]).toEqual([0, 0]);
    expect([...normalizeScores([5, 5], "sum")]).toEqual([0, 0]);
    expect([...normalizeScores([5, 5], "zmuv")]).toEqual([0, 0]);
    expect([...normalizeScores([7], "rank")]).toEqual([1]);
    expect(() => normalizeScores([1, Infinity], "min-max")).toThrow(/not finite/);
  });

  it("normalizeRun ranks in trec_eval order (ties by doc id descending) and honours depth", () => {
    const tied = new Map([["q", new Map([["a", 1], ["b", 1], ["c", 0]])]]);
    expect(scoresOf(normalizeRun(tied, "rank"), "q")).toEqual({ b: 1, a: 1 - 1 / 3, c: 1 - 2 / 3 });
    expect(scoresOf(normalizeRun(a, "min-max", 2), "q")).toEqual({ x: 1, y: 0 });
    expect(() => normalizeRun(a, "l2" as "max")).toThrow(/unknown normalisation "l2"/);
  });
});

describe("CombSUM and CombMNZ (Fox & Shaw 1994), hand-computed", () => {
  it("CombSUM: min-max scores summed, a missing document adds 0; queries are the union", () => {
    // min-max: a -> x 1, y 0.5, z 0; b -> z 1, x 0; r -> w 0 (a single document: (1 - 1) / 1e-9).
    const f = combSum([a, b]);
    expect(scoresOf(f, "q")).toEqual({ x: 1, y: 0.5, z: 1 });
    expect(scoresOf(f, "r")).toEqual({ w: 0 });
  });

  it("CombMNZ: the sum times the number of runs that retrieved the document", () => {
    expect(scoresOf(combMnz([a, b]), "q")).toEqual({ x: 2, y: 0.5, z: 2 });
  });

  it("weights multiply each run's normalised scores (ranx's wsum); CombMNZ multiplies that sum by the hits", () => {
    expect(scoresOf(combSum([a, b], { weights: [2, 1] }), "q")).toEqual({ x: 2, y: 1, z: 1 });
    expect(scoresOf(combMnz([a, b], { weights: [2, 1] }), "q")).toEqual({ x: 4, y: 1, z: 2 });
  });

  it("other normalisations and depth", () => {
    // max: a -> 1, 2/3, 1/3; b -> z 1, x 0.5 / 0.9.
    const m = scoresOf(combSum([a, b], { normalization: "max" }), "q");
    expect(m["x"]).toBeCloseTo(1 + 0.5 / 0.9, 14);
    expect(m["z"]).toBeCloseTo(1 / 3 + 1, 14);
    // zmuv: a -> x 1.2247, y 0, z -1.2247; b (mean 0.7, sd 0.2) -> z 1, x -1.
    const z = scoresOf(combMnz([a, b], { normalization: "zmuv" }), "q");
    expect(z["x"]).toBeCloseTo(2 * (1 / Math.sqrt(2 / 3) - 1), 12);
    // rank with depth 1: only each run's top document.
    expect(scoresOf(combSum([a, b], { normalization: "rank", depth: 1 }), "q")).toEqual({ x: 1, z: 1 });
  });

  it("rejects no runs, a wrong number of weights and a bad depth", () => {
    expect(() => combSum([])).toThrow("combSum: no runs to fuse");
    expect(() => combMnz([a, b], { weights: [1] })).toThrow("combMnz: 1 weights for 2 runs; give one weight per run");
    expect(() => combSum([a], { weights: [NaN] })).toThrow(/weight 0 must be a finite number/);
    expect(() => combSum([a], { depth: 0 })).toThrow(/depth must be a positive integer/);
  });
});
