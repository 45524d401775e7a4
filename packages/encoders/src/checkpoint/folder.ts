/**
 * Checkpoint folders in Hugging Face layout:
 *
 *   <dir>/config.json          BertConfig fields (see hf-config.ts)
 *   <dir>/model.safetensors    float32 weights under HF names, metadata {"format": "pt"}
 *   <dir>/tokenizer.json ...   copied verbatim when given
 *
 * A dual-encoder with separate towers is `<dir>/query/` + `<dir>/passage/` (each a folder as
 * above) + `<dir>/i3_dual_encoder.json`; a shared one is a single folder.
 * Saving is atomic: everything is written to a sibling temp folder which then replaces
 * `<dir>` by rename (an existing `<dir>` is moved aside first and removed after).
 */
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { writeDirAtomic } from "@i3/core";
import type { EncoderConfig } from "../model/config.js";
import { CrossEncoder } from "../model/cross-encoder.js";
import { DualEncoder } from "../model/dual-encoder.js";
import { BertEncoder } from "../model/encoder.js";
import type { NamedParam } from "../model/params.js";
import { fromHfConfig, toHfConfig } from "./hf-config.js";
import { parseSafetensors, SafetensorsError, serializeSafetensors, type SafetensorsFile } from "./safetensors.js";
import { assignWeights, collectWeights, type AssignOptions, type LoadReport } from "./weights.js";

/** File names of a checkpoint folder. */
export const CONFIG_FILE = "config.json";
export const WEIGHTS_FILE = "model.safetensors";
export const TOKENIZER_FILE = "tokenizer.json";
const DUAL_FILE = "i3_dual_encoder.json";

/** Options of the save functions. */
export interface SaveOptions {
  /** A tokenizer.json to copy into the folder. */
  tokenizerFile?: string;
  /** Further files to copy by base name (vocab.txt, tokenizer_config.json, ...). */
  extraFiles?: string[];
}

/** Options of the load functions. */
export interface LoadOptions extends AssignOptions {
  /** Fields overriding config.json (e.g. `{ pooling: "mean", hiddenDropout: 0 }`). */
  configOverrides?: Partial<EncoderConfig>;
}

