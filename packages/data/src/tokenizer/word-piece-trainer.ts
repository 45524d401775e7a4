/**
 * WordPiece vocabulary training, following HF tokenizers' `WordPieceTrainer`, which runs the
 * BPE trainer (models/bpe/trainer.rs) with `continuing_subword_prefix = "##"` and keeps its
 * vocabulary: special tokens, then the alphabet (sorted by code point, optionally limited to the
 * most frequent characters), then `##`-prefixed continuation characters, then one token per
 * merge of the most frequent adjacent symbol pair (count-weighted over distinct words; ties to
 * the smaller id pair), until `vocabSize` tokens or no pair reaches `minFrequency`.
 *
 * Deviations (deterministic where Rust is not): `##c` continuation characters get ids in code
 * point order (Rust: hash-map order of the words); a merge is applied to every word holding the
 * pair (Rust's position sets can miss words in a rare duplicate-token case); no
 * `max_token_length`, `initial_alphabet` or `end_of_word_suffix`.
 */
import { type BertNormalizerOptions, bertNormalize, bertPreTokenize } from "./bert-text.js";
import { type BertSpecialTokens, BERT_SPECIAL_TOKENS, bertTokenizerConfig, bertTokenizerJson } from "./bert-tokenizer-json.js";
import { I3Tokenizer } from "./i3-tokenizer.js";
import { PairHeap } from "./pair-heap.js";

/** Options of {@link trainWordPieceVocab}. */
export interface WordPieceVocabOptions {
  /** Target vocabulary size, special tokens included. */
  vocabSize: number;
  /** A pair seen fewer times is never merged. Default 0 (HF `WordPieceTrainer`). */
  minFrequency?: number;
  /** Tokens placed first, in this order. Default none. */
  specialTokens?: readonly string[];
  /** Keep only this many most frequent characters in the alphabet. Default: all. */
  limitAlphabet?: number;
  /** Prefix of word-internal pieces; null for plain BPE vocabularies. Default `##`. */
  continuingSubwordPrefix?: string | null;
}

const PAIR_KEY = 2 ** 24;

/** Merges every occurrence of `(a, b)` in `symbols` into `merged`; returns the pair count changes (Rust `Word::merge`). */
function mergeWord(symbols: number[], a: number, b: number, merged: number, changes: [number, number, number][]): void {
  let i = 0;
  while (i < symbols.length) {
    if (symbols[i] === a && i + 1 < symbols.length && symbols[i + 1] === b) {
      if (i > 0) {
        changes.push([symbols[i - 1]!, a, -1], [symbols[i - 1]!, merged, 1]);
      }
      symbols.splice(i, 2, merged);
      if (i < symbols.length - 1) {
        changes.push([b, symbols[i + 1]!, -1], [merged, symbols[i + 1]!, 1]);
      }
    }
    i++;
  }
}

/**
 * Trains a WordPiece (or, with `continuingSubwordPrefix: null`, BPE) vocabulary from word
 * counts of normalised, pre-tokenised words. Returns the tokens in id order. See the module
 * comment for the algorithm and how it relates to HF tokenizers.
 */
export function trainWordPieceVocab(wordCounts: ReadonlyMap<string, number>, options: WordPieceVocabOptions): string[] {
  const prefix = options.continuingSubwordPrefix === undefined ? "##" : options.continuingSubwordPrefix;
  const minFrequency = options.minFrequency ?? 0;
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      ids.set(token, id);
    }
    return id;
  };
  for (const token of options.specialTokens ?? []) add(token);

  // Alphabet: every character, weighted by word count; optionally only the most frequent.
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) for (const ch of word) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  const byCodePoint = (x: string, y: string) => x.codePointAt(0)! - y.codePointAt(0)!;
  let alphabet = [...charCounts.keys()];
  if (options.limitAlphabet !== undefined && alphabet.length > options.limitAlphabet) {
    alphabet = alphabet
      .sort((x, y) => charCounts.get(y)! - charCounts.get(x)! || byCodePoint(x, y))
      .slice(0, options.limitAlphabet);
  }
  alphabet.sort(byCodePoint);
  const kept = new Set(alphabet);
  for (const ch of alphabet) add(ch);

  // Words as symbol ids; continuation characters get ids in code point order.
  const entries = [...wordCounts].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  if (prefix !== null) {
    const continuing = new Set<string>();
    for (const [word] of entries) {
      let first = true;
      for (const ch of word) {
        if (!first && kept.has(ch)) continuing.add(ch);
        first = false;
      }
    }
    for (const ch of [...continuing].sort(byCodePoint)) add(prefix + ch);
  }
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of entries) {
    const symbols: number[] = [];
    let first = true;
    for (const ch of word) {
      if (kept.has(ch)) symbols.push(ids.get(!first && prefix !== null ? prefix + ch : ch)!);
      first = false;
    }
    words.push(symbols);
    counts.push(count);
  }

  // Pair counts and where each pair occurs.
  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  for (let w = 0; w < words.length; w++) {
    const symbols = words[w]!;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i]! * PAIR_KEY + symbols[i + 1]!;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + counts[w]!);
      let set = where.get(key);
      if (!set) where.set(key, (set = new Set()));
      set.add(w);
    }
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) if (count > 0) heap.push({ a: Math.floor(key / PAIR_KEY), b: key % PAIR_KEY, count });

  // Merges.
  while (tokens.length < options.vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const key = top.a * PAIR_KEY + top.b;
    const actual = pairCounts.get(key) ?? 0;
    if (top.count !== actual) {
      if (actual > 0) heap.push({ ...top, count: actual });
      continue;
    }
    if (top.count < 1 || minFrequency > top.count) break;
    let partB = tokens[top.b]!;
    if (prefix !== null && partB.startsWith(prefix)) partB = partB.slice(prefix.length);
    const merged = add(tokens[top.a]! + partB);
    const changes: [number, number, number][] = [];
    const positions = [...(where.get(key) ?? [])].sort((x, y) => x - y);
    pairCounts.delete(key);
    where.delete(key);
    const grown = new Set<number>();
    for (const w of positions) {
      changes.length = 0;
      mergeWord(words[w]!, top.a, top.b, merged, changes);
      for (const [x, y, delta] of changes) {
        const k = x * PAIR_KEY + y;
        if (k === key) continue;
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + delta * counts[w]!);
        if (delta > 0) {
          let set = where.get(k);
          if (!set) where.set(k, (set = new Set()));
          set.add(w);
          grown.add(k);
        }
      }
    }
    for (const k of grown) {
      const count = pairCounts.get(k) ?? 0;
      if (count > 0) heap.push({ a: Math.floor(k / PAIR_KEY), b: k % PAIR_KEY, count });
    }
  }
  return tokens;
}

