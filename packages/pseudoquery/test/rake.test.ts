/**
 * RAKE against the worked example of Rose et al. (2010), sec. 1.2 (the abstract "Compatibility
 * of systems of linear constraints over the set of natural numbers ..."): candidate keywords
 * (their Fig. 1.2), word scores deg/freq (Table 1.1) and the top keywords with their scores
 * (Table 1.2 / Fig. 1.4), all hand-checked against the paper. Our stop list keeps
 * "construction" as a content word (the paper's figure drops it), which adds one candidate of
 * score 1 and changes none of the top keywords; T = floor(29 / 3) = 9 as the paper's 9.
 */
import { describe, expect, it } from "vitest";
import type { Passage } from "@i3/data";
import { RAKE_STOP_WORDS, rakeAnalyze, rakeKeywords, rakeSource } from "../src/index.js";

const ABSTRACT =
  "Compatibility of systems of linear constraints over the set of natural numbers. Criteria of compatibility of a " +
  "system of linear Diophantine equations, strict inequations, and nonstrict inequations are considered. Upper bounds " +
  "for components of a minimal set of solutions and algorithms of construction of minimal generating sets of solutions " +
  "for all types of systems are given. These criteria and the corresponding algorithms for constructing a minimal " +
  "supporting set of solutions can be used in solving all the considered types of systems and systems of mixed types.";

describe("RAKE on the paper's example abstract", () => {
  const analysis = rakeAnalyze(ABSTRACT);

  it("splits candidates at stop words and punctuation (paper Fig. 1.2)", () => {
    expect(analysis.candidates.map((c) => c.join(" "))).toEqual([
      "compatibility", "systems", "linear constraints", "set", "natural numbers", "criteria", "compatibility", "system",
      "linear diophantine equations", "strict inequations", "nonstrict inequations", "upper bounds", "components",
      "minimal set", "solutions", "algorithms", "construction", "minimal generating sets", "solutions", "types", "systems",
      "criteria", "corresponding algorithms", "constructing", "minimal supporting set", "solutions", "solving", "types",
      "systems", "systems", "mixed types",
    ]);
  });

  it("scores words by deg/freq (paper Table 1.1)", () => {
    const s = (w: string) => analysis.words.get(w)!;
    expect(s("minimal")).toMatchObject({ degree: 8, frequency: 3 });
    expect(s("linear")).toMatchObject({ degree: 5, frequency: 2, score: 2.5 });
    expect(s("set")).toMatchObject({ degree: 6, frequency: 3, score: 2 });
    expect(s("inequations")).toMatchObject({ degree: 4, frequency: 2, score: 2 });
    expect(s("algorithms")).toMatchObject({ degree: 3, frequency: 2, score: 1.5 });
    expect(s("systems")).toMatchObject({ degree: 4, frequency: 4, score: 1 });
    expect(s("diophantine").score).toBe(3);
    expect(s("generating").score).toBe(3);
    expect(s("supporting").score).toBe(3);
  });

  it("ranks the paper's top keywords with its scores (Table 1.2)", () => {
    const top = rakeKeywords(ABSTRACT); // T = a third of the content words
    expect(top.map((k) => k.phrase)).toEqual([
      "minimal generating sets", "linear diophantine equations", "minimal supporting set", "minimal set",
      "linear constraints", "natural numbers", "strict inequations", "nonstrict inequations", "upper bounds",
    ]);
    const scores = top.map((k) => Math.round(k.score * 100) / 100);
    expect(scores).toEqual([8.67, 8.5, 7.67, 4.67, 4.5, 4, 4, 4, 4]);
    // next in the paper's list: corresponding algorithms (3.5), mixed types (3.3)
    expect(analysis.keywords.slice(9, 11).map((k) => [k.phrase, Math.round(k.score * 10) / 10])).toEqual([
      ["corresponding algorithms", 3.5],
      ["mixed types", 3.3],
    ]);
  });
});

describe("RAKE details", () => {
  it("treats numbers as delimiters unless keepNumbers, and respects maxWords and custom stop lists", () => {
    expect(rakeAnalyze("release 2019 notes").candidates).toEqual([["release"], ["notes"]]);
    expect(rakeAnalyze("release 2019 notes", { keepNumbers: true }).candidates).toEqual([["release", "2019", "notes"]]);
    expect(rakeAnalyze("very long candidate phrase here, short", { maxWords: 2 }).keywords.map((k) => k.phrase)).toEqual(["short"]);
    expect(rakeAnalyze("red apple pie", { stopWords: new Set(["apple"]) }).candidates).toEqual([["red"], ["pie"]]);
  });

  it("keeps hyphenated and apostrophe words whole; the default list has function words only", () => {
    expect(rakeAnalyze("state-of-the-art retrieval; doesn't matter").candidates).toEqual([["state-of-the-art", "retrieval"], ["matter"]]);
    for (const w of ["the", "of", "and", "considered", "given", "used"]) expect(RAKE_STOP_WORDS.has(w)).toBe(true);
    for (const w of ["set", "system", "minimal", "upper", "mixed", "natural"]) expect(RAKE_STOP_WORDS.has(w)).toBe(false);
  });

  it("as a source: top-k keywords joined, one line per passage", async () => {
    const src = rakeSource({ topK: 3 });
    const passages: Passage[] = [
      { id: "a", title: "", text: ABSTRACT },
      { id: "b", title: "Dense retrieval", text: "It uses the\ttwo towers." },
      { id: "c", title: "", text: "of the and" },
    ];
    const out: [string, string][] = [];
    for await (const e of src.generate(passages, { seed: 0 })) out.push(e);
    expect(out).toEqual([
      ["a", "minimal generating sets linear diophantine equations minimal supporting set"],
      ["b", "dense retrieval two towers"],
      ["c", ""],
    ]);
    expect(src.params).toMatchObject({ topK: 3, separator: " ", stopWords: "default-v1" });
    expect(() => rakeSource({ topK: 0 })).toThrow(/topK/);
  });
});
