/**
 * The cross-encoder system's training (`trainCrossEncoderSystem`, what its train stage runs) on the
 * tiny collection: bit for bit the checkpoint, training log and re-ranked scores of the code
 * before the optimizer settings were shared and checkpoints added (sha256 recorded with that
 * code); the training state kept in the work folder, so a run that crashes in the middle of
 * training resumes from its last checkpoint there and ends with exactly those files; new
 * optimizer settings reach training (LAMB changes the model).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { resolveDataset, type Collection, type Qrels, type Query, type Run } from "@i3/data";
import { bm25Run, buildIndex } from "@i3/search";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunSettings } from "../src/config/run-settings.js";
import { rerankWithCrossEncoder, trainCrossEncoderSystem } from "../src/systems/cross-encoder/model.js";
import { crossEncoderSettings } from "../src/systems/cross-encoder/settings.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

let collection: Collection;
let train: { queries: Query[]; qrels: Qrels; firstStage: Run };
let test: { queries: Query[]; firstStage: Run };

beforeAll(async () => {
  collection = await resolveDataset(`local:${await writeTinyCollection()}`, { datasetsDir: await tempDir("i3-datasets-") });
  const index = await buildIndex(collection.corpus());
  const [trainQueries, testQueries] = [await collection.queries("train"), await collection.queries("test")];
  train = { queries: trainQueries, qrels: await collection.qrels("train"), firstStage: bm25Run(index, trainQueries, { k: 20 }) };
  test = { queries: testQueries, firstStage: bm25Run(index, testQueries, { k: 20 }) };
});

/** The tiny system: 1 x 16 from scratch, 1 positive + 3 of BM25's top 10, 4 queries per step. */
const system = {
  kind: "cross-encoder",
  negatives: { depth: 10, perQuery: 3 },
  tokenizer: { vocabSize: 200 },
  model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1 }, maxLength: 24 },
} as const;

const run = { dataset: "tiny", splits: { train: "train", dev: "dev", test: "test" }, seed: 7, device: "js", evaluation: {} } as unknown as RunSettings;

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/**
 * Trains the system with `settings` (over the tiny one) into fresh folders, or `workDir`; `log`
 * gets the training's lines. Returns the sha256 of the saved weights, of the training log and of
 * the test queries' re-ranked run (BM25's top 5), with the folders.
 */
async function trainAndRerank(settings: object, opts: { workDir?: string; log?: (message: string) => void } = {}) {
  const outDir = await tempDir("i3-ce-out-");
  const workDir = opts.workDir ?? (await tempDir("i3-ce-work-"));
  await trainCrossEncoderSystem({ settings: crossEncoderSettings.parse({ ...system, ...settings }), run, collection, ...train, outDir, workDir, log: opts.log ?? (() => {}) });
  const reranked = await rerankWithCrossEncoder({ checkpointDir: join(outDir, "checkpoint"), device: "js", inference: "tfjs", collection, ...test, depth: 5, maxLength: 24, batchSize: 4, log: () => {} });
  return {
    weights: sha(await readFile(join(outDir, "checkpoint", "model.safetensors"))),
    log: sha(await readFile(join(outDir, "training-log.jsonl"))),
    scores: sha(JSON.stringify([...reranked.run].map(([qid, docs]) => [qid, [...docs]]))),
    workDir,
  };
}

describe("the cross-encoder system's training", () => {
  it("gives, bit for bit, the checkpoint, training log and scores of the code before the shared optimizer settings", async () => {
    // Recorded at d8f5c89 (trainCrossEncoder with its own AdamW options and linear schedule, no
    // checkpoints) on the js device: 9 steps, the system's default optimizer (lr 1e-3).
    const { workDir: _workDir, ...result } = await trainAndRerank({ train: { epochs: 3, batchSize: 4 } });
    expect(result).toEqual({
      weights: "0cca809c222174c9dcc391c721f9716a4b65754ae3326b559f9e27a4b27ef584",
      log: "9c30187e09caa685b2f7abd96730fd59b2acbaea65288ce41dcb07d0546a0c88",
      scores: "84ac25d3d78296ab223f067bd0d819ab391d4319413bf9028a089d469d289885",
    });
  });

  it("keeps its state in the work folder: crashed after step 20, it resumes from step 18 and ends with the uninterrupted run's files", async () => {
    // 24 steps (8 epochs of 3 batches), a checkpoint every 3. The system logs every 20th step
    // from training's step hook; throwing there is a crash after step 20, before its checkpoint.
    const settings = { optimizer: { clipNorm: 1 }, train: { epochs: 8, batchSize: 4, checkpointEverySteps: 3 } };
    const uninterrupted = await trainAndRerank(settings);
    const workDir = await tempDir("i3-ce-work-");
    const crash = (message: string) => {
      if (message.startsWith("step 20 ")) throw new Error("simulated crash after step 20");
    };
    await expect(trainAndRerank(settings, { workDir, log: crash })).rejects.toThrow(/simulated crash/);
    const phaseDir = join(workDir, "checkpoints", "0-queries");
    expect(existsSync(join(workDir, "checkpoints", "training.json"))).toBe(true);
    expect((await readdir(phaseDir)).filter((n) => n.startsWith("step-"))).toEqual(["step-00000018"]);
    const lines: string[] = [];
    const resumed = await trainAndRerank(settings, { workDir, log: (m) => lines.push(m) });
    expect(lines).toContain("resuming from phase queries (1 of 1) step 18");
    expect({ ...resumed, workDir: undefined }).toEqual({ ...uninterrupted, workDir: undefined });
  });

  it("trains with the optimizer settings it is given (LAMB: another model)", async () => {
    const adamw = await trainAndRerank({ train: { epochs: 1, batchSize: 4 } });
    const lamb = await trainAndRerank({ optimizer: { kind: "lamb" }, train: { epochs: 1, batchSize: 4 } });
    expect(lamb.weights).not.toBe(adamw.weights);
    const config = JSON.parse(await readFile(join(lamb.workDir, "checkpoints", "training.json"), "utf8")) as { settings: { optimizer: object } };
    expect(config.settings.optimizer).toEqual({ kind: "lamb", lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 });
  });
});
