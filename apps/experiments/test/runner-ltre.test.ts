/**
 * The `ltre` system through the runner with the real neural stages on the tiny collection: LTRe
 * from a dual-encoder and from I3 (float32), and from the dual-encoder with a float16 and a PQ
 * index; the `from` systems' train and index stages run once and LTRe reads them (no index of its
 * own); its query tower is trained (differs from the start's) while the start checkpoint is
 * unchanged; its training cost lands in the stage summary and its log. The plan pairs each LTRe
 * replicate with the `from` replicate of the same seed; config errors name the field.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBertEncoder, loadDualEncoder } from "@i3/encoders";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { stageLabel, type StageSpec } from "../src/runner/stage.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";
import scifactLtre from "../../../experiments/scifact-ltre.js";
import scifactI3Seeds from "../../../experiments/scifact-i3-seeds.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

const budget = TINY_NEURAL_BUDGET;
const ltre = { ltre: { depth: 10 }, optimizer: { lr: 1e-3 }, train: { epochs: 2, batchSize: 4 } } as const;

function tinyLtre(input: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: "tiny-ltre",
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      "dual-encoder": { kind: "dual-encoder", ...budget },
      "de-ltre": { kind: "ltre", from: "dual-encoder", ...ltre },
      "de-ltre-fp16": { kind: "ltre", from: "dual-encoder", ...ltre, index: { precision: "float16" } },
      "de-ltre-pq": { kind: "ltre", from: "dual-encoder", ...ltre, index: { precision: "pq", pq: { subspaces: 4, centroids: 8, iterations: 5 } } },
      i3: { kind: "i3", ...budget, i3: { slots: 6 } },
      "i3-ltre": { kind: "ltre", from: "i3", ...ltre },
    },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "RR@10"], significance: { permutations: 100 } },
    baseline: "dual-encoder",
    ...input,
  } as ExperimentInput;
}

function stageOf(result: RunResult, id: string) {
  const stage = result.stages.find((s) => s.id === id);
  if (stage === undefined) throw new Error(`no stage ${id} in ${result.stages.map((s) => s.id).join(", ")}`);
  return stage;
}
const cacheDir = (result: RunResult, id: string) => join(opts.runsDir!, ".cache", stageOf(result, id).stage, stageOf(result, id).hash);

describe("runner: the ltre system", () => {
  it("trains the query tower against the from system's index, for the dual-encoder and I3, at float32, float16 and PQ", async () => {
    const result = await runExperiment(tinyLtre(), opts);
    const ids = result.stages.map((s) => s.id);
    for (const key of ["de-ltre", "de-ltre-fp16", "de-ltre-pq", "i3-ltre"]) {
      expect(ids).toEqual(expect.arrayContaining([`${key}/train`, `${key}/retrieve:test`, `${key}/evaluate:test`]));
      expect(ids).not.toContain(`${key}/index`);
      expect(result.metrics.splits["test"]!.systems[key]!.aggregate["RR@10"]).toBeGreaterThanOrEqual(0);
    }
    // the from systems trained and indexed once each
    expect(ids.filter((id) => id === "dual-encoder/train" || id === "dual-encoder/index")).toHaveLength(2);

    // The trained query tower differs from the start's; the start checkpoint still holds the start's weights.
    const deDir = join(cacheDir(result, "dual-encoder/train"), "checkpoint");
    const de = await loadDualEncoder(deDir);
    const { encoder: tower } = await loadBertEncoder(join(cacheDir(result, "de-ltre/train"), "checkpoint"));
    const startWeights = new Map(de.queryEncoder.namedParameters().map((p) => [p.name, Array.from(p.variable.dataSync())]));
    const changed = tower.namedParameters().some((p) => Array.from(p.variable.dataSync()).some((x, i) => x !== startWeights.get(p.name)![i]));
    expect(changed).toBe(true);
    expect(tower.config.hidden).toBe(16);
    de.dispose();
    tower.dispose();

    // The training log has LTRe's metrics; the summary has the cost beside the from system's.
    const manifest = JSON.parse(await readFile(join(cacheDir(result, "de-ltre/train"), "manifest.json"), "utf8")) as { output: { summary: { cost: Record<string, unknown> } } };
    expect(Object.keys(manifest.output.summary.cost).sort()).toEqual(["fromSecondsPerStep", "ltreOverFromStepTime", "ltreRetrievalSecondsPerStep", "ltreSecondsPerStep"]);
    expect(typeof manifest.output.summary.cost["fromSecondsPerStep"]).toBe("number");
    const log = (await readFile(join(cacheDir(result, "de-ltre/train"), "training-log.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(log).toHaveLength(6); // 12 training queries, batches of 4, 2 epochs
    expect(log[0]).toMatchObject({ phase: "ltre" });
    expect(typeof log[0].mrr10).toBe("number");
    expect(typeof log[0].retrievalSeconds).toBe("number");
  }, 900_000);

  it("pairs each LTRe replicate with the from replicate of the same seed", () => {
    const config = parseExperiment(tinyLtre({ seeds: [1, 2] }));
    const plan = planExperiment(config);
    for (const seed of [1, 2]) {
      const replicate = plan.systems.get("de-ltre")!.replicates.find((r) => r.seed === seed)!;
      const train = replicate.trained as StageSpec;
      expect(stageLabel((train.needs["start"] as StageSpec).ref)).toBe(`dual-encoder@${seed}/train`);
      // The index trained against is the one built on tfjs (a training input; the default inference is auto).
      expect(stageLabel((train.needs["index"] as StageSpec).ref)).toBe(`dual-encoder@${seed}[tfjs]/index`);
    }
  });

  it("refuses a from that is no dense system, and names the field of a bad setting", () => {
    const systems = (extra: Record<string, unknown>) => tinyLtre({ systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", ...budget }, x: { kind: "ltre", ...extra } } as never });
    expect(() => parseExperiment(systems({ from: "bm25" }))).toThrow(/systems\.x\.from: names system "bm25" \(kind bm25\); expected a system of kind dual-encoder or i3/);
    expect(() => parseExperiment(systems({ from: "nope" }))).toThrow(/systems\.x\.from: names system "nope", which is not one of systems/);
    expect(() => parseExperiment(systems({ ltre: { depth: 0 } }))).toThrow(/systems\.x\.ltre\.depth/);
    expect(() => parseExperiment(systems({ index: { precision: "int4" } }))).toThrow(/systems\.x\.index\.precision/);
    expect(() => parseExperiment(systems({ negatives: {} }))).toThrow(/systems\.x/);
  });

  it("experiments/scifact-ltre.ts reuses scifact-i3-seeds' systems with identical settings (same train stages), LTRe from each", async () => {
    for (const field of ["dataset", "splits", "device", "seeds", "seed"] as const) expect(scifactLtre[field]).toEqual(scifactI3Seeds[field]);
    for (const key of ["bm25", "dual-encoder", "i3"]) expect(scifactLtre.systems[key]).toEqual(scifactI3Seeds.systems[key]);
    const keysOf = async (config: typeof scifactLtre, system: string) =>
      Promise.all(planExperiment(config).systems.get(system)!.replicates.map((r) => r.trained!.key({ datasetsDir: "", collection: () => Promise.reject(new Error("unused")) })));
    for (const system of ["dual-encoder", "i3"]) expect(await keysOf(scifactLtre, system)).toEqual(await keysOf(scifactI3Seeds, system));
    const ltreRows = Object.entries(scifactLtre.systems).filter(([, s]) => s.kind === "ltre");
    expect(ltreRows.map(([key]) => key)).toEqual(["de-ltre", "i3-ltre", "de-ltre-fp16", "de-ltre-pq", "i3-ltre-fp16", "i3-ltre-pq"]);
    expect(scifactLtre.evaluation.measures).toEqual(expect.arrayContaining(["RR@10", "nDCG@10"]));
  });
});
