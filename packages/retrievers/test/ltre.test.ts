/**
 * LTRe / ADORE (`trainLtre`): the list rule (DRhard's append rule and the alternatives) on
 * hand-built rankings and its loss; on 300 passages of the embedded collection with a tiny
 * dual-encoder: the start model (shared towers, so its passage tower IS its query tower) stays
 * bit-identical while the copied query tower trains; a training step's retrieval equals a
 * brute-force exact search over the (float32, float16 or PQ) index; the tensor count stays flat
 * across steps; training is deterministic and bit for bit what the code before the shared phase
 * loop trained (checksums recorded with that code); a run crashed twice and resumed from its
 * checkpoints ends bit-identical to an uninterrupted one, and another run's folder is refused;
 * before any step, LTRe retrieval equals the start model's; settings errors name the field.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, type Collection } from "@i3/data";
import { tf } from "@i3/encoders";
import { ltrePairwiseLoss } from "@i3/losses";
import { DenseIndex } from "@i3/search";
import {
  encodeCorpusVectors,
  indexAtPrecision,
  ltreList,
  ltreSettingsSchema,
  parseSettings,
  retrieveDense,
  retrieveLtre,
  trainDualEncoder,
  trainLtre,
  type LtreSettingsInput,
  type LtreStepRetrieval,
  type PhaseStep,
  type TrainedDualEncoder,
} from "../src/index.js";
import { firstPassages, plainRun, tempRoot, weights } from "./helpers.js";

const root = tempRoot("i3-ltre-");
const quiet = () => {};

/** sha256 of every parameter's name and float32 bytes, in order: equal = bit-identical weights. */
function weightBits(model: { namedParameters(): { name: string; variable: tf.Variable }[] }): string {
  const hash = createHash("sha256");
  for (const p of model.namedParameters()) hash.update(p.name).update(new Uint8Array((p.variable.dataSync() as Float32Array).slice().buffer));
  return hash.digest("hex");
}

/** sha256 of each step's loss, training MRR@10, appended passages and gradient norm (float64). */
function stepBits(steps: readonly PhaseStep[]): string {
  const values = steps.flatMap((s) => [s.loss, s.metrics!["mrr10"]!, s.metrics!["appended"]!, s.gradNorm]);
  return createHash("sha256").update(new Uint8Array(Float64Array.from(values).buffer)).digest("hex");
}

/** A step record without what wall-clock time decides (its rates, the retrieval's seconds). */
function withoutTimings({ examplesPerSec: _e, stepsPerSec: _s, metrics, ...rest }: PhaseStep) {
  const { retrievalSeconds: _r, ...kept } = metrics ?? {};
  return { ...rest, metrics: kept };
}

describe("ltreList: which relevant passages join the list", () => {
  const retrieved = [5, 7, 9];
  it("when-none-retrieved (DRhard): all relevant rows appended only when none was retrieved", () => {
    expect(ltreList(retrieved, [7, 3], "when-none-retrieved")).toEqual({ rows: [5, 7, 9], labels: [0, 1, 0], ranks: [1, 2, 3] });
    expect(ltreList(retrieved, [3, 4], "when-none-retrieved")).toEqual({ rows: [5, 7, 9, 3, 4], labels: [0, 0, 0, 1, 1], ranks: [1, 2, 3, 0, 0] });
  });
  it("all-missing appends every relevant row not retrieved; never appends nothing", () => {
    expect(ltreList(retrieved, [7, 3], "all-missing")).toEqual({ rows: [5, 7, 9, 3], labels: [0, 1, 0, 1], ranks: [1, 2, 3, 0] });
    expect(ltreList(retrieved, [3], "never")).toEqual({ rows: [5, 7, 9], labels: [0, 0, 0], ranks: [1, 2, 3] });
  });
  it("feeds the pairwise loss with 1/r = 0 for appended passages (hand-computed)", () => {
    // K = 3 retrieved, none relevant, relevant row 3 appended (1/r = 0): pairs (3, 5) w = 1, (3, 7) w = 1/2, (3, 9) w = 1/3
    const list = ltreList(retrieved, [3], "when-none-retrieved");
    const scores = [2, 1, 0, 1]; // s(5), s(7), s(9), s(3)
    const sp = (x: number) => Math.log1p(Math.exp(-x));
    const expected = (1 * sp(1 - 2) + 0.5 * sp(1 - 1) + (1 / 3) * sp(1 - 0)) / 3;
    const loss = ltrePairwiseLoss(tf.tensor2d([scores]), tf.tensor2d([list.labels]), { cut: 3, ranks: tf.tensor2d([list.ranks]) });
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    loss.dispose();
  });
});

