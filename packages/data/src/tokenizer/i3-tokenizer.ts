/**
 * `I3Tokenizer`: a Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`, run by
 * `@huggingface/tokenizers`) with what retrieval training needs on top: token ids as typed
 * arrays, truncation that keeps the special tokens (HF "longest_first" for pairs), the special
 * token template resolved to ids once, and a content fingerprint for caches.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { stableHash } from "@i3/core";
import { type TokenizerJson } from "./bert-tokenizer-json.js";
import { longestFirstLengths } from "./truncation.js";

/** One item of a post-processing template: a sequence slot or a special token id. */
type TemplateItem = { slot: "A" | "B"; typeId: number } | { id: number; typeId: number };

/** Token ids and token type ids of one encoded sequence (or pair). */
export interface EncodedIds {
  ids: Int32Array;
  typeIds: Int32Array;
}

/** Ids of the special tokens a batch builder needs; undefined when the tokenizer has none. */
export interface SpecialTokenIds {
  pad: number;
  unk: number | undefined;
  cls: number | undefined;
  sep: number | undefined;
  mask: number | undefined;
}

const SLOT_A = "\uE000i3-slot-A";
const SLOT_B = "\uE000i3-slot-B";

/** A token name from `tokenizer_config.json`: a string or an AddedToken object `{ content }`. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** A tokenizer ready for retrieval: see the module comment. Build with `loadTokenizer` or `I3Tokenizer.fromJson`. */
export class I3Tokenizer {
  /** The underlying `@huggingface/tokenizers` tokenizer. */
  readonly hf: Tokenizer;
  /** SHA-256 of the canonical `tokenizer.json` plus the config fields that change encoding. */
  readonly fingerprint: string;
  /** Embedding table size: largest token id + 1. */
  readonly vocabSize: number;
  /** Special token ids (pad falls back to 0 when the tokenizer defines none). */
  readonly special: SpecialTokenIds;
  /** Number of special tokens the template adds to one sequence / to a pair (NaN: pairs unsupported). */
  readonly numSpecialTokens: { single: number; pair: number };
  private readonly single: TemplateItem[];
  /** The pair template, or why pairs are unsupported (e.g. a ByteLevel-only post-processor). */
  private readonly pair: TemplateItem[] | string;
  private readonly unkId: number | undefined;

  private constructor(
    /** The `tokenizer.json` document. */
    readonly json: TokenizerJson,
    /** The `tokenizer_config.json` document (`{}` when absent). */
    readonly config: Record<string, unknown>,
    /** Where it came from: a folder, or a description such as `trained`. */
    readonly source: string,
  ) {
    this.hf = new Tokenizer(json, config);
    this.fingerprint = stableHash({
      format: "i3-tokenizer-v1",
      tokenizer: json,
      config: { remove_space: config.remove_space, do_lowercase_and_remove_accent: config.do_lowercase_and_remove_accent },
    });
    const vocab = this.hf.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    const idOf = (token: string | undefined) => (token === undefined ? undefined : this.hf.token_to_id(token));
    const role = (key: string, ...fallbacks: string[]) => {
      for (const name of [tokenName(config[key]), ...fallbacks]) {
        const id = idOf(name);
        if (id !== undefined) return id;
      }
      return undefined;
    };
    const model = json.model;
    this.special = {
      pad: role("pad_token", ...(json.padding?.pad_token ? [json.padding.pad_token] : []), "[PAD]", "<pad>") ?? 0,
      unk: role("unk_token", ...(typeof model.unk_token === "string" ? [model.unk_token] : []), "[UNK]", "<unk>"),
      cls: role("cls_token", "[CLS]", "<s>"),
      sep: role("sep_token", "[SEP]", "</s>"),
      mask: role("mask_token", "[MASK]", "<mask>"),
    };
    this.unkId = this.special.unk;
    const single = this.template(false);
    if (typeof single === "string") throw new Error(single);
    this.single = single;
    this.pair = this.template(true);
    const count = (t: TemplateItem[] | string) => (typeof t === "string" ? NaN : t.filter((item) => !("slot" in item)).length);
    this.numSpecialTokens = { single: count(this.single), pair: count(this.pair) };
  }

  /** Wraps a parsed `tokenizer.json` (+ `tokenizer_config.json`); `source` is used in messages. */
  static fromJson(json: TokenizerJson, config: Record<string, unknown> = {}, source = "tokenizer.json"): I3Tokenizer {
    return new I3Tokenizer(json, config, source);
  }

