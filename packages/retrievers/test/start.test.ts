/**
 * Where training starts. From scratch: the preset's (or a custom size's) encoder config and a
 * WordPiece vocabulary with the `tokenizer` settings. From a Hugging Face BERT checkpoint
 * (`model.init`, `tokenizer.kind: "hf"`), written here (a 1-layer, 16-wide BertEncoder saved with
 * `saveBertEncoder`, plus a WordPiece tokenizer saved with `saveTokenizer`): the initial
 * dual-encoder and I3 hold exactly the checkpoint's weights and use its tokenizer; each
 * misconfiguration fails naming the setting and the file.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveDataset, saveTokenizer, trainWordPiece, type Collection, type I3Tokenizer } from "@i3/data";
import { I3Retriever, loadBertEncoder, presetConfig } from "@i3/encoders";
import {
  dualEncoderSettingsSchema,
  loadHfTokenizer,
  presetEncoderConfig,
  startTokenizer,
  trainDualEncoder,
  trainI3,
  type DualEncoderSettingsInput,
} from "../src/index.js";
import { failure, writeTinyBertCheckpoint } from "../../../test-support/tiny-bert-checkpoint.js";
import { firstPassages, tempRoot, weights } from "./helpers.js";

const TEXT = "Lobster rolls with butter, from Maine";
const root = tempRoot("i3-start-");
const quiet = () => {};

let collection: Collection;
/** The tiny checkpoint: config.json, model.safetensors and the tokenizer files. */
let ckpt: string;
let tokenizer: I3Tokenizer;

beforeAll(async () => {
  collection = firstPassages(await resolveDataset("default"), 60);
  ({ ckpt, tokenizer } = await writeTinyBertCheckpoint(root, collection, 300));
});

/** Settings starting from the tiny checkpoint (`preset` is not used with model.init: its config.json sets the size). */
function pretrained(model: DualEncoderSettingsInput["model"] = {}, tokenizerSettings: DualEncoderSettingsInput["tokenizer"] = { kind: "hf" }): DualEncoderSettingsInput {
  return {
    tokenizer: tokenizerSettings,
    model: { init: ckpt, preset: "small", sharedTowers: false, pooling: "mean", queryMaxLength: 8, passageMaxLength: 16, ...model },
    train: { epochs: 0, warmupEpochs: 0 },
  };
}

const ids = (tok: I3Tokenizer) => Array.from(tok.encode(TEXT).ids);

describe("from scratch", () => {
  it("presetEncoderConfig: a preset, or a custom size over the tiny preset with its dropout", () => {
    expect(presetEncoderConfig({ preset: "small", pooling: "mean" }, 500)).toEqual(presetConfig("small", { pooling: "mean", vocabSize: 500 }));
    const custom = presetEncoderConfig({ preset: { layers: 1, hidden: 64, heads: 4, intermediate: 96, dropout: 0.2 }, pooling: "cls" }, 500);
    expect(custom).toEqual(presetConfig("tiny", { layers: 1, hidden: 64, heads: 4, intermediate: 96, hiddenDropout: 0.2, attentionDropout: 0.2, pooling: "cls", vocabSize: 500 }));
    expect(custom.maxPositions).toBe(512);
  });

  it("startTokenizer trains tokenizer.vocabSize word pieces and honours tokenizer.lowercase", async () => {
    const texts = ["Apple apple Banana banana cherry", "Apple pie and banana bread"];
    const settings = (lowercase: boolean) => dualEncoderSettingsSchema.parse({ tokenizer: { vocabSize: 60, lowercase } });
    const lower = await startTokenizer(settings(true), () => texts, quiet);
    const cased = await startTokenizer(settings(false), () => texts, quiet);
    expect(lower.vocabSize).toBeLessThanOrEqual(60);
    expect(lower.encode("Apple").ids).toEqual(lower.encode("apple").ids);
    expect(cased.encode("Apple").ids).not.toEqual(cased.encode("apple").ids);
  });
});

