/**
 * A trained retriever and its tokenizer in one Hugging Face-layout folder: `@i3/encoders`'
 * checkpoint (config.json + model.safetensors; a dual-encoder with separate towers adds
 * `query/` and `passage/`) with the tokenizer files (`@i3/data`'s `saveTokenizer`: tokenizer.json,
 * tokenizer_config.json, special_tokens_map.json, vocab.txt) beside them, and back.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer, saveTokenizer, type I3Tokenizer } from "@i3/data";
import {
  loadBertEncoder,
  loadDualEncoder,
  loadI3Retriever,
  saveBertEncoder,
  saveDualEncoder,
  saveI3Retriever,
  type BertEncoder,
  type DualEncoder,
  type I3Retriever,
} from "@i3/encoders";

/** Runs `save` with the tokenizer's files, written to a temp folder first. */
async function withTokenizerFiles(tokenizer: I3Tokenizer, save: (files: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "i3-tokenizer-"));
  try {
    await saveTokenizer(tokenizer, dir);
    await save((await readdir(dir)).map((f) => join(dir, f)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Saves a dual-encoder and its tokenizer into `dir` (replaced atomically), e.g. `trainDualEncoder`'s result. */
export async function saveDualEncoderCheckpoint(dir: string, trained: { model: DualEncoder; tokenizer: I3Tokenizer }): Promise<void> {
  await withTokenizerFiles(trained.tokenizer, (extraFiles) => saveDualEncoder(dir, trained.model, { extraFiles }));
}

/** Saves an I3 retriever and its tokenizer into `dir` (replaced atomically), e.g. `trainI3`'s result. */
export async function saveI3Checkpoint(dir: string, trained: { model: I3Retriever; tokenizer: I3Tokenizer }): Promise<void> {
  await withTokenizerFiles(trained.tokenizer, (extraFiles) => saveI3Retriever(dir, trained.model, { extraFiles }));
}

/**
 * The dual-encoder saved in `dir` and its tokenizer. `pooling` overrides the one its config.json
 * records (`i3_pooling`; a checkpoint from elsewhere has none and would pool [CLS]).
 */
export async function loadDualEncoderCheckpoint(dir: string, opts: { pooling?: "cls" | "mean" } = {}): Promise<{ model: DualEncoder; tokenizer: I3Tokenizer }> {
  const model = await loadDualEncoder(dir, opts.pooling !== undefined ? { configOverrides: { pooling: opts.pooling } } : {});
  return { model, tokenizer: await loadTokenizer(dir) };
}

/** The I3 retriever saved in `dir` and its tokenizer. */
export async function loadI3Checkpoint(dir: string): Promise<{ model: I3Retriever; tokenizer: I3Tokenizer }> {
  const model = await loadI3Retriever(dir);
  return { model, tokenizer: await loadTokenizer(dir) };
}

/** Saves a query tower alone (e.g. `trainLtre`'s) and its tokenizer into `dir` (replaced atomically): a Hugging Face BERT folder. */
export async function saveQueryTowerCheckpoint(dir: string, trained: { queryEncoder: BertEncoder; tokenizer: I3Tokenizer }): Promise<void> {
  await withTokenizerFiles(trained.tokenizer, (extraFiles) => saveBertEncoder(dir, trained.queryEncoder, { extraFiles }));
}

/** The query tower saved in `dir` by {@link saveQueryTowerCheckpoint} (its pooling from config.json) and its tokenizer. */
export async function loadQueryTowerCheckpoint(dir: string): Promise<{ queryEncoder: BertEncoder; tokenizer: I3Tokenizer }> {
  const { encoder } = await loadBertEncoder(dir);
  return { queryEncoder: encoder, tokenizer: await loadTokenizer(dir) };
}
