/**
 * trainCrossEncoder: the LCE loss formula, seeded groups, and a tiny model that learns to rank its
 * positives first; bit for bit the model the trainer gave before it took the shared optimizer
 * settings (checksums recorded with that code); those settings applied (the lr schedules by their
 * formulas, LAMB's first update by its trust ratio, clipping, betas and epsilon as the log records
 * them; a bad one named); a flat tensor count; checkpoints and resume: a run crashed three times
 * and resumed ends bit-identical to an uninterrupted one, and another run's folder is refused.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { encodePairs, passageText, trainWordPiece, type I3Tokenizer, type Passage } from "@i3/data";
import { CrossEncoder, encoderConfig, initBackend, tf } from "@i3/encoders";
import { localizedContrastiveLoss, sampleRerankerGroup, trainCrossEncoder, type CrossEncoderTrainingGroup, type PhaseStep, type TrainCrossEncoderInputs } from "../src/index.js";
import { tempRoot } from "./helpers.js";

const root = tempRoot("i3-cross-encoder-");

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("localizedContrastiveLoss", () => {
  it("is the mean over queries of -log softmax(group)[positive]", () => {
    const rows = [[2, 1, 0], [0, 3, -1]];
    const manual = rows.map((r) => -(r[0]! - Math.log(r.reduce((s, x) => s + Math.exp(x), 0))));
    expect(localizedContrastiveLoss(tf.tensor2d(rows)).dataSync()[0]).toBeCloseTo((manual[0]! + manual[1]!) / 2, 6);
    expect(() => localizedContrastiveLoss(tf.tensor2d([[1]]))).toThrow(/G >= 2/);
  });
});

describe("sampleRerankerGroup", () => {
  const group: CrossEncoderTrainingGroup = { query: { id: "q", text: "x" }, positives: ["p1", "p2"], negatives: ["n1", "n2", "n3", "n4", "n5"] };
  it("draws a positive then n distinct negatives, seeded per (seed, epoch, qid); cycles a short pool", () => {
    const g = sampleRerankerGroup(group, 3, 1, 0);
    expect(["p1", "p2"]).toContain(g[0]);
    expect(new Set(g.slice(1)).size).toBe(3);
    expect(sampleRerankerGroup(group, 3, 1, 0)).toEqual(g);
    expect(sampleRerankerGroup(group, 7, 1, 0).slice(6)).toEqual(sampleRerankerGroup(group, 7, 1, 0).slice(1, 3));
    expect(() => sampleRerankerGroup({ ...group, negatives: [] }, 3, 1, 0)).toThrow(/no hard negatives/);
  });
});

// Each query is a topic word; its positive is an answer about it, its negatives are filler
// (about it or other topics): a signal a tiny model picks up within a few steps.
const topics = ["apple", "river", "engine", "violin", "desert", "planet", "cotton", "bridge"];
const passages = new Map<string, Passage>();
topics.forEach((t, i) => {
  passages.set(`pos-${t}`, { id: `pos-${t}`, title: "", text: `${t} facts about the ${t} and more` });
  passages.set(`neg-${t}`, { id: `neg-${t}`, title: "", text: `buy cheap ${t} now click here ${topics[(i + 1) % topics.length]}` });
});
const groups: CrossEncoderTrainingGroup[] = topics.map((t) => ({
  query: { id: t, text: t },
  positives: [`pos-${t}`],
  negatives: topics.map((o) => `neg-${o}`),
}));

/** A fresh tiny cross-encoder (1 x 16, seed `modelSeed`) and its vocabulary. */
async function fresh(modelSeed = 3) {
  const tokenizer = await trainWordPiece([...passages.values()].map(passageText), { vocabSize: 200 });
  const config = encoderConfig({ vocabSize: tokenizer.vocabSize, layers: 1, hidden: 16, heads: 2, intermediate: 32, maxPositions: 32 });
  return { tokenizer, model: new CrossEncoder(config, { seed: modelSeed }) };
}

