/**
 * Starting the neural systems from a Hugging Face BERT checkpoint (`model.init`) and its
 * tokenizer (`tokenizer.kind: "hf"`), on a tiny checkpoint written here (a 1-layer, 16-wide
 * BertEncoder saved with `saveBertEncoder`, plus a WordPiece tokenizer trained on the tiny
 * collection and saved with `saveTokenizer`): whole runs complete for the dual-encoder and I3;
 * each misconfiguration fails with a message naming the field; the train stage key follows the
 * checkpoint's bytes. What the trainers start from (weights, tokenizer, the checks of
 * `startEncoderConfig`) is tested in `@i3/retrievers` (test/start.test.ts).
 */
import { copyFile, cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer, passageText, resolveDataset, saveTokenizer, trainWordPiece, type Collection, type I3Tokenizer } from "@i3/data";
import { BertEncoder, encoderConfig, initBackend, loadDualEncoder, loadI3Retriever, saveBertEncoder } from "@i3/encoders";
import { DenseIndex } from "@i3/search";
import { stableHash } from "../src/config/canonical.js";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import type { RunServices } from "../src/runner/stage.js";
import { pseudoQueriesStage, trainStage } from "../src/runner/stages/neural.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { experimentStages } from "../src/systems/neuralStages.js";
import { tempDir, writeTinyCollection } from "./runner-fixtures.js";

const TEXT = "Lobster rolls with butter, from Maine";

let collectionDir: string;
let collection: Collection;
let opts: RunOptions;
/** The tiny checkpoint: config.json, model.safetensors and the tokenizer files. */
let ckpt: string;
let tokenizer: I3Tokenizer;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  const datasetsDir = await tempDir("i3-datasets-");
  opts = { runsDir: await tempDir(), datasetsDir, quiet: true, neural: experimentStages };
  collection = await resolveDataset(`local:${collectionDir}`, { datasetsDir });
  const texts: string[] = [];
  for await (const p of collection.corpus()) texts.push(passageText(p));
  tokenizer = await trainWordPiece(texts, { vocabSize: 120 });
  await initBackend({ device: "wasm" });
  const config = encoderConfig({ vocabSize: tokenizer.vocabSize, hidden: 16, layers: 1, heads: 2, intermediate: 32, maxPositions: 24, initializerRange: 0.2 });
  const encoder = new BertEncoder(config, { seed: 99 });
  ckpt = join(await tempDir("i3-bert-"), "bert");
  await saveBertEncoder(ckpt, encoder);
  await saveTokenizer(tokenizer, ckpt);
  encoder.dispose();
});

function pretrained(input: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: "tiny-pretrained",
    dataset: `local:${collectionDir}`,
    systems: ["bm25", "dual-encoder", "i3"],
    tokenizer: { kind: "hf" },
    // `preset` is ignored with model.init: the checkpoint's config.json (1 x 16) sets the size.
    model: { init: ckpt, preset: "small", sharedTowers: false, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16 },
    negatives: { toRank: 20, perQuery: 1 },
    pseudoQueries: { kind: "none" },
    i3: { slots: 6 },
    losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
    optimizer: { lr: 1e-3, headLrMultiplier: 10 },
    train: { epochs: 1, warmupEpochs: 0, batchSize: 8 },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "R@100"], significance: { permutations: 100 } },
    ...input,
  };
}

const ids = (tok: I3Tokenizer) => Array.from(tok.encode(TEXT).ids);

function cacheDir(result: RunResult, id: string): string {
  const stage = result.stages.find((s) => s.id === id);
  if (stage === undefined) throw new Error(`no stage ${id}`);
  return join(opts.runsDir!, ".cache", id.split(":")[0]!, stage.hash);
}

