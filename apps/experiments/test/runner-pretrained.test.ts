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
import { stableHash } from "@i3/core";
import { loadTokenizer, resolveDataset, type Collection, type I3Tokenizer } from "@i3/data";
import { loadDualEncoder, loadI3Retriever } from "@i3/encoders";
import { DenseIndex } from "@i3/search";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import { stageLabel, type RunServices } from "../src/runner/stage.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { failure, writeTinyBertCheckpoint } from "../../../test-support/tiny-bert-checkpoint.js";
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
  opts = { runsDir: await tempDir(), datasetsDir, quiet: true };
  collection = await resolveDataset(`local:${collectionDir}`, { datasetsDir });
  ({ ckpt, tokenizer } = await writeTinyBertCheckpoint(await tempDir("i3-bert-"), collection, 120));
});

/** Both neural systems start from the tiny checkpoint (`preset` is ignored: its config.json, 1 x 16, sets the size). */
function start(model: Record<string, unknown> = {}, tokenizer: Record<string, unknown> = { kind: "hf" }) {
  return {
    tokenizer,
    model: { init: ckpt, preset: "small", sharedTowers: false, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16, ...model },
    negatives: { toRank: 20, perQuery: 1 },
    optimizer: { lr: 1e-3 },
    train: { epochs: 1, warmupEpochs: 0, batchSize: 8 },
  };
}

function pretrained(opts: { model?: Record<string, unknown>; tokenizer?: Record<string, unknown>; pseudoQueries?: Record<string, unknown>; only?: "dual-encoder"; name?: string } = {}): ExperimentInput {
  const common = start(opts.model, opts.tokenizer);
  return {
    name: opts.name ?? "tiny-pretrained",
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      "dual-encoder": { kind: "dual-encoder", ...common },
      ...(opts.only
        ? {}
        : {
            i3: {
              kind: "i3",
              ...common,
              pseudoQueries: opts.pseudoQueries ?? { kind: "none" },
              i3: { slots: 6 },
              losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
              optimizer: { lr: 1e-3, headLrMultiplier: 10 },
            },
          }),
    },
    device: "wasm",
    evaluation: { measures: ["nDCG@10", "R@100"], significance: { permutations: 100 } },
  } as ExperimentInput;
}

/** The key of the stage labelled `label` (e.g. `i3/train`) in the plan of `input`. */
async function stageKey(input: ExperimentInput, label: string): Promise<string> {
  const plan = planExperiment(parseExperiment(input));
  const spec = plan.stages.find((s) => stageLabel(s.ref) === label);
  if (spec === undefined) throw new Error(`no stage ${label}`);
  return stableHash(await spec.key({} as RunServices));
}

const ids = (tok: I3Tokenizer) => Array.from(tok.encode(TEXT).ids);

function cacheDir(result: RunResult, id: string): string {
  const stage = result.stages.find((s) => s.id === id);
  if (stage === undefined) throw new Error(`no stage ${id}`);
  return join(opts.runsDir!, ".cache", stage.stage, stage.hash);
}

