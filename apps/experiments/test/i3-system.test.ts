/**
 * The I3 system: its objective (reconstruction pads ignored, beta = 0 = the dual-encoder's
 * loss, beta schedule, real-query targets) and one short end-to-end run on the embedded default
 * collection (tiny config, warm-up on crops with pseudo-query targets, then fine-tuning; no
 * effectiveness claims).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultDatasetsDir, resolveDataset, type Collection, type Qrels } from "@i3/data";
import { DualEncoder, I3Retriever, encoderConfig, initBackend, tf } from "@i3/encoders";
import { contrastiveLoss, maskedTokenCrossEntropy } from "@i3/losses";
import { runBm25OnCollection } from "@i3/search";
import { betaAt, i3Loss, realQueryTargets, runI3 } from "../src/systems/i3.js";

const cfg = encoderConfig({ vocabSize: 30, hidden: 8, layers: 1, heads: 2, intermediate: 16, maxPositions: 16, initializerRange: 0.3 });
const specialTokens = { cls: 1, sep: 2, mask: 3 };
const batch = (ids: number[][]) => ({
  inputIds: tf.tensor2d(ids, undefined, "int32"),
  attentionMask: tf.tensor2d(ids.map((r) => r.map((t) => (t === 0 ? 0 : 1))), undefined, "int32"),
});

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("I3 objective", () => {
  it("the reconstruction loss ignores padded targets: changing their logits changes neither loss nor gradient", () => {
    const targets = tf.tensor2d([[5, 7, -100, -100], [9, -100, -100, -100]], undefined, "int32");
    const logits = tf.randomNormal([2, 4, 12], 0, 1, "float32", 1);
    const ignoredMask = tf.reshape(tf.tensor2d([[0, 0, 1, 1], [0, 1, 1, 1]]), [2, 4, 1]);
    const changed = tf.add(logits, tf.mul(tf.randomNormal([2, 4, 12], 0, 10, "float32", 2), ignoredMask));
    const grad = tf.grad((z: tf.Tensor) => maskedTokenCrossEntropy(z as tf.Tensor3D, targets));
    const [l1, l2] = [maskedTokenCrossEntropy(logits as tf.Tensor3D, targets), maskedTokenCrossEntropy(changed as tf.Tensor3D, targets)];
    expect(l2.dataSync()[0]).toBeCloseTo(l1.dataSync()[0]!, 6);
    const [g1, g2] = [grad(logits), grad(changed)];
    expect(tf.max(tf.abs(tf.sub(g1, g2))).dataSync()[0]).toBeLessThan(1e-7);
    // no gradient at all at the ignored positions
    expect(tf.max(tf.abs(tf.mul(g1, ignoredMask))).dataSync()[0]).toBe(0);
    // hand value: mean NLL over the 3 real targets
    const lp = tf.logSoftmax(logits).arraySync() as number[][][];
    expect(l1.dataSync()[0]).toBeCloseTo(-(lp[0]![0]![5]! + lp[0]![1]![7]! + lp[1]![0]![9]!) / 3, 5);
    tf.dispose([targets, logits, ignoredMask, changed, l1, l2, g1, g2]);
  });

  it("beta = 0 with the interactor off is the dual-encoder's contrastive loss (same weights)", () => {
    const de = new DualEncoder(cfg, { shared: false, seed: 3 });
    const i3 = new I3Retriever(cfg, { specialTokens, slots: 4, interactor: { enabled: false } }, { towers: { query: de.queryEncoder, passage: de.passageEncoder } });
    const q = batch([[1, 9, 2], [1, 8, 2]]);
    const p = batch([[1, 9, 10, 2], [1, 11, 2, 0], [1, 8, 12, 2], [1, 13, 2, 0]]);
    const targets = new Int32Array(16).fill(-100);
    const deLoss = tf.tidy(() => contrastiveLoss(de.encodeQueries(q), de.encodePassages(p)));
    const terms = i3Loss(i3, q, p, targets, { beta: 0 });
    expect(Math.abs(terms.total.dataSync()[0]! - deLoss.dataSync()[0]!)).toBeLessThan(1e-6);
    // beta > 0: total = contrastive + beta * reconstruction
    const t2 = Int32Array.from([9, 10, -100, -100, 11, -100, -100, -100, 8, 12, -100, -100, 13, -100, -100, -100]);
    const terms2 = i3Loss(i3, q, p, t2, { beta: 0.3 });
    const [total, c, r] = [terms2.total, terms2.contrastive, terms2.reconstruction].map((t) => t.dataSync()[0]!);
    expect(r).toBeGreaterThan(0);
    expect(Math.abs(total! - (c! + 0.3 * r!))).toBeLessThan(1e-5);
    expect(Math.abs(c! - deLoss.dataSync()[0]!)).toBeLessThan(1e-6);
    // L_rec from the selected slots = maskedTokenCrossEntropy over the full logits
    const full = tf.tidy(() => maskedTokenCrossEntropy(i3.forwardPassages(p).logits!, tf.tensor2d(t2, [4, 4], "int32")));
    expect(Math.abs(r! - full.dataSync()[0]!)).toBeLessThan(1e-5);
    full.dispose();
    tf.dispose([q.inputIds, q.attentionMask, p.inputIds, p.attentionMask, deLoss, ...new Set([...Object.values(terms), ...Object.values(terms2)])]);
    i3.dispose();
  });

  it("beta schedules and real-query targets", () => {
    expect(betaAt({ beta: 0.5, betaSchedule: "constant" }, 3)).toBe(0.5);
    expect(betaAt({ beta: 1, betaSchedule: "decay10" }, 0)).toBeCloseTo(0.1, 12);
    expect(betaAt({ beta: 1, betaSchedule: "decay10" }, 2)).toBeCloseTo(0.001, 12);
    const qrels = new Map([
      ["q1", new Map([["p1", 1], ["p2", 0]])],
      ["q2", new Map([["p1", 2], ["p3", 1]])],
    ]);
    const targets = realQueryTargets(qrels, [
      { id: "q2", text: "second" },
      { id: "q1", text: "first" },
    ]);
    expect([...targets]).toEqual([
      ["p1", "second"],
      ["p3", "second"],
    ]);
  });
});

/**
 * The first `n` passages of a collection, with the queries and judgments that remain on them
 * (keeps the end-to-end test short: the crop warm-up has one query per passage).
 */