/** Error message of a promise that must reject. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("neural stages from a Hugging Face BERT checkpoint (model.init, tokenizer.kind hf)", () => {
  it("a whole run (train, index, retrieve, evaluate) completes for the dual-encoder and I3, doc2query on the hf tokenizer", async () => {
    const result = await runExperiment(pretrained({ pseudoQueries: { kind: "doc2query", doc2queryEpochs: 1 } }), opts);
    const evaluated = result.metrics.splits["test"]!.systems;
    for (const system of ["dual-encoder", "i3"]) {
      // Evaluated on all 12 test queries (a run file with every query).
      expect(evaluated[system]!.queries).toHaveLength(12);
      expect(evaluated[system]!.aggregate["nDCG@10"]).toBeGreaterThanOrEqual(0);
      const index = await DenseIndex.load(join(cacheDir(result, `index:${system}`), "index"));
      expect([index.ids.length, index.dim]).toEqual([36, 16]);
      // The run checkpoint carries the hf tokenizer at its top (separate dual-encoder towers: in each tower's folder too).
      const saved = join(cacheDir(result, `train:${system}`), "checkpoint");
      expect(ids(await loadTokenizer(saved))).toEqual(ids(tokenizer));
      if (system === "dual-encoder") expect(ids(await loadTokenizer(join(saved, "query")))).toEqual(ids(tokenizer));
    }
    const de = await loadDualEncoder(join(cacheDir(result, "train:dual-encoder"), "checkpoint"));
    expect([de.shared, de.queryEncoder.config.layers, de.queryEncoder.config.hidden]).toEqual([false, 1, 16]);
    de.dispose();
    const i3 = await loadI3Retriever(join(cacheDir(result, "train:i3"), "checkpoint"));
    expect([i3.shared, i3.config.slots]).toEqual([false, 6]);
    i3.dispose();
    // doc2query trained on the hf tokenizer, not on a vocabulary of its own.
    const doc2queryTokenizer = await loadTokenizer(join(cacheDir(result, "pseudo-queries"), "doc2query-tokenizer"));
    expect([doc2queryTokenizer.fingerprint, ids(doc2queryTokenizer)]).toEqual([tokenizer.fingerprint, ids(tokenizer)]);
  }, 300_000);

  it("refuses what cannot work, naming the field and the file", async () => {
    // A trained vocabulary cannot match pretrained embeddings; hf needs a path (or model.init).
    expect(() => parseExperiment(pretrained({ tokenizer: { kind: "wordpiece-trained" } }))).toThrow(
      /^config error at tokenizer\.kind: model\.init needs tokenizer\.kind "hf".*set tokenizer: \{kind: "hf"\}/,
    );
    expect(() => parseExperiment(pretrained({ model: { preset: "tiny" } }))).toThrow(/^config error at tokenizer\.path: tokenizer\.kind "hf" needs tokenizer\.path/);

    // Missing checkpoint files: the run stops before training, naming model.init and the file.
    const partial = await tempDir("i3-partial-");
    await copyFile(join(ckpt, "config.json"), join(partial, "config.json"));
    await copyFile(join(ckpt, "tokenizer.json"), join(partial, "tokenizer.json"));
    const noWeights = await failure(runExperiment(pretrained({ name: "no-weights", systems: ["bm25", "dual-encoder"], model: { init: partial } }), opts));
    expect(noWeights).toMatch(/^model\.init: .*model\.safetensors not found/);
    await rm(join(partial, "config.json"));
    await copyFile(join(ckpt, "model.safetensors"), join(partial, "model.safetensors"));
    const noConfig = await failure(runExperiment(pretrained({ name: "no-config", systems: ["bm25", "dual-encoder"], model: { init: partial } }), opts));
    expect(noConfig).toMatch(/^model\.init: .*config\.json not found/);

  }, 120_000);

  it("the train stage key follows the checkpoint's and tokenizer's bytes, not their path; old keys stay as they were", async () => {
    const services = {} as RunServices;
    const copy = join(await tempDir("i3-key-"), "bert");
    await cp(ckpt, copy, { recursive: true });
    const key = async (input: Partial<ExperimentInput>, system: "dual-encoder" | "i3" = "dual-encoder") =>
      stableHash(await trainStage(system).key(parseExperiment(pretrained(input)), services));
    const base = await key({});
    // The same files elsewhere: the same key (the cache is content-addressed).
    expect(await key({ model: { ...pretrained().model!, init: copy } })).toBe(base);

    // One byte of model.safetensors changed: a new key, for both systems.
    const i3Before = await key({ model: { ...pretrained().model!, init: copy } }, "i3");
    const weights = join(copy, "model.safetensors");
    const bytes = await readFile(weights);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    await writeFile(weights, bytes);
    const changed = await key({ model: { ...pretrained().model!, init: copy } });
    expect(changed).not.toBe(base);
    expect(await key({ model: { ...pretrained().model!, init: copy } }, "i3")).not.toBe(i3Before);

    // The tokenizer's files too (train and doc2query keys).
    const doc2query = pretrained({ model: { ...pretrained().model!, init: copy }, pseudoQueries: { kind: "doc2query" } });
    const pqBefore = stableHash(await pseudoQueriesStage().key(parseExperiment(doc2query), services));
    const tokenizerJson = join(copy, "tokenizer.json");
    await writeFile(tokenizerJson, (await readFile(tokenizerJson, "utf8")).replace("[UNK]", "[UNKNOWN]"));
    expect(await key({ model: { ...pretrained().model!, init: copy } })).not.toBe(changed);
    expect(stableHash(await pseudoQueriesStage().key(parseExperiment(doc2query), services))).not.toBe(pqBefore);

    // Without model.init and hf, the key is exactly the old one (cached runs stay valid).
    const plain = parseExperiment({ name: "plain", systems: ["bm25", "dual-encoder"], tokenizer: { vocabSize: 200 } });
    expect(await trainStage("dual-encoder").key(plain, services)).toEqual({
      system: "dual-encoder",
      tokenizer: plain.tokenizer,
      model: plain.model,
      optimizer: { ...plain.optimizer, headLrMultiplier: 1 },
      train: plain.train,
      perQuery: plain.negatives.perQuery,
      schedule: plain.negatives.schedule,
      device: plain.device,
      seed: plain.seed,
      losses: { ...plain.losses, reconstruction: undefined },
    });
    const plainDoc2query = parseExperiment({ name: "plain", pseudoQueries: { kind: "doc2query" } });
    expect((await pseudoQueriesStage().key(plainDoc2query, services)) as { tokenizer: unknown }).toMatchObject({ tokenizer: plainDoc2query.tokenizer });
  });
});
