/**
 * Unicode UAX#29 word-break classes as Lucene's StandardTokenizer uses them (Unicode 9 tables in
 * Lucene; here approximated with the Unicode property escapes of the running JavaScript engine).
 *
 * Known approximations: ALetter = Alphabetic minus marks and the Han, Hiragana, Katakana and
 * South-East-Asian scripts (UAX#29 also lists a few modifier letters and punctuation such as
 * U+02C2..U+02C5 and U+055A..U+055C as ALetter, which are treated as Other here); Hebrew_Letter is
 * treated as ALetter (so Hebrew `'` and `"` rules WB7a-c are not applied); emoji are not tokens.
 */

/** Word-break class of one code point. */
export enum WordBreak {
  Other = 0,
  /** WB:ALetter (and Hebrew_Letter, Hangul). */
  ALetter = 1,
  /** WB:Numeric (decimal digits, including full-width ones). */
  Numeric = 2,
  /** WB:MidLetter, e.g. `:` and `·` (joins letters only). */
  MidLetter = 3,
  /** WB:MidNumLet and Single_Quote, e.g. `.` `'` `’` (join letters with letters, digits with digits). */
  MidNumLet = 4,
  /** WB:MidNum, e.g. `,` `;` (join digits only). */
  MidNum = 5,
  /** WB:ExtendNumLet, e.g. `_` (joins anything word-like). */
  ExtendNumLet = 6,
  /** WB:Extend, Format and ZWJ: combining marks, soft hyphen, joiners (attach to what precedes). */
  Extend = 7,
  /** WB:Katakana. */
  Katakana = 8,
  /** Han and Hiragana: every character is its own token. */
  Ideographic = 9,
  /** Line_Break=Complex_Context scripts (Thai, Lao, Myanmar, Khmer, ...): runs are one token. */
  SouthEastAsian = 10,
}

const MID_LETTER = new Set([0x3a, 0xb7, 0x387, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a]);
const MID_NUM_LET = new Set([0x27, 0x2e, 0x2018, 0x2019, 0x2024, 0xfe52, 0xff07, 0xff0e]);
const MID_NUM = new Set([
  0x2c, 0x3b, 0x37e, 0x589, 0x60c, 0x60d, 0x66c, 0x7f8, 0x2044, 0xfe10, 0xfe14, 0xfe50, 0xfe54, 0xff0c, 0xff1b,
]);

const RE_IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const RE_KATAKANA = /[\p{Script=Katakana}\u3031-\u3035\u309b\u309c\u30a0\u30fc\uff70]/u;
const RE_SOUTH_EAST_ASIAN =
  /[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}]/u;
const RE_EXTEND = /[\p{M}\p{Cf}\u200c\u200d]/u;
const RE_NUMERIC = /\p{Nd}/u;
const RE_EXTEND_NUM_LET = /[\p{Pc}\u202f]/u;
const RE_ALETTER = /\p{Alphabetic}/u;

/** Computes the class of a code point from Unicode properties (uncached). */
function computeClass(cp: number): WordBreak {
  if (MID_NUM_LET.has(cp)) return WordBreak.MidNumLet;
  if (MID_LETTER.has(cp)) return WordBreak.MidLetter;
  if (MID_NUM.has(cp)) return WordBreak.MidNum;
  if (cp === 0x200b) return WordBreak.Other; // ZERO WIDTH SPACE is Cf but WB:Other
  const ch = String.fromCodePoint(cp);
  if (RE_SOUTH_EAST_ASIAN.test(ch)) return WordBreak.SouthEastAsian;
  if (RE_EXTEND.test(ch)) return WordBreak.Extend;
  if (RE_NUMERIC.test(ch)) return WordBreak.Numeric;
  if (RE_EXTEND_NUM_LET.test(ch)) return WordBreak.ExtendNumLet;
  if (RE_IDEOGRAPHIC.test(ch)) return WordBreak.Ideographic;
  if (RE_KATAKANA.test(ch)) return WordBreak.Katakana;
  if (RE_ALETTER.test(ch)) return WordBreak.ALetter;
  return WordBreak.Other;
}

/** Classes of U+0000..U+FFFF, computed on first use (one byte each, 0xff = not yet computed). */
const bmpTable = new Uint8Array(0x10000).fill(0xff);
const astralCache = new Map<number, WordBreak>();
for (let cp = 0; cp < 0x80; cp++) bmpTable[cp] = computeClass(cp);

/** The UAX#29 word-break class of code point `cp` (memoised). */
export function wordBreakClass(cp: number): WordBreak {
  if (cp < 0x10000) {
    const cached = bmpTable[cp]!;
    if (cached !== 0xff) return cached;
    const computed = computeClass(cp);
    bmpTable[cp] = computed;
    return computed;
  }
  let cls = astralCache.get(cp);
  if (cls === undefined) {
    cls = computeClass(cp);
    astralCache.set(cp, cls);
  }
  return cls;
}
