import { describe, expect, it } from "vitest";
import { compareIds, compareRanked, rankDocuments } from "../src/index.js";

describe("trec_eval ranking order", () => {
  it("sorts by score descending, ties by doc id descending (strcmp), ignoring insertion order", () => {
    const docs = new Map([["a", 1], ["b", 2], ["c", 1], ["B", 1], ["ab", 1]]);
    // ties at 1: strcmp descending: "c" > "ab" > "a" > "B"
    expect(rankDocuments(docs)).toEqual(["b", "c", "ab", "a", "B"]);
  });

  it("compares numeric-looking ids as strings", () => {
    expect(rankDocuments(new Map([["9", 0], ["10", 0], ["100", 0]]))).toEqual(["9", "100", "10"]);
  });

  it("handles negative and infinite scores and depth / exclude", () => {
    const docs = new Map([["x", -1], ["y", Infinity], ["z", -Infinity], ["q", 0]]);
    expect(rankDocuments(docs)).toEqual(["y", "q", "x", "z"]);
    expect(rankDocuments(docs, { depth: 2 })).toEqual(["y", "q"]);
    expect(rankDocuments(docs, { exclude: "q" })).toEqual(["y", "x", "z"]);
  });

  it("rejects NaN scores with the query and document", () => {
    expect(() => rankDocuments(new Map([["d", NaN]]))).toThrow(/document d: score is NaN/);
  });

  it("compareIds follows UTF-8 byte order, also where UTF-16 code units disagree", () => {
    const astral = "\u{1F600}"; // U+1F600, UTF-16 starts with 0xD83D
    const bmpHigh = "\uFF21"; // U+FF21 (fullwidth A)
    expect(astral < bmpHigh).toBe(true); // JavaScript's UTF-16 order
    expect(Buffer.compare(Buffer.from(astral), Buffer.from(bmpHigh))).toBe(1); // strcmp order
    expect(compareIds(astral, bmpHigh)).toBeGreaterThan(0);
    expect(compareIds("abc", "abd")).toBeLessThan(0);
    expect(compareIds("ab", "abc")).toBeLessThan(0);
    expect(compareIds("x", "x")).toBe(0);
    expect(compareRanked(1, "a", 1, "b")).toBeGreaterThan(0); // "b" ranks first on a tie
    expect(compareRanked(2, "a", 1, "b")).toBeLessThan(0);
  });
});
