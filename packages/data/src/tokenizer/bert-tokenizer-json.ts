/**
 * The `tokenizer.json` of a BERT WordPiece tokenizer, built in memory from a vocabulary. The
 * layout is the one HF tokenizers (Rust) serialises for `bert-base-uncased` and that
 * transformers' `BertConverter` (convert_slow_tokenizer.py) produces from a `vocab.txt`:
 * BertNormalizer, BertPreTokenizer, WordPiece (`##`, max 100 chars), TemplateProcessing
 * `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1` and the WordPiece decoder.
 */

/** A `tokenizer.json` document (kept loose: only the fields we read are typed). */
export interface TokenizerJson {
  version?: string;
  truncation?: unknown;
  padding?: { pad_id?: number; pad_token?: string } | null;
  added_tokens: AddedTokenJson[];
  normalizer: Record<string, unknown> | null;
  pre_tokenizer: Record<string, unknown> | null;
  post_processor: Record<string, unknown> | null;
  decoder: Record<string, unknown> | null;
  model: { type?: string; vocab?: unknown; unk_token?: string; continuing_subword_prefix?: string; [key: string]: unknown };
}

/** One entry of `added_tokens` in a `tokenizer.json`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The special tokens of a BERT tokenizer, by role. */
export interface BertSpecialTokens {
  unk: string;
  cls: string;
  sep: string;
  pad: string;
  mask?: string;
}

/** Default BERT special tokens. */
export const BERT_SPECIAL_TOKENS: BertSpecialTokens = { unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", mask: "[MASK]" };

/** Options of {@link bertTokenizerJson}. */
export interface BertTokenizerJsonOptions {
  /** Lowercase (BERT `do_lower_case`). Default true. */
  lowercase?: boolean;
  /** Strip accents; null follows `lowercase` (the BERT default). Default null. */
  stripAccents?: boolean | null;
  /** Pad CJK ideographs with spaces (BERT `tokenize_chinese_chars`). Default true. */
  handleChineseChars?: boolean;
  /** Special tokens by role. Default {@link BERT_SPECIAL_TOKENS}. */
  specialTokens?: BertSpecialTokens;
  /** Extra tokens to declare as special added tokens (e.g. the rest of a trainer's list). */
  extraSpecialTokens?: readonly string[];
}

/**
 * Builds the `tokenizer.json` of a BERT WordPiece tokenizer whose vocabulary is `vocab`
 * (id = index, as in `vocab.txt`). Throws when a special token is missing from the vocabulary.
 */
export function bertTokenizerJson(vocab: readonly string[], options: BertTokenizerJsonOptions = {}): TokenizerJson {
  const specials = options.specialTokens ?? BERT_SPECIAL_TOKENS;
  const ids = new Map<string, number>();
  vocab.forEach((token, id) => ids.set(token, id));
  const idOf = (token: string, role: string): number => {
    const id = ids.get(token);
    if (id === undefined) throw new Error(`bertTokenizerJson: ${role} token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  };
  const roles: [string, string | undefined][] = [
    ["pad", specials.pad],
    ["unk", specials.unk],
    ["cls", specials.cls],
    ["sep", specials.sep],
    ["mask", specials.mask],
  ];
  const specialSet = new Set<string>();
  for (const [role, token] of roles) {
    if (token === undefined) continue;
    idOf(token, role);
    specialSet.add(token);
  }
  for (const token of options.extraSpecialTokens ?? []) {
    idOf(token, "special");
    specialSet.add(token);
  }
  const addedTokens: AddedTokenJson[] = [...specialSet]
    .map((content) => ({
      id: ids.get(content)!,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }))
    .sort((a, b) => a.id - b.id);
  const clsId = idOf(specials.cls, "cls");
  const sepId = idOf(specials.sep, "sep");
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: "A" | "B", typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: options.handleChineseChars ?? true,
      strip_accents: options.stripAccents ?? null,
      lowercase: options.lowercase ?? true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special(specials.cls, 0), sequence("A", 0), special(specials.sep, 0)],
      pair: [special(specials.cls, 0), sequence("A", 0), special(specials.sep, 0), sequence("B", 1), special(specials.sep, 1)],
      special_tokens: {
        [specials.cls]: { id: specials.cls, ids: [clsId], tokens: [specials.cls] },
        [specials.sep]: { id: specials.sep, ids: [sepId], tokens: [specials.sep] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: specials.unk,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

/**
 * The `tokenizer_config.json` transformers writes for a `BertTokenizer(Fast)`, so
 * `AutoTokenizer.from_pretrained` picks the right class and special tokens.
 */
export function bertTokenizerConfig(options: BertTokenizerJsonOptions & { modelMaxLength?: number } = {}): Record<string, unknown> {
  const specials = options.specialTokens ?? BERT_SPECIAL_TOKENS;
  const config: Record<string, unknown> = {
    clean_up_tokenization_spaces: true,
    cls_token: specials.cls,
    do_lower_case: options.lowercase ?? true,
    mask_token: specials.mask,
    model_max_length: options.modelMaxLength ?? 512,
    pad_token: specials.pad,
    sep_token: specials.sep,
    strip_accents: options.stripAccents ?? null,
    tokenize_chinese_chars: options.handleChineseChars ?? true,
    tokenizer_class: "BertTokenizer",
    unk_token: specials.unk,
  };
  if (specials.mask === undefined) delete config.mask_token;
  return config;
}
