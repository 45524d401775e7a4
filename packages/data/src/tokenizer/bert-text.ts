/**
 * The BERT "basic tokenizer": text normalisation and pre-tokenisation into words, written from
 * the Hugging Face tokenizers (Rust) `BertNormalizer` and `BertPreTokenizer`
 * (tokenizers/src/normalizers/bert.rs, pre_tokenizers/bert.rs), which reproduce Google BERT's
 * `BasicTokenizer` (tokenization.py). It is our own implementation, independent of
 * `@huggingface/tokenizers`, used by the WordPiece trainer and by the reference encoder that the
 * tests compare the library against.
 */

/** Options of the BERT normaliser (the `BertNormalizer` fields of a `tokenizer.json`). */
export interface BertNormalizerOptions {
  /** Remove control characters and map every whitespace character to a space. Default true. */
  cleanText?: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. Default true. */
  handleChineseChars?: boolean;
  /** Strip accents (NFD, then drop non-spacing marks). Default: same as `lowercase`. */
  stripAccents?: boolean | null;
  /** Lowercase every character. Default true. */
  lowercase?: boolean;
}

const WHITESPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARKS = /\p{Mn}/gu;

/** BERT's whitespace: tab, newline, carriage return and Unicode `White_Space` (Rust `is_whitespace`). */
export function isBertWhitespace(ch: string): boolean {
  const cp = ch.charCodeAt(0);
  if (cp < 128) return cp === 32 || (cp >= 9 && cp <= 13);
  return WHITESPACE.test(ch);
}

/** BERT's control characters: Unicode category C (Cc, Cf, Cs, Co, Cn) except tab, newline, CR. */
export function isBertControl(ch: string): boolean {
  const cp = ch.charCodeAt(0);
  if (cp < 128) return (cp < 32 && cp !== 9 && cp !== 10 && cp !== 13) || cp === 127;
  return OTHER.test(ch);
}

/** BERT's punctuation: any ASCII punctuation (including `$+<=>^\`|~`) or Unicode category P. */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  return cp >= 128 && PUNCTUATION.test(ch);
}

/** The CJK Unified Ideograph blocks of Google BERT's `_is_chinese_char` (not Hangul or kana). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * Normalises `text` like HF tokenizers' `BertNormalizer::normalize`: clean text, pad CJK
 * ideographs with spaces, strip accents (NFD then remove Mn), lowercase character by character.
 */
export function bertNormalize(text: string, options: BertNormalizerOptions = {}): string {
  const cleanText = options.cleanText ?? true;
  const handleChineseChars = options.handleChineseChars ?? true;
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.stripAccents ?? lowercase;
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cleanText) {
      if (cp === 0 || cp === 0xfffd || isBertControl(ch)) continue;
      if (isBertWhitespace(ch)) {
        out += " ";
        continue;
      }
    }
    out += handleChineseChars && isChineseChar(cp) ? ` ${ch} ` : ch;
  }
  if (stripAccents) out = out.normalize("NFD").replace(NONSPACING_MARKS, "");
  if (lowercase) {
    // Rust lowercases each char on its own (no context-dependent final sigma).
    let lower = "";
    for (const ch of out) lower += ch.toLowerCase();
    out = lower;
  }
  return out;
}

/**
 * Splits normalised text into words like HF tokenizers' `BertPreTokenizer`: split on whitespace
 * (removed), then isolate every punctuation character as its own word.
 */
export function bertPreTokenize(text: string): string[] {
  const words: string[] = [];
  let current = "";
  for (const ch of text) {
    if (isBertWhitespace(ch)) {
      if (current) words.push(current);
      current = "";
    } else if (isBertPunctuation(ch)) {
      if (current) words.push(current);
      words.push(ch);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current) words.push(current);
  return words;
}
