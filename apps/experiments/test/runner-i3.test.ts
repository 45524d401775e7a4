/**
 * The runner with its real neural stages (TensorFlow.js) for the dual-encoder and I3 on the tiny
 * collection: pseudo-queries from each source land in `generated.tsv`, the I3 checkpoint and
 * index are written, the I3 index holds one vector per passage of the dual-encoder's size, and
 * an I3-only ablation reuses the dual-encoder's trained checkpoint from the cache.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadI3Retriever } from "@i3/encoders";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { DenseIndex } from "@i3/search";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

/** The tiny budget both neural systems share. */
const budget = TINY_NEURAL_BUDGET;

type I3Input = Record<string, unknown>;

function tinyNeural(i3: I3Input = {}, input: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: "tiny-i3",
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      "dual-encoder": { kind: "dual-encoder", ...budget },
      i3: {
        kind: "i3",
        ...budget,
        pseudoQueries: { kind: "rake" },
        i3: { slots: 6 },
        losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
        optimizer: { lr: 1e-3, headLrMultiplier: 10 },
        ...i3,
      },
    },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "R@100"], significance: { permutations: 100 } },
    ...input,
  } as ExperimentInput;
}

function stageOf(result: RunResult, id: string) {
  const stage = result.stages.find((s) => s.id === id);
  if (stage === undefined) throw new Error(`no stage ${id} in ${result.stages.map((s) => s.id).join(", ")}`);
  return stage;
}

function cacheDir(result: RunResult, id: string): string {
  const stage = stageOf(result, id);
  return join(opts.runsDir!, ".cache", stage.stage, stage.hash);
}

describe("runner: I3 with the real neural stages", () => {
  it("trains, indexes and retrieves I3 beside the dual-encoder; an I3-only change reuses the DE checkpoint", async () => {
    const first = await runExperiment(tinyNeural(), opts);
    expect(first.stages.map((s) => s.id)).toEqual(expect.arrayContaining(["i3/pseudo-queries", "i3/train", "i3/index", "i3/retrieve:test", "i3/evaluate:test"]));

    // RAKE pseudo-queries: one per passage, in generated.tsv.
    const generated = await readGeneratedTsv(join(cacheDir(first, "i3/pseudo-queries"), "generated.tsv"));
    expect(generated.size).toBe(36);
    expect(generated.get("d0-0")).toMatch(/lobster|roll|butter/);

    // The I3 checkpoint loads with the configured switches; its index has the DE's shape and size.
    const i3Model = await loadI3Retriever(join(cacheDir(first, "i3/train"), "checkpoint"));
    expect(i3Model.config.slots).toBe(6);
    expect(i3Model.interactor).toBeDefined();
    i3Model.dispose();
    const i3Index = await DenseIndex.load(join(cacheDir(first, "i3/index"), "index"));
    const deIndex = await DenseIndex.load(join(cacheDir(first, "dual-encoder/index"), "index"));
    expect([i3Index.ids.length, i3Index.dim]).toEqual([36, 16]);
    expect([deIndex.ids.length, deIndex.dim]).toEqual([36, 16]);
    const bytes = async (id: string) => (await stat(join(cacheDir(first, id), "index", "vectors.bin"))).size;
    expect(await bytes("i3/index")).toBe(await bytes("dual-encoder/index"));

    // The training log records both I3 loss terms.
    const log = (await readFile(join(first.runDir, "training-log-i3.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ phase: "warmup" });
    expect(log.at(-1)).toMatchObject({ phase: "queries" });
    expect(typeof log[0].reconstruction).toBe("number");
    expect(log[0].reconstruction).toBeGreaterThan(0);

    // Changing only I3's switches retrains I3 alone.
    const second = await runExperiment(tinyNeural({ i3: { slots: 6, interactor: { enabled: false }, reconstructor: { memory: "tokens" } } }), opts);
    expect(stageOf(second, "dual-encoder/train").cached).toBe(true);
    expect(stageOf(second, "i3/pseudo-queries").cached).toBe(true);
    expect(stageOf(second, "i3/train").cached).toBe(false);
  }, 600_000);

  it("generates pseudo-queries from spans, training queries and a learned doc2query model", async () => {
    for (const kind of ["spans", "training-queries", "doc2query"] as const) {
      const base = tinyNeural({ pseudoQueries: { kind, doc2queryEpochs: 1 }, train: { epochs: 1, warmupEpochs: 0, batchSize: 8 } });
      const systems = base.systems as Record<string, unknown>;
      const result = await runExperiment({ ...base, name: `tiny-pq-${kind}`, systems: { bm25: systems["bm25"], i3: systems["i3"] } } as ExperimentInput, opts);
      const generated = await readGeneratedTsv(join(cacheDir(result, "i3/pseudo-queries"), "generated.tsv"));
      // Training queries cover only the 12 passages the train split judges relevant.
      expect(generated.size).toBe(kind === "training-queries" ? 12 : 36);
      if (kind === "training-queries") expect(generated.get("d0-0")).toBe("lobster roll");
      for (const text of generated.values()) expect(text).not.toMatch(/[\t\n]/);
    }
  }, 600_000);
});
