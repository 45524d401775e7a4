import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  InputError,
  detectRunFormat,
  loadRankedRun,
  loadRun,
  parsePlainDecimal,
  readMsMarcoRun,
  readTrecRun,
  type RunRecord,
} from "@i3/data";
import { collect, fixtures, generatedTrecRunLines, tempFiles } from "./formats-helpers.js";

const file = tempFiles("i3-formats-runs-", (n) => `r${n}.trec`);
/** An InputError's file, line and field, for compact assertions. */
async function inputError(promise: Promise<unknown>): Promise<[string, number | undefined, string | undefined, string]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  return [e.file, e.line, e.field, e.message];
}

const expectedTrec = new Map([
  ["q1", new Map([["d3", 2.5], ["d1", 2.5], ["d2", -0.001], ["d9", -4]])],
  ["q2", new Map([["d1", 7]])],
]);

describe("TREC runs", () => {
  it("readTrecRun yields each line of the hand-written fixture (tabs, CRLF, blank line, padding)", async () => {
    const records = await collect(readTrecRun(join(fixtures, "run.trec")));
    expect(records).toEqual<RunRecord[]>([
      { qid: "q1", docid: "d3", rank: 1, score: 2.5, tag: "tagA" },
      { qid: "q1", docid: "d1", rank: 2, score: 2.5, tag: "tagA" },
      { qid: "q1", docid: "d2", rank: 3, score: -0.001, tag: "tagA" },
      { qid: "q2", docid: "d1", rank: 1, score: 7, tag: "tagA" },
      { qid: "q1", docid: "d9", rank: 4, score: -4, tag: "tagA" },
    ]);
  });

  it("loadRun reads the fixture into qid -> docid -> score, a query split over two places included", async () => {
    const run = await loadRun(join(fixtures, "run.trec"));
    expect(run).toEqual(expectedTrec);
    expect(await loadRun(join(fixtures, "run.trec"), { format: "trec" })).toEqual(expectedTrec);
  });

  it("loadRun reads gzip runs", async () => {
    const text = "q1 Q0 d3 1 2.5 tagA\nq1 Q0 d1 2 2.5 tagA\nq1 Q0 d2 3 -1e-3 t\nq2 Q0 d1 1 7 t\nq1 Q0 d9 4 -4 t";
    expect(await loadRun(file(gzipSync(text), "run.trec.gz"))).toEqual(expectedTrec);
  });

  it("loadRun and readTrecRun agree on a generated run with many number spellings", async () => {
    const path = file(generatedTrecRunLines(40, 200, 1000).join("\n"));
    const fromRecords = new Map<string, Map<string, number>>();
    for await (const r of readTrecRun(path)) {
      if (!fromRecords.has(r.qid)) fromRecords.set(r.qid, new Map());
      fromRecords.get(r.qid)!.set(r.docid, r.score);
    }
    expect(await loadRun(path)).toEqual(fromRecords);
    expect(fromRecords.get("0")!.get("doc0")).toBe(1);
  });

  it("names file, line and field for a score that is not a number", async () => {
    const path = file("q1 Q0 d1 1 1.5 t\nq1 Q0 d2 2 abc t\n");
    const [f, line, field, message] = await inputError(loadRun(path));
    expect([f, line, field]).toEqual([path, 2, "score"]);
    expect(message).toBe(`${path}:2: field "score": "abc" is not a number (a finite decimal such as 12, -0.5 or 1.5e-3)`);
    expect(await inputError(collect(readTrecRun(path)))).toEqual([path, 2, "score", message]);
  });

  it("scores are finite decimals as atof reads them: Infinity, inf, nan, hex, 1e400 and trailing text are refused", async () => {
    for (const bad of ["inf", "Infinity", "-Infinity", "nan", "NaN", "0x10", "0b11", "1e400", "-1e309", "1.5abc", "1e", ".", "+", "1_000", "1,5"]) {
      const path = file(`q1 Q0 d1 1 2 t\nq1 Q0 d2 2 ${bad} t\n`);
      const [, line, field, message] = await inputError(loadRun(path));
      expect([line, field], bad).toEqual([2, "score"]);
      expect(message).toMatch(/is not a number|is out of range/);
      expect((await inputError(collect(readTrecRun(path))))[3]).toBe(message);
    }
    // What C's strtod (atof) gives for each decimal spelling: the nearest double.
    const path = file("q Q0 a 1 1e-400 t\nq Q0 b 2 -0.0 t\nq Q0 c 3 1.7976931348623157e308 t\nq Q0 d 4 4.9e-324 t\n");
    expect([...(await loadRun(path)).get("q")!.values()]).toEqual([0, -0, 1.7976931348623157e308, 5e-324]);
  });

  it("ignores fields after the run tag, as trec_eval does (its test suite's results.trunc has them)", async () => {
    const path = file("301\tQ0\tFBIS3-27619\t99\t  2.138276\tSTANDARD more junk at\n301 Q0 d2 1 3 STANDARD\n");
    expect(await loadRun(path)).toEqual(new Map([["301", new Map([["FBIS3-27619", 2.138276], ["d2", 3]])]]));
    expect(await detectRunFormat(path)).toBe("trec");
    expect((await collect(readTrecRun(path)))[0]).toEqual({ qid: "301", docid: "FBIS3-27619", rank: 99, score: 2.138276, tag: "STANDARD" });
  });

  it("rejects a duplicate docid within a query (field docid) but allows it across queries", async () => {
    const path = file("q1 Q0 d1 1 3 t\nq2 Q0 d1 1 3 t\n\nq1 Q0 d2 2 2 t\nq1 Q0 d1 3 1 t\n");
    const [, line, field, message] = await inputError(loadRun(path));
    expect([line, field]).toEqual([5, "docid"]);
    expect(message).toContain('duplicate document "d1" for query "q1"');
  });

  it("rejects wrong column counts and non-integer ranks", async () => {
    const five = file("q1 Q0 d1 1 3 t\nq1 Q0 d2 2 3\n");
    expect((await inputError(loadRun(five, { format: "trec" })))[1]).toBe(2);
    expect((await inputError(collect(readTrecRun(five))))[3]).toContain("expected at least 6 whitespace-separated columns");
    const rank = file("q1 Q0 d1 1.5 3 t\n");
    expect((await inputError(loadRun(rank))).slice(1, 3)).toEqual([1, "rank"]);
    expect((await inputError(collect(readTrecRun(rank)))).slice(1, 3)).toEqual([1, "rank"]);
  });
});

