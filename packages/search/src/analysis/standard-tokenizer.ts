/**
 * A re-implementation of Lucene's `StandardTokenizer` (UAX#29 word boundaries, the grammar in
 * `StandardTokenizerImpl.jflex`) as a hand-written scanner.
 *
 * A word token is a maximal run of letters and digits held together by the UAX#29 rules:
 * - letters and digits join directly (WB5, WB8, WB9, WB10): `a1b2`, `covid19`;
 * - `_` and other connector punctuation (ExtendNumLet) join anything word-like and are kept at
 *   the edges (WB13a/b): `foo_bar`, `_tmp_`;
 * - `.` `'` `’` between two letters or two digits (MidNumLet, Single_Quote) do not break
 *   (WB6/7, WB11/12): `U.S.A.` -> `U.S.A`, `don't`, `3.14`, `v1.2`;
 * - `:` `·` between two letters (MidLetter): `a:b`; `,` `;` between two digits (MidNum): `1,000`;
 * - everything else breaks, notably `-`, `/`, `@`, `+`, `%`, `(`: `covid-19` -> `covid`, `19`;
 *   a punctuation mark between a letter and a digit breaks too: `a.1` -> `a`, `1`;
 * - combining marks and format characters (soft hyphen, ZWJ) stay attached (WB4).
 * Each Han or Hiragana character is a token of its own; Katakana runs and runs of Thai, Lao,
 * Myanmar and Khmer characters are one token each. Runs with no letter or digit (only `_`) are
 * dropped, as is all other punctuation and symbols. Tokens longer than `maxTokenLength` UTF-16
 * code units are split into pieces of that length (Lucene's scanner buffer does the same).
 *
 * Known differences from Lucene: see `word-break-class.ts` (character classes from the running
 * engine's Unicode version instead of Unicode 9, Hebrew quote rules, emoji are dropped rather
 * than emitted as `<EMOJI>` tokens).
 */
import { WordBreak, wordBreakClass } from "./word-break-class.js";

/** Lucene's `StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH`. */
export const DEFAULT_MAX_TOKEN_LENGTH = 255;

/** Reused buffer of per-code-unit classes. */
let classBuffer = new Uint8Array(4096);

/**
 * Classifies every UTF-16 code unit of `text` into `classBuffer`. The low half of a surrogate
 * pair is marked Extend, so it simply attaches to its high half.
 */
function classify(text: string): Uint8Array {
  const n = text.length;
  if (classBuffer.length < n) classBuffer = new Uint8Array(Math.max(n, classBuffer.length * 2));
  const cls = classBuffer;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cls[i] = wordBreakClass(((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
        cls[++i] = WordBreak.Extend;
        continue;
      }
    }
    cls[i] = wordBreakClass(c);
  }
  return cls;
}

/** Index of the first code unit at or after `i` that is not Extend/Format/ZWJ (WB4). */
function skipExtend(cls: Uint8Array, i: number, n: number): number {
  while (i < n && cls[i] === WordBreak.Extend) i++;
  return i;
}

/** Whether a word whose last core class is `last` may continue with a character of class `next`. */
function joins(last: WordBreak, next: WordBreak): boolean {
  switch (next) {
    case WordBreak.ALetter:
    case WordBreak.Numeric:
      return last === WordBreak.ALetter || last === WordBreak.Numeric || last === WordBreak.ExtendNumLet;
    case WordBreak.ExtendNumLet:
      return (
        last === WordBreak.ALetter ||
        last === WordBreak.Numeric ||
        last === WordBreak.ExtendNumLet ||
        last === WordBreak.Katakana
      );
    case WordBreak.Katakana:
      return last === WordBreak.Katakana || last === WordBreak.ExtendNumLet;
    default:
      return false;
  }
}

/** Whether a mid character of class `mid` between classes `last` and `after` keeps the word whole. */
function bridges(last: WordBreak, mid: WordBreak, after: WordBreak): boolean {
  switch (mid) {
    case WordBreak.MidLetter:
      return last === WordBreak.ALetter && after === WordBreak.ALetter;
    case WordBreak.MidNumLet:
      return (
        (last === WordBreak.ALetter && after === WordBreak.ALetter) ||
        (last === WordBreak.Numeric && after === WordBreak.Numeric)
      );
    case WordBreak.MidNum:
      return last === WordBreak.Numeric && after === WordBreak.Numeric;
    default:
      return false;
  }
}

/**
 * Splits `text` into tokens the way Lucene's `StandardTokenizer` does (see the module comment for
 * the rules and the known differences). Tokens keep their original case.
 */
export function standardTokenize(text: string, maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH): string[] {
  const tokens: string[] = [];
  const n = text.length;
  const cls = classify(text);
  let i = 0;
  while (i < n) {
    const first = cls[i]! as WordBreak;
    if (first === WordBreak.Ideographic) {
      const end = skipExtend(cls, i + 1, n);
      tokens.push(text.slice(i, end));
      i = end;
      continue;
    }
    if (first === WordBreak.SouthEastAsian) {
      let end = skipExtend(cls, i + 1, n);
      while (end < n && end - i < maxTokenLength && cls[end] === WordBreak.SouthEastAsian) {
        end = skipExtend(cls, end + 1, n);
      }
      tokens.push(text.slice(i, end));
      i = end;
      continue;
    }
    if (
      first !== WordBreak.ALetter &&
      first !== WordBreak.Numeric &&
      first !== WordBreak.ExtendNumLet &&
      first !== WordBreak.Katakana
    ) {
      i++;
      continue;
    }
    // A word-like run: extend it while the UAX#29 rules say "no break".
    const start = i;
    let last: WordBreak = first;
    let hasCore = first !== WordBreak.ExtendNumLet;
    let end = skipExtend(cls, i + 1, n);
    while (end < n) {
      const next = cls[end]! as WordBreak;
      let stop: number;
      if (joins(last, next)) {
        stop = skipExtend(cls, end + 1, n);
        last = next;
      } else if (next === WordBreak.MidLetter || next === WordBreak.MidNumLet || next === WordBreak.MidNum) {
        const afterMid = skipExtend(cls, end + 1, n);
        if (afterMid >= n) break;
        const after = cls[afterMid]! as WordBreak;
        if (!bridges(last, next, after)) break;
        stop = skipExtend(cls, afterMid + 1, n);
        last = after;
      } else {
        break;
      }
      if (stop - start > maxTokenLength) break;
      end = stop;
      if (last !== WordBreak.ExtendNumLet) hasCore = true;
    }
    // A single character cluster longer than the limit is cut (pathological input only).
    if (end - start > maxTokenLength) end = start + maxTokenLength;
    if (hasCore) tokens.push(text.slice(start, end));
    i = end;
  }
  return tokens;
}