describe("ltre settings", () => {
  it("fills defaults and names the field of an error", () => {
    const s = parseSettings(ltreSettingsSchema, {});
    expect(s.ltre).toEqual({ depth: 200, appendRelevant: "when-none-retrieved" });
    expect(s.index.precision).toBe("float32");
    expect(s.optimizer.clipNorm).toBe(1);
    expect(() => parseSettings(ltreSettingsSchema, { ltre: { depth: 0 } })).toThrow(/settings error at ltre\.depth/);
    expect(() => parseSettings(ltreSettingsSchema, { index: { precision: "int8" as never } })).toThrow(/settings error at index\.precision/);
    expect(() => parseSettings(ltreSettingsSchema, { index: { pq: { centroids: 512 } } })).toThrow(/settings error at index\.pq\.centroids/);
    expect(() => parseSettings(ltreSettingsSchema, { ltre: { appendRelevant: "some" as never } })).toThrow(/settings error at ltre\.appendRelevant/);
    expect(() => parseSettings(ltreSettingsSchema, { train: { negatives: 3 } as never })).toThrow(/settings error at train/);
  });
});

/** Brute-force top-k over the index's rows: score (float32) descending, then id descending. */
function bruteForce(index: DenseIndex, query: Float32Array, k: number): number[] {
  const all = index.rows(0, index.count);
  const scored = index.ids.map((id, row) => {
    let s = 0;
    for (let d = 0; d < index.dim; d++) s += query[d]! * all[row * index.dim + d]!;
    return { id, row, s: Math.fround(s) };
  });
  scored.sort((a, b) => b.s - a.s || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return scored.slice(0, k).map((x) => x.row);
}

describe("trainLtre on 300 passages (tiny dual-encoder, shared towers)", () => {
  let collection: Collection;
  let start: TrainedDualEncoder;
  let index: DenseIndex;
  const queryMaxLength = 12;
  const settings: LtreSettingsInput = { ltre: { depth: 20 }, optimizer: { lr: 1e-3 }, train: { epochs: 2, batchSize: 16 } };

  beforeAll(async () => {
    collection = firstPassages(await resolveDataset("default"), 300);
    start = await trainDualEncoder({
      collection,
      trainSplit: "train",
      settings: { tokenizer: { vocabSize: 1200 }, model: { preset: { layers: 1, hidden: 16, heads: 2, intermediate: 32 }, pooling: "mean", queryMaxLength, passageMaxLength: 24 }, train: { warmupEpochs: 0, epochs: 0 } },
      seed: 5,
      device: "wasm",
      workDir: join(root, "de"),
      log: quiet,
    });
    const { ids, vectors, dim } = await encodeCorpusVectors(start, collection, 24);
    index = DenseIndex.fromVectors(ids, vectors, dim);
  });

  const run = (seed: number, extra: Partial<Parameters<typeof trainLtre>[0]> = {}, s: LtreSettingsInput = settings) =>
    trainLtre({
      start: { queryEncoder: start.model.queryEncoder, tokenizer: start.tokenizer },
      index,
      collection,
      trainSplit: "train",
      queryMaxLength,
      settings: s,
      seed,
      device: "wasm",
      workDir: join(root, `ltre-${seed}`),
      log: quiet,
      ...extra,
    });

  it("trains the copied query tower only: the start model stays bit-identical; the tensor count is flat across steps", async () => {
    expect(start.model.shared).toBe(true);
    const before = weights(start.model);
    const counts: number[] = [];
    const trained = await run(1, { onStep: () => void counts.push(tf.memory().numTensors) });
    expect(trained.steps.length).toBeGreaterThanOrEqual(4);
    expect(weights(start.model)).toEqual(before); // the passage tower (= the shared tower) is untouched
    const after = weights(trained.queryEncoder);
    expect([...after.values()].some((v, i) => v.some((x, j) => x !== [...before.values()][i]![j]))).toBe(true);
    // AdamW's moments appear at the first step; from then on nothing leaks
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(trained.steps[0]!.metrics).toHaveProperty("mrr10");
    expect(trained.retrievalSeconds).toBeGreaterThan(0);
    trained.queryEncoder.dispose();
  });

  it("a step's retrieval is an exact search of the whole index with that step's query vectors", async () => {
    for (const precision of ["float32", "float16", "pq"] as const) {
      const seen: LtreStepRetrieval[] = [];
      const s: LtreSettingsInput = { ...settings, index: { precision, pq: { subspaces: 4, centroids: 32, iterations: 4 } }, train: { epochs: 1, batchSize: 16 } };
      const trained = await run(2, { onRetrieve: (r) => void seen.push(r) }, s);
      const held = indexAtPrecision(index, parseSettings(ltreSettingsSchema, s).index, 2);
      expect(held.dtype).toBe(precision);
      for (const r of seen.slice(0, 2)) {
        r.qids.forEach((_, b) => {
          const q = r.queryVectors.subarray(b * index.dim, (b + 1) * index.dim);
          expect(Array.from(r.retrieved[b]!)).toEqual(bruteForce(held, q, 20));
        });
      }
      trained.queryEncoder.dispose();
    }
  });

  it("trains, bit for bit, the query tower of the code before the shared phase loop and checkpoints (checksums recorded with that code)", async () => {
    // Recorded at d8f5c89 (trainLtre calling @i3/train itself) on wasm: 6 steps; the weights, and
    // per step the loss, training MRR@10, appended passages and gradient norm.
    const pinned = {
      weights: "92b7bc7135c0dd8073486a8928db14e52047473dd27f74c15742216e1fc84323",
      steps: "eba32b97dc5700263888e848ceea065f345a939a8a71958a438d95d461cbd7ce",
    };
    for (const extra of [{}, { checkpoints: { dir: join(root, "pinned-checkpoints"), everySteps: 4 } }]) {
      const trained = await run(1, extra);
      expect(trained.steps).toHaveLength(6);
      expect({ weights: weightBits(trained.queryEncoder), steps: stepBits(trained.steps) }).toEqual(pinned);
      trained.queryEncoder.dispose();
    }
  });

  it("crashed and resumed twice, ends bit-identical to an uninterrupted run; another run's folder is refused", async () => {
    // 12 steps (2 epochs of 6), float16 index; a crash through onStep after step 5 (checkpoints
    // every 2: resume from 4), then after step 10 (every 3: from 9).
    const s: LtreSettingsInput = { ...settings, index: { precision: "float16" }, train: { epochs: 2, batchSize: 8 } };
    const plain = await run(6, {}, s);
    expect(plain.steps).toHaveLength(12);
    const reference = { weights: weightBits(plain.queryEncoder), steps: stepBits(plain.steps), records: plain.steps.map(withoutTimings) };
    plain.queryEncoder.dispose();
    const tensors = tf.memory().numTensors;
    const dir = join(root, "ltre-checkpoints");
    const ran: number[][] = [];
    const resumedAt: string[] = [];
    for (const crash of [{ at: 5, everySteps: 2 }, { at: 10, everySteps: 3 }, { at: undefined, everySteps: 3 }]) {
      const logs: string[] = [];
      const steps: number[] = [];
      ran.push(steps);
      const attempt = run(
        6,
        {
          checkpoints: { dir, everySteps: crash.everySteps },
          log: (m) => logs.push(m),
          onStep: (step) => {
            steps.push(step.step);
            if (step.step === crash.at) throw new Error(`simulated crash after step ${step.step}`);
          },
        },
        s,
      );
      if (crash.at !== undefined) {
        await expect(attempt).rejects.toThrow(/simulated crash/);
        expect(tf.memory().numTensors).toBe(tensors);
      } else {
        const resumed = await attempt;
        expect(resumed.resumedFrom).toMatchObject({ phase: "ltre", step: 9 });
        expect(resumed.stepsRun).toBe(3);
        expect({ weights: weightBits(resumed.queryEncoder), steps: stepBits(resumed.steps), records: resumed.steps.map(withoutTimings) }).toEqual(reference);
        resumed.queryEncoder.dispose();
      }
      resumedAt.push(logs.find((l) => l.startsWith("resuming")) ?? "fresh");
    }
    expect(ran).toEqual([[1, 2, 3, 4, 5], [5, 6, 7, 8, 9, 10], [10, 11, 12]]);
    expect(resumedAt).toEqual(["fresh", "resuming from phase ltre (1 of 1) step 4", "resuming from phase ltre (1 of 1) step 9"]);
    expect(tf.memory().numTensors).toBe(tensors);
    // Another seed, or another index precision: refused, naming the difference.
    await expect(run(7, { checkpoints: { dir } }, s)).rejects.toThrow(/different training run.*seed: 6 -> 7/);
    await expect(run(6, { checkpoints: { dir } }, { ...s, index: { precision: "float32" } })).rejects.toThrow(/different training run.*settings\.index\.precision: "float16" -> "float32"/);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("is deterministic for a seed; before any step its retrieval equals the start model's", async () => {
    const [a, b] = [await run(3), await run(3)];
    expect(a.steps.map((s) => s.loss)).toEqual(b.steps.map((s) => s.loss));
    expect(weights(a.queryEncoder)).toEqual(weights(b.queryEncoder));
    [a, b].forEach((t) => t.queryEncoder.dispose());
    const untrained = await run(4, {}, { ...settings, train: { epochs: 0 } });
    const queries = await collection.queries("dev");
    const ltreRun = await retrieveLtre(untrained, index, queries, { queryMaxLength, k: 10, precision: parseSettings(ltreSettingsSchema, {}).index, seed: 4 });
    expect(plainRun(ltreRun)).toEqual(plainRun(await retrieveDense(start, index, queries, { queryMaxLength, k: 10 })));
    untrained.queryEncoder.dispose();
  });
});
