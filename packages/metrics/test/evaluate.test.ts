import { describe, expect, it } from "vitest";
import { evaluate } from "../src/index.js";
import type { Qrels, Run } from "../src/index.js";

const qrels: Qrels = new Map([
  ["1", new Map([["a", 1], ["b", 2]])],
  ["2", new Map([["c", 1]])],
  ["3", new Map([["d", 1], ["e", 0]])], // not in the run
]);
const run: Run = new Map([
  ["1", new Map([["a", 3], ["1", 2.5], ["x", 2], ["b", 1]])], // "1" is a self-hit
  ["2", new Map([["y", 2], ["c", 1]])],
  ["9", new Map([["a", 1]])], // not in the qrels: ignored
]);

describe("evaluate", () => {
  it("averages over queries in both run and qrels by default", () => {
    const ev = evaluate(qrels, run, ["P@1", "NumRel", "RR"]);
    expect(ev.queries).toEqual(["1", "2"]);
    expect(ev.aggregate.get("P@1")).toBe(0.5);
    expect(ev.aggregate.get("NumRel")).toBe(3);
    expect(ev.aggregate.get("RR")).toBe((1 + 1 / 2) / 2);
    expect(ev.perQuery.get("2")!.get("RR")).toBe(0.5);
    expect([...ev.values.get("RR")!]).toEqual([1, 0.5]);
  });

  it("allQueries (-c) averages over all qrels queries; missing ones are empty rankings", () => {
    const ev = evaluate(qrels, run, ["RR", "NumRel", "NumRet", "NumQ"], { allQueries: true });
    expect(ev.queries).toEqual(["1", "2", "3"]);
    expect([...ev.missing]).toEqual(["3"]);
    expect(ev.aggregate.get("RR")).toBe(1.5 / 3);
    expect(ev.aggregate.get("NumRel")).toBe(4); // R of the missing query counts
    expect(ev.aggregate.get("NumRet")).toBe(6); // query 9 (no qrels) does not
    expect(ev.aggregate.get("NumQ")).toBe(3);
  });

  it("MRR@10 in -c mode = RR@10 averaged over all qrels queries", () => {
    expect(evaluate(qrels, run, ["RR@10"], { allQueries: true }).aggregate.get("RR@10")).toBe(0.5);
  });

  it("relevanceLevel (-l) applies to binary measures without rel=, rel= overrides it", () => {
    const ev = evaluate(qrels, run, ["NumRel", "NumRel(rel=1)", "RR"], { relevanceLevel: 2 });
    expect(ev.aggregate.get("NumRel")).toBe(1);
    expect(ev.aggregate.get("NumRel(rel=1)")).toBe(3);
    expect(ev.perQuery.get("1")!.get("RR")).toBe(1 / 4); // b at rank 4
  });

  it("depth (-M) truncates every ranking before any measure", () => {
    const ev = evaluate(qrels, run, ["NumRet", "R@1000", "RR"], { depth: 1 });
    expect(ev.aggregate.get("NumRet")).toBe(2);
    expect(ev.perQuery.get("1")!.get("R@1000")).toBe(0.5);
    expect(ev.perQuery.get("2")!.get("RR")).toBe(0);
  });

  it("removeSelfHits (BEIR) drops the document whose id is the query id", () => {
    const plain = evaluate(qrels, run, ["NumRet", "AP"]);
    const beir = evaluate(qrels, run, ["NumRet", "AP"], { removeSelfHits: true });
    expect(plain.perQuery.get("1")!.get("NumRet")).toBe(4);
    expect(beir.perQuery.get("1")!.get("NumRet")).toBe(3);
    expect(plain.perQuery.get("1")!.get("AP")).toBe((1 + 2 / 4) / 2);
    expect(beir.perQuery.get("1")!.get("AP")).toBe((1 + 2 / 3) / 2);
  });

  it("keys results by the measure name as given", () => {
    const ev = evaluate(qrels, run, ["ndcg_cut_10", "nDCG@10"]);
    expect(ev.aggregate.get("ndcg_cut_10")).toBe(ev.aggregate.get("nDCG@10"));
  });

  it("fails clearly on bad input", () => {
    expect(() => evaluate(qrels, run, ["AP", "AP"])).toThrow(/"AP" is listed twice/);
    expect(() => evaluate(qrels, run, ["AP"], { relevanceLevel: 1.5 })).toThrow(/relevanceLevel must be an integer/);
    expect(() => evaluate(qrels, run, ["AP"], { depth: 0 })).toThrow(/depth must be a positive integer/);
    const badQrels: Qrels = new Map([["1", new Map([["a", 0.5]])]]);
    expect(() => evaluate(badQrels, run, ["AP"])).toThrow("qrels: query 1, document a: grade must be an integer, got 0.5");
    const otherIds: Run = new Map([["q1", new Map([["a", 1]])]]);
    expect(() => evaluate(qrels, otherIds, ["AP"])).toThrow(/no query is in both the run \(1 queries, e.g. "q1"\)/);
  });
});