describe("neural stages from a Hugging Face BERT checkpoint (model.init, tokenizer.kind hf)", () => {
  it("a whole run (train, index, retrieve, evaluate) completes for the dual-encoder and I3, doc2query on the hf tokenizer", async () => {
    const result = await runExperiment(pretrained({ pseudoQueries: { kind: "doc2query", doc2queryEpochs: 1 } }), opts);
    const evaluated = result.metrics.splits["test"]!.systems;
    for (const system of ["dual-encoder", "i3"]) {
      // Evaluated on all 12 test queries (a run file with every query).
      expect(evaluated[system]!.queries).toHaveLength(12);
      expect(evaluated[system]!.aggregate["nDCG@10"]).toBeGreaterThanOrEqual(0);
      const index = await DenseIndex.load(join(cacheDir(result, `${system}/index`), "index"));
      expect([index.ids.length, index.dim]).toEqual([36, 16]);
      // The run checkpoint carries the hf tokenizer at its top (separate dual-encoder towers: in each tower's folder too).
      const saved = join(cacheDir(result, `${system}/train`), "checkpoint");
      expect(ids(await loadTokenizer(saved))).toEqual(ids(tokenizer));
      if (system === "dual-encoder") expect(ids(await loadTokenizer(join(saved, "query")))).toEqual(ids(tokenizer));
    }
    const de = await loadDualEncoder(join(cacheDir(result, "dual-encoder/train"), "checkpoint"));
    expect([de.shared, de.queryEncoder.config.layers, de.queryEncoder.config.hidden]).toEqual([false, 1, 16]);
    de.dispose();
    const i3 = await loadI3Retriever(join(cacheDir(result, "i3/train"), "checkpoint"));
    expect([i3.shared, i3.config.slots]).toEqual([false, 6]);
    i3.dispose();
    // doc2query trained on the hf tokenizer, not on a vocabulary of its own.
    const doc2queryTokenizer = await loadTokenizer(join(cacheDir(result, "i3/pseudo-queries"), "doc2query-tokenizer"));
    expect([doc2queryTokenizer.fingerprint, ids(doc2queryTokenizer)]).toEqual([tokenizer.fingerprint, ids(tokenizer)]);
  }, 300_000);

  it("refuses what cannot work, naming the field and the file", async () => {
    // A trained vocabulary cannot match pretrained embeddings; hf needs a path (or model.init).
    expect(() => parseExperiment(pretrained({ tokenizer: { kind: "wordpiece-trained" } }))).toThrow(
      /^config error at systems\.dual-encoder\.tokenizer\.kind: model\.init needs tokenizer\.kind "hf".*set tokenizer: \{kind: "hf"\}/,
    );
    expect(() => parseExperiment(pretrained({ model: { init: undefined } }))).toThrow(/^config error at systems\.dual-encoder\.tokenizer\.path: tokenizer\.kind "hf" needs tokenizer\.path/);

    // Missing checkpoint files: the run stops before training, naming model.init and the file.
    const partial = await tempDir("i3-partial-");
    await copyFile(join(ckpt, "config.json"), join(partial, "config.json"));
    await copyFile(join(ckpt, "tokenizer.json"), join(partial, "tokenizer.json"));
    const noWeights = await failure(runExperiment(pretrained({ name: "no-weights", only: "dual-encoder", model: { init: partial } }), opts));
    expect(noWeights).toMatch(/model\.init: .*model\.safetensors not found/);
    await rm(join(partial, "config.json"));
    await copyFile(join(ckpt, "model.safetensors"), join(partial, "model.safetensors"));
    const noConfig = await failure(runExperiment(pretrained({ name: "no-config", only: "dual-encoder", model: { init: partial } }), opts));
    expect(noConfig).toMatch(/model\.init: .*config\.json not found/);
  }, 120_000);

  it("the train stage key follows the checkpoint's and tokenizer's bytes, not their path", async () => {
    const copy = join(await tempDir("i3-key-"), "bert");
    await cp(ckpt, copy, { recursive: true });
    const base = await stageKey(pretrained(), "dual-encoder/train");
    // The same files elsewhere: the same key (the cache is content-addressed).
    expect(await stageKey(pretrained({ model: { init: copy } }), "dual-encoder/train")).toBe(base);

    // One byte of model.safetensors changed: a new key, for both systems.
    const i3Before = await stageKey(pretrained({ model: { init: copy } }), "i3/train");
    const weights = join(copy, "model.safetensors");
    const bytes = await readFile(weights);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    await writeFile(weights, bytes);
    const changed = await stageKey(pretrained({ model: { init: copy } }), "dual-encoder/train");
    expect(changed).not.toBe(base);
    expect(await stageKey(pretrained({ model: { init: copy } }), "i3/train")).not.toBe(i3Before);

    // The tokenizer's files too (train and doc2query keys).
    const doc2query = pretrained({ model: { init: copy }, pseudoQueries: { kind: "doc2query" } });
    const pqBefore = await stageKey(doc2query, "i3/pseudo-queries");
    const tokenizerJson = join(copy, "tokenizer.json");
    await writeFile(tokenizerJson, (await readFile(tokenizerJson, "utf8")).replace("[UNK]", "[UNKNOWN]"));
    expect(await stageKey(pretrained({ model: { init: copy } }), "dual-encoder/train")).not.toBe(changed);
    expect(await stageKey(doc2query, "i3/pseudo-queries")).not.toBe(pqBefore);

    // Without model.init and hf, the key holds the settings as written (no files are read).
    const plain = parseExperiment({ name: "plain", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", tokenizer: { vocabSize: 200 } } } });
    const spec = planExperiment(plain).stages.find((s) => stageLabel(s.ref) === "de/train")!;
    const key = (await spec.key({} as RunServices)) as { settings: { tokenizer: unknown; model: unknown } };
    expect(key.settings.tokenizer).toEqual(plain.systems["de"]!.kind === "dual-encoder" ? plain.systems["de"]!.tokenizer : undefined);
    expect(key.settings.model).toEqual(plain.systems["de"]!.kind === "dual-encoder" ? plain.systems["de"]!.model : undefined);
  });
});
