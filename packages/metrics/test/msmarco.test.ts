import { describe, expect, it } from "vitest";
import { evaluate, msmarcoMrr10, qrelsPairs } from "../src/index.js";

describe("msmarcoMrr10 (official ms_marco_eval.py logic)", () => {
  const pairs: [string, string][] = [["1", "10"], ["1", "11"], ["2", "20"], ["3", "30"], ["4", "40"]];

  it("uses the submitted rank, reads only ranks 1..10, divides by the number of qrels queries", () => {
    const run = new Map([
      ["1", new Map([["99", 1], ["11", 2], ["10", 3]])], // first relevant at rank 2
      ["2", new Map([["20", 11]])], // rank 11: beyond the cutoff
      ["3", new Map([["30", 4]])],
      ["7", new Map([["70", 1]])], // not in qrels: ignored but counted as ranked
    ]);
    const r = msmarcoMrr10(pairs, run);
    expect([...r.perQuery]).toEqual([["1", 0.5], ["2", 0], ["3", 0.25]]);
    expect(r.mrr10).toBeCloseTo((0.5 + 0.25) / 4, 15); // 4 qrels queries, query 4 unranked
    expect(r.queriesRanked).toBe(4);
    expect(r.queriesInQrels).toBe(4);
  });

  it("counts every listed pid as relevant, whatever its grade, unlike RR@10", () => {
    const qrels = new Map([["1", new Map([["a", 0], ["b", 1]])]]);
    const ranks = new Map([["1", new Map([["a", 1], ["b", 2]])]]);
    expect(msmarcoMrr10(qrelsPairs(qrels), ranks).mrr10).toBe(1);
    const scores = new Map([["1", new Map([["a", 2], ["b", 1]])]]);
    expect(evaluate(qrels, scores, ["RR@10"]).aggregate.get("RR@10")).toBe(0.5);
  });

  it("ignores scores: the rank column decides, and a later pid at the same rank wins", () => {
    const ranks = new Map([["1", new Map([["10", 2], ["12", 1], ["13", 1]])]]);
    // slot 1 = "13" (written last), slot 2 = "10" -> RR = 1/2
    expect(msmarcoMrr10(pairs, ranks).perQuery.get("1")).toBe(0.5);
  });

  it("fails clearly", () => {
    expect(() => msmarcoMrr10(pairs, new Map([["8", new Map([["1", 1]])]]))).toThrow(/no query of the run is in the qrels/);
    expect(() => msmarcoMrr10(pairs, new Map([["1", new Map([["10", 0]])]]))).toThrow(
      "msmarcoMrr10: query 1, passage 10: rank must be a positive integer, got 0",
    );
  });
});
