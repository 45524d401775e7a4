/**
 * `loadTrecRunPacked` must read exactly what `loadRun` reads (same queries, documents and
 * scores; the same errors naming file, line and field), on the hand-written fixtures, generated
 * runs, and every kind of bad line.
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError, loadRun, loadRunForEvaluation, loadTrecRunPacked, type PackedRun } from "@i3/data";
import { fixtures, generatedTrecRunLines, tempFiles } from "./formats-helpers.js";

const file = tempFiles("i3-formats-packed-", (n) => `p${n}.trec`);

/** A packed run back as qid -> docid -> score (and a check of its layout). */
function unpack(run: PackedRun): Map<string, Map<string, number>> {
  expect(run.queryStart.length).toBe(run.qids.length + 1);
  expect(run.idStart.length).toBe(run.scores.length + 1);
  expect(run.queryStart[run.qids.length]).toBe(run.scores.length);
  const decoder = new TextDecoder();
  const out = new Map<string, Map<string, number>>();
  run.qids.forEach((qid, q) => {
    const docs = new Map<string, number>();
    for (let r = run.queryStart[q]!; r < run.queryStart[q + 1]!; r++) {
      docs.set(decoder.decode(run.idBytes.subarray(run.idStart[r], run.idStart[r + 1])), run.scores[r]!);
    }
    out.set(qid, docs);
  });
  return out;
}

/** The outcome of a load: the run as Maps, or the InputError's file, line, field and message. */
async function outcome(load: Promise<Map<string, Map<string, number>>>): Promise<unknown> {
  try {
    return await load;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    return [err.file, err.line, err.field, err.message];
  }
}

/** Asserts that both loaders give the same outcome on `path`; returns it. */
async function agree(path: string): Promise<unknown> {
  const packed = await outcome(loadTrecRunPacked(path).then(unpack));
  expect(packed).toEqual(await outcome(loadRun(path, { format: "trec" })));
  return packed;
}

describe("loadTrecRunPacked", () => {
  it("reads the hand-written fixture (tabs, CRLF, blank line, padding, a query split over two places) as loadRun does", async () => {
    const run = await agree(join(fixtures, "run.trec"));
    expect(run).toEqual(
      new Map([
        ["q1", new Map([["d3", 2.5], ["d1", 2.5], ["d2", -0.001], ["d9", -4]])],
        ["q2", new Map([["d1", 7]])],
      ]),
    );
  });

  it("keeps rows in file order within a query, first-seen query order, and regroups interleaved queries", async () => {
    const path = file("b Q0 x 1 1 t\na Q0 y 1 2 t\nb Q0 z 2 0 t\n\na Q0 w 2 1 t\nc Q0 x 1 5 t\nb Q0 v 3 -1 t\n");
    const run = await loadTrecRunPacked(path);
    expect(run.qids).toEqual(["b", "a", "c"]);
    expect([...run.queryStart]).toEqual([0, 3, 5, 6]);
    expect([...run.scores]).toEqual([1, 0, -1, 2, 1, 5]);
    await agree(path);
  });

  it("reads gzip, a byte order mark, non-ASCII ids and fields after the tag", async () => {
    await agree(file(gzipSync("q1 Q0 d3 1 2.5 t\nq1 Q0 d1 2 2.5 t\nq2 Q0 d1 1 7 t\nq1 Q0 d9 4 -4 t"), "p.trec.gz"));
    await agree(file("\ufeffq1 Q0 d1 1 1 t\n"));
    const unicode = await agree(file("é Q0 ü 1 1 t more fields\né Q0 \u{1F600} 2 1 t\né Q0 \uffff 3 1 t\n"));
    expect((unicode as Map<string, Map<string, number>>).get("é")!.size).toBe(3);
  });

  it("agrees with loadRun on a generated run with many number spellings and ids, 140k lines, plain and gzip (arrays grow twice)", async () => {
    const text = generatedTrecRunLines(140, 1000, 100003).join("\n");
    expect(((await agree(file(text))) as Map<string, unknown>).size).toBe(140);
    // gzip: no size to plan from, so the arrays start small and grow (65,536 rows, then 131,072).
    expect(((await agree(file(gzipSync(text), "big.trec.gz"))) as Map<string, unknown>).size).toBe(140);
  });

  it("gives loadRun's errors, with file, line and field, for every bad line", async () => {
    const bad = [
      "q1 Q0 d1 1 1.5 t\nq1 Q0 d2 2 abc t\n", // score
      "q1 Q0 d1 1 2 t\nq1 Q0 d2 2 inf t\n",
      "q1 Q0 d1 1 2 t\nq1 Q0 d2 2 1e400 t\n",
      "q1 Q0 d1 1 3 t\nq1 Q0 d2 2 3\n", // columns
      "q1 Q0 d1 1.5 3 t\n", // rank
      "q1 Q0 d1 1 3 t\nq2 Q0 d1 1 3 t\n\nq1 Q0 d2 2 2 t\nq1 Q0 d1 3 1 t\n", // duplicate across two places of q1
      "q1 Q0 d1 1 3 t\nq1 Q0 d2 2 3 t\n\n\nq1 Q0 d1 3 1 t\n", // duplicate within one place, after blank lines
    ];
    for (const text of bad) {
      const result = await agree(file(text));
      expect(Array.isArray(result), text).toBe(true);
    }
    const dup = (await agree(file("q1 Q0 d1 1 3 t\nq2 Q0 d1 1 3 t\n\nq1 Q0 d2 2 2 t\nq1 Q0 d1 3 1 t\n"))) as unknown[];
    expect(dup.slice(1, 3)).toEqual([5, "docid"]);
    const invalid = file(Buffer.concat([Buffer.from("q1 Q0 d1 1 3 t\nq1 Q0 d"), Buffer.from([0xff]), Buffer.from("2 2 3 t\n")]));
    expect(((await agree(invalid)) as unknown[]).slice(1)).toEqual([2, undefined, `${invalid}:2: invalid UTF-8`]);
  });

  it("loadRunForEvaluation packs TREC runs and keeps MS MARCO runs as Maps", async () => {
    const trec = await loadRunForEvaluation(join(fixtures, "run.trec"));
    expect(trec.format).toBe("trec");
    expect(trec.run instanceof Map).toBe(false);
    const msmarco = await loadRunForEvaluation(file("q1\td1\t1\nq1\td2\t2\n"));
    expect(msmarco).toEqual({ format: "msmarco", run: new Map([["q1", new Map([["d1", -1], ["d2", -2]])]]) });
    await expect(loadRunForEvaluation(file(""))).rejects.toThrow("empty run file");
  });
});
