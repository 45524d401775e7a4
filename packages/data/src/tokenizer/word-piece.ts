/**
 * WordPiece encoding, our own reference implementation: greedy longest-match-first over the
 * characters of each word (Google BERT `WordpieceTokenizer.tokenize`; HF tokenizers
 * `WordPiece::tokenize`). Continuing pieces carry the `##` prefix; a word that cannot be fully
 * covered, or is longer than `maxInputCharsPerWord` characters, becomes the unknown token.
 */
import { type BertNormalizerOptions, bertNormalize, bertPreTokenize } from "./bert-text.js";

/** Options of the WordPiece model (the `WordPiece` model fields of a `tokenizer.json`). */
export interface WordPieceOptions {
  /** Unknown token. Default `[UNK]`. */
  unkToken?: string;
  /** Prefix of pieces that continue a word. Default `##`. */
  continuingSubwordPrefix?: string;
  /** Longer words (in characters) become the unknown token. Default 100. */
  maxInputCharsPerWord?: number;
}

/** Splits one word into WordPiece tokens (strings) with greedy longest-match-first. */
export function wordPieceSplit(word: string, vocab: ReadonlyMap<string, number>, options: WordPieceOptions = {}): string[] {
  const unk = options.unkToken ?? "[UNK]";
  const prefix = options.continuingSubwordPrefix ?? "##";
  const chars = Array.from(word);
  if (chars.length > (options.maxInputCharsPerWord ?? 100)) return [unk];
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: string | undefined;
    while (start < end) {
      const piece = (start > 0 ? prefix : "") + chars.slice(start, end).join("");
      if (vocab.has(piece)) {
        found = piece;
        break;
      }
      end--;
    }
    if (found === undefined) return [unk];
    pieces.push(found);
    start = end;
  }
  return pieces;
}

/**
 * A complete BERT WordPiece encoder without special-token templates: special tokens written in
 * the raw text are matched first (as HF added tokens are), the rest is normalised
 * ({@link bertNormalize}), split into words ({@link bertPreTokenize}) and WordPiece-split.
 * Reference for tests and a fallback that needs no library.
 */
export class ReferenceWordPieceEncoder {
  private readonly vocab: Map<string, number>;
  private readonly specialPattern: RegExp | undefined;

  /**
   * @param vocab tokens in id order (id = index), as in `vocab.txt`
   * @param specialTokens tokens matched verbatim in the raw text (e.g. `[CLS]`, `[MASK]`)
   */
  constructor(
    vocab: readonly string[],
    private readonly options: BertNormalizerOptions & WordPieceOptions = {},
    private readonly specialTokens: readonly string[] = [],
  ) {
    this.vocab = new Map(vocab.map((token, id) => [token, id]));
    const unk = options.unkToken ?? "[UNK]";
    if (!this.vocab.has(unk)) throw new Error(`ReferenceWordPieceEncoder: unknown token ${JSON.stringify(unk)} is not in the vocabulary`);
    const escaped = [...specialTokens]
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.specialPattern = escaped.length ? new RegExp(`(${escaped.join("|")})`, "u") : undefined;
  }

  /** The WordPiece tokens of `text`, without `[CLS]`/`[SEP]`. */
  tokens(text: string): string[] {
    const sections = this.specialPattern ? text.split(this.specialPattern) : [text];
    const out: string[] = [];
    for (const section of sections) {
      if (!section) continue;
      if (this.specialTokens.includes(section)) {
        out.push(section);
        continue;
      }
      for (const word of bertPreTokenize(bertNormalize(section, this.options))) {
        out.push(...wordPieceSplit(word, this.vocab, this.options));
      }
    }
    return out;
  }

  /** The token ids of `text`, without `[CLS]`/`[SEP]`. */
  ids(text: string): number[] {
    return this.tokens(text).map((t) => this.vocab.get(t)!);
  }
}
