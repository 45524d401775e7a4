/**
 * Distillation in the runner: a dual-encoder and I3 distilled from BM25 on the tiny collection
 * (teacher-scores stage -> kd_train.jsonl over the first-stage pools; the train stages log the KL
 * term; both systems share one teacher-scores folder), a dual-encoder distilled from BM25 on the
 * embedded default collection beside the plain one, the config errors of the new settings, the
 * stage plan of a config without distillation (no teacher-scores stage, train needs unchanged),
 * and experiments/scifact-distill.ts and distill.ts (their seeded bases' systems and train keys unchanged).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadKdTrain } from "@i3/distill";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import { runExperiment, type RunOptions } from "../src/runner/run-experiment.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";
import scifactDistill from "../../../experiments/scifact-distill.js";
import scifactI3Seeds from "../../../experiments/scifact-i3-seeds.js";
import defaultDistill from "../../../experiments/distill.js";
import i3Seeds from "../../../experiments/i3-seeds.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

/** The runner tests' tiny budget without the crop warm-up. */
const budget = { ...TINY_NEURAL_BUDGET, train: { ...TINY_NEURAL_BUDGET.train, warmupEpochs: 0 } } as const;
const kd = { losses: { klDistillation: { weight: 1, temperature: 1 } }, distillation: { teacher: { kind: "bm25" }, negatives: 3, depth: 10 } } as const;

function config(systems: Record<string, unknown>): ExperimentInput {
  return {
    name: "tiny-kd",
    dataset: `local:${collectionDir}`,
    systems: { bm25: { kind: "bm25" }, ...systems },
    device: "wasm",
    evaluation: { measures: ["nDCG@10"], significance: { permutations: 50 } },
  } as ExperimentInput;
}

describe("runner: distillation from BM25", () => {
  it("scores the training pools once into kd_train.jsonl and trains a DE and I3 with the KL term", async () => {
    const result = await runExperiment(
      config({
        "de-kd": { kind: "dual-encoder", ...budget, ...kd },
        "i3-kd": { kind: "i3", ...budget, i3: { slots: 6 }, ...kd },
      }),
      opts,
    );
    const ids = result.stages.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["de-kd/teacher-scores", "i3-kd/teacher-scores", "de-kd/train", "i3-kd/evaluate:test"]));
    const scores = result.stages.filter((s) => s.stage === "teacher-scores");
    // Same teacher, same pools: one cache folder for both systems.
    expect(new Set(scores.map((s) => s.hash)).size).toBe(1);
    const dir = join(opts.runsDir!, ".cache", "teacher-scores", scores[0]!.hash);
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8").catch(() => "{}")) as { output?: { kdTrain?: string } };
    const kdTrain = join(dir, manifest.output?.kdTrain ?? (await findKdTrain(dir)));
    const records = await loadKdTrain(kdTrain);
    expect(records.size).toBe(12);
    const tr0 = records.get("tr0")!;
    expect(tr0.positives.map((p) => p.docId)).toEqual(["d0-0"]);
    expect(tr0.negatives.length).toBeGreaterThan(0);
    expect(tr0.negatives.length).toBeLessThanOrEqual(10);
    expect(tr0.positives[0]!.score).toBeGreaterThan(tr0.negatives.at(-1)!.score);

    for (const system of ["de-kd", "i3-kd"]) {
      const train = result.stages.find((s) => s.id === `${system}/train`)!;
      const log = (await readFile(join(opts.runsDir!, ".cache", "train", train.hash, "training-log.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
      expect(log.length).toBeGreaterThan(0);
      for (const step of log) expect(step["klDistillation"]).toBeGreaterThanOrEqual(0);
    }
  }, 600_000);

  it("config errors name the field", () => {
    const parse = (s: Record<string, unknown>) => () => parseExperiment(config({ de: { kind: "dual-encoder", ...s } }));
    expect(parse({ losses: { klDistillation: {} } })).toThrow(/systems\.de\.distillation.*losses\.klDistillation needs distillation\.teacher/s);
    expect(parse({ losses: { marginMse: {} }, distillation: { teacher: { kind: "nope" } } })).toThrow(/systems\.de\.distillation\.teacher/);
    expect(parse({ distillation: { teacher: { kind: "bm25" } } })).toThrow(/distillation is read only with losses\.klDistillation or losses\.marginMse/);
    expect(parse({ losses: { klDistillation: {} }, distillation: { teacher: { kind: "cross-encoder" } } })).toThrow(/exactly one of path .* or system/);
    expect(parse({ losses: { klDistillation: {} }, distillation: { teacher: { kind: "cross-encoder", system: "bm25" } } })).toThrow(/distillation\.teacher\.system/);
    expect(parse({ losses: { klDistillation: {} }, distillation: { teacher: { kind: "bm25" }, negatives: 0 } })).toThrow(/systems\.de\.distillation\.negatives/);
  });

  it("a config without distillation plans no teacher-scores stage and the train stage needs what it needed", () => {
    const plan = planExperiment(parseExperiment(config({ de: { kind: "dual-encoder", ...budget } })));
    expect(plan.stages.some((s) => s.ref.stage === "teacher-scores")).toBe(false);
    expect(Object.keys(plan.stages.find((s) => s.ref.stage === "train")!.needs).sort()).toEqual(["data", "negatives"]);
  });
});

describe("runner: distillation on the embedded default collection", () => {
  it("a dual-encoder distilled from BM25 (MarginMSE) trains beside the plain one, which keeps its stages", async () => {
    const plain = { kind: "dual-encoder", ...budget, negatives: { toRank: 50, perQuery: 1 }, train: { epochs: 1, warmupEpochs: 0, batchSize: 32 } } as const;
    const input = {
      ...config({ de: plain, "de-kd": { ...plain, losses: { marginMse: { weight: 0.01 } }, distillation: { teacher: { kind: "bm25" }, negatives: 3, depth: 20 } } }),
      dataset: "default",
    } as ExperimentInput;
    const result = await runExperiment(input, opts);
    const ids = result.stages.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["de-kd/teacher-scores", "de-kd/evaluate:test", "de/evaluate:test"]));
    expect(ids).not.toContain("de/teacher-scores");
    const train = (id: string) => result.stages.find((s) => s.id === id)!;
    // Same negatives (one stage, shared), different models.
    expect(train("de/negatives").hash).toBe(train("de-kd/negatives").hash);
    expect(train("de/train").hash).not.toBe(train("de-kd/train").hash);
    const log = (await readFile(join(opts.runsDir!, ".cache", "train", train("de-kd/train").hash, "training-log.jsonl"), "utf8")).trim().split("\n");
    expect(JSON.parse(log[0]!)).toHaveProperty("marginMse");
  }, 900_000);
});