/**
 * Counts the words of `texts` after BERT normalisation and pre-tokenisation (HF `Trainer::feed`
 * with a `BertNormalizer` + `BertPreTokenizer` pipeline).
 */
export async function countWords(
  texts: Iterable<string> | AsyncIterable<string>,
  normalizer: BertNormalizerOptions = {},
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const text of texts) {
    for (const word of bertPreTokenize(bertNormalize(text, normalizer))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** Options of {@link trainWordPiece}. */
export interface TrainWordPieceOptions {
  /** Target vocabulary size, special tokens included (BERT: 30522). */
  vocabSize: number;
  /** A pair seen fewer times is never merged. Default 2 (HF `BertWordPieceTokenizer.train`). */
  minFrequency?: number;
  /** Lowercase (and strip accents, unless `stripAccents` says otherwise). Default true. */
  lowercase?: boolean;
  /** Strip accents; null follows `lowercase`. Default null. */
  stripAccents?: boolean | null;
  /** Pad CJK ideographs with spaces. Default true. */
  handleChineseChars?: boolean;
  /** Special tokens, first in the vocabulary in this order; must include [PAD] [UNK] [CLS] [SEP]. */
  specialTokens?: readonly string[];
  /** Alphabet limit. Default 1000 (HF `BertWordPieceTokenizer.train`). */
  limitAlphabet?: number;
  /** `model_max_length` written to `tokenizer_config.json`. Default 512. */
  modelMaxLength?: number;
}

/** Default special tokens of {@link trainWordPiece}, in vocabulary order (ids 0-4). */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/**
 * Trains a BERT WordPiece tokenizer on `texts` (HF `BertWordPieceTokenizer.train` defaults:
 * min frequency 2, alphabet limit 1000, BERT normaliser and pre-tokeniser, `[CLS] $A [SEP]`
 * template) and returns it ready to encode or to `saveTokenizer`.
 */
export async function trainWordPiece(
  texts: Iterable<string> | AsyncIterable<string>,
  options: TrainWordPieceOptions,
): Promise<I3Tokenizer> {
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < 1) {
    throw new RangeError(`trainWordPiece: vocabSize must be a positive integer, got ${options.vocabSize}`);
  }
  const specialTokens = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  for (const required of [BERT_SPECIAL_TOKENS.pad, BERT_SPECIAL_TOKENS.unk, BERT_SPECIAL_TOKENS.cls, BERT_SPECIAL_TOKENS.sep]) {
    if (!specialTokens.includes(required)) throw new Error(`trainWordPiece: specialTokens must include ${required}`);
  }
  const normalizer = {
    lowercase: options.lowercase ?? true,
    stripAccents: options.stripAccents ?? null,
    handleChineseChars: options.handleChineseChars ?? true,
  };
  const counts = await countWords(texts, normalizer);
  const vocab = trainWordPieceVocab(counts, {
    vocabSize: options.vocabSize,
    minFrequency: options.minFrequency ?? 2,
    specialTokens,
    limitAlphabet: options.limitAlphabet ?? 1000,
  });
  const roles: BertSpecialTokens = {
    ...BERT_SPECIAL_TOKENS,
    mask: specialTokens.includes(BERT_SPECIAL_TOKENS.mask!) ? BERT_SPECIAL_TOKENS.mask : undefined,
  };
  const json = bertTokenizerJson(vocab, { ...normalizer, specialTokens: roles, extraSpecialTokens: specialTokens });
  const config = bertTokenizerConfig({ ...normalizer, specialTokens: roles, modelMaxLength: options.modelMaxLength });
  return I3Tokenizer.fromJson(json, config, "trainWordPiece");
}
