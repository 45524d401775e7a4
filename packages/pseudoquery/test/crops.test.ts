/**
 * cropQueries: the same crops as the dual-encoder system produced before it moved here (golden
 * file from that code, fixtures/crops.json), and the window's properties (length in range,
 * consecutive words of the passage, a passage's crop independent of the other passages).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { passageText, type Passage, type Query } from "@i3/data";
import { cropQueries } from "../src/index.js";

const golden = JSON.parse(readFileSync(new URL("./fixtures/crops.json", import.meta.url), "utf8")) as {
  passages: Passage[];
  cases: { cropWords: [number, number]; seed: number; queries: Query[] }[];
};

describe("cropQueries", () => {
  it("reproduces the golden crops (seeds, lengths and windows unchanged)", () => {
    for (const { cropWords, seed, queries } of golden.cases) expect(cropQueries(golden.passages, cropWords, seed).queries).toEqual(queries);
  });

  it("a window of min..max consecutive words (all of a shorter passage); qrels and empty negatives per crop; none without words", () => {
    const { queries, qrels, negatives } = cropQueries(golden.passages, [4, 12], 7);
    expect(queries.map((q) => q.id)).not.toContain("crop:empty");
    expect(queries).toHaveLength(golden.passages.length - 1);
    for (const q of queries) {
      const pid = q.id.slice("crop:".length);
      const words = passageText(golden.passages.find((p) => p.id === pid)!).split(/\s+/).filter((w) => w !== "");
      const crop = q.text.split(" ");
      expect(crop.length).toBeGreaterThanOrEqual(Math.min(4, words.length));
      expect(crop.length).toBeLessThanOrEqual(12);
      const start = words.findIndex((_, i) => words.slice(i, i + crop.length).join(" ") === q.text);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(qrels.get(q.id)).toEqual(new Map([[pid, 1]]));
      expect(negatives.get(q.id)).toEqual([]);
    }
    expect(queries.find((q) => q.id === "crop:short")!.text).toBe("two words");
  });

  it("a passage's crop depends on the seed and its id only", () => {
    const all = cropQueries(golden.passages, [4, 12], 13).queries;
    const some = cropQueries(golden.passages.slice(3).reverse(), [4, 12], 13).queries;
    for (const q of some) expect(q).toEqual(all.find((a) => a.id === q.id));
    const other = cropQueries(golden.passages, [4, 12], 14).queries;
    expect(other.filter((q, i) => q.text !== all[i]!.text).length).toBeGreaterThan(0);
  });
});
