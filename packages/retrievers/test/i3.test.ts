/**
 * The I3 trainer on the first 1000 passages of the embedded default collection (tiny model; no
 * effectiveness claims): warm-up on crops with pseudo-query targets and a frozen backbone, then
 * fine-tuning; fine-tuning targets default to the first relevant training query;
 * `losses.reconstruction: false` = no L_rec; the checkpoint round trip keeps the model and its p*.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, type Collection } from "@i3/data";
import { firstRelevantQueries } from "@i3/pseudoquery";
import { runBm25OnCollection } from "@i3/search";
import { indexAndRetrieve, loadI3Checkpoint, saveI3Checkpoint, trainI3, type I3SettingsInput } from "../src/index.js";
import { firstPassages, plainRun, tempRoot, weights } from "./helpers.js";

const root = tempRoot("i3-trainer-");
let collection: Collection;
let targets: Map<string, string>;
let firstStageTrainRun: Awaited<ReturnType<typeof runBm25OnCollection>>;

const tiny: I3SettingsInput = {
  tokenizer: { vocabSize: 1500 },
  model: { preset: { layers: 1, hidden: 32, heads: 2, intermediate: 64 }, queryMaxLength: 16, passageMaxLength: 32 },
  losses: { reconstruction: { weight: 1 } },
  optimizer: { headLrMultiplier: 50 },
  train: { batchSize: 128, epochs: 1, warmupEpochs: 1 },
  i3: { slots: 8, reconstructor: { memory: "tokens" }, interactor: { input: "tokens" } },
};

beforeAll(async () => {
  collection = firstPassages(await resolveDataset("default"), 1000);
  firstStageTrainRun = await runBm25OnCollection(collection, "train", { k: 50, indexDir: join(root, "bm25") });
  // pseudo-queries: the first six words of each passage (a stand-in for @i3/pseudoquery's sources)
  targets = new Map<string, string>();
  for await (const p of collection.corpus()) targets.set(p.id, `${p.title} ${p.text}`.split(/\s+/).slice(0, 6).join(" "));
});

describe("trainI3", () => {
  it("warms up the heads alone on crops, fine-tunes both, and retrieves a run per split", async () => {
    const logs: string[] = [];
    const trained = await trainI3({
      collection,
      trainSplit: "train",
      firstStageTrainRun,
      targets,
      seed: 42,
      device: "wasm",
      workDir: join(root, "model"),
      log: (m) => logs.push(m),
      settings: { ...tiny, i3: { ...tiny.i3, warmupFreezeBackbone: true } },
    });
    const runs = await indexAndRetrieve(trained, { collection, splits: ["dev", "test"], k: 20 });
    expect([...runs.keys()]).toEqual(["dev", "test"]);
    for (const split of ["dev", "test"]) {
      const queries = await collection.queries(split);
      const run = runs.get(split)!;
      expect(run.size).toBe(queries.length);
      for (const ranking of run.values()) expect(ranking.size).toBe(20);
    }
    expect(trained.steps.length).toBeGreaterThan(2);
    for (const s of trained.steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.metrics?.reconstruction).toBeGreaterThan(0);
    }
    // warm-up trains the heads only, at 50x the backbone lr; fine-tuning trains both
    expect(Object.keys(trained.steps[0]!.lr)).toEqual(["heads"]);
    expect(Object.keys(trained.steps.at(-1)!.lr).sort()).toEqual(["backbone", "heads"]);
    const last = trained.steps.at(-1)!;
    expect(last.lr["heads"]).toBeCloseTo(50 * last.lr["backbone"]!, 12);
    // beta: the weight in the warm-up, weight x 10^-1 in the first fine-tuning epoch
    expect(trained.steps[0]!.metrics?.beta).toBe(1);
    expect(last.metrics?.beta).toBeCloseTo(0.1, 12);
    expect(logs.some((l) => l.startsWith("warmup") && l.includes("backbone frozen") && l.includes("1000 passages with targets"))).toBe(true);
    expect(new Set(trained.steps.map((s) => s.phase))).toEqual(new Set(["warmup", "queries"]));
    trained.model.dispose();
  }, 300_000);

  it("without targets, fine-tuning reconstructs the first relevant training query; with losses.reconstruction false, no L_rec", async () => {
    const logs: string[] = [];
    const settings: I3SettingsInput = { ...tiny, losses: { reconstruction: false }, train: { ...tiny.train, warmupEpochs: 0 } };
    const trained = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, seed: 1, device: "wasm", workDir: join(root, "no-rec"), log: (m) => logs.push(m), settings });
    const judged = (await firstRelevantQueries(collection, "train")).size;
    expect(logs.some((l) => l.startsWith("queries") && l.includes(`${judged} passages with targets`))).toBe(true);
    for (const s of trained.steps) expect(s.metrics).toMatchObject({ beta: 0, reconstruction: 0 });
    expect(trained.steps.every((s) => s.phase === "queries")).toBe(true);
    trained.model.dispose();
  }, 300_000);

  it("a saved checkpoint reloads the same model and tokenizer (and so the same run)", async () => {
    const settings: I3SettingsInput = { ...tiny, train: { ...tiny.train, epochs: 0 } };
    const trained = await trainI3({ collection, trainSplit: "train", firstStageTrainRun, targets, seed: 9, device: "wasm", workDir: join(root, "ckpt-work"), log: () => {}, settings });
    const ckpt = join(root, "checkpoint");
    await saveI3Checkpoint(ckpt, trained);
    expect(readdirSync(ckpt).sort()).toEqual(["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]);
    const loaded = await loadI3Checkpoint(ckpt);
    expect(loaded.model.config).toEqual(trained.model.config);
    expect(weights(loaded.model)).toEqual(weights(trained.model));
    const runOf = async (r: typeof trained | typeof loaded) => plainRun((await indexAndRetrieve({ ...r, settings: trained.settings }, { collection, splits: ["dev"], k: 10 })).get("dev")!);
    expect(await runOf(loaded)).toEqual(await runOf(trained));
    trained.model.dispose();
    loaded.model.dispose();
  }, 300_000);
});
