/**
 * End-to-end check against the published BM25 baseline: BEIR SciFact, test split, BM25 flat
 * (Anserini, k1 = 0.9, b = 0.4): nDCG@10 0.6789, R@100 0.9253 (Pyserini two-click reproductions).
 * Needs SciFact in BEIR layout where the datasets registry finds it (a `scifact/` folder in one of
 * the folders of env I3_DATASETS_PATH, or `datasets/beir/scifact`); skipped with a message otherwise.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BeirCollection, datasetFolder } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { describe, expect, it } from "vitest";
import { runBm25OnCollection, type Bm25Progress } from "../src/index.js";

const scifactDir = datasetFolder("beir/scifact");
const present = scifactDir !== undefined && existsSync(join(scifactDir, "corpus.jsonl"));
if (!present) console.warn("SciFact BM25 test skipped: beir/scifact not found (put a folder holding scifact/ in env I3_DATASETS_PATH)");

describe.skipIf(!present)("BM25 on BEIR SciFact (test split)", () => {
  it("reproduces the published nDCG@10 and R@100, and reloads its persisted index", async () => {
    const collection = await BeirCollection.open(scifactDir!, "beir/scifact");
    const qrels = await collection.qrels("test");
    const indexDir = join(await mkdtemp(join(tmpdir(), "i3-scifact-")), "bm25");
    try {
      const stages = new Set<Bm25Progress["stage"]>();
      const run = await runBm25OnCollection(collection, "test", { indexDir, onProgress: (p) => stages.add(p.stage) });
      expect([...stages]).toEqual(["index", "save-index", "search"]);
      expect(run.size).toBe(300);
      for (const ranked of run.values()) expect(ranked.size).toBeLessThanOrEqual(1000);

      const scores = evaluate(qrels, run, ["nDCG@10", "R@100"]).aggregate;
      expect(Math.abs(scores.get("nDCG@10")! - 0.679)).toBeLessThan(0.01);
      expect(Math.abs(scores.get("R@100")! - 0.925)).toBeLessThan(0.01);

      // Second call loads the saved index and must give the very same run.
      stages.clear();
      const again = await runBm25OnCollection(collection, "test", { indexDir, onProgress: (p) => stages.add(p.stage) });
      expect([...stages]).toEqual(["load-index", "search"]);
      expect(again).toEqual(run);
    } finally {
      await rm(dirname(indexDir), { recursive: true, force: true });
    }
  });
});
