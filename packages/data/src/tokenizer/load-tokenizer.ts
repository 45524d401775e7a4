/**
 * Loading a Hugging Face tokenizer folder: `tokenizer.json` (+ `tokenizer_config.json`), or a
 * BERT `vocab.txt` folder, converted like transformers' `BertConverter` (convert_slow_tokenizer.py)
 * into the equivalent `tokenizer.json` in memory. Both run through `@huggingface/tokenizers`.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../formats/input-error.js";
import {
  type BertSpecialTokens,
  type TokenizerJson,
  BERT_SPECIAL_TOKENS,
  bertTokenizerConfig,
  bertTokenizerJson,
} from "./bert-tokenizer-json.js";
import { I3Tokenizer } from "./i3-tokenizer.js";
import { readJsonObject } from "./json-file.js";
import { readVocabTxt } from "./vocab-file.js";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A string or AddedToken-object field of a config, else undefined. */
function tokenField(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** A boolean (or null) field of a config, with a clear error for any other type. */
function flagField(config: Record<string, unknown>, file: string, key: string): boolean | null | undefined {
  const value = config[key];
  if (value === undefined || value === null || typeof value === "boolean") return value;
  throw new InputError(file, undefined, key, `expected true, false or null, got ${JSON.stringify(value)}`);
}

/** Checks the fields `@huggingface/tokenizers` requires, filling optional ones with null. */
function checkTokenizerJson(raw: Record<string, unknown>, file: string): TokenizerJson {
  const model = raw.model;
  if (!model || typeof model !== "object" || Array.isArray(model)) {
    throw new InputError(file, undefined, "model", "missing or not an object");
  }
  if (raw.added_tokens !== undefined && !Array.isArray(raw.added_tokens)) {
    throw new InputError(file, undefined, "added_tokens", "expected an array");
  }
  return {
    ...raw,
    added_tokens: (raw.added_tokens as TokenizerJson["added_tokens"] | undefined) ?? [],
    normalizer: (raw.normalizer as TokenizerJson["normalizer"]) ?? null,
    pre_tokenizer: (raw.pre_tokenizer as TokenizerJson["pre_tokenizer"]) ?? null,
    post_processor: (raw.post_processor as TokenizerJson["post_processor"]) ?? null,
    decoder: (raw.decoder as TokenizerJson["decoder"]) ?? null,
    model: model as TokenizerJson["model"],
  };
}

/**
 * Loads the tokenizer in folder `dir`. With `tokenizer.json`, that file (and
 * `tokenizer_config.json` when present) is given to `@huggingface/tokenizers`. Without it, a
 * `vocab.txt` is turned into a BERT WordPiece `tokenizer.json`, honouring `do_lower_case`,
 * `strip_accents`, `tokenize_chinese_chars` and the special tokens of `tokenizer_config.json` /
 * `special_tokens_map.json`. Errors name the folder and the missing or malformed file.
 */
export async function loadTokenizer(dir: string): Promise<I3Tokenizer> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`loadTokenizer: folder ${dir} does not exist or is not a folder`);
  const jsonFile = join(dir, "tokenizer.json");
  const configFile = join(dir, "tokenizer_config.json");
  const vocabFile = join(dir, "vocab.txt");
  const config = (await exists(configFile)) ? await readJsonObject(configFile) : {};
  if (await exists(jsonFile)) {
    const json = checkTokenizerJson(await readJsonObject(jsonFile), jsonFile);
    try {
      return I3Tokenizer.fromJson(json, config, dir);
    } catch (err) {
      throw new Error(`${jsonFile}: @huggingface/tokenizers cannot load it: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!(await exists(vocabFile))) {
    throw new Error(`loadTokenizer: folder ${dir} has no tokenizer.json and no vocab.txt (a Hugging Face tokenizer folder needs one of them)`);
  }
  const mapFile = join(dir, "special_tokens_map.json");
  const map = (await exists(mapFile)) ? await readJsonObject(mapFile) : {};
  const special = (key: string, fallback: string | undefined) => tokenField(config, key) ?? tokenField(map, key) ?? fallback;
  const specials: BertSpecialTokens = {
    unk: special("unk_token", BERT_SPECIAL_TOKENS.unk)!,
    cls: special("cls_token", BERT_SPECIAL_TOKENS.cls)!,
    sep: special("sep_token", BERT_SPECIAL_TOKENS.sep)!,
    pad: special("pad_token", BERT_SPECIAL_TOKENS.pad)!,
    mask: special("mask_token", BERT_SPECIAL_TOKENS.mask),
  };
  const vocab = await readVocabTxt(vocabFile);
  const ids = new Set(vocab);
  for (const [role, token] of Object.entries(specials)) {
    if (token !== undefined && !ids.has(token)) {
      if (role === "mask") specials.mask = undefined;
      else throw new InputError(vocabFile, undefined, `${role}_token`, `special token ${JSON.stringify(token)} is not in the vocabulary`);
    }
  }
  const options = {
    lowercase: flagField(config, configFile, "do_lower_case") ?? true,
    stripAccents: flagField(config, configFile, "strip_accents") ?? null,
    handleChineseChars: flagField(config, configFile, "tokenize_chinese_chars") ?? true,
    specialTokens: specials,
  };
  // The folder's own config wins; BERT defaults fill what it leaves out (so a saved copy is complete).
  return I3Tokenizer.fromJson(bertTokenizerJson(vocab, options), { ...bertTokenizerConfig(options), ...config }, dir);
}
