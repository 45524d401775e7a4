/**
 * Distillation in the dense trainers: the batch term equals `@i3/distill`'s distillationLoss of
 * q . p over the seeded candidate lists (and a plain-JS KL / MarginMSE on the same numbers), its
 * gradient matches central differences, the setup refuses missing or unused teacher scores and
 * `distillation` without a loss, and a tiny dual-encoder and I3 train with it (the terms in the
 * step log, the tensor count flat).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bm25TeacherForCollection, distillationLoss, sampleCandidates, scoreWithTeacher, teacherPools, type KdRecord } from "@i3/distill";
import { resolveDataset, type Collection, type Passage } from "@i3/data";
import { initBackend, tf } from "@i3/encoders";
import { bm25Run, buildIndex } from "@i3/search";
import { distillationSetup, distillationTerm, dualEncoderSettingsSchema, parseSettings, trainDualEncoder, trainI3 } from "../src/index.js";
import { firstPassages, tempRoot } from "./helpers.js";

const root = tempRoot("i3-distillation-");
const quiet = () => {};

beforeAll(async () => {
  await initBackend({ device: "js" });
});

/** Three queries over six one-token passages (token id = passage index). */
const records = new Map<string, KdRecord>(
  ["qa", "qb", "qc"].map((qid, i) => [
    qid,
    {
      queryId: qid,
      query: qid,
      positives: [{ docId: `d${i}`, score: 3 + i }],
      negatives: [0, 1, 2, 3, 4, 5].filter((j) => j !== i).map((j) => ({ docId: `d${j}`, score: j - i * 0.5 })),
    },
  ]),
);
const H = 4;
const table = Array.from({ length: 6 * H }, (_, i) => Math.sin(1.3 * i + 0.2));
const queryVectors = [[0.5, -1, 0.25, 1], [1, 0.5, -0.5, 0], [-0.25, 0.75, 1, -1]];
const setup = distillationSetup(
  "test",
  { losses: { klDistillation: { weight: 0.7, temperature: 2 }, marginMse: { weight: 0.3 } }, distillation: { negatives: 3 } },
  records,
)!;

function term(E: tf.Tensor2D, q: tf.Tensor2D, report: (name: string, v: tf.Tensor) => void = () => {}): tf.Scalar {
  return distillationTerm({
    setup,
    qids: ["qa", "qb", "qc"],
    q,
    // One token per passage: the passage vector is its row of E (one-hot matMul: differentiable everywhere).
    encodePassages: (rows) => tf.matMul(tf.oneHot(tf.reshape(tf.slice(rows.inputIds, [0, 0], [-1, 1]), [-1]), 6).toFloat(), E) as tf.Tensor2D,
    passageTokens: (id) => Int32Array.of(Number(id.slice(1))),
    padId: 99,
    passageMaxLength: 4,
    seed: 5,
    epoch: 1,
    report,
  });
}

