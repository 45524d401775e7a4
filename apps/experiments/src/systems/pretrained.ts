/**
 * Starting the neural systems from a Hugging Face BERT checkpoint (`model.init`) and its
 * tokenizer (`tokenizer.kind: "hf"`): the tokenizer through `@i3/data`'s `loadTokenizer`, the
 * towers through `@i3/encoders`' `loadBertEncoder`, with the checks that a pretrained start
 * needs (vocabulary sizes agree, lengths fit the position embeddings). Errors name the config
 * field and the file. Without `init`/`tokenizerPath`, the from-scratch path is unchanged: a
 * WordPiece vocabulary trained on the corpus and towers of the preset's size.
 */
import { copyFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer, trainWordPiece, type I3Tokenizer } from "@i3/data";
import { BertEncoder, fromHfConfig, loadBertEncoder, presetConfig, type EncoderConfig, type EncoderConfigInput, type PresetName } from "@i3/encoders";
import { hfTokenizerFiles, initFolderFiles, tokenizerSourceOf } from "../runner/pretrained.js";

/** The recipe fields that decide where a system starts from (see `DualEncoderRecipe`). */
export interface StartRecipe {
  preset: PresetName;
  model: Partial<EncoderConfigInput>;
  sharedTowers: boolean;
  vocabSize: number;
  queryMaxLength: number;
  passageMaxLength: number;
  /** A Hugging Face BERT folder (config.json + model.safetensors) both towers start from. */
  init?: string;
  /** A Hugging Face tokenizer (folder, tokenizer.json or vocab.txt); default: `init`'s folder when set. */
  tokenizerPath?: string;
}

/**
 * Loads the Hugging Face tokenizer at `path` with `@i3/data`'s `loadTokenizer`: a folder as is;
 * a single file (tokenizer.json or vocab.txt) from a temp folder holding it under its canonical
 * name with its folder's tokenizer_config.json / special_tokens_map.json, so that exactly that
 * file is used. `field` names the config field in errors.
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
 * The recipe's tokenizer: the Hugging Face one (`tokenizerPath`, else the `init` folder), or a
 * `vocabSize` WordPiece vocabulary trained on the passage texts `texts()` gives (only called
 * then; `vocabSize` is ignored for a loaded tokenizer).
 */
export async function startTokenizer(
  recipe: Pick<StartRecipe, "init" | "tokenizerPath" | "vocabSize">,
  texts: () => Promise<readonly string[]> | readonly string[],
  log: (message: string) => void,
): Promise<I3Tokenizer> {
  const source = tokenizerSourceOf(recipe);
  if (source === undefined) {
    const corpus = await texts();
    log(`training a ${recipe.vocabSize}-token WordPiece vocabulary on ${corpus.length} passages`);
    return trainWordPiece(corpus, { vocabSize: recipe.vocabSize });
  }
  const tokenizer = await loadHfTokenizer(source.path, source.field);
  log(`Hugging Face tokenizer from ${source.path} (${tokenizer.vocabSize} tokens)`);
  return tokenizer;
}

/**
 * The encoder config the towers start with: the preset's (vocabulary = the tokenizer's), or,
 * with `init`, the checkpoint's config.json (`pooling` from the recipe) after checking that the
 * tokenizer's vocabulary size equals its `vocab_size` and that `queryMaxLength` and
 * `passageMaxLength` fit its `max_position_embeddings`. Reads config.json only, so a
 * mismatch fails before any weights are read or the corpus is tokenized.
 */
export async function startEncoderConfig(recipe: StartRecipe, tokenizer: I3Tokenizer): Promise<EncoderConfig> {
  if (recipe.init === undefined) return presetConfig(recipe.preset, { ...recipe.model, vocabSize: tokenizer.vocabSize });
  const files = await initFolderFiles(recipe.init);
  let config: EncoderConfig;
  try {
    const json = JSON.parse(await readFile(files.config, "utf8")) as Record<string, unknown>;
    config = fromHfConfig(json, recipe.model.pooling !== undefined ? { pooling: recipe.model.pooling } : {});
  } catch (err) {
    throw new Error(`model.init: ${files.config}: ${(err as Error).message}`, { cause: err });
  }
  const source = tokenizerSourceOf(recipe)!;
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(
      `${source.field}: the tokenizer at ${source.path} has ${tokenizer.vocabSize} tokens but model.init ${files.config} has vocab_size ${config.vocabSize}; ` +
        "use the checkpoint's own tokenizer",
    );
  }
  for (const [field, length] of [["model.queryMaxLength", recipe.queryMaxLength], ["model.passageMaxLength", recipe.passageMaxLength]] as const) {
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
  let query: BertEncoder;
  try {
    ({ encoder: query } = await loadBertEncoder(init, { configOverrides: { pooling: config.pooling } }));
  } catch (err) {
    throw new Error(`model.init: ${files.weights}: ${(err as Error).message}`, { cause: err });
  }
  if (sharedTowers) return { query };
  const passage = new BertEncoder(query.config);
  const source = new Map(query.namedParameters().map((p) => [p.name, p.variable]));
  for (const p of passage.namedParameters()) p.variable.assign(source.get(p.name)!);
  return { query, passage };
}
