/**
 * The settings that let a run train I3 as its reference code does (issue 18), on a small slice
 * of the embedded default collection (tiny models; no effectiveness claims):
 * - `negatives.schedule: "strided"` picks `pool[e mod interval :: interval][:n]` (hand-computed);
 * - `optimizer.kind: "lamb"` and `optimizer.schedule: "constant"` reach `@i3/train`;
 * - `losses.reconstruction.targets`: `pseudo-queries` reconstructs for every passage ("what"
 *   when it has no pseudo-query), absent ignores passages without a target, `training-queries`
 *   uses the judged passages' training queries even when pseudo-queries are given;
 * - `optimizer.mlmHeadLr: "backbone"` puts the MLM head in its own group at the backbone's lr;
 * - `model.init` naming an I3 checkpoint restores every I3 weight bit for bit.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, type Collection, type TrainingBatch } from "@i3/data";
import { initBackend, tf, type BackendInfo } from "@i3/encoders";
import { firstRelevantQueries } from "@i3/pseudoquery";
import { readJsonl } from "@i3/train";
import { runBm25OnCollection } from "@i3/search";
import { i3SettingsSchema, saveI3Checkpoint, trainDualEncoder, trainI3, trainingIdentity, trainPhase, type I3SettingsInput, type OptimizerSettings, type PhaseStep } from "../src/index.js";
import { firstPassages, tempRoot } from "./helpers.js";

const root = tempRoot("i3-reference-settings-");
const quiet = () => {};
let backend: BackendInfo;
let collection: Collection;
let firstStageTrainRun: Awaited<ReturnType<typeof runBm25OnCollection>>;

const tiny: I3SettingsInput = {
  tokenizer: { vocabSize: 400 },
  model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, queryMaxLength: 12, passageMaxLength: 24 },
  losses: { reconstruction: { weight: 1 } },
  train: { batchSize: 16, epochs: 1, warmupEpochs: 0 },
  i3: { slots: 6 },
};

beforeAll(async () => {
  backend = await initBackend({ device: "wasm" });
  collection = firstPassages(await resolveDataset("default"), 120);
  firstStageTrainRun = await runBm25OnCollection(collection, "train", { k: 20, indexDir: join(root, "bm25") });
});

const optimizer = (over: Partial<OptimizerSettings> = {}): OptimizerSettings => ({ lr: 0.01, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupRatio: 0, ...over });

/** Runs trainPhase on two queries with 10-passage pools (batch 1, 3 negatives): the picks per epoch of q1 and the steps. */
async function phaseRun(settings: { schedule?: "random" | "strided" | "tevatron"; optimizer: OptimizerSettings; logFile: string }) {
  const pool = (q: string) => Array.from({ length: 10 }, (_, i) => `${q}-n${i + 1}`);
  const ids = ["q1-pos", "q2-pos", ...pool("q1"), ...pool("q2")];
  const picks = new Map<number, string[]>();
  const steps: PhaseStep[] = [];
  const w = tf.variable(tf.tensor1d([0.5, -0.25]), true, "w");
  await trainPhase({
    phase: {
      name: "queries",
      qrels: new Map([["q1", new Map([["q1-pos", 1]])], ["q2", new Map([["q2-pos", 1]])]]),
      negatives: new Map([["q1", pool("q1")], ["q2", pool("q2")]]),
      queries: ["q1", "q2"],
      queryTokens: () => Int32Array.of(1, 5, 2),
      epochs: 4,
    },
    batching: { perQuery: 3, batchSize: 1, ...(settings.schedule !== undefined ? { schedule: settings.schedule } : {}) },
    optimizer: settings.optimizer,
    seed: 7,
    corpusIds: ids,
    passageTokens: () => Int32Array.of(1, 6, 2),
    groups: [{ name: "all", params: [{ name: "w", variable: w }], lr: settings.optimizer.lr }],
    lossFn: (batch: TrainingBatch) => {
      if (batch.qids[0] === "q1") picks.set(batch.epoch, batch.passageIds.slice(1));
      return tf.sum(tf.square(w)) as tf.Scalar;
    },
    backend,
    logFile: settings.logFile,
    steps,
    log: quiet,
    describe: () => "",
  });
  w.dispose();
  return { picks, steps };
}