describe("MS MARCO runs", () => {
  const path = join(fixtures, "run.msmarco.tsv");

  it("readMsMarcoRun yields qid, docid and rank", async () => {
    expect(await collect(readMsMarcoRun(path))).toEqual([
      { qid: "101", docid: "7187158", rank: 1 },
      { qid: "101", docid: "7187157", rank: 2 },
      { qid: "101", docid: "11", rank: 3 },
      { qid: "202", docid: "5", rank: 1 },
    ]);
  });

  it("loadRun gives score = -rank, loadRankedRun the ranks", async () => {
    expect(await loadRun(path)).toEqual(
      new Map([
        ["101", new Map([["7187158", -1], ["7187157", -2], ["11", -3]])],
        ["202", new Map([["5", -1]])],
      ]),
    );
    expect(await loadRankedRun(path)).toEqual(
      new Map([
        ["101", new Map([["7187158", 1], ["7187157", 2], ["11", 3]])],
        ["202", new Map([["5", 1]])],
      ]),
    );
  });

  it("rejects rank 0, a non-numeric rank and a duplicate pid", async () => {
    expect((await inputError(loadRankedRun(file("1\t2\t0\n", "a.tsv")))).slice(1, 3)).toEqual([1, "rank"]);
    expect((await inputError(loadRun(file("1\t2\t1\n1\t3\tx\n", "b.tsv")))).slice(1, 3)).toEqual([2, "rank"]);
    expect((await inputError(collect(readMsMarcoRun(file("1\t2\t-1\n", "c.tsv"))))).slice(1, 3)).toEqual([1, "rank"]);
    expect((await inputError(loadRankedRun(file("1\t2\t1\n1\t2\t2\n", "d.tsv")))).slice(1, 3)).toEqual([2, "pid"]);
  });

  it("rejects two pids at one rank of a query (instead of silently ordering them), also when the query is split", async () => {
    const tie = file("1\ta\t1\n1\tb\t2\n2\ta\t1\n1\tc\t1\n", "tie.tsv");
    for (const load of [loadRun, loadRankedRun]) {
      const [, line, field, message] = await inputError(load(tie));
      expect([line, field]).toEqual([4, "rank"]);
      expect(message).toContain('rank 1 is given to two documents of query "1"');
    }
    const far = file("1\ta\t70000\n1\tb\t3\n1\tc\t70000\n", "far.tsv");
    expect((await inputError(loadRun(far))).slice(1, 3)).toEqual([3, "rank"]);
    const ok = file("1\ta\t70000\n1\tb\t8\n1\tc\t9\n2\ta\t8\n", "ok.tsv");
    expect((await loadRankedRun(ok)).get("1")).toEqual(new Map([["a", 70000], ["b", 8], ["c", 9]]));
  });
});

