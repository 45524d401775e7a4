/**
 * Hand-checked cases on real Cranfield judgments (grades 1-5, 5 = most relevant) from
 * Cranfield 1400 in BEIR layout with a `qrels_trec/` copy (a `cranfield/` folder in one of the
 * folders of env I3_DATASETS_PATH), with small hand-made rankings; skipped with a message otherwise.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../src/index.js";
import type { Run } from "../src/index.js";
import { datasetFolder, loadQrels } from "@i3/data";
import type { Qrels } from "../src/index.js";

const cranfield = datasetFolder("beir/cranfield");
const QRELS = cranfield === undefined ? "" : join(cranfield, "qrels_trec", "test.txt");
const present = cranfield !== undefined && existsSync(QRELS);
if (!present) console.warn("Cranfield tests skipped: no cranfield/qrels_trec/test.txt in a folder of env I3_DATASETS_PATH");

describe.skipIf(!present)("Cranfield (grades 1-5), by hand", () => {
  let qrels: Qrels = new Map();
  beforeAll(async () => {
    qrels = await loadQrels(QRELS);
  });

  it("query 3: judged 485 (5) and eight docs of grade 2", () => {
    expect(qrels.get("3")).toEqual(
      new Map([["485", 5], ["119", 2], ["144", 2], ["181", 2], ["399", 2], ["5", 2], ["6", 2], ["90", 2], ["91", 2]]),
    );
    // ranks: 1 doc5 (2), 2 doc485 (5), 3 doc7 (unjudged), 4 doc119 (2), 5 doc1 (unjudged), 6 doc90 (2)
    const run: Run = new Map([["3", new Map([["5", 10], ["485", 9], ["7", 8], ["119", 7], ["1", 6], ["90", 5]])]]);
    const ev = evaluate(qrels, run, ["nDCG@5", "AP", "AP(rel=5)", "P@5", "RR(rel=5)", "R@5"]);
    const v = (n: string) => ev.aggregate.get(n)!;
    // DCG@5 = 2 + 5/log2(3) + 2/log2(5); IDCG@5 = 5 + 2/log2(3) + 2/2 + 2/log2(5) + 2/log2(6)
    expect(v("nDCG@5")).toBeCloseTo(0.6761894088755342, 12);
    expect(v("AP")).toBeCloseTo((1 + 1 + 3 / 4 + 4 / 6) / 9, 12);
    expect(v("AP(rel=5)")).toBeCloseTo(0.5, 12);
    expect(v("P@5")).toBeCloseTo(0.6, 12);
    expect(v("RR(rel=5)")).toBeCloseTo(0.5, 12);
    expect(v("R@5")).toBeCloseTo(3 / 9, 12);
  });

  it("query 2: tied scores are broken by doc id descending as strings ('15' before '102')", () => {
    expect(qrels.get("2")!.get("15")).toBe(3);
    expect(qrels.get("2")!.get("102")).toBe(2);
    const run: Run = new Map([["2", new Map([["102", 1], ["15", 1]])]]);
    // string order: 15 (3), 102 (2): DCG@2 = 3 + 2/log2(3); IDCG@2 = 5 + 4/log2(3) (486 is 5, 12 and 746 are 4)
    const got = evaluate(qrels, run, ["nDCG@2"]).aggregate.get("nDCG@2")!;
    expect(got).toBeCloseTo(0.566456495657349, 12);
    // numeric order (102 first) would give (2 + 3/log2(3)) / (5 + 4/log2(3)) = 0.5174
    expect(got).not.toBeCloseTo((2 + 3 / Math.log2(3)) / (5 + 4 / Math.log2(3)), 3);
  });
});