/** Trains a fresh model with `inputs` over the fixture's groups (seed 5, 3 negatives, pairs of 24 tokens unless given). */
async function trainFresh(inputs: Partial<TrainCrossEncoderInputs> = {}, modelSeed = 3) {
  const { model, tokenizer } = await fresh(modelSeed);
  try {
    const trained = await trainCrossEncoder({ groups, passages, seed: 5, negatives: 3, maxLength: 24, log: () => {}, ...inputs, model, tokenizer });
    return { ...trained, model, tokenizer };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** sha256 of every parameter's name and float32 bytes, in order: equal = bit-identical weights. */
function weightBits(model: CrossEncoder): string {
  const hash = createHash("sha256");
  for (const p of model.namedParameters()) hash.update(p.name).update(new Uint8Array((p.variable.dataSync() as Float32Array).slice().buffer));
  return hash.digest("hex");
}

/** sha256 of the weights, of the scores of every (query, passage) pair of the fixture, and of the step losses. */
function fingerprint(model: CrossEncoder, tokenizer: I3Tokenizer, history: readonly { loss: number }[]) {
  const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
  const ids = [...passages.keys()];
  const enc = encodePairs(tokenizer, topics.flatMap((t) => ids.map(() => t)), topics.flatMap(() => ids.map((id) => passageText(passages.get(id)!))), { maxLength: 24 });
  const shape: [number, number] = [enc.batchSize, enc.seqLength];
  const scores = tf.tidy(() =>
    model
      .forward({ inputIds: tf.tensor2d(enc.inputIds, shape, "int32"), attentionMask: tf.tensor2d(enc.attentionMask, shape, "int32"), tokenTypeIds: tf.tensor2d(enc.tokenTypeIds, shape, "int32") })
      .dataSync(),
  ) as Float32Array;
  return { weights: weightBits(model), scores: sha(new Uint8Array(scores.slice().buffer)), losses: sha(new Uint8Array(Float64Array.from(history.map((s) => s.loss)).buffer)) };
}

/** A step record without its wall-clock rates (the only fields two runs cannot share). */
function withoutTimings({ examplesPerSec: _e, stepsPerSec: _s, ...rest }: PhaseStep): Omit<PhaseStep, "examplesPerSec" | "stepsPerSec"> {
  return rest;
}

/** The L2 norm of a parameter's values. */
const norm = (values: Float32Array | number[]) => Math.sqrt(Array.from(values).reduce((s, x) => s + x * x, 0));

describe("trainCrossEncoder", () => {
  it("lowers the LCE loss on a tiny case, deterministically", async () => {
    const run = { batchSize: 4, epochs: 12, optimizer: { lr: 1e-2 } };
    const a = await trainFresh(run);
    expect(a.history).toHaveLength(24);
    const mean = (xs: readonly { loss: number }[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
    expect(mean(a.history.slice(-4))).toBeLessThan(mean(a.history.slice(0, 4)) * 0.7);
    const b = await trainFresh(run);
    expect(b.history.map((s) => s.loss)).toEqual(a.history.map((s) => s.loss));
    a.model.dispose();
    b.model.dispose();
  });

  it("names a missing passage", async () => {
    const { model, tokenizer } = await fresh();
    await expect(trainCrossEncoder({ model, tokenizer, groups: [{ ...groups[0]!, negatives: ["zz"] }], passages, seed: 0 })).rejects.toThrow(/passage "zz" of query "apple" is not in the corpus/);
    model.dispose();
  });

  it("gives, bit for bit, the model of the trainer before the shared optimizer settings (checksums recorded with that code)", async () => {
    // Recorded at d8f5c89 (trainCrossEncoder with its own AdamW options `lr`, `weightDecay`,
    // `warmupRatio` and linear schedule) on the js backend: 6 steps, weights, the scores of all
    // 128 (query, passage) pairs afterwards, and the losses. `systemLike` is the cross-encoder
    // system's default optimizer (lr 1e-3, weight decay 0.01, warm-up 0.1); `defaults` the trainer's.
    const pinned = {
      systemLike: {
        weights: "4e2af55e16a911d3e1fdf6482b7097d5515acf863637cc99e411a0085815f56c",
        scores: "7c1f91f26f537a085b4e63f60ef5df804cd5993a2fae8b955d3a8ee2dd11ddb2",
        losses: "b9af9934a022c5b9074742617c96a23895ef85edabaf1f7eb83004d9ea5f526d",
      },
      defaults: {
        weights: "be6eddaaf3861a6d24d1a3da2c199900420f931fe00429b8f4e9841372114539",
        scores: "bfae2c834dc3cc2c333a2d7ba7006b81b9a7740fc0f70d56602119a157c6b773",
        losses: "c654aa17c96df1706222f392f02239074c211075af8340219d60c7f0ad31ca95",
      },
    };
    const systemLike = await trainFresh({ batchSize: 4, epochs: 3, optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 } });
    expect(systemLike.history).toHaveLength(6);
    expect(fingerprint(systemLike.model, systemLike.tokenizer, systemLike.history)).toEqual(pinned.systemLike);
    systemLike.model.dispose();
    // With checkpoints (the history then read back from the checkpoint log): the same.
    const saved = await trainFresh({ batchSize: 4, epochs: 3, optimizer: { lr: 1e-3, weightDecay: 0.01, warmupRatio: 0.1 }, checkpoints: { dir: join(root, "pinned"), everySteps: 2 } });
    expect(fingerprint(saved.model, saved.tokenizer, saved.history)).toEqual(pinned.systemLike);
    saved.model.dispose();
    const defaults = await trainFresh({ batchSize: 4, epochs: 3 });
    expect(fingerprint(defaults.model, defaults.tokenizer, defaults.history)).toEqual(pinned.defaults);
    defaults.model.dispose();
  });
});

describe("trainCrossEncoder: the shared optimizer settings", () => {
  it("schedules the lr by HF's formulas: linear warm-up, then linear decay to 0 or constant", async () => {
    const lr = 1e-3;
    const steps = 6; // 8 groups, 4 per step, 3 epochs
    const warmup = 3; // round(0.5 x 6)
    const linear = (s: number) => (s < warmup ? s / warmup : Math.max(0, (steps - s) / (steps - warmup)));
    const constant = (s: number) => (s < warmup ? s / warmup : 1);
    for (const [schedule, multiplier] of [[undefined, linear], ["linear", linear], ["constant", constant]] as const) {
      const run = await trainFresh({ batchSize: 4, epochs: 3, optimizer: { lr, warmupRatio: 0.5, ...(schedule !== undefined ? { schedule } : {}) } });
      // A record's lr is the one its update used: schedule(step - 1) (the first update has lr 0).
      const lrs = run.history.map((s) => s.lr["cross-encoder"]!);
      expect(lrs).toHaveLength(steps);
      lrs.forEach((value, i) => expect(value).toBeCloseTo(lr * multiplier(i), 15));
      run.model.dispose();
    }
  });

  it('kind "lamb": the first update of every weight has length lr x min(||p||, 10) (its trust ratio), unlike AdamW\'s', async () => {
    // One step (8 groups in one batch), constant lr, no decay: LAMB (torch_optimizer, no debias)
    // moves each tensor p by lr x min(||p||, 10) x r / ||r||.
    const lr = 1e-2;
    const ratios = async (kind: "lamb" | "adamw") => {
      const { model, tokenizer } = await fresh();
      const before = new Map(model.namedParameters().map((p) => [p.name, Float32Array.from(p.variable.dataSync() as Float32Array)]));
      const logFile = join(root, `first-step-${kind}.jsonl`);
      await trainCrossEncoder({ model, tokenizer, groups, passages, seed: 5, negatives: 3, maxLength: 24, batchSize: 8, epochs: 1, logFile, optimizer: { kind, lr, weightDecay: 0, warmupRatio: 0, schedule: "constant" } });
      const out: number[] = [];
      for (const p of model.namedParameters()) {
        const p0 = before.get(p.name)!;
        const delta = (p.variable.dataSync() as Float32Array).map((x, i) => x - p0[i]!);
        if (norm(p0) > 0 && norm(delta) > 0) out.push(norm(delta) / (lr * Math.min(norm(p0), 10)));
      }
      model.dispose();
      return { out, start: JSON.parse(readFileSync(logFile, "utf8").split("\n")[0]!) as { optimizer?: string } };
    };
    const lamb = await ratios("lamb");
    expect(lamb.start.optimizer).toBe("lamb");
    expect(lamb.out.length).toBeGreaterThan(10);
    for (const r of lamb.out) expect(r).toBeCloseTo(1, 3);
    const adamw = await ratios("adamw");
    expect(adamw.start.optimizer).toBeUndefined();
    expect(adamw.out.some((r) => Math.abs(r - 1) > 0.1)).toBe(true);
  });

  it("clips at clipNorm and gives the optimizer beta1, beta2, epsilon (as the log's start line records them); a bad value is named", async () => {
    const logFile = join(root, "clipped.jsonl");
    const clipped = await trainFresh({ batchSize: 4, epochs: 1, logFile, optimizer: { clipNorm: 1e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } });
    expect(clipped.history.every((s) => s.clipped && s.gradNorm > 1e-3)).toBe(true);
    const start = JSON.parse(readFileSync(logFile, "utf8").split("\n")[0]!) as { clipNorm: number; groups: { lr: number; betas: number[]; eps: number; weightDecay: number }[] };
    expect(start.clipNorm).toBe(1e-3);
    expect(start.groups).toEqual([expect.objectContaining({ lr: 2e-5, weightDecay: 0.01, betas: [0.8, 0.99], eps: 1e-6 })]);
    clipped.model.dispose();
    // Absent: no clipping, the dual-encoder's betas and epsilon.
    const plainLog = join(root, "plain.jsonl");
    const plain = await trainFresh({ batchSize: 4, epochs: 1, logFile: plainLog });
    expect(plain.history.some((s) => s.clipped)).toBe(false);
    const plainStart = JSON.parse(readFileSync(plainLog, "utf8").split("\n")[0]!) as { clipNorm: number | null; groups: { betas: number[]; eps: number }[] };
    expect(plainStart.clipNorm).toBeNull();
    expect(plainStart.groups[0]).toMatchObject({ betas: [0.9, 0.999], eps: 1e-8 });
    plain.model.dispose();
    await expect(trainFresh({ optimizer: { beta1: 1 } })).rejects.toThrow(/settings error at optimizer\.beta1/);
    await expect(trainFresh({ optimizer: { kind: "sgd" } as never })).rejects.toThrow(/settings error at optimizer\.kind/);
  });

  it("keeps the tensor count flat across steps, and frees the optimizer at the end", async () => {
    const { model, tokenizer } = await fresh();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainCrossEncoder({ model, tokenizer, groups, passages, seed: 5, negatives: 3, maxLength: 24, batchSize: 2, epochs: 2, optimizer: { kind: "lamb", clipNorm: 1 }, onStep: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(8);
    // The optimizer's moments appear at the first step; from then on nothing leaks
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe("trainCrossEncoder: resume inside training", () => {
  // 12 steps: 8 groups, 2 per step, 3 epochs; AdamW with clipping and dropout on.
  const budget = { batchSize: 2, epochs: 3, optimizer: { lr: 1e-3, clipNorm: 1 } } as const;

  /** An `onStep` hook recording the steps run into `ran` and throwing after step `crashAt`. */
  const crashHook = (ran: number[], crashAt?: number) => (step: PhaseStep) => {
    ran.push(step.step);
    if (step.step === crashAt) throw new Error(`simulated crash after step ${step.step}`);
  };
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it("crashed and resumed three times, ends bit-identical to an uninterrupted run (weights, scores, steps); another run's folder is refused", async () => {
    const plain = await trainFresh(budget);
    expect(plain.history).toHaveLength(12);
    const reference = { fingerprint: fingerprint(plain.model, plain.tokenizer, plain.history), steps: plain.history.map(withoutTimings) };
    plain.model.dispose();
    const tensors = tf.memory().numTensors;

    // Checkpointing alone changes nothing.
    const saved = await trainFresh({ ...budget, checkpoints: { dir: join(root, "saved"), everySteps: 5 } });
    expect(saved.resumedFrom).toBeUndefined();
    expect(fingerprint(saved.model, saved.tokenizer, saved.history)).toEqual(reference.fingerprint);
    saved.model.dispose();

    // Crash after step 4 (checkpoints every 3: resume from 3), after step 7 with the interval now 2
    // (from 6), after the last step, itself a checkpoint step whose state is lost (from 11).
    const dir = join(root, "checkpoints");
    const crashes = [
      { at: 4, everySteps: 3 },
      { at: 7, everySteps: 2 },
      { at: 12, everySteps: 1 },
    ];
    const ran: number[][] = [];
    const resumedAt: string[] = [];
    for (const crash of crashes) {
      const logs: string[] = [];
      ran.push([]);
      const attempt = trainFresh({ ...budget, checkpoints: { dir, everySteps: crash.everySteps }, onStep: crashHook(ran.at(-1)!, crash.at), log: (m) => logs.push(m) });
      await expect(attempt).rejects.toThrow(/simulated crash/);
      resumedAt.push(logs.find((l) => l.startsWith("resuming")) ?? "fresh");
      expect(tf.memory().numTensors).toBe(tensors);
    }
    const logs: string[] = [];
    ran.push([]);
    const resumed = await trainFresh({ ...budget, checkpoints: { dir, everySteps: 3 }, onStep: crashHook(ran.at(-1)!), log: (m) => logs.push(m) });
    resumedAt.push(logs.find((l) => l.startsWith("resuming")) ?? "fresh");
    // Each attempt ran only the steps after its checkpoint.
    expect(ran).toEqual([range(1, 4), range(4, 7), range(7, 12), range(12, 12)]);
    expect(resumedAt).toEqual(["fresh", "resuming from phase queries (1 of 1) step 3", "resuming from phase queries (1 of 1) step 6", "resuming from phase queries (1 of 1) step 11"]);
    expect(resumed.resumedFrom).toMatchObject({ phase: "queries", phaseIndex: 0, step: 11 });
    expect(fingerprint(resumed.model, resumed.tokenizer, resumed.history)).toEqual(reference.fingerprint);
    expect(resumed.history.map(withoutTimings)).toEqual(reference.steps);
    resumed.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);

    // A finished folder only restores the weights.
    const again = await trainFresh({ ...budget, checkpoints: { dir }, onStep: () => expect.unreachable("no step after the last checkpoint") });
    expect(weightBits(again.model)).toBe(reference.fingerprint.weights);
    again.model.dispose();

    // Another seed, other settings, another start model: refused, naming the difference.
    await expect(trainFresh({ ...budget, seed: 6, checkpoints: { dir } })).rejects.toThrow(/different training run.*seed: 5 -> 6/);
    await expect(trainFresh({ ...budget, optimizer: { ...budget.optimizer, kind: "lamb" }, checkpoints: { dir } })).rejects.toThrow(/different training run.*settings\.optimizer\.kind: absent -> "lamb"/);
    await expect(trainFresh({ ...budget, checkpoints: { dir } }, 4)).rejects.toThrow(/different training run.*start: "[0-9a-f]+" -> "[0-9a-f]+"/);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
