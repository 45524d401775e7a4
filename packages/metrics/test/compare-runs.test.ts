import { describe, expect, it } from "vitest";
import { compareEvaluations, compareRuns, evaluate, type PerQueryScores } from "../src/index.js";

/** Closed-form two-sided p of Student's t with 3 degrees of freedom (independent of the incomplete beta). */
function tTwoSidedDf3(t: number): number {
  const x = Math.abs(t) / Math.sqrt(3);
  const cdf = 0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI;
  return 2 * (1 - cdf);
}

const scores = (values: Record<string, number[]>, queries = ["q1", "q2", "q3", "q4"]): PerQueryScores => ({
  queries,
  values: new Map(Object.entries(values)),
});

describe("compareEvaluations: the statistics, hand-computed", () => {
  // d = better - base = [0.2, 0.1, 0.3, 0.1]: mean 0.175, sd = sqrt(0.0275 / 3), t = 3.6556, df = 3.
  const base = scores({ m: [0.1, 0.2, 0.3, 0.4] });
  const better = scores({ m: [0.3, 0.3, 0.6, 0.5] });
  const same = scores({ m: [0.2, 0.1, 0.3, 0.4] }); // d = [0.1, -0.1, 0, 0]
  const out = compareEvaluations(new Map([["base", base], ["better", better], ["same", same]]), ["m"], { baseline: "base" });

  it("means, delta, the t-interval of the paired difference and the t-test p", () => {
    const b = out.rows.find((r) => r.system === "better")!;
    const sd = Math.sqrt(0.0275 / 3);
    const t = 0.175 / (sd / 2);
    expect(b.n).toBe(4);
    expect(b.mean).toBeCloseTo(0.425, 12);
    expect(b.delta).toBeCloseTo(0.175, 12);
    const half = 3.182446305284263 * (sd / 2); // t_{0.975, 3} (textbook table: 3.182)
    expect(b.ciLow).toBeCloseTo(0.175 - half, 9);
    expect(b.ciHigh).toBeCloseTo(0.175 + half, 9);
    expect(b.p.t).toBeCloseTo(tTwoSidedDf3(t), 10);
    expect(b.direction).toBe("better");
  });

  it("the exact randomization p: only the all-plus and all-minus sign vectors reach |0.7|, 2/16", () => {
    expect(out.rows.find((r) => r.system === "better")!.p.randomization).toBe(2 / 16);
    const s = out.rows.find((r) => r.system === "same")!;
    expect(s.p.randomization).toBe(1);
    expect(s.p.t).toBe(1);
    expect(s.direction).toBe("equal");
  });

  it("Holm per measure over the compared systems; the baseline row has no test", () => {
    const b = out.rows.find((r) => r.system === "better")!;
    expect(b.pAdjusted.t).toBeCloseTo(Math.min(1, 2 * b.p.t!), 14); // the smaller of two p-values doubles
    expect(out.rows.find((r) => r.system === "same")!.pAdjusted.t).toBe(1);
    const baseRow = out.rows.find((r) => r.system === "base")!;
    expect(baseRow).toMatchObject({ mean: 0.25, delta: null, ciLow: null, direction: null, p: {} });
  });

  it("family 'all' corrects over every system and measure; correction 'none' keeps the raw p", () => {
    const two = (s: PerQueryScores): PerQueryScores => ({ queries: s.queries, values: new Map([["m", s.values.get("m")!], ["m2", s.values.get("m")!]]) });
    const all = compareEvaluations(new Map([["base", two(base)], ["better", two(better)], ["same", two(same)]]), ["m", "m2"], { family: "all" });
    const b = all.rows.find((r) => r.system === "better" && r.measure === "m")!;
    // p-values of the family: [p, 1, p, 1]: the smallest times 4, the second smallest times 3 -> max(4p, 3p) = 4p.
    expect(b.pAdjusted.t).toBeCloseTo(Math.min(1, 4 * b.p.t!), 14);
    expect(all.settings.family).toBe("all");
    const raw = compareEvaluations(new Map([["base", base], ["better", better]]), ["m"], { correction: "none" });
    expect(raw.rows[1]!.pAdjusted.t).toBe(raw.rows[1]!.p.t);
  });

  it("pairs queries by id in any order and leaves out queries not evaluated for every system", () => {
    const shuffled = scores({ m: [0.5, 0.6, 0.3, 0.3, 0.9] }, ["q4", "q3", "q2", "q1", "q5"]);
    const r = compareEvaluations(new Map([["base", base], ["x", shuffled]]), ["m"]);
    expect(r.queries).toEqual(["q1", "q2", "q3", "q4"]);
    expect(r.excludedQueries).toEqual(["q5"]);
    expect(r.rows[1]!.delta).toBeCloseTo(0.175, 12);
  });

  it("markers show the direction: ▲ above and ▼ below the baseline, then the significant tests", () => {
    const q = Array.from({ length: 10 }, (_, i) => `q${i}`);
    const a = q.map((_, i) => 0.3 + (i % 3) / 10);
    const up = scores({ m: a.map((v, i) => v + 0.1 + (i % 2) / 100) }, q);
    const down = scores({ m: a.map((v, i) => v - 0.2 - (i % 4) / 100) }, q);
    const r = compareEvaluations(new Map([["a", scores({ m: a }, q)], ["up", up], ["down", down]]), ["m"]);
    // Exact randomization test, all 10 differences of one sign: p = 2 / 2^10; Holm over 2 systems doubles it.
    expect(r.rows[1]!.p.randomization).toBe(2 / 1024);
    expect(r.rows[1]!.pAdjusted.randomization).toBe(4 / 1024);
    expect(r.table.array("markers")).toEqual(["", "▲†‡", "▼†‡"]);
  });

  it("the 95% interval excludes 0 exactly when the unadjusted t-test p < 0.05", () => {
    const q = Array.from({ length: 12 }, (_, i) => `q${i}`);
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 40; k++) {
      const a = q.map(() => next());
      const shift = (k % 8) / 40;
      const b = a.map((v) => v + shift + (next() - 0.5) / 4);
      const row = compareEvaluations(new Map([["a", scores({ m: a }, q)], ["b", scores({ m: b }, q)]]), ["m"], { tests: ["t"] }).rows[1]!;
      expect(row.ciLow! > 0 || row.ciHigh! < 0).toBe(row.p.t! < 0.05);
    }
  });

  it("rejects bad input with a clear message", () => {
    expect(() => compareEvaluations(new Map(), ["m"])).toThrow("compareRuns: no runs to compare");
    expect(() => compareEvaluations(new Map([["a", base]]), ["m"], { baseline: "bm25" })).toThrow('compareRuns: baseline "bm25" is not one of the runs [a]');
    expect(() => compareEvaluations(new Map([["a", base], ["b", better]]), ["nDCG@10"])).toThrow(/system "a" has no values of measure "nDCG@10"/);
    expect(() => compareEvaluations(new Map([["a", base], ["b", scores({ m: [1] }, ["other"])]]), ["m"])).toThrow(/no query was evaluated for every system/);
    expect(() => compareEvaluations(new Map([["a", base]]), ["m"], { alpha: 5 })).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => compareEvaluations(new Map([["a", base]]), ["m"], { family: "run" as "all" })).toThrow(/family must be/);
  });
});

