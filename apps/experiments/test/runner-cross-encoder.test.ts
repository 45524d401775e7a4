/**
 * The cross-encoder system on the tiny collection: trained on BM25's train-split negatives, it
 * re-ranks BM25's top k on test (the run holds exactly those documents, scored by the saved
 * checkpoint: re-scoring them with `@i3/distill`'s cross-encoder teacher gives the same numbers),
 * a second run is served from the cache, and a dual-encoder distils from it
 * (`teacher: { kind: "cross-encoder", system }`); config errors of bad references.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { loadTrecRun, rankDocuments, resolveDataset } from "@i3/data";
import { loadCrossEncoderTeacher } from "@i3/distill";
import { tf } from "@i3/encoders";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { tempDir, tinyCrossEncoder, tinyRerankerConfig, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

const ce = tinyCrossEncoder(1, 2);

function config(systems: Record<string, unknown>): ExperimentInput {
  return tinyRerankerConfig("tiny-ce", collectionDir, systems);
}

const cacheDir = (result: RunResult, id: string) => {
  const stage = result.stages.find((s) => s.id === id)!;
  return join(opts.runsDir!, ".cache", stage.stage, stage.hash);
};

describe("runner: the cross-encoder system", () => {
  it("trains, re-ranks BM25's top k with the saved checkpoint, is cached, and teaches a dual-encoder", async () => {
    const input = config({
      ce,
      "de-ce": {
        kind: "dual-encoder",
        tokenizer: { vocabSize: 200 },
        model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, queryMaxLength: 8, passageMaxLength: 16 },
        negatives: { toRank: 20 },
        train: { epochs: 1, warmupEpochs: 0, batchSize: 8 },
        losses: { marginMse: { weight: 1 } },
        distillation: { teacher: { kind: "cross-encoder", system: "ce" }, negatives: 3, depth: 10 },
      },
    });
    const first = await runExperiment(input, opts);
    const ids = first.stages.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["ce/train", "ce/rerank:test", "ce/evaluate:test", "de-ce/teacher-scores", "de-ce/train"]));
    // The teacher-scores stage runs after the cross-encoder's training.
    expect(ids.indexOf("de-ce/teacher-scores")).toBeGreaterThan(ids.indexOf("ce/train"));

    const reranked = await loadTrecRun(join(cacheDir(first, "ce/rerank:test"), "run.trec"));
    const bm25 = await loadTrecRun(join(cacheDir(first, "bm25/retrieve:test"), "run.trec"));
    expect(reranked.size).toBe(bm25.size);
    const collection = await resolveDataset(`local:${collectionDir}`, { datasetsDir: opts.datasetsDir! });
    const passages = new Map<string, { id: string; title: string; text: string }>();
    for await (const p of collection.corpus()) passages.set(p.id, p);
    const queries = new Map((await collection.queries("test")).map((q) => [q.id, q]));
    const teacher = await loadCrossEncoderTeacher(join(cacheDir(first, "ce/train"), "checkpoint"), { maxLength: 24 });
    for (const [qid, docs] of reranked) {
      const top = rankDocuments(bm25.get(qid)!).slice(0, 5).map(([id]) => id);
      expect([...docs.keys()].sort()).toEqual([...top].sort());
      const again = await teacher.score(queries.get(qid)!, top.map((id) => passages.get(id)!));
      top.forEach((id, i) => expect(docs.get(id)).toBeCloseTo(again[i]!, 4));
    }
    await teacher.dispose();

    const second = await runExperiment(input, opts);
    for (const id of ["ce/train", "ce/rerank:test", "de-ce/teacher-scores", "de-ce/train"]) expect(second.stages.find((s) => s.id === id)!.cached).toBe(true);

    // A process whose first neural stage is teacher-scores (everything before it cached) scores on
    // the run's device, not on whatever backend tfjs happens to hold (here its plain-JS "cpu"):
    // the same kd_train.jsonl, byte for byte, as the first run, which scored after training on wasm.
    const scoresDir = cacheDir(first, "de-ce/teacher-scores");
    const kdTrain = async (dir: string) => {
      const job = (await readdir(dir, { withFileTypes: true })).find((e) => e.isDirectory())!.name;
      return readFile(join(dir, job, "kd_train.jsonl"), "utf8");
    };
    const before = await kdTrain(scoresDir);
    await rm(scoresDir, { recursive: true });
    await tf.setBackend("cpu");
    const third = await runExperiment(input, opts);
    expect(third.stages.find((s) => s.id === "de-ce/teacher-scores")!.cached).toBe(false);
    expect(tf.getBackend()).toBe("wasm");
    expect(await kdTrain(scoresDir)).toBe(before);
  }, 600_000);

  it("config errors name the field", () => {
    const parse = (systems: Record<string, unknown>) => () => parseExperiment(config(systems));
    expect(parse({ ce: { ...ce, rerank: { from: "nope" } } })).toThrow(/systems\.ce.*rerank\.from/s);
    expect(parse({ ce: { ...ce, model: { init: "/x" } } })).toThrow(/systems\.ce\.tokenizer\.kind/);
    expect(parse({ ce: { ...ce, negatives: { perQuery: 0 } } })).toThrow(/systems\.ce\.negatives\.perQuery/);
    expect(
      parse({ ce, de: { kind: "dual-encoder", losses: { klDistillation: {} }, distillation: { teacher: { kind: "cross-encoder", system: "bm25" } } } }),
    ).toThrow(/distillation\.teacher\.system/);
  });
});