  /**
   * Resolves the post-processor's template to ids by running it on placeholder tokens; returns
   * an error message when the post-processor does not follow the template pattern.
   */
  private template(pair: boolean): TemplateItem[] | string {
    const post = this.hf.post_processor;
    if (!post) return pair ? [{ slot: "A", typeId: 0 }, { slot: "B", typeId: 1 }] : [{ slot: "A", typeId: 0 }];
    const out = post.post_process([SLOT_A], pair ? [SLOT_B] : null, true) as { tokens: string[]; token_type_ids?: number[] };
    const items: TemplateItem[] = [];
    for (const [i, token] of out.tokens.entries()) {
      const typeId = out.token_type_ids?.[i] ?? 0;
      if (token === SLOT_A || token === SLOT_B) {
        items.push({ slot: token === SLOT_A ? "A" : "B", typeId });
        continue;
      }
      const id = this.hf.token_to_id(token);
      if (id === undefined) return `${this.source}: post-processor token ${JSON.stringify(token)} is not in the vocabulary`;
      items.push({ id, typeId });
    }
    const has = (slot: "A" | "B") => items.some((it) => "slot" in it && it.slot === slot);
    if (!has("A") || (pair && !has("B"))) {
      return `${this.source}: post-processor ${JSON.stringify(this.json.post_processor?.type)} does not support ${pair ? "pairs" : "single texts"}`;
    }
    return items;
  }

  /** Token strings of `text` (normalised, pre-tokenised, model-split; no special tokens added). */
  tokens(text: string): string[] {
    return this.hf.tokenize(text);
  }

  /** Token ids of `text` without special tokens and without truncation. */
  tokenize(text: string): Int32Array {
    const tokens = this.hf.tokenize(text);
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.hf.token_to_id(tokens[i]!) ?? this.unkId;
      if (id === undefined) throw new Error(`${this.source}: token ${JSON.stringify(tokens[i])} has no id and there is no unknown token`);
      ids[i] = id;
    }
    return ids;
  }

  /**
   * Adds the special tokens around content ids `a` (and `b` for a pair), truncating the content
   * first so the result has at most `maxLength` tokens: a single sequence keeps its first
   * tokens; a pair is cut "longest_first" ({@link longestFirstLengths}). Special tokens are
   * always kept.
   */
  withSpecialTokens(a: ArrayLike<number>, b?: ArrayLike<number> | null, maxLength?: number): EncodedIds {
    const isPair = b !== undefined && b !== null;
    const template = isPair ? this.pair : this.single;
    if (typeof template === "string") throw new Error(template);
    let nA = a.length;
    let nB = isPair ? b.length : 0;
    if (maxLength !== undefined) {
      const specials = isPair ? this.numSpecialTokens.pair : this.numSpecialTokens.single;
      const budget = maxLength - specials;
      if (budget < 0) throw new RangeError(`maxLength ${maxLength} is smaller than the ${specials} special tokens`);
      if (isPair) [nA, nB] = longestFirstLengths(nA, nB, budget);
      else nA = Math.min(nA, budget);
    }
    const total = nA + nB + (isPair ? this.numSpecialTokens.pair : this.numSpecialTokens.single);
    const ids = new Int32Array(total);
    const typeIds = new Int32Array(total);
    let k = 0;
    for (const item of template) {
      if ("slot" in item) {
        const src = item.slot === "A" ? a : b!;
        const n = item.slot === "A" ? nA : nB;
        for (let i = 0; i < n; i++, k++) {
          ids[k] = src[i]!;
          typeIds[k] = item.typeId;
        }
      } else {
        ids[k] = item.id;
        typeIds[k++] = item.typeId;
      }
    }
    return { ids, typeIds };
  }

  /** Encodes one text with its special tokens (e.g. `[CLS] text [SEP]`), at most `maxLength` tokens. */
  encode(text: string, maxLength?: number): EncodedIds {
    return this.withSpecialTokens(this.tokenize(text), null, maxLength);
  }

  /** Encodes a pair (e.g. `[CLS] a [SEP] b [SEP]`, type ids 0 then 1), truncated "longest_first". */
  encodePair(a: string, b: string, maxLength?: number): EncodedIds {
    return this.withSpecialTokens(this.tokenize(a), this.tokenize(b), maxLength);
  }

  /** Decodes ids to text (special tokens skipped by default), through the HF decoder. */
  decode(ids: ArrayLike<number>, skipSpecialTokens = true): string {
    const list = Array.from(ids);
    return list.length === 0 ? "" : this.hf.decode(list, { skip_special_tokens: skipSpecialTokens });
  }

  /** Id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  /** Token string of an id, or undefined. */
  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }
}
