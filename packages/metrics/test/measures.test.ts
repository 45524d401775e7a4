/**
 * Hand-computed values for every measure on a TREC DL-style query (grades 0-3), checked
 * through `evaluate` (so ranking, judging and the measure code are all exercised).
 */
import { describe, expect, it } from "vitest";
import { evaluate, RankedQuery, nDCG, Bpref, AP, NONPOOL } from "../src/index.js";
import type { Qrels, Run } from "../src/index.js";

// Qrels: d6 (3) and d7 (1) are judged but not retrieved. Ranking by score:
// 1 d2 (2), 2 d3 (0), 3 d1 (3), 4 x (unjudged), 5 d4 (1), 6 d5 (2).
const qrels: Qrels = new Map([["q", new Map([["d1", 3], ["d2", 2], ["d3", 0], ["d4", 1], ["d5", 2], ["d6", 3], ["d7", 1]])]]);
const run: Run = new Map([["q", new Map([["d4", 0.5], ["d2", 0.9], ["x", 0.6], ["d1", 0.7], ["d5", 0.4], ["d3", 0.8]])]]);

function value(name: string, options = {}): number {
  return evaluate(qrels, run, [name], options).aggregate.get(name)!;
}

describe("TREC DL-style grades 0-3, computed by hand", () => {
  it("nDCG@10: linear gain, log2 discount, ideal from all judged documents", () => {
    // DCG = 2/1 + 0 + 3/log2(4) + 0 + 1/log2(6) + 2/log2(7) = 4.599267
    // IDCG (3,3,2,2,1,1) = 3 + 3/log2(3) + 2/2 + 2/log2(5) + 1/log2(6) + 1/log2(7) = 7.497202
    expect(value("nDCG@10")).toBeCloseTo(0.6134644569707868, 12);
    expect(value("nDCG")).toBeCloseTo(0.6134644569707868, 12);
    // DCG@3 = 2 + 0 + 1.5; IDCG@3 = 3 + 3/log2(3) + 1
    expect(value("nDCG@3")).toBeCloseTo(0.5939462358400547, 12);
  });

  it("nDCG ignores the relevance level", () => {
    expect(value("nDCG@10", { relevanceLevel: 3 })).toBeCloseTo(0.6134644569707868, 12);
  });

  it("AP(rel=2) divides by all 4 grade>=2 documents, AP by all 6 relevant", () => {
    expect(value("AP(rel=2)")).toBeCloseTo((1 + 2 / 3 + 3 / 6) / 4, 12); // 0.541667
    expect(value("AP")).toBeCloseTo((1 + 2 / 3 + 3 / 5 + 4 / 6) / 6, 12); // 0.488889
    expect(value("AP", { relevanceLevel: 2 })).toBeCloseTo(0.5416666666666666, 12);
    // AP@3 still divides by R = 4, not min(R, 3)
    expect(value("AP(rel=2)@3")).toBeCloseTo((1 + 2 / 3) / 4, 12);
  });

  it("precision, recall, RR, success, Rprec", () => {
    expect(value("P(rel=2)@5")).toBeCloseTo(2 / 5, 12);
    expect(value("P@20")).toBeCloseTo(4 / 20, 12); // missing ranks count as non-relevant
    expect(value("R(rel=2)@5")).toBeCloseTo(2 / 4, 12);
    expect(value("R@1000")).toBeCloseTo(4 / 6, 12);
    expect(value("RR(rel=2)")).toBe(1);
    expect(value("RR(rel=3)")).toBeCloseTo(1 / 3, 12);
    expect(value("RR(rel=3)@2")).toBe(0);
    expect(value("Success(rel=3)@2")).toBe(0);
    expect(value("Success(rel=3)@3")).toBe(1);
    expect(value("Rprec(rel=2)")).toBe(0.5); // top 4 holds d2 and d1
  });

  it("Bpref(rel=2): judged non-relevant above each relevant document", () => {
    // R = 4, N = 3 (d3, d4, d7). d2: 1; d1: 1 - 1/3; d5: 1 - 2/3 -> 2 / 4
    expect(value("Bpref(rel=2)")).toBeCloseTo(0.5, 12);
  });

  it("Judged@k counts documents present in the qrels over min(k, retrieved)", () => {
    expect(value("Judged@5")).toBeCloseTo(4 / 5, 12);
    expect(value("Judged@10")).toBeCloseTo(5 / 6, 12);
  });

  it("counts", () => {
    const ev = evaluate(qrels, run, ["NumRet", "NumRel(rel=2)", "NumRelRet(rel=2)", "NumRel", "NumQ"]);
    expect([...ev.aggregate.values()]).toEqual([6, 4, 3, 6, 1]);
  });
});

describe("measure edge cases on RankedQuery", () => {
  it("a query with no relevant documents scores 0 everywhere (no division by zero)", () => {
    const q = RankedQuery.fromGrades([0, NONPOOL, 0], [0, 0]);
    expect(AP.compute(q, undefined, 1)).toBe(0);
    expect(nDCG.compute(q, 10, 1)).toBe(0);
    expect(Bpref.compute(q, undefined, 1)).toBe(0);
  });

  it("negative grades in the qrels are neither relevant nor judged non-relevant for Bpref", () => {
    // ranks: -2 (judged negative), 0 (non-rel), 1 (rel); judged grades: -1, 0, 1, 1
    const q = RankedQuery.fromGrades([-2, 0, 1], [-1, 0, 1, 1]);
    // R = 2, N = 1: the relevant doc has 1 non-relevant above -> 1 - 1/min(1, 2) = 0; / 2
    expect(Bpref.compute(q, undefined, 1)).toBe(0);
    expect(q.numRel(1)).toBe(2);
    expect(q.numNonRel(1)).toBe(1);
  });

  it("a huge grade costs no memory: judged grades are kept as distinct values with counts", () => {
    const q = RankedQuery.fromGrades([400000000, 0, NONPOOL], [400000000, 0, 3, 3]);
    expect(q.numGrades).toBe(3);
    expect(q.grades.length).toBeLessThan(1000);
    expect(q.numRel(1)).toBe(3);
    expect(q.numRel(4)).toBe(1);
    expect(q.numNonRel(1)).toBe(1);
    // DCG = 4e8 / log2(2); ideal = 4e8 / log2(2) + 3 / log2(3) + 3 / log2(4).
    expect(nDCG.compute(q, undefined, 1)).toBeCloseTo(4e8 / (4e8 + 3 / Math.log2(3) + 3 / 2), 15);
  });

  it("evaluate handles grades far beyond 32 bits exactly (no per-grade array, no int32 wrap)", () => {
    const big = 2 ** 40;
    const qrels = new Map([["q", new Map([["a", big], ["b", 1]])]]);
    const run = new Map([["q", new Map([["b", 2], ["a", 1]])]]);
    const ev = evaluate(qrels, run, ["nDCG", "NumRel(rel=2)"]);
    expect(ev.aggregate.get("nDCG")).toBeCloseTo((1 + big / Math.log2(3)) / (big + 1 / Math.log2(3)), 15);
    expect(ev.aggregate.get("NumRel(rel=2)")).toBe(1);
  });
});
