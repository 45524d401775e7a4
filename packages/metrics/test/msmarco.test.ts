import { existsSync } from "node:fs";
import { join } from "node:path";
import { datasetFolder, loadQrels } from "@i3/data";
import { describe, expect, it } from "vitest";
import { evaluate, msmarcoMrr10, qrelsPairs, Xoshiro128 } from "../src/index.js";
import type { Run } from "../src/index.js";

// MS MARCO's official dev qrels, found through the datasets registry (env I3_DATASETS_PATH).
const msmarco = datasetFolder("msmarco-passage");
const DEV_QRELS = msmarco === undefined ? undefined : join(msmarco, "official-format", "qrels.dev.small.tsv");
const hasDev = DEV_QRELS !== undefined && existsSync(DEV_QRELS);
if (!hasDev) console.warn("MS MARCO dev qrels test skipped: no msmarco-passage/official-format/qrels.dev.small.tsv in a folder of env I3_DATASETS_PATH");

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

describe.skipIf(!hasDev)("msmarcoMrr10 on the real qrels.dev.small.tsv", () => {
  it("equals RR@10 averaged over all qrels queries (-c) when grades are 1 and ranks follow scores", async () => {
    const qrels = await loadQrels(DEV_QRELS!);
    expect(qrels.size).toBe(6980);
    const rng = new Xoshiro128(3);
    const ranks = new Map<string, Map<string, number>>();
    const scores: Run = new Map();
    let q = 0;
    for (const [qid, judged] of qrels) {
      if (q++ % 5 === 4) continue; // some qrels queries are not ranked at all
      const relevant = [...judged.keys()];
      const ranking = Array.from({ length: 30 }, (_, i) => `x${qid}-${i}`);
      if (rng.nextFloat() < 0.6) ranking[rng.nextUint32() % 30] = relevant[rng.nextUint32() % relevant.length]!;
      ranks.set(qid, new Map(ranking.map((pid, i) => [pid, i + 1])));
      scores.set(qid, new Map(ranking.map((pid, i) => [pid, 100 - i])));
    }
    const official = msmarcoMrr10(qrelsPairs(qrels), ranks);
    const trec = evaluate(qrels, scores, ["RR@10"], { allQueries: true });
    expect(official.queriesInQrels).toBe(6980);
    // expected about 0.8 * 0.6 * (1 + 1/2 + ... + 1/10) / 30 = 0.047
    expect(official.mrr10).toBeGreaterThan(0.03);
    expect(official.mrr10).toBeCloseTo(trec.aggregate.get("RR@10")!, 12);
  });
});