describe("from a Hugging Face BERT checkpoint (model.init, tokenizer.kind hf)", () => {
  it("the initial dual-encoder and I3 hold exactly the checkpoint's weights and use its tokenizer", async () => {
    const checkpoint = await loadBertEncoder(ckpt);
    const expected = weights(checkpoint.encoder);
    const common = { collection, trainSplit: "train", negatives: new Map(), seed: 42, device: "wasm" as const, log: quiet };

    const de = await trainDualEncoder({ ...common, workDir: join(root, "de"), settings: pretrained() });
    expect(de.model.shared).toBe(false);
    expect(weights(de.model.queryEncoder)).toEqual(expected);
    expect(weights(de.model.passageEncoder)).toEqual(expected);
    // The size is the checkpoint's (not preset "small"); pooling is the settings' (the checkpoint says cls).
    expect(de.model.queryEncoder.config).toMatchObject({ layers: 1, hidden: 16, vocabSize: tokenizer.vocabSize, maxPositions: 24, pooling: "mean" });
    expect(checkpoint.config.pooling).toBe("cls");
    // Its tokenizer is the checkpoint's.
    expect([de.tokenizer.fingerprint, ids(de.tokenizer)]).toEqual([tokenizer.fingerprint, ids(tokenizer)]);
    de.model.dispose();

    const i3 = await trainI3({ ...common, workDir: join(root, "i3"), settings: { ...pretrained(), i3: { slots: 6 } } });
    expect(weights(i3.model.queryEncoder)).toEqual(expected);
    expect(weights(i3.model.passageEncoder)).toEqual(expected);
    // The heads are fresh from the seed, as without model.init.
    const fresh = new I3Retriever(i3.model.encoder, i3.model.config, { seed: 42 });
    const heads = (m: I3Retriever) => new Map([...weights(m)].filter(([name]) => !/^lm_[pq]\./.test(name)));
    expect(heads(i3.model).size).toBeGreaterThan(0);
    expect(heads(i3.model)).toEqual(heads(fresh));
    expect(ids(i3.tokenizer)).toEqual(ids(tokenizer));
    fresh.dispose();
    i3.model.dispose();
    checkpoint.encoder.dispose();
  }, 120_000);

  it("tokenizer.path may name the file itself: vocab.txt (even beside a tokenizer.json) or tokenizer.json", async () => {
    expect(ids(await loadHfTokenizer(join(ckpt, "vocab.txt")))).toEqual(ids(tokenizer));
    expect(ids(await loadHfTokenizer(join(ckpt, "tokenizer.json")))).toEqual(ids(tokenizer));
  });

  it("refuses what cannot work, naming the setting and the file", async () => {
    const train = (settings: DualEncoderSettingsInput) =>
      failure(trainDualEncoder({ collection, trainSplit: "train", negatives: new Map(), seed: 1, device: "wasm", workDir: join(root, "work"), settings, log: quiet }));
    // Tokenizer and checkpoint vocabularies differ.
    const other = join(root, "other-tokenizer");
    await saveTokenizer(await trainWordPiece(["just a few other words here"], { vocabSize: 40 }), other);
    expect(await train(pretrained({}, { kind: "hf", path: other }))).toMatch(
      /^tokenizer\.path: the tokenizer at .* has \d+ tokens but model\.init .*config\.json has vocab_size \d+/,
    );
    // Lengths beyond the position embeddings.
    expect(await train(pretrained({ queryMaxLength: 32 }))).toMatch(/^model\.queryMaxLength 32 exceeds max_position_embeddings 24 of model\.init .*config\.json/);
    expect(await train(pretrained({ passageMaxLength: 25 }))).toMatch(/^model\.passageMaxLength 25 exceeds max_position_embeddings 24 of model\.init .*config\.json/);
    // An hf tokenizer folder with neither tokenizer.json nor vocab.txt.
    const empty = join(root, "empty");
    await mkdir(empty);
    expect(await train(pretrained({}, { kind: "hf", path: empty }))).toMatch(/^tokenizer\.path: folder .* has no tokenizer\.json and no vocab\.txt/);
    // A model.init folder without its weights (only the config and the tokenizer).
    const partial = join(root, "partial");
    await mkdir(partial);
    for (const f of ["config.json", "tokenizer.json"]) await copyFile(join(ckpt, f), join(partial, f));
    expect(await train(pretrained({ init: partial }))).toMatch(/^model\.init: .*model\.safetensors not found/);
    // A settings error names its path before anything runs.
    expect(await train(pretrained({}, { kind: "wordpiece-trained" }))).toMatch(/^settings error at tokenizer\.kind: model\.init needs tokenizer\.kind "hf"/);
  }, 120_000);
});
