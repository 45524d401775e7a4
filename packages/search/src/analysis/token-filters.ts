/**
 * The token filters of Lucene's English analysis chain, one small function each:
 * `EnglishPossessiveFilter`, `LowerCaseFilter` and `PorterStemFilter`.
 */
import { stemmer } from "stemmer";

/**
 * Lucene `EnglishPossessiveFilter`: removes a trailing `'s` / `'S` where the apostrophe is U+0027,
 * U+2019 (right single quotation mark) or U+FF07 (full-width apostrophe). `John's` -> `John`.
 */
export function stripPossessive(token: string): string {
  const n = token.length;
  if (n < 2) return token;
  const last = token.charCodeAt(n - 1);
  if (last !== 0x73 && last !== 0x53) return token;
  const apostrophe = token.charCodeAt(n - 2);
  return apostrophe === 0x27 || apostrophe === 0x2019 || apostrophe === 0xff07 ? token.slice(0, n - 2) : token;
}

const NON_ASCII = /[^ -~\t\n\r]/; // anything but printable ASCII and common whitespace

/**
 * Lucene `LowerCaseFilter`: Java's `Character.toLowerCase` applied to each code point, which is
 * context-free (a final `Σ` becomes `σ`, not `ς`) and maps `İ` (U+0130) to a plain `i`, unlike
 * `String.prototype.toLowerCase`.
 */
export function lowerCaseLikeJava(token: string): string {
  if (!NON_ASCII.test(token)) return token.toLowerCase();
  let out = "";
  for (const ch of token) {
    if (ch === "\u0130") {
      out += "i";
      continue;
    }
    const lower = ch.toLowerCase();
    // Java maps one code point to one code point; keep the character when JS would expand it.
    out += [...lower].length === 1 ? lower : ch;
  }
  return out;
}

/**
 * Lucene `PorterStemFilter` (Martin Porter's 1980 algorithm as in his reference C implementation,
 * which is what Lucene's `PorterStemmer` ports): words of one or two characters are left alone.
 * Delegates to the `stemmer` package (wooorm), which implements the same algorithm, including the
 * C version's `bli` -> `ble` and `logi` -> `log` rules; the token must already be lower case.
 */
export function porterStem(token: string): string {
  return token.length < 3 ? token : stemmer(token);
}
