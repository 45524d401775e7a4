// Our own BERT basic tokenizer + WordPiece, checked against the expectations of Google BERT's
// tokenization_test.py and transformers' tests/models/bert/test_tokenization_bert.py.
import { describe, expect, it } from "vitest";
import {
  ReferenceWordPieceEncoder,
  bertNormalize,
  bertPreTokenize,
  wordPieceSplit,
} from "../src/tokenizer/index.js";
import { isBertControl, isBertPunctuation, isBertWhitespace } from "../src/tokenizer/bert-text.js";

const basic = (text: string, options = {}) => bertPreTokenize(bertNormalize(text, options));

describe("BERT basic tokenizer (bertNormalize + bertPreTokenize)", () => {
  it("lowercases, strips accents and splits punctuation", () => {
    expect(basic(" \tHeLLo!how  \n Are yoU?  ")).toEqual(["hello", "!", "how", "are", "you", "?"]);
    expect(basic("H\u00E9llo")).toEqual(["hello"]);
  });

  it("keeps accents with lowercase and stripAccents false", () => {
    expect(basic(" \tHäLLo!how  \n Are yoU?  ", { stripAccents: false })).toEqual(["hällo", "!", "how", "are", "you", "?"]);
    expect(basic("H\u00E9llo", { stripAccents: false })).toEqual(["h\u00E9llo"]);
  });

  it("keeps case without lowercase, and strips accents only when asked", () => {
    expect(basic(" \tHeLLo!how  \n Are yoU?  ", { lowercase: false })).toEqual(["HeLLo", "!", "how", "Are", "yoU", "?"]);
    expect(basic(" \tHäLLo!how  \n Are yoU?  ", { lowercase: false, stripAccents: true })).toEqual(["HaLLo", "!", "how", "Are", "yoU", "?"]);
  });

  it("isolates CJK ideographs", () => {
    expect(basic("ah\u535A\u63A8zz")).toEqual(["ah", "\u535A", "\u63A8", "zz"]);
    expect(basic("ah\u{20000}zz")).toEqual(["ah", "\u{20000}", "zz"]);
  });

  it("classifies whitespace, control and punctuation characters like BERT", () => {
    for (const ch of [" ", "\t", "\r", "\n", "\u00A0"]) expect(isBertWhitespace(ch)).toBe(true);
    for (const ch of ["A", "-"]) expect(isBertWhitespace(ch)).toBe(false);
    expect(isBertControl("\u0005")).toBe(true);
    for (const ch of ["A", " ", "\t", "\r"]) expect(isBertControl(ch)).toBe(false);
    for (const ch of ["-", "$", "`", "."]) expect(isBertPunctuation(ch)).toBe(true);
    for (const ch of ["A", " "]) expect(isBertPunctuation(ch)).toBe(false);
  });

  it("drops control characters and NUL, and lowercases Greek sigma per character (Rust semantics)", () => {
    expect(basic("a\u0000b\u0007c\u200Bd")).toEqual(["abcd"]);
    expect(bertNormalize("ΟΔΟΣ")).toBe("οδοσ");
  });
});

describe("WordPiece (greedy longest-match-first)", () => {
  const vocab = ["[UNK]", "[CLS]", "[SEP]", "want", "##want", "##ed", "wa", "un", "runn", "##ing"];
  const map = new Map(vocab.map((t, i) => [t, i]));

  it("splits words as in transformers' test_wordpiece_tokenizer", () => {
    const split = (text: string) => text.split(" ").filter(Boolean).flatMap((w) => wordPieceSplit(w, map));
    expect(split("")).toEqual([]);
    expect(split("unwanted running")).toEqual(["un", "##want", "##ed", "runn", "##ing"]);
    expect(split("unwantedX running")).toEqual(["[UNK]", "runn", "##ing"]);
  });

  it("turns words longer than maxInputCharsPerWord into [UNK]", () => {
    expect(wordPieceSplit("want", map, { maxInputCharsPerWord: 3 })).toEqual(["[UNK]"]);
    expect(wordPieceSplit("want", map, { maxInputCharsPerWord: 4 })).toEqual(["want"]);
  });

  it("encodes the BERT docstring example and the transformers full-tokenizer example", () => {
    const full = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "low", "lowest", "##aff", "##able"];
    const enc = new ReferenceWordPieceEncoder(full, {}, ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]);
    expect(enc.tokens("unaffable")).toEqual(["un", "##aff", "##able"]);
    expect(enc.ids("unaffable")).toEqual([9, 15, 16]);
    expect(enc.tokens("UNwant\u00E9d,running")).toEqual(["un", "##want", "##ed", ",", "runn", "##ing"]);
    expect(enc.ids("UNwant\u00E9d,running")).toEqual([9, 6, 7, 12, 10, 11]);
    expect(enc.tokens("low [MASK]lowest")).toEqual(["low", "[MASK]", "lowest"]);
  });
});