describe("distillationTerm", () => {
  it("is w_kl * KL + w_mm * MarginMSE of q . p over the seeded lists (@i3/distill and plain JS agree)", () => {
    const lists = ["qa", "qb", "qc"].map((qid) => sampleCandidates(records.get(qid)!, { negatives: 3, seed: 5, epoch: 1 }));
    const row = (d: string) => table.slice(Number(d.slice(1)) * H, Number(d.slice(1)) * H + H);
    const student = lists.map((l, b) => l.docIds.map((d) => row(d).reduce((s, x, k) => s + x * queryVectors[b]![k]!, 0)));
    const teacher = lists.map((l) => [...l.scores]);
    const E = tf.tensor2d(table, [6, H]);
    const q = tf.tensor2d(queryVectors);
    const reported = new Map<string, number>();
    const before = tf.memory().numTensors;
    const got = term(E, q, (name, v) => reported.set(name, v.dataSync()[0]!));
    expect(tf.memory().numTensors).toBe(before + 1);
    const s = tf.tensor2d(student);
    const t = tf.tensor2d(teacher);
    const kl = distillationLoss(s, t, { kind: "kl", temperature: 2 }).dataSync()[0]!;
    const mm = distillationLoss(s, t, { kind: "margin-mse" }).dataSync()[0]!;
    expect(got.dataSync()[0]).toBeCloseTo(0.7 * kl + 0.3 * mm, 5);
    expect(reported.get("klDistillation")).toBeCloseTo(kl, 5);
    expect(reported.get("marginMse")).toBeCloseTo(mm, 5);
    // Plain JS: KL(softmax(t/T) || softmax(s/T)) and the mean squared margin difference.
    const softmax = (x: number[]) => {
      const m = Math.max(...x);
      const e = x.map((v) => Math.exp(v - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    };
    const klJs =
      student.map((sRow, b) => {
        const ps = softmax(sRow.map((v) => v / 2));
        const pt = softmax(teacher[b]!.map((v) => v / 2));
        return pt.reduce((acc, p, j) => acc + p * Math.log(p / ps[j]!), 0);
      }).reduce((a, b) => a + b, 0) / 3;
    const pairs = student.flatMap((sRow, b) => sRow.slice(1).map((sn, j) => (sRow[0]! - sn - (teacher[b]![0]! - teacher[b]![j + 1]!)) ** 2));
    expect(kl).toBeCloseTo(klJs, 5);
    expect(mm).toBeCloseTo(pairs.reduce((a, b) => a + b, 0) / pairs.length, 4);
    tf.dispose([E, q, got, s, t]);
  });

  it("has the gradient of central differences (w.r.t. the passage vectors)", () => {
    const q = tf.tensor2d(queryVectors);
    const f = (values: number[]) => tf.tidy(() => term(tf.tensor2d(values, [6, H]), q).dataSync()[0]!);
    const E = tf.variable(tf.tensor2d(table, [6, H]));
    const { grads, value } = tf.variableGrads(() => term(E, q), [E]);
    const analytic = grads[E.name]!.dataSync();
    const eps = 1e-2;
    for (let i = 0; i < table.length; i++) {
      const up = [...table];
      const down = [...table];
      up[i]! += eps;
      down[i]! -= eps;
      expect(analytic[i]).toBeCloseTo((f(up) - f(down)) / (2 * eps), 2);
    }
    tf.dispose([q, E, value, ...Object.values(grads)]);
  });
});

describe("distillation settings and setup", () => {
  it("refuses a loss without teacher scores, scores without a loss, and distillation without a loss", () => {
    expect(() => distillationSetup("trainX", { losses: { klDistillation: { weight: 1, temperature: 1 } } }, undefined)).toThrow(/trainX: losses.klDistillation needs teacher-scored lists/);
    expect(() => distillationSetup("trainX", { losses: { marginMse: { weight: 1 } } }, new Map())).toThrow(/losses.marginMse needs/);
    expect(() => distillationSetup("trainX", { losses: {} }, records)).toThrow(/neither losses.klDistillation nor losses.marginMse/);
    expect(distillationSetup("trainX", { losses: {} }, undefined)).toBeUndefined();
    expect(distillationSetup("trainX", { losses: { marginMse: { weight: 1 } } }, records)?.negatives).toBe(7);
    expect(() => parseSettings(dualEncoderSettingsSchema, { distillation: { negatives: 3 } })).toThrow(/settings error at distillation: distillation is read only with/);
    expect(() => parseSettings(dualEncoderSettingsSchema, { losses: { klDistillation: { temperature: 0 } } })).toThrow(/settings error at losses.klDistillation.temperature/);
    const parsed = parseSettings(dualEncoderSettingsSchema, { losses: { klDistillation: {} } });
    expect(parsed.losses.klDistillation).toEqual({ weight: 1, temperature: 1 });
    // Absent = no key at all (the parsed settings of older configs are unchanged).
    expect(Object.keys(parseSettings(dualEncoderSettingsSchema, {}).losses)).toEqual(["contrastive"]);
    expect("distillation" in parseSettings(dualEncoderSettingsSchema, {})).toBe(false);
  });
});

describe("trainDualEncoder / trainI3 with distillation from BM25 (tiny)", () => {
  let collection: Collection;
  let teacherScores: Map<string, KdRecord>;
  let firstStage: ReturnType<typeof bm25Run>;

  beforeAll(async () => {
    collection = firstPassages(await resolveDataset("default"), 120);
    const passages = new Map<string, Passage>();
    for await (const p of collection.corpus()) passages.set(p.id, p);
    const queries = await collection.queries("train");
    firstStage = bm25Run(await buildIndex(passages.values()), queries, { k: 30 });
    const teacher = await bm25TeacherForCollection(collection);
    teacherScores = new Map();
    for await (const r of scoreWithTeacher(teacher, teacherPools(queries, await collection.qrels("train"), firstStage, { depth: 20 }), passages)) teacherScores.set(r.queryId, r);
    await teacher.dispose();
  }, 120_000);

  const tiny = {
    tokenizer: { vocabSize: 300 },
    model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, queryMaxLength: 8, passageMaxLength: 16 },
    train: { warmupEpochs: 0, epochs: 1, batchSize: 16 },
    losses: { klDistillation: { weight: 1, temperature: 1 }, marginMse: { weight: 0.1 } },
    distillation: { negatives: 3 },
  } as const;

  it("adds the distillation terms in the real-query phase (step log), deterministically, no tensor left by the term", async () => {
    const base = { collection, trainSplit: "train", firstStageTrainRun: firstStage, seed: 3, device: "js" as const, log: quiet };
    // Training without and with the distillation term leaves no tensor behind once the model is disposed.
    const start = tf.memory().numTensors;
    const plain = await trainDualEncoder({ ...base, settings: { ...tiny, losses: {}, distillation: undefined }, workDir: `${root}/de-plain` });
    plain.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    const a = await trainDualEncoder({ ...base, settings: tiny, teacherScores, workDir: `${root}/de-a` });
    a.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(a.steps.length).toBeGreaterThan(0);
    for (const s of a.steps) expect(Object.keys(s.metrics ?? {}).sort()).toEqual(["contrastive", "klDistillation", "marginMse"]);
    const b = await trainDualEncoder({ ...base, settings: tiny, teacherScores, workDir: `${root}/de-b` });
    b.model.dispose();
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    await expect(trainDualEncoder({ ...base, settings: tiny, workDir: `${root}/de-c` })).rejects.toThrow(/losses.klDistillation needs teacher-scored lists/);

    // L_rec without a weight while distilling: beta = the I3 reference's 2e-4 (train_distill.py's 0.0002 * mlm_loss).
    const i3Losses = { ...tiny.losses, reconstruction: { schedule: "constant" } } as const;
    const i3 = await trainI3({ ...base, settings: { ...tiny, losses: i3Losses, i3: { slots: 6 } }, teacherScores, workDir: `${root}/i3` });
    i3.model.dispose();
    expect(i3.steps.length).toBeGreaterThan(0);
    for (const s of i3.steps) {
      expect(s.metrics).toHaveProperty("klDistillation");
      expect(s.metrics!["beta"]).toBe(2e-4);
    }
  }, 300_000);
});
