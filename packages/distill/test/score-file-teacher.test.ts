/** The score-file teacher: `qid docid score` lines, validated (file:line:field), looked up per pair. */
import { describe, expect, it } from "vitest";
import { readScoreFile, scoreFileTeacher } from "../src/index.js";
import { PASSAGES, QUERIES, tempDir, writeText } from "./helpers.js";

describe("scoreFileTeacher", () => {
  it("looks the scores up, tabs or spaces, blank lines skipped; identity = the file's sha256", async () => {
    const path = writeText(tempDir(), "scores.tsv", "q1\td1\t3.5\nq1 d2 -1e-3\n\nq2\td3\t+7\n");
    const teacher = await scoreFileTeacher(path);
    expect(await teacher.score(QUERIES[0]!, [PASSAGES[1]!, PASSAGES[0]!])).toEqual([-0.001, 3.5]);
    expect(await teacher.score(QUERIES[1]!, [PASSAGES[2]!])).toEqual([7]);
    expect(teacher.identity).toMatchObject({ kind: "scores", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await expect(teacher.score(QUERIES[1]!, [PASSAGES[0]!])).rejects.toThrow(/scores\.tsv: no score for query "q2" and doc "d1"/);
    const lenient = await scoreFileTeacher(path, { missing: 0 });
    expect(await lenient.score(QUERIES[2]!, [PASSAGES[0]!])).toEqual([0]);
  });

  const cases: [string, string, RegExp][] = [
    ["two columns", "q1 d1 1\nq1 d2\n", /scores\.tsv:2: expected 3 whitespace-separated columns \(qid docid score\), found 2/],
    ["NaN", "q1 d1 NaN\n", /scores\.tsv:1: field "score": "NaN" is not a finite number/],
    ["Infinity", "q1 d1 1\nq1 d2 Infinity\n", /scores\.tsv:2: field "score": "Infinity" is not a finite number/],
    ["a word", "q1 d1 high\n", /scores\.tsv:1: field "score": "high" is not a finite number/],
    ["a duplicate pair", "q1 d1 1\nq2 d1 1\nq1 d1 2\n", /scores\.tsv:3: field "docid": pair \(q1, d1\) is also on line 1/],
  ];
  it.each(cases)("rejects %s, naming file:line:field", async (_name, text, message) => {
    const path = writeText(tempDir(), "scores.tsv", text);
    await expect(scoreFileTeacher(path)).rejects.toThrow(message);
  });

  it("rejects unknown ids when id sets are given", async () => {
    const path = writeText(tempDir(), "scores.tsv", "q1 d1 1\nq1 d9 2\n");
    await expect(readScoreFile(path, { queryIds: new Set(["q2"]) })).rejects.toThrow(/scores\.tsv:1: field "qid": unknown query id "q1"/);
    await expect(readScoreFile(path, { docIds: new Set(["d1"]) })).rejects.toThrow(/scores\.tsv:2: field "docid": unknown doc id "d9"/);
  });
});