/** A checkpoint folder read into memory (tensors not yet assigned). */
export interface CheckpointContents {
  /** Parsed config.json. */
  hfConfig: Record<string, unknown>;
  /** Parsed model.safetensors. */
  weights: SafetensorsFile;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads config.json and model.safetensors of a folder. */
export async function readCheckpoint(dir: string): Promise<CheckpointContents> {
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  if (!(await exists(configPath))) throw new Error(`not a checkpoint folder: ${configPath} not found`);
  if (!(await exists(weightsPath))) {
    const hint = (await exists(join(dir, "pytorch_model.bin"))) ? " (only pytorch_model.bin found: convert it to safetensors first, see docs/checkpoints.md)" : "";
    throw new Error(`${weightsPath} not found${hint}`);
  }
  const hfConfig = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  const buf = await readFile(weightsPath);
  const weights = parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  return { hfConfig, weights };
}

/** Prefixes an error's message with the file it is about (keeps its class and fields). */
export function aboutFile<E extends Error>(err: E, path: string): E {
  err.message = `${path}: ${err.message}`;
  return err;
}

/** readCheckpoint with parse errors naming their file. */
export async function readCheckpointNamingFiles(dir: string): Promise<CheckpointContents> {
  try {
    return await readCheckpoint(dir);
  } catch (err) {
    if (err instanceof SafetensorsError) throw aboutFile(err, join(dir, WEIGHTS_FILE));
    if (err instanceof SyntaxError) throw aboutFile(err, join(dir, CONFIG_FILE));
    throw err;
  }
}

/** Writes a checkpoint folder's files into `dir` (which must exist). */
export async function writeFolder(dir: string, hfConfig: Record<string, unknown>, params: readonly NamedParam[], opts: SaveOptions): Promise<void> {
  await writeFile(join(dir, CONFIG_FILE), JSON.stringify(hfConfig, null, 2) + "\n");
  await writeFile(join(dir, WEIGHTS_FILE), serializeSafetensors(collectWeights(params), { format: "pt" }));
  await copyTokenizerFiles(dir, opts);
}

/** Copies `opts`' tokenizer and extra files into `dir`. */
async function copyTokenizerFiles(dir: string, opts: SaveOptions): Promise<void> {
  if (opts.tokenizerFile !== undefined) await copyFile(opts.tokenizerFile, join(dir, TOKENIZER_FILE));
  for (const f of opts.extraFiles ?? []) await copyFile(f, join(dir, basename(f)));
}

/** Saves a `BertEncoder` as an HF `BertModel` folder. */
export async function saveBertEncoder(dir: string, encoder: BertEncoder, opts: SaveOptions = {}): Promise<void> {
  await writeDirAtomic(dir, (tmp) => writeFolder(tmp, toHfConfig(encoder.config), encoder.namedParameters(), opts));
}

/** A loaded encoder with its config and what was loaded. */
export interface LoadedEncoder {
  encoder: BertEncoder;
  config: EncoderConfig;
  report: LoadReport;
}

/** Builds a `BertEncoder` from an HF BERT folder (BertModel, BertForMaskedLM, ... weights). */
export async function loadBertEncoder(dir: string, opts: LoadOptions = {}): Promise<LoadedEncoder> {
  const { hfConfig, weights } = await readCheckpoint(dir);
  const config = fromHfConfig(hfConfig, opts.configOverrides);
  const encoder = new BertEncoder(config);
  try {
    const report = assignWeights(encoder.namedParameters(), weights.tensors, opts);
    return { encoder, config, report };
  } catch (err) {
    encoder.dispose();
    throw err;
  }
}

/**
 * Saves a `CrossEncoder` as an HF `BertForSequenceClassification` folder (num_labels 1;
 * `i3_head_input` records whether the head reads [CLS] directly or the pooler).
 */
export async function saveCrossEncoder(dir: string, model: CrossEncoder, opts: SaveOptions = {}): Promise<void> {
  const extra = { num_labels: 1, i3_head_input: model.pooler === undefined ? "cls" : "pooler" };
  await writeDirAtomic(dir, (tmp) => writeFolder(tmp, toHfConfig(model.config, ["BertForSequenceClassification"], extra), model.namedParameters(), opts));
}

/**
 * Loads a `CrossEncoder` (ours, or an HF BertForSequenceClassification with num_labels 1,
 * which uses the pooler: detected from `i3_head_input` or, when absent, from pooler weights).
 */
export async function loadCrossEncoder(dir: string, opts: LoadOptions = {}): Promise<CrossEncoder> {
  const { hfConfig, weights } = await readCheckpoint(dir);
  const config = fromHfConfig(hfConfig, opts.configOverrides);
  const hasPooler = [...weights.tensors.keys()].some((n) => /^(bert\.)?pooler\.dense\.weight$/.test(n));
  const pooler = hfConfig.i3_head_input === undefined ? hasPooler : hfConfig.i3_head_input === "pooler";
  const model = new CrossEncoder(config, { pooler });
  try {
    assignWeights(model.namedParameters(), weights.tensors, opts);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Saves a `DualEncoder`: one folder if shared, else `query/` and `passage/` sub-folders (each a
 * complete HF folder). `opts`' tokenizer files go to the top folder in both layouts (the towers
 * share one tokenizer), and into each tower's folder too.
 */
export async function saveDualEncoder(dir: string, model: DualEncoder, opts: SaveOptions = {}): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    if (model.shared) {
      await writeFolder(tmp, toHfConfig(model.queryEncoder.config), model.queryEncoder.namedParameters(), opts);
      return;
    }
    await writeFile(join(tmp, DUAL_FILE), JSON.stringify({ shared: false, towers: ["query", "passage"] }, null, 2) + "\n");
    await copyTokenizerFiles(tmp, opts);
    for (const [name, enc] of [["query", model.queryEncoder], ["passage", model.passageEncoder]] as const) {
      await mkdir(join(tmp, name));
      await writeFolder(join(tmp, name), toHfConfig(enc.config), enc.namedParameters(), opts);
    }
  });
}

/** Loads a `DualEncoder` saved by `saveDualEncoder`, or any HF BERT folder as a shared one. */
export async function loadDualEncoder(dir: string, opts: LoadOptions = {}): Promise<DualEncoder> {
  if (!(await exists(join(dir, DUAL_FILE)))) {
    const { encoder, config } = await loadBertEncoder(dir, opts);
    return new DualEncoder(config, { towers: { query: encoder } });
  }
  const query = await loadBertEncoder(join(dir, "query"), opts);
  try {
    const passage = await loadBertEncoder(join(dir, "passage"), opts);
    return new DualEncoder(query.config, { towers: { query: query.encoder, passage: passage.encoder } });
  } catch (err) {
    query.encoder.dispose();
    throw err;
  }
}
