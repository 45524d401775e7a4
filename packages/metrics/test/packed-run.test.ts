/**
 * A packed run evaluates exactly as the same run in Maps: every measure, per query, under every
 * option, on seeded random runs with heavy score ties, -0, graded and negative judgments,
 * self-hits and ids whose UTF-8 byte order differs from JavaScript's UTF-16 order.
 */
import { describe, expect, it } from "vitest";
import { evaluate, packRun, type EvaluateOptions, Xoshiro128 } from "../src/index.js";
import type { Qrels, Run } from "../src/index.js";

const MEASURES = ["AP", "AP@5", "nDCG", "nDCG@10", "RR", "RR@3", "P@5", "R@10", "Rprec", "Bpref", "Success@1", "Judged@10", "NumRet", "NumRel", "NumRelRet", "NumQ"];

/** A seeded run and qrels: 40 queries, up to 60 documents each, scores from 6 values (ties). */
function randomCase(seed: number): { run: Run; qrels: Qrels } {
  const rng = new Xoshiro128(seed);
  // U+FF5E (3 UTF-8 bytes) sorts below U+1F600 (4 bytes) in C strcmp, above it in UTF-16 order.
  const names = ["a", "b", "ab", "é", "\uff5e", "\u{1F600}", "z9", "Z", "10", "9", ""];
  const id = (i: number) => `${names[i % names.length]}${Math.floor(i / names.length)}`;
  const run: Run = new Map();
  const qrels: Qrels = new Map();
  for (let q = 0; q < 40; q++) {
    const qid = `q${q}`;
    const docs = new Map<string, number>();
    const n = rng.nextUint32() % 60;
    for (let d = 0; d < n; d++) docs.set(id(rng.nextUint32() % 80), [0, -0, 1, 2.5, -3, 7][rng.nextUint32() % 6]!);
    if (q % 5 === 0) docs.set(qid, 9); // a self-hit
    if (q % 7 !== 3) run.set(qid, docs);
    const judged = new Map<string, number>();
    for (let j = rng.nextUint32() % 12; j > 0; j--) judged.set(id(rng.nextUint32() % 80), (rng.nextUint32() % 5) - 1);
    if (q % 5 === 0) judged.set(qid, 2);
    if (judged.size > 0) qrels.set(qid, judged);
  }
  run.set("only-in-run", new Map([["a0", 1]]));
  return { run, qrels };
}

const OPTIONS: EvaluateOptions[] = [{}, { allQueries: true }, { relevanceLevel: 2 }, { depth: 7 }, { removeSelfHits: true, allQueries: true, depth: 20 }];

describe("packed runs", () => {
  it("evaluate gives the Map run's values, per query and aggregate, under every option", () => {
    for (const seed of [1, 2, 3]) {
      const { run, qrels } = randomCase(seed);
      const packed = packRun(run);
      for (const options of OPTIONS) {
        const fromMaps = evaluate(qrels, run, MEASURES, options);
        const fromPacked = evaluate(qrels, packed, MEASURES, options);
        expect(fromPacked.queries).toEqual(fromMaps.queries);
        expect(fromPacked.missing).toEqual(fromMaps.missing);
        expect(fromPacked.perQuery).toEqual(fromMaps.perQuery);
        expect(fromPacked.aggregate).toEqual(fromMaps.aggregate);
      }
    }
  });

  it("ranks ties by id descending in C strcmp order (UTF-8 bytes), as the Map path does", () => {
    // Tied scores: strcmp order descending is U+1F600 (f0 9f ...) > U+FF5E (ef bd be) > "b".
    const run: Run = new Map([["q", new Map([["b", 1], ["\uff5e", 1], ["\u{1F600}", 1]])]]);
    for (const [relevant, rank] of [["\u{1F600}", 1], ["\uff5e", 2], ["b", 3]] as const) {
      const qrels: Qrels = new Map([["q", new Map([[relevant, 1]])]]);
      expect(evaluate(qrels, packRun(run), ["RR"]).aggregate.get("RR")).toBe(1 / rank);
      expect(evaluate(qrels, run, ["RR"]).aggregate.get("RR")).toBe(1 / rank);
    }
  });

  it("packRun lays out queries and documents in map order; NaN scores are refused as in Maps", () => {
    const packed = packRun(new Map([["q2", new Map([["dé", 1]])], ["q1", new Map([["x", 2], ["y", 3]])]]));
    expect(packed.qids).toEqual(["q2", "q1"]);
    expect([...packed.queryStart]).toEqual([0, 1, 3]);
    expect([...packed.scores]).toEqual([1, 2, 3]);
    expect([...packed.idStart]).toEqual([0, 3, 4, 5]);
    expect(new TextDecoder().decode(packed.idBytes)).toBe("déxy");
    const nan: Run = new Map([["q", new Map([["d", Number.NaN]])]]);
    const qrels: Qrels = new Map([["q", new Map([["d", 1]])]]);
    expect(() => evaluate(qrels, packRun(nan), ["AP"])).toThrow("run: query q, document d: score is NaN");
    expect(() => evaluate(qrels, nan, ["AP"])).toThrow("run: query q, document d: score is NaN");
  });
});