describe("negatives.schedule and the optimizer settings reach training", () => {
  it('strided: epoch e takes pool[e mod 3 :: 3][:3] of the 10 candidates (interval floor(10 / 3) = 3), as the reference', async () => {
    const { picks } = await phaseRun({ schedule: "strided", optimizer: optimizer(), logFile: join(root, "strided.jsonl") });
    expect([...picks]).toEqual([
      [0, ["q1-n1", "q1-n4", "q1-n7"]],
      [1, ["q1-n2", "q1-n5", "q1-n8"]],
      [2, ["q1-n3", "q1-n6", "q1-n9"]],
      [3, ["q1-n1", "q1-n4", "q1-n7"]],
    ]);
    // absent = the seeded random schedule (as before the setting existed)
    const random = await phaseRun({ optimizer: optimizer(), logFile: join(root, "random.jsonl") });
    const explicit = await phaseRun({ schedule: "random", optimizer: optimizer(), logFile: join(root, "random2.jsonl") });
    expect([...random.picks]).toEqual([...explicit.picks]);
    expect([...random.picks]).not.toEqual([...picks]);
  });

  it('optimizer.kind "lamb" trains with LAMB; schedule "constant" keeps the lr after the warm-up, absent decays it linearly', async () => {
    const constant = await phaseRun({ optimizer: optimizer({ kind: "lamb", schedule: "constant" }), logFile: join(root, "lamb.jsonl") });
    expect(constant.steps.map((s) => s.lr["all"])).toEqual(Array(8).fill(0.01));
    expect(readJsonl(join(root, "lamb.jsonl"))[0]).toMatchObject({ event: "start", optimizer: "lamb" });
    const warm = await phaseRun({ optimizer: optimizer({ schedule: "constant", warmupRatio: 0.25 }), logFile: join(root, "warm.jsonl") });
    expect(warm.steps.map((s) => s.lr["all"])).toEqual([0, 0.005, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
    expect(readJsonl(join(root, "warm.jsonl"))[0]!["optimizer"]).toBeUndefined(); // AdamW, logged as before
    const linear = await phaseRun({ optimizer: optimizer(), logFile: join(root, "linear.jsonl") });
    expect(linear.steps.map((s) => s.lr["all"])).toEqual([8, 7, 6, 5, 4, 3, 2, 1].map((k) => (0.01 * k) / 8));
  });
});

describe("I3 reconstruction targets and the MLM head's group", () => {
  const run = async (name: string, settings: I3SettingsInput, targets?: Map<string, string>) => {
    const logs: string[] = [];
    const trained = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 3, device: "wasm", workDir: join(root, name), log: (m) => logs.push(m), settings, ...(targets ? { targets } : {}) });
    trained.model.dispose();
    return { steps: trained.steps, logs };
  };
  const withTargets = (targets: "training-queries" | "pseudo-queries" | undefined): I3SettingsInput => ({
    ...tiny,
    losses: { reconstruction: { weight: 1, ...(targets !== undefined ? { targets } : {}) } },
  });
  // pseudo-queries for no passage of the collection
  const none = new Map([["not-a-passage", "nothing here"]]);

  it('pseudo-queries: every passage of every group reconstructs (its text, else "what"); absent: passages without a target add nothing', async () => {
    const reference = await run("targets-pseudo", withTargets("pseudo-queries"), none);
    for (const s of reference.steps) expect(s.metrics?.reconstruction).toBeGreaterThan(0);
    const absent = await run("targets-absent", withTargets(undefined), none);
    for (const s of absent.steps) expect(s.metrics?.reconstruction).toBe(0);
    await expect(run("targets-missing", withTargets("pseudo-queries"))).rejects.toThrow(/targets "pseudo-queries" needs pseudo-query targets/);
  }, 120_000);

  it("training-queries: the judged passages' training queries even when pseudo-queries are given", async () => {
    const judged = (await firstRelevantQueries(collection, "train")).size;
    const { logs } = await run("targets-training", withTargets("training-queries"), none);
    expect(logs.some((l) => l.startsWith("queries") && l.includes(`${judged} passages with targets`))).toBe(true);
  }, 120_000);

  it('mlmHeadLr "backbone": the MLM head trains in group mlm-head at the backbone lr (the reference\'s \'head\' in name); absent: with the heads', async () => {
    const settings: I3SettingsInput = { ...tiny, optimizer: { headLrMultiplier: 50, mlmHeadLr: "backbone" } };
    const { steps } = await run("mlm-backbone", settings);
    const last = steps.at(-1)!;
    expect(Object.keys(last.lr).sort()).toEqual(["backbone", "heads", "mlm-head"]);
    expect(last.lr["mlm-head"]).toBe(last.lr["backbone"]);
    expect(last.lr["heads"]).toBeCloseTo(50 * last.lr["backbone"]!, 12);
    const start = readJsonl(join(root, "mlm-backbone", "train-queries.jsonl"))[0] as { groups: { name: string; params: number }[] };
    // the untied MLM head's 6 tensors: transform dense (2), LayerNorm (2), decoder weight, bias
    expect(start.groups.find((g) => g.name === "mlm-head")!.params).toBe(6);
    const absent = await run("mlm-heads", { ...tiny, optimizer: { headLrMultiplier: 50 } });
    expect(Object.keys(absent.steps.at(-1)!.lr).sort()).toEqual(["backbone", "heads"]);
  }, 120_000);
});

