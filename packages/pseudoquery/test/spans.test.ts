/**
 * Sampled spans, hand-checked for seed 42 and pid "p1". SeededRandom.from(42, "p1") gives the
 * uniforms u1.. = .9842 .2762 .8676 .6516 .6977 .5662 .2978 | u8 (uint32 2343012413) | .7005
 * .8532 .6626 .2548 .5548 .3982 ...; exp(-3) = .04979.
 * Span 1, Knuth: products .9842 .2718 .2358 .1536 .1072 .0607 .0181 -> 6 factors above the
 * limit -> length 6; start = int(17 - 6 + 1 = 12) from u8: 2343012413 mod 12 = 5 (below the
 * rejection limit 2^32 - 4) -> words [5, 11) = "over the lazy dog while the".
 * Span 2: .7005 .5977 .3960 .1009 .0560 .0223 -> length 5 (its start, 11, from the next draw).
 */
import { describe, expect, it } from "vitest";
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import { clippedPoisson, samplePoisson, sampleSpans, spanSource, spanText } from "../src/index.js";

const TEXT = "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat";

describe("Poisson span lengths", () => {
  it("follows Knuth's method on the seeded uniforms (hand-checked above)", () => {
    const rng = SeededRandom.from(42, "p1");
    expect(samplePoisson(rng, 3)).toBe(6);
    rng.uint32(); // the start draw of span 1
    expect(samplePoisson(rng, 3)).toBe(5);
  });

  it("has mean lambda and respects the clip", () => {
    const rng = new SeededRandom(1);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += samplePoisson(rng, 3);
    expect(sum / n).toBeGreaterThan(2.95);
    expect(sum / n).toBeLessThan(3.05);
    for (let i = 0; i < 2000; i++) {
      const l = clippedPoisson(rng, 3, 1, 4);
      expect(l >= 1 && l <= 4).toBe(true);
    }
    expect(() => samplePoisson(rng, 0)).toThrow(/lambda/);
    expect(() => clippedPoisson(rng, 3, 0, 10)).toThrow(/min/);
  });
});

describe("sampleSpans / spanText", () => {
  it("gives the hand-checked spans for seed 42, pid p1", () => {
    const spans = sampleSpans(17, SeededRandom.from(42, "p1"));
    expect(spans).toEqual([
      { start: 5, length: 6 },
      { start: 11, length: 5 },
      { start: 11, length: 4 },
    ]);
    const passage: Passage = { id: "p1", title: "", text: TEXT };
    expect(spanText(passage, 42)).toBe("over the lazy dog while the cat sleeps on the warm cat sleeps on the");
  });

  it("clips spans to short texts and gives nothing for empty ones", () => {
    for (const s of sampleSpans(2, new SeededRandom(3), { k: 5 })) expect(s.start + s.length <= 2).toBe(true);
    expect(sampleSpans(0, new SeededRandom(3))).toEqual([]);
    expect(spanText({ id: "x", title: "", text: "   " }, 1)).toBe("");
  });

  it("as a source: depends on (seed, pid) only, not on the other passages", async () => {
    const src = spanSource({ k: 2, lambda: 2 });
    const passages: Passage[] = Array.from({ length: 5 }, (_, i) => ({ id: `d${i}`, title: "T", text: `${TEXT} number ${i}` }));
    const run = async (ps: Passage[], seed: number) => {
      const out = new Map<string, string>();
      for await (const [pid, t] of src.generate(ps, { seed })) out.set(pid, t);
      return out;
    };
    const all = await run(passages, 9);
    const alone = await run([passages[3]!], 9);
    expect(alone.get("d3")).toBe(all.get("d3"));
    const other = await run(passages, 10);
    expect([...other.values()]).not.toEqual([...all.values()]);
    expect(src.params).toEqual({ k: 2, lambda: 2, minLength: 1, maxLength: 10, lowercase: false });
    expect(() => spanSource({ k: 0 })).toThrow(/k must be/);
  });
});
