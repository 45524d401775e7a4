/**
 * Saving a tokenizer as a standard Hugging Face folder: `tokenizer.json`,
 * `tokenizer_config.json`, `special_tokens_map.json` and, for WordPiece models, `vocab.txt`
 * (what `BertTokenizerFast.save_pretrained` writes). Every file is written atomically.
 */
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import type { I3Tokenizer } from "./i3-tokenizer.js";
import { formatVocabTxt } from "./vocab-file.js";

/** The tokens of a WordPiece model's vocabulary in id order, or undefined if ids have gaps. */
function wordPieceVocab(tok: I3Tokenizer): string[] | undefined {
  const model = tok.json.model;
  if (model.type !== "WordPiece" || !model.vocab || typeof model.vocab !== "object") return undefined;
  const entries = Object.entries(model.vocab as Record<string, number>);
  const vocab: string[] = new Array(entries.length);
  for (const [token, id] of entries) {
    if (!Number.isInteger(id) || id < 0 || id >= entries.length || vocab[id] !== undefined) return undefined;
    vocab[id] = token;
  }
  return vocab;
}

/** `special_tokens_map.json`: the role -> token fields of the config. */
function specialTokensMap(config: Record<string, unknown>): Record<string, unknown> {
  const keys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];
  return Object.fromEntries(keys.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
}

/**
 * Writes `tok` into folder `dir` (created if needed) so that `loadTokenizer(dir)`, transformers'
 * `AutoTokenizer.from_pretrained(dir)` and `@huggingface/tokenizers` load it back with the same
 * ids. `tokenizer.json` is written last.
 */
export async function saveTokenizer(tok: I3Tokenizer, dir: string): Promise<void> {
  const vocab = wordPieceVocab(tok);
  if (vocab) await writeFileAtomic(join(dir, "vocab.txt"), formatVocabTxt(vocab));
  await writeFileAtomic(join(dir, "special_tokens_map.json"), JSON.stringify(specialTokensMap(tok.config), null, 2) + "\n");
  await writeFileAtomic(join(dir, "tokenizer_config.json"), JSON.stringify(tok.config, null, 2) + "\n");
  await writeFileAtomic(join(dir, "tokenizer.json"), JSON.stringify(tok.json, null, 2) + "\n");
}
