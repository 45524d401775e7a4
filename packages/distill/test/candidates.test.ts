/** Candidate lists: 1 positive + n distinct negatives from the scored pool, seeded per (seed, epoch, qid). */
import { describe, expect, it } from "vitest";
import { DEFAULT_KD_NEGATIVES, sampleCandidateLists, sampleCandidates, type KdRecord } from "../src/index.js";

const negatives = Array.from({ length: 300 }, (_, i) => ({ docId: `n${i}`, score: -i / 10 }));
const record: KdRecord = { queryId: "q1", positives: [{ docId: "p1", score: 9 }, { docId: "p2", score: 8 }], negatives };

describe("sampleCandidates", () => {
  it("puts one positive first, then n distinct negatives with their teacher scores (default n = 127)", () => {
    const list = sampleCandidates(record, { seed: 1 });
    expect(DEFAULT_KD_NEGATIVES).toBe(127);
    expect(list.docIds).toHaveLength(128);
    expect(["p1", "p2"]).toContain(list.docIds[0]);
    expect(new Set(list.docIds.slice(1)).size).toBe(127);
    const scoreOf = new Map([...record.positives, ...negatives].map((d) => [d.docId, d.score]));
    expect(list.scores).toEqual(list.docIds.map((id) => scoreOf.get(id)));
  });

  it("is a function of (seed, epoch, query id)", () => {
    const a = sampleCandidates(record, { seed: 1, negatives: 7 });
    expect(sampleCandidates(record, { seed: 1, negatives: 7 })).toEqual(a);
    expect(sampleCandidates(record, { seed: 2, negatives: 7 }).docIds).not.toEqual(a.docIds);
    expect(sampleCandidates(record, { seed: 1, negatives: 7, epoch: 1 }).docIds).not.toEqual(a.docIds);
    expect(sampleCandidates({ ...record, queryId: "q2" }, { seed: 1, negatives: 7 }).docIds).not.toEqual(a.docIds);
    // both positives get drawn across epochs
    const firsts = new Set(Array.from({ length: 20 }, (_, epoch) => sampleCandidates(record, { seed: 1, negatives: 1, epoch }).docIds[0]));
    expect(firsts).toEqual(new Set(["p1", "p2"]));
  });

  it("cycles through a short pool (SimLM's modulo slicing), or refuses it", () => {
    const short: KdRecord = { queryId: "q", positives: [{ docId: "p", score: 1 }], negatives: negatives.slice(0, 3) };
    const list = sampleCandidates(short, { seed: 0, negatives: 7 });
    expect(list.docIds).toHaveLength(8);
    expect(new Set(list.docIds.slice(1))).toEqual(new Set(["n0", "n1", "n2"]));
    expect(list.docIds.slice(4)).toEqual([...list.docIds.slice(1, 4), list.docIds[1]]);
    expect(() => sampleCandidates(short, { seed: 0, negatives: 7, short: "error" })).toThrow(/query "q" has 3 scored negatives, fewer than the 7 asked for/);
    expect(() => sampleCandidates({ ...short, negatives: [] }, { seed: 0, negatives: 1 })).toThrow(/has no negatives/);
    expect(sampleCandidates({ ...short, negatives: [] }, { seed: 0, negatives: 0 }).docIds).toEqual(["p"]);
  });

  it("maps over records", () => {
    expect(sampleCandidateLists([record, { ...record, queryId: "q2" }], { seed: 3, negatives: 2 }).map((l) => l.queryId)).toEqual(["q1", "q2"]);
  });
});