function firstPassages(base: Collection, n: number): Collection {
  const kept = (async () => {
    const ids = new Set<string>();
    for await (const p of base.corpus()) {
      if (ids.size === n) break;
      ids.add(p.id);
    }
    return ids;
  })();
  const qrels = async (split: string): Promise<Qrels> => {
    const ids = await kept;
    const out: Qrels = new Map();
    for (const [qid, judged] of await base.qrels(split)) {
      const left = new Map([...judged].filter(([pid]) => ids.has(pid)));
      if (left.size > 0) out.set(qid, left);
    }
    return out;
  };
  return {
    name: `${base.name}-first${n}`,
    dir: base.dir,
    splits: base.splits,
    fingerprint: async () => `${await base.fingerprint()}:first${n}`,
    async *corpus() {
      const ids = await kept;
      for await (const p of base.corpus()) if (ids.has(p.id)) yield p;
    },
    queries: async (split) => {
      const judged = await qrels(split);
      return (await base.queries(split)).filter((q) => judged.has(q.id));
    },
    qrels,
  };
}

describe("runI3 on the embedded default collection", () => {
  const workDir = mkdtempSync(join(tmpdir(), "i3-system-"));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("warms up on pseudo-queries, fine-tunes, and returns a run per split (first 1000 passages)", async () => {
    const collection = firstPassages(await resolveDataset("default", { datasetsDir: defaultDatasetsDir() }), 1000);
    const bm25Train = await runBm25OnCollection(collection, "train", { k: 50, indexDir: join(workDir, "bm25") });
    // pseudo-queries: the first six words of each passage (a stand-in for @i3/pseudoquery)
    const targets = new Map<string, string>();
    for await (const p of collection.corpus()) targets.set(p.id, `${p.title} ${p.text}`.split(/\s+/).slice(0, 6).join(" "));
    const logs: string[] = [];
    const result = await runI3({
      collection,
      trainSplit: "train",
      firstStageTrainRun: bm25Train,
      evalSplits: ["dev", "test"],
      workDir: join(workDir, "model"),
      k: 20,
      targets,
      log: (m) => logs.push(m),
      recipe: {
        model: { layers: 1, hidden: 32, heads: 2, intermediate: 64, maxPositions: 64 },
        vocabSize: 1500,
        queryMaxLength: 16,
        passageMaxLength: 32,
        negativesPerQuery: 1,
        batchSize: 128,
        epochs: 1,
        warmupEpochs: 1,
        warmupFreezeBackbone: true,
        slots: 8,
        reconstructorMemory: "tokens",
        interactorInput: "tokens",
        device: "wasm",
      },
    });
    expect([...result.runs.keys()]).toEqual(["dev", "test"]);
    for (const split of ["dev", "test"]) {
      const queries = await collection.queries(split);
      const run = result.runs.get(split)!;
      expect(run.size).toBe(queries.length);
      for (const ranking of run.values()) expect(ranking.size).toBe(20);
    }
    expect(result.steps.length).toBeGreaterThan(2);
    for (const s of result.steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.metrics?.reconstruction).toBeGreaterThan(0);
    }
    // warm-up trains the heads only, at 50x the backbone lr; fine-tuning trains both
    expect(Object.keys(result.steps[0]!.lr)).toEqual(["heads"]);
    expect(Object.keys(result.steps.at(-1)!.lr).sort()).toEqual(["backbone", "heads"]);
    expect(logs.some((l) => l.startsWith("warmup") && l.includes("backbone frozen"))).toBe(true);
    expect(new Set(result.steps.map((s) => (s as { phase?: string }).phase))).toEqual(new Set(["warmup", "queries"]));
  }, 120_000); // ~15 s alone on this machine; margin for a loaded machine
});
