/** Teacher scoring jobs: pools from qrels + a run, scored once, cached by content, keyed by every input. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Passage, Query, Run } from "@i3/data";
import { bm25Run, buildIndex } from "@i3/search";
import { bm25Teacher, cachedTeacherScores, loadKdTrain, scoringJobKey, teacherPools, type Teacher } from "../src/index.js";
import { PASSAGES, QRELS, QUERIES, tempDir } from "./helpers.js";

const byId = new Map(PASSAGES.map((p) => [p.id, p]));

/** A teacher that counts its calls: score = length of the passage text. */
function countingTeacher(version = 1): Teacher & { calls: number } {
  const t = {
    kind: "count",
    identity: { kind: "count", version },
    calls: 0,
    async score(_q: Query, passages: readonly Passage[]) {
      t.calls++;
      return passages.map((p) => p.text.length);
    },
    async dispose() {},
  };
  return t;
}

describe("teacherPools", () => {
  it("takes the judged-relevant docs as positives and the run's top depth, positives removed, as negatives; drops queries without them", () => {
    const run: Run = new Map([
      ["q1", new Map([["d2", 3], ["d1", 5], ["d5", 3], ["d6", 1]])],
      ["q2", new Map([["d6", 2], ["d3", 1]])],
    ]);
    const pools = teacherPools(QUERIES, QRELS, run, { depth: 3, minNegatives: 0 });
    expect(pools.map((p) => [p.query.id, p.positives, p.negatives])).toEqual([
      ["q1", ["d1"], ["d5", "d2"]], // run order d1 (5), d5 (3, ties by id desc), d2 (3); d1 is positive
      ["q2", ["d3"], ["d6"]], // d6 judged 0: a negative
      ["q3", ["d4"], []],
    ]);
    expect(teacherPools(QUERIES, QRELS, run, { depth: 3 }).map((p) => p.query.id)).toEqual(["q1", "q2"]); // q3: no negative
    expect(teacherPools(QUERIES, QRELS, run, { minGrade: 2 }).map((p) => p.query.id)).toEqual(["q2"]);
  });
});

describe("cachedTeacherScores", () => {
  it("scores once: the second call with the same teacher and inputs reads kd_train.jsonl", async () => {
    const index = await buildIndex(PASSAGES);
    const pools = teacherPools(QUERIES, QRELS, bm25Run(index, QUERIES, { k: 10 }), { minNegatives: 0 });
    const cacheDir = tempDir();
    const teacher = countingTeacher();
    const first = await cachedTeacherScores({ teacher, pools, passages: byId, cacheDir });
    expect(first.cached).toBe(false);
    expect(teacher.calls).toBe(pools.length);
    expect(first.path).toBe(join(cacheDir, first.key, "kd_train.jsonl"));
    expect(JSON.parse(readFileSync(join(cacheDir, first.key, "job.json"), "utf8"))).toMatchObject({ key: first.key, queries: pools.length });
    const q1 = first.records.get("q1")!;
    expect(q1.query).toBe("what is dense retrieval");
    expect(q1.positives).toEqual([{ docId: "d1", score: byId.get("d1")!.text.length }]);
    expect(q1.negatives.map((d) => d.docId)).toEqual(pools[0]!.negatives);

    const again = await cachedTeacherScores({ teacher, pools, passages: (id) => byId.get(id), cacheDir });
    expect(again.cached).toBe(true);
    expect(teacher.calls).toBe(pools.length);
    expect(again.records).toEqual(first.records);
    expect(await loadKdTrain(first.path)).toEqual(first.records);
  });

  it("keys the job by teacher identity, pools and passage texts", async () => {
    const pools = teacherPools(QUERIES, QRELS, new Map([["q1", new Map([["d2", 1]])]]));
    const key = scoringJobKey(countingTeacher(), pools, byId);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(scoringJobKey(countingTeacher(), pools, byId)).toBe(key);
    expect(scoringJobKey(countingTeacher(2), pools, byId)).not.toBe(key);
    expect(scoringJobKey(countingTeacher(), pools.slice(1), byId)).not.toBe(key);
    const edited = new Map(byId).set("d2", { ...byId.get("d2")!, text: "bm25 counts terms" });
    expect(scoringJobKey(countingTeacher(), pools, edited)).not.toBe(key);
    const index = await buildIndex(PASSAGES);
    expect(scoringJobKey(bm25Teacher(index, { corpus: "a" }), pools, byId)).not.toBe(scoringJobKey(bm25Teacher(index, { corpus: "b" }), pools, byId));
    expect(() => scoringJobKey(countingTeacher(), [{ query: QUERIES[0]!, positives: ["zz"], negatives: [] }], byId)).toThrow(/passage "zz" of query "q1" is not in the corpus/);
  });

  it("leaves no job folder when the teacher fails", async () => {
    const cacheDir = tempDir();
    const failing: Teacher = { kind: "x", identity: { kind: "x" }, score: async () => [NaN], dispose: async () => {} };
    const pools = [{ query: QUERIES[0]!, positives: ["d1"], negatives: [] }];
    await expect(cachedTeacherScores({ teacher: failing, pools, passages: byId, cacheDir })).rejects.toThrow(/not a finite number|NaN/);
    expect(existsSync(join(cacheDir, scoringJobKey(failing, pools, byId), "job.json"))).toBe(false);
  });
});
