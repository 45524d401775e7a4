import { describe, expect, it } from "vitest";
import { mineHardNegatives } from "../src/negatives/index.js";
import type { Qrels, Run } from "../src/types.js";

const run = (rows: Record<string, Record<string, number>>): Run =>
  new Map(Object.entries(rows).map(([q, docs]) => [q, new Map(Object.entries(docs))]));
const qrels = (rows: Record<string, Record<string, number>>): Qrels => run(rows);

// q1 in trec_eval order: d1 (10), d3 (9), d2 (9; tie -> docid descending), d4 (8), d5 (7), d6 (6).
// Positives at level 1: d2 (grade 1), d5 (grade 2); d4 is judged non-relevant (grade 0).
const RUN = run({
  q1: { d1: 10, d2: 9, d3: 9, d4: 8, d5: 7, d6: 6 },
  q2: { a: 1 }, // no qrels at all
  q4: { p4: 3 }, // only its positive was retrieved
  q5: { x1: 5, x2: 4 }, // its positive was not retrieved
});
const QRELS = qrels({
  q1: { d2: 1, d5: 2, d4: 0 },
  q3: { p3: 1 }, // absent from the run
  q4: { p4: 1 },
  q5: { p5: 1 },
});

describe("mineHardNegatives", () => {
  it("keeps the ranking in trec_eval order minus positives, judged non-relevant included", () => {
    const mined = mineHardNegatives(RUN, QRELS);
    expect(mined.negatives.get("q1")).toEqual(["d1", "d3", "d4", "d6"]);
    expect(mined.negatives.get("q5")).toEqual(["x1", "x2"]);
    expect([...mined.negatives.keys()]).toEqual(["q1", "q5"]);
  });

  it("reports every query it cannot serve", () => {
    const mined = mineHardNegatives(RUN, QRELS);
    expect(mined.queriesWithoutPositives).toEqual(["q2"]);
    expect(mined.queriesNotInRun).toEqual(["q3"]);
    expect(mined.queriesWithoutNegatives).toEqual(["q4"]);
    expect(mined.queriesWithoutMarginReference).toEqual([]);
  });

  it("restricts ranks fromRank..toRank counted over the whole ranking, positives included", () => {
    // ranks 2..4 = d3, d2, d4 -> d2 is a positive
    expect(mineHardNegatives(RUN, QRELS, { fromRank: 2, toRank: 4 }).negatives.get("q1")).toEqual(["d3", "d4"]);
    expect(mineHardNegatives(RUN, QRELS, { toRank: 1 }).negatives.get("q1")).toEqual(["d1"]);
  });

  it("cuts deep runs at toRank with ties ordered by docid descending", () => {
    // trec_eval order: l e c b (5), i (4), d (3), h g (2), j a (1), k f (0)
    const deep = run({ q: { a: 1, b: 5, c: 5, d: 3, e: 5, f: 0, g: 2, h: 2, i: 4, j: 1, k: 0, l: 5 } });
    const judged = qrels({ q: { x: 1 } });
    expect(mineHardNegatives(deep, judged, { toRank: 2 }).negatives.get("q")).toEqual(["l", "e"]);
    expect(mineHardNegatives(deep, judged, { toRank: 3 }).negatives.get("q")).toEqual(["l", "e", "c"]);
    expect(mineHardNegatives(deep, judged, { fromRank: 2, toRank: 3 }).negatives.get("q")).toEqual(["e", "c"]);
    expect(mineHardNegatives(deep, judged, { fromRank: 5, toRank: 8 }).negatives.get("q")).toEqual(["i", "d", "h", "g"]);
    expect(mineHardNegatives(deep, judged).negatives.get("q")).toEqual(["l", "e", "c", "b", "i", "d", "h", "g", "j", "a", "k", "f"]);
  });

  it("caps at maxNegatives, best ranked first", () => {
    expect(mineHardNegatives(RUN, QRELS, { maxNegatives: 2 }).negatives.get("q1")).toEqual(["d1", "d3"]);
  });

  it("drops candidates within scoreMargin of the top positive (score > 9 - 0.5)", () => {
    const mined = mineHardNegatives(RUN, QRELS, { scoreMargin: 0.5 });
    expect(mined.negatives.get("q1")).toEqual(["d4", "d6"]);
    expect(mined.droppedByMargin).toBe(2);
    // q5's positive was not retrieved: no reference score, margin not applied, reported.
    expect(mined.negatives.get("q5")).toEqual(["x1", "x2"]);
    expect(mined.queriesWithoutMarginReference).toEqual(["q5"]);
  });

  it("margin 1 against the top positive keeps a candidate exactly at 9 - 1 = 8", () => {
    expect(mineHardNegatives(RUN, QRELS, { scoreMargin: 1 }).negatives.get("q1")).toEqual(["d4", "d6"]);
    expect(mineHardNegatives(RUN, QRELS, { scoreMargin: 1.5 }).negatives.get("q1")).toEqual(["d6"]);
  });

  it("marginAgainst lowest uses the lowest-scoring retrieved positive (d5 = 7)", () => {
    const mined = mineHardNegatives(RUN, QRELS, { scoreMargin: 0.5, marginAgainst: "lowest" });
    expect(mined.negatives.get("q1")).toEqual(["d6"]);
    expect(mined.droppedByMargin).toBe(3);
  });

  it("relativeBand keeps low < (s - m) / (ref - m) < high, the I3 reference's FN/EN thresholds", () => {
    // ref = 9 (d2), m = lowest non-positive score = 6 (d6): x(d1) = 4/3, x(d3) = 1, x(d4) = 2/3, x(d6) = 0
    const mined = mineHardNegatives(RUN, QRELS, { relativeBand: { low: 0.1, high: 0.9 } });
    expect(mined.negatives.get("q1")).toEqual(["d4"]);
    expect(mined.droppedByBand).toBe(3);
    expect(mined.queriesWithoutMarginReference).toEqual(["q5"]);
    expect(mineHardNegatives(RUN, QRELS, { relativeBand: { low: -1, high: 1.01 } }).negatives.get("q1")).toEqual(["d3", "d4", "d6"]);
    // Against the lowest positive (d5 = 7): m = 6, span 1: x(d1) = 4, x(d3) = 3, x(d4) = 2, x(d6) = 0
    expect(mineHardNegatives(RUN, QRELS, { relativeBand: { low: -0.5, high: 0.9 }, marginAgainst: "lowest" }).negatives.get("q1")).toEqual(["d6"]);
    expect(() => mineHardNegatives(RUN, QRELS, { relativeBand: { low: 0.9, high: 0.1 } })).toThrow(/relativeBand/);
  });

  it("relevanceLevel 2 turns grade-1 documents into negatives", () => {
    expect(mineHardNegatives(RUN, QRELS, { relevanceLevel: 2 }).negatives.get("q1")).toEqual(["d1", "d3", "d2", "d4", "d6"]);
  });

  it("mines only the requested queries, in the requested order", () => {
    const mined = mineHardNegatives(RUN, QRELS, { queries: ["q5", "q2", "q1"] });
    expect([...mined.negatives.keys()]).toEqual(["q5", "q1"]);
    expect(mined.queriesWithoutPositives).toEqual(["q2"]);
    expect(mined.queriesNotInRun).toEqual([]);
  });

  it("rejects bad options", () => {
    expect(() => mineHardNegatives(RUN, QRELS, { fromRank: 0 })).toThrow(/fromRank/);
    expect(() => mineHardNegatives(RUN, QRELS, { fromRank: 5, toRank: 4 })).toThrow(/toRank/);
    expect(() => mineHardNegatives(RUN, QRELS, { scoreMargin: Number.NaN })).toThrow(/scoreMargin/);
  });
});
