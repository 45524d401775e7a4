import { describe, expect, it } from "vitest";
import { standardTokenize } from "../src/analysis/index.js";

// Expected tokens follow the UAX#29 rules implemented by Lucene's StandardTokenizerImpl.jflex,
// checked by hand against the rule numbers noted on each case.
describe("standardTokenize (Lucene StandardTokenizer rules)", () => {
  it.each([
    ["splits on spaces and drops punctuation", "Hello, world!  (Again)", ["Hello", "world", "Again"]],
    ["keeps letter.letter and drops the final dot (WB6/7)", "U.S.A. e.g., i.e.", ["U.S.A", "e.g", "i.e"]],
    ["keeps apostrophes inside words (WB6/7 Single_Quote)", "don't O'Neil John's dogs'", ["don't", "O'Neil", "John's", "dogs"]],
    ["keeps the typographic apostrophe U+2019 (MidNumLet)", "can\u2019t", ["can\u2019t"]],
    ["keeps decimal points and thousands separators (WB11/12)", "3.14 1,000,000 1;2", ["3.14", "1,000,000", "1;2"]],
    ["breaks on hyphens, slashes and percent", "covid-19 and/or 2.5mg/kg 10%", ["covid", "19", "and", "or", "2.5mg", "kg", "10"]],
    ["joins letters and digits directly (WB9/10)", "a1b2 v1.2 IL-6R", ["a1b2", "v1.2", "IL", "6R"]],
    ["breaks a mid character between a letter and a digit", "a.1 1.a x'2", ["a", "1", "1", "a", "x", "2"]],
    ["keeps underscores, also at the edges (WB13a/b)", "foo_bar _tmp_ a_1 __", ["foo_bar", "_tmp_", "a_1"]],
    ["keeps a colon between letters (MidLetter) but not before a digit", "a:b ratio:1", ["a:b", "ratio", "1"]],
    ["splits e-mail and URL punctuation", "x@y.com http://www.x.org/a?b=c", ["x", "y.com", "http", "www.x.org", "a", "b", "c"]],
    ["keeps combining marks and soft hyphens attached (WB4)", "cafe\u0301 co\u00adop", ["cafe\u0301", "co\u00adop"]],
    ["handles accented and non-Latin letters", "naïve Ölçü Σίσυφος", ["naïve", "Ölçü", "Σίσυφος"]],
    ["emits each Han character alone and Katakana runs whole", "中文 カタカナ", ["中", "文", "カタカナ"]],
    ["handles astral letters and drops emoji", "\u{1D400}\u{1D401} 😀 ok", ["\u{1D400}\u{1D401}", "ok"]],
    ["returns nothing for punctuation only", "-- ... !!", []],
  ])("%s", (_name, text, expected) => {
    expect(standardTokenize(text)).toEqual(expected);
  });

  it("chops tokens longer than maxTokenLength into pieces", () => {
    const long = "a".repeat(600);
    expect(standardTokenize(`x ${long} y`).map((t) => t.length)).toEqual([1, 255, 255, 90, 1]);
    expect(standardTokenize("abcdefg", 3)).toEqual(["abc", "def", "g"]);
  });
});