describe("detectRunFormat", () => {
  it("detects by the first non-blank line and rejects other layouts and empty files", async () => {
    expect(await detectRunFormat(join(fixtures, "run.trec"))).toBe("trec");
    expect(await detectRunFormat(join(fixtures, "run.msmarco.tsv"))).toBe("msmarco");
    expect(await detectRunFormat(file(gzipSync("\n1\t2\t3\n"), "m.gz"))).toBe("msmarco");
    const four = file("q 0 d 1\n");
    expect(await inputError(detectRunFormat(four))).toEqual([four, 1, undefined, expect.stringContaining("found 4")]);
    const empty = file("\n\n");
    expect((await inputError(loadRun(empty)))[3]).toContain("empty run file");
    // trec_eval 9.0.8 refuses an empty results file ("Cannot read results file"): so do we, whatever the format.
    for (const format of ["trec", "msmarco"] as const) {
      expect(await inputError(loadRun(empty, { format }))).toEqual([empty, undefined, undefined, expect.stringContaining("empty run file")]);
      expect((await inputError(loadRun(file(""), { format })))[3]).toContain("empty run file");
    }
  });
});

describe("parsePlainDecimal", () => {
  it("equals Number() on plain decimals and returns NaN (fall back) otherwise", () => {
    const codes = (s: string) => Buffer.from(s, "latin1");
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const intDigits = Math.floor(rand() * 10);
      const fracDigits = Math.floor(rand() * 12);
      let s = rand() < 0.3 ? "-" : "";
      for (let k = 0; k < intDigits; k++) s += Math.floor(rand() * 10);
      if (fracDigits > 0 || intDigits === 0) s += ".";
      for (let k = 0; k < fracDigits; k++) s += Math.floor(rand() * 10);
      const fast = parsePlainDecimal(codes(s), 0, s.length);
      if (!Number.isNaN(fast)) expect(Object.is(fast, Number(s)), s).toBe(true);
      else expect(s.replace(/[-.]/g, "").length === 0 || Number(s.replace(/[-.]/g, "")) > Number.MAX_SAFE_INTEGER, s).toBe(true);
    }
    for (const s of ["1e5", "0x10", "1.2.3", "", "-", "Infinity", "12345678901234567890"]) {
      expect(parsePlainDecimal(codes(s), 0, s.length), s).toBeNaN();
    }
  });
});
