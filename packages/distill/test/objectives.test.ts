/** distillationLoss over candidate lists equals the @i3/losses formulas on the same numbers; groupScores = per-list dot products. */
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "@i3/encoders";
import { klDistillationLoss } from "@i3/losses";
import { distillationLoss, groupScores, teacherScores } from "../src/index.js";

beforeAll(async () => {
  await initBackend({ device: "js" });
});

const student = [[2, 1, 0, -1], [0, 0.5, 1, 0]];
const teacher = [[5, 1, 1, 0], [0, 1, 6, 0]];

describe("distillationLoss", () => {
  it("kl: klDistillationLoss with the objective's temperature", () => {
    const s = tf.tensor2d(student);
    const t = tf.tensor2d(teacher);
    const ours = distillationLoss(s, t, { kind: "kl", temperature: 2 }).dataSync()[0]!;
    expect(ours).toBeCloseTo(klDistillationLoss(s, t, { temperature: 2 }).dataSync()[0]!, 7);
  });

  it("margin-mse: mean over (positive, negative_j) pairs of the squared margin difference", () => {
    let sum = 0;
    for (let b = 0; b < 2; b++) for (let j = 1; j < 4; j++) sum += (student[b]![0]! - student[b]![j]! - (teacher[b]![0]! - teacher[b]![j]!)) ** 2;
    const v = distillationLoss(tf.tensor2d(student), tf.tensor2d(teacher), { kind: "margin-mse" }).dataSync()[0]!;
    expect(v).toBeCloseTo(sum / 6, 5);
    expect(() => distillationLoss(tf.tensor2d([[1]]), tf.tensor2d([[1]]), { kind: "margin-mse" })).toThrow(/at least one negative/);
  });

  it("leaks no tensors", () => {
    const s = tf.tensor2d(student);
    const t = tf.tensor2d(teacher);
    const before = tf.memory().numTensors;
    tf.dispose([distillationLoss(s, t, { kind: "margin-mse" }), distillationLoss(s, t, { kind: "kl" })]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("groupScores / teacherScores", () => {
  it("s[b, j] = q_b . p_{b, j} over group-major passages", () => {
    const q = tf.tensor2d([[1, 2], [3, -1]]);
    const p = tf.tensor2d([[1, 0], [0, 1], [1, 1], [2, 0], [0, 2], [1, 1]]);
    expect(groupScores(q, p).arraySync()).toEqual([[1, 2, 3], [6, -2, 2]]);
    expect(() => groupScores(q, tf.tensor2d([[1, 0], [0, 1], [1, 1]]))).toThrow(/whole lists/);
  });

  it("stacks the lists' teacher scores, refusing ragged lists", () => {
    expect(teacherScores([{ queryId: "a", docIds: ["x", "y"], scores: [1, 2] }, { queryId: "b", docIds: ["x", "z"], scores: [3, 4] }]).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(() => teacherScores([{ queryId: "a", docIds: ["x"], scores: [1] }, { queryId: "b", docIds: ["x", "z"], scores: [3, 4] }])).toThrow(/different lengths/);
  });
});
