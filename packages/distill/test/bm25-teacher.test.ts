/** The BM25 teacher gives exactly `@i3/search`'s bm25Run scores (0 for a passage sharing no term). */
import { describe, expect, it } from "vitest";
import { bm25Run, buildIndex } from "@i3/search";
import { bm25Teacher, bm25TeacherForCollection } from "../src/index.js";
import { PASSAGES, QUERIES, memoryCollection } from "./helpers.js";

describe("bm25Teacher", () => {
  it("scores every passage as bm25Run ranks it, whole-corpus statistics, 0 without a shared term", async () => {
    const index = await buildIndex(PASSAGES);
    const teacher = bm25Teacher(index, { corpus: "fp" });
    const run = bm25Run(index, QUERIES, { k: 1000 });
    for (const q of QUERIES) {
      const scores = await teacher.score(q, PASSAGES);
      const expected = PASSAGES.map((p) => run.get(q.id)!.get(p.id) ?? 0);
      expect(scores).toEqual(expected);
      expect(scores.some((s) => s > 0)).toBe(true);
    }
    // a subset, in any order: the same numbers
    const [a, b] = [PASSAGES[4]!, PASSAGES[0]!];
    expect(await teacher.score(QUERIES[0]!, [a, b])).toEqual([run.get("q1")!.get(a.id) ?? 0, run.get("q1")!.get(b.id) ?? 0]);
  });

  it("names its parameters and corpus in its identity; other k1/b give other scores", async () => {
    const index = await buildIndex(PASSAGES);
    const t1 = bm25Teacher(index, { corpus: "fp" });
    const t2 = bm25Teacher(index, { corpus: "fp", k1: 1.2, b: 0.75 });
    expect(t1.identity).toMatchObject({ kind: "bm25", k1: 0.9, b: 0.4, corpus: "fp" });
    expect(t2.identity).toMatchObject({ k1: 1.2, b: 0.75 });
    expect(await t1.score(QUERIES[0]!, PASSAGES)).not.toEqual(await t2.score(QUERIES[0]!, PASSAGES));
  });

  it("refuses a passage outside the index", async () => {
    const teacher = bm25Teacher(await buildIndex(PASSAGES), { corpus: "fp" });
    await expect(teacher.score(QUERIES[0]!, [{ id: "zz", title: "", text: "dense" }])).rejects.toThrow(/passage "zz" is not in the BM25 index/);
  });

  it("indexes a collection and takes its fingerprint as the corpus identity", async () => {
    const teacher = await bm25TeacherForCollection(memoryCollection());
    expect(teacher.identity).toMatchObject({ corpus: "memory-fp-1" });
    const direct = bm25Teacher(await buildIndex(PASSAGES), { corpus: "memory-fp-1" });
    expect(await teacher.score(QUERIES[1]!, PASSAGES)).toEqual(await direct.score(QUERIES[1]!, PASSAGES));
  });
});
