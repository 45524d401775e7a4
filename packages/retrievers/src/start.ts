/**
 * Where training starts: the tokenizer (a WordPiece vocabulary trained on the corpus, or a Hugging
 * Face tokenizer through `@i3/data`'s `loadTokenizer`), the encoder config (a preset's, or a
 * Hugging Face BERT checkpoint's config.json) and, with `model.init`, the towers' weights through
 * `@i3/encoders`' `loadBertEncoder`, with the checks a pretrained start needs (vocabulary sizes
 * agree, lengths fit the position embeddings). Errors name the setting and the file.
 */
import { copyFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer, trainWordPiece, type I3Tokenizer } from "@i3/data";
import { BertEncoder, fromHfConfig, loadBertEncoder, presetConfig, type EncoderConfig, type EncoderConfigInput } from "@i3/encoders";
import { hfTokenizerFiles, initFolderFiles, initFolderKind, tokenizerSourceOf } from "./hf-files.js";
import type { ModelSettings, TokenizerSettings } from "./settings.js";

/** The settings that decide where training starts. */
export interface StartSettings {
  tokenizer: TokenizerSettings;
  model: ModelSettings;
}

/**
 * Loads the Hugging Face tokenizer at `path` with `@i3/data`'s `loadTokenizer`: a folder as is;
 * a single file (tokenizer.json or vocab.txt) from a temp folder holding it under its canonical
 * name with its folder's tokenizer_config.json / special_tokens_map.json, so that exactly that
 * file is used. `field` names the setting in errors.
 */
export async function loadHfTokenizer(path: string, field = "tokenizer.path"): Promise<I3Tokenizer> {
  const files = await hfTokenizerFiles(path, field);
  try {
    if ((await stat(path)).isDirectory()) return await loadTokenizer(path);
    const staged = await mkdtemp(join(tmpdir(), "i3-hf-tokenizer-"));
    try {
      for (const [name, file] of files) await copyFile(file, join(staged, name));
      return await loadTokenizer(staged);
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  } catch (err) {
    throw new Error(`${field}: cannot load the tokenizer at ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The tokenizer of the settings: the Hugging Face one (`tokenizer.kind: "hf"`: `tokenizer.path`,
 * else the `model.init` folder), or a `tokenizer.vocabSize` WordPiece vocabulary
 * (`tokenizer.lowercase`) trained on the passage texts `texts()` gives (only called then).
 */
export async function startTokenizer(
  settings: { tokenizer: TokenizerSettings; model: Pick<ModelSettings, "init"> },
  texts: () => Promise<readonly string[]> | readonly string[],
  log: (message: string) => void,
): Promise<I3Tokenizer> {
  const source = tokenizerSourceOf(settings);
  if (source === undefined) {
    const corpus = await texts();
    const { vocabSize, lowercase } = settings.tokenizer;
    log(`training a ${vocabSize}-token WordPiece vocabulary on ${corpus.length} passages`);
    return trainWordPiece(corpus, { vocabSize, lowercase });
  }
  const tokenizer = await loadHfTokenizer(source.path, source.field);
  log(`Hugging Face tokenizer from ${source.path} (${tokenizer.vocabSize} tokens)`);
  return tokenizer;
}

/**
 * The encoder config of `model.preset` (a preset name, or a custom size whose other fields are
 * the `tiny` preset's; `dropout` sets hidden and attention dropout) with `model.pooling` and a
 * `vocabSize`-token vocabulary: the towers trained from scratch.
 */
export function presetEncoderConfig(model: Pick<ModelSettings, "preset" | "pooling">, vocabSize: number): EncoderConfig {
  const { preset } = model;
  const size: Partial<EncoderConfigInput> =
    typeof preset === "string"
      ? {}
      : {
          layers: preset.layers,
          hidden: preset.hidden,
          heads: preset.heads,
          intermediate: preset.intermediate,
          hiddenDropout: preset.dropout,
          attentionDropout: preset.dropout,
        };
  return presetConfig(typeof preset === "string" ? preset : "tiny", { ...size, pooling: model.pooling, vocabSize });
}

/**
 * The encoder config the towers start with: {@link presetEncoderConfig} (vocabulary = the
 * tokenizer's), or, with `model.init`, the checkpoint's config.json (`pooling` from the settings)
 * after checking that the tokenizer's vocabulary size equals its `vocab_size` and that
 * `model.queryMaxLength` and `model.passageMaxLength` fit its `max_position_embeddings`. Reads
 * config.json only, so a mismatch fails before any weights are read or the corpus is tokenized.
 */
export async function startEncoderConfig(settings: StartSettings, tokenizer: I3Tokenizer): Promise<EncoderConfig> {
  const { model } = settings;
  if (model.init === undefined) return presetEncoderConfig(model, tokenizer.vocabSize);
  const files = await initFolderFiles(model.init);
  let config: EncoderConfig;
  try {
    const json = JSON.parse(await readFile(files.config, "utf8")) as Record<string, unknown>;
    config = fromHfConfig(json, { pooling: model.pooling });
  } catch (err) {
    throw new Error(`model.init: ${files.config}: ${(err as Error).message}`, { cause: err });
  }
  const source = tokenizerSourceOf(settings)!;
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(
      `${source.field}: the tokenizer at ${source.path} has ${tokenizer.vocabSize} tokens but model.init ${files.config} has vocab_size ${config.vocabSize}; ` +
        "use the checkpoint's own tokenizer",
    );
  }
  for (const [field, length] of [["model.queryMaxLength", model.queryMaxLength], ["model.passageMaxLength", model.passageMaxLength]] as const) {
    if (length > config.maxPositions) throw new Error(`${field} ${length} exceeds max_position_embeddings ${config.maxPositions} of model.init ${files.config}`);
  }
  return config;
}

/** Towers loaded from a checkpoint: `passage` absent = shared. */
export interface StartTowers {
  query: BertEncoder;
  passage?: BertEncoder;
}

/**
 * Both towers from the `init` checkpoint (`loadBertEncoder`, `pooling` from `config`): one
 * shared encoder, or two with equal weights when `sharedTowers` is false. `config` is
 * {@link startEncoderConfig}'s.
 */
export async function loadStartTowers(init: string, config: EncoderConfig, sharedTowers: boolean): Promise<StartTowers> {
  const files = await initFolderFiles(init);
  if ((await initFolderKind(init)) === "i3") {
    throw new Error(`model.init: ${init} is an I3 retriever checkpoint; only an I3 system continues from one (a dual-encoder starts from a BERT folder)`);
  }
  let query: BertEncoder;
  try {
    ({ encoder: query } = await loadBertEncoder(init, { configOverrides: { pooling: config.pooling } }));
  } catch (err) {
    throw new Error(`model.init: ${files.weights}: ${(err as Error).message}`, { cause: err });
  }
  if (sharedTowers) return { query };
  return { query, passage: copyEncoder(query) };
}

/** A fresh encoder holding a copy of `source`'s weights (`source` is left untouched). */
export function copyEncoder(source: BertEncoder): BertEncoder {
  const copy = new BertEncoder(source.config);
  const weights = new Map(source.namedParameters().map((p) => [p.name, p.variable]));
  for (const p of copy.namedParameters()) p.variable.assign(weights.get(p.name)!);
  return copy;
}