describe.each([
  ["experiments/scifact-distill.ts", scifactDistill, scifactI3Seeds],
  ["experiments/distill.ts", defaultDistill, i3Seeds],
])("%s", (_, distill, seeded) => {
  it("reuses its seeded base's systems unchanged (same train keys) and plans a teacher-scores stage per distilled system and seed", async () => {
    for (const field of ["dataset", "splits", "device", "seeds", "seed"] as const) expect(distill[field]).toEqual(seeded[field]);
    for (const key of ["bm25", "dual-encoder", "i3"]) expect(distill.systems[key]).toEqual(seeded.systems[key]);
    const services = { datasetsDir: "", collection: () => Promise.reject(new Error("unused")) };
    const keysOf = async (config: typeof distill, system: string) => Promise.all(planExperiment(config).systems.get(system)!.replicates.map((r) => r.trained!.key(services)));
    for (const system of ["dual-encoder", "i3"]) expect(await keysOf(distill, system)).toEqual(await keysOf(seeded, system));
    const plan = planExperiment(distill);
    const scoring = plan.stages.filter((s) => s.ref.stage === "teacher-scores");
    expect(new Set(scoring.map((s) => s.ref.system!.replace(/@\d+$/, "")))).toEqual(new Set(["de-kd-bm25", "de-kd-ce", "i3-kd-bm25", "i3-kd-ce"]));
    expect(scoring).toHaveLength(12);
    expect(Object.keys(distill.systems)).toEqual(["bm25", "cross-encoder", "dual-encoder", "de-kd-bm25", "de-kd-ce", "i3", "i3-kd-bm25", "i3-kd-ce", "rrf-i3", "rrf-i3-kd-bm25", "rrf-i3-kd-ce"]);
  });
});

async function findKdTrain(dir: string): Promise<string> {
  const { readdir } = await import("node:fs/promises");
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) return join(entry.name, "kd_train.jsonl");
  }
  throw new Error(`no job folder in ${dir}`);
}