describe("warm start from an I3 checkpoint (model.init)", () => {
  const bits = (model: { namedParameters(): { name: string; variable: tf.Variable }[] }) =>
    new Map(model.namedParameters().map((p) => [p.name, Buffer.from((p.variable.dataSync() as Float32Array).buffer).toString("hex")]));

  it("restores every I3 weight bit for bit (towers and heads, whatever the seed); other heads are refused", async () => {
    const base = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 5, device: "wasm", workDir: join(root, "warm-base"), log: quiet, settings: tiny });
    // move every weight off anything a seed could produce
    for (const p of base.model.namedParameters()) tf.tidy(() => p.variable.assign(tf.add(p.variable, 0.125)));
    const dir = join(root, "warm-ckpt");
    await saveI3Checkpoint(dir, base);
    const expected = bits(base.model);
    base.model.dispose();

    const settings: I3SettingsInput = { ...tiny, tokenizer: { kind: "hf" }, model: { ...tiny.model, init: dir }, train: { epochs: 0, warmupEpochs: 0 } };
    const logs: string[] = [];
    const started = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 77, device: "wasm", workDir: join(root, "warm-start"), log: (m) => logs.push(m), settings });
    expect(bits(started.model)).toEqual(expected);
    expect([...expected.keys()].some((n) => n.startsWith("c_head.")) && [...expected.keys()].some((n) => n.startsWith("d_head."))).toBe(true);
    expect(logs.some((l) => l.includes(`continuing from the I3 checkpoint ${dir}`))).toBe(true);
    started.model.dispose();

    // it trains on from there
    const continued = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 77, device: "wasm", workDir: join(root, "warm-train"), log: quiet, settings: { ...settings, train: { ...tiny.train } } });
    expect(continued.steps.length).toBeGreaterThan(0);
    expect(bits(continued.model)).not.toEqual(expected);
    continued.model.dispose();

    await expect(trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 1, device: "wasm", workDir: join(root, "warm-bad"), log: quiet, settings: { ...settings, i3: { slots: 6, interactor: { layers: 2 } } } })).rejects.toThrow(
      /model.init: the I3 checkpoint .* does not match the settings: its I3 heads are .*"layers":1.*the settings say .*"layers":2/,
    );
    await expect(trainDualEncoder({ collection, trainSplit: "train", firstStageTrainRun, seed: 1, device: "wasm", workDir: join(root, "warm-de"), log: quiet, settings: { tokenizer: { kind: "hf" }, model: { init: dir }, train: { epochs: 0, warmupEpochs: 0 } } })).rejects.toThrow(
      /is an I3 retriever checkpoint; only an I3 system continues from one/,
    );
  }, 180_000);
});

describe('reconstructor.memory "pooled" (formerly "cls")', () => {
  it("a training interrupted before the rename keeps its identity, so it resumes", async () => {
    const identity = (memory: "pooled" | "tokens") =>
      trainingIdentity({
        trainer: "i3",
        seed: 1,
        trainSplit: "train",
        settings: i3SettingsSchema.parse({ i3: { reconstructor: { memory } } }),
        backend: "wasm",
        collection: { fingerprint: async () => "collection" } as unknown as Collection,
        tokenizer: { fingerprint: "tokenizer" } as never,
        phases: [],
      });
    expect(await identity("pooled")).toMatchObject({ settings: { i3: { reconstructor: { memory: "cls" } } } });
    expect(await identity("tokens")).toMatchObject({ settings: { i3: { reconstructor: { memory: "tokens" } } } });
  });
});