describe("compareRuns: evaluation with trec_eval semantics", () => {
  const qrels = new Map([
    ["q1", new Map([["d1", 1]])],
    ["q2", new Map([["d2", 1]])],
    ["q3", new Map([["d3", 1]])],
  ]);
  const bm25 = new Map([
    ["q1", new Map([["d1", 2], ["d9", 1]])], // RR 1
    ["q2", new Map([["d9", 2], ["d2", 1]])], // RR 1/2
    ["q3", new Map([["d9", 3], ["d8", 2], ["d3", 1]])], // RR 1/3
  ]);
  const dense = new Map([
    ["q1", new Map([["d1", 0.9]])], // RR 1
    ["q2", new Map([["d2", 0.9]])], // RR 1; q3 missing
  ]);

  it("default: the queries every run was evaluated on; -c (allQueries): every qrels query, missing = 0", () => {
    const plain = compareRuns(qrels, { bm25, dense }, ["RR"]);
    expect(plain.settings.baseline).toBe("bm25");
    expect(plain.queries).toEqual(["q1", "q2"]);
    expect(plain.excludedQueries).toEqual(["q3"]);
    expect(plain.rows.map((r) => [r.system, r.mean])).toEqual([["bm25", 0.75], ["dense", 1]]);
    const all = compareRuns(qrels, new Map([["bm25", bm25], ["dense", dense]]), ["RR"], { allQueries: true });
    expect(all.queries).toEqual(["q1", "q2", "q3"]);
    expect(all.rows[0]!.mean).toBeCloseTo(evaluate(qrels, bm25, ["RR"], { allQueries: true }).aggregate.get("RR")!, 15);
    expect(all.rows[1]!.mean).toBeCloseTo(2 / 3, 15);
    expect(all.rows[1]!.delta).toBeCloseTo(2 / 3 - 11 / 18, 15);
  });

  it("names rows by the measure as given and fails on an unknown measure or no runs", () => {
    const r = compareRuns(qrels, { bm25, dense }, ["MRR", "P@1"], { allQueries: true });
    expect(r.measures).toEqual(["MRR", "P@1"]);
    expect(r.table.numRows()).toBe(4);
    expect(r.table.columnNames()).toEqual(["system", "measure", "n", "mean", "delta", "ciLow", "ciHigh", "p_t", "pHolm_t", "p_randomization", "pHolm_randomization", "direction", "markers"]);
    expect(() => compareRuns(qrels, { bm25 }, ["nDCG@1O"])).toThrow(/nDCG@1O/);
    expect(() => compareRuns(qrels, {}, ["RR"])).toThrow("compareRuns: no runs to compare");
    expect(() => compareRuns(qrels, { bm25 }, ["RR"], { baseline: "dense" })).toThrow(/baseline "dense" is not one of the runs \[bm25\]/);
  });
});
