/**
 * The `rrf` system (the add-a-system how-to's example): it fuses other systems' runs as
 * `@i3/metrics`' reciprocal rank fusion does, is planned after the runs it reads, and its
 * references are checked when the config loads.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadQrels, loadTrecRun } from "@i3/data";
import { evaluate, rrf } from "@i3/metrics";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
beforeAll(async () => {
  collectionDir = await writeTinyCollection();
});

describe("rrf system", () => {
  it("writes the reciprocal rank fusion of the runs it names, evaluated like any system", async () => {
    const config: ExperimentInput = {
      name: "hybrid",
      dataset: `local:${collectionDir}`,
      systems: {
        bm25: { kind: "bm25" },
        flat: { kind: "bm25", k1: 2.0, b: 0 },
        hybrid: { kind: "rrf", fuse: ["bm25", "flat"], k: 10, depth: 5 },
      },
      evaluation: { measures: ["nDCG@10", "AP"] },
    };
    const result = await runExperiment(config, { runsDir: await tempDir(), datasetsDir: await tempDir(), quiet: true });
    expect(result.stages.map((s) => s.id)).toEqual([
      "data",
      "bm25/retrieve:test",
      "bm25/evaluate:test",
      "flat/retrieve:test",
      "flat/evaluate:test",
      "hybrid/fuse:test",
      "hybrid/evaluate:test",
    ]);
    const run = async (system: string) => loadTrecRun(join(result.runDir, "runs", `${system}-test.trec`));
    const [a, b, fused] = await Promise.all([run("bm25"), run("flat"), run("hybrid")]);
    const expected = rrf([a, b], { k: 10, depth: 5 });
    for (const [qid, docs] of fused) {
      expect(docs.size).toBeLessThanOrEqual(5);
      for (const [doc, score] of docs) expect(score).toBeCloseTo(expected.get(qid)!.get(doc)!, 12);
    }
    // Every fused document of a query scores at least as high as every document it left out.
    for (const [qid, docs] of expected) {
      const kept = Math.min(...fused.get(qid)!.values());
      for (const [doc, score] of docs) if (!fused.get(qid)!.has(doc)) expect(score).toBeLessThanOrEqual(kept);
    }
    const qrels = await loadQrels(join(collectionDir, "qrels", "test.tsv"));
    expect(result.metrics.splits["test"]!.systems["hybrid"]!.aggregate["AP"]).toBeCloseTo(evaluate(qrels, fused, ["AP"]).aggregate.get("AP")!, 12);
  });

  it("refuses to fuse systems the config does not have, or fewer than two", () => {
    expect(() => parseExperiment({ name: "x", systems: { bm25: { kind: "bm25" }, hybrid: { kind: "rrf", fuse: ["bm25", "dense"] } } })).toThrow(
      'config error at systems.hybrid.fuse.1: names system "dense", which is not one of systems [bm25, hybrid]',
    );
    expect(() => parseExperiment({ name: "x", systems: { bm25: { kind: "bm25" }, hybrid: { kind: "rrf", fuse: ["bm25"] } } })).toThrow(
      "config error at systems.hybrid.fuse: fuse at least two systems",
    );
  });
});
