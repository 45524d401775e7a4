import { existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { datasetFolder, detectQrelsFormat, loadQrels, readBeirQrels, readTrecQrels } from "@i3/data";
import { collect, failure, fixtures, tempFiles } from "./formats-helpers.js";

// Real collections, found through I3_DATASETS_PATH like any collection (see datasets/README.md).
const scifact = datasetFolder("beir/scifact");
const msmarco = datasetFolder("msmarco-passage");
const real = scifact !== undefined && msmarco !== undefined && existsSync(join(msmarco, "official-format")) && existsSync(join(scifact, "qrels_trec"));
if (!real) console.warn("real-collection format tests skipped: need scifact/ (with qrels_trec/) and msmarco-passage/ (with official-format/) in a folder of I3_DATASETS_PATH");
const file = tempFiles("i3-formats-qrels-", (n) => `q${n}.txt`);

const expected = new Map([
  ["q1", new Map([["d1", 2], ["d2", 0], ["d7", 1]])],
  ["q2", new Map([["d1", -1]])],
  ["q3", new Map([["d5", 3]])],
]);

describe("TREC qrels", () => {
  it("readTrecQrels yields judgments with their lines; iter is ignored", async () => {
    const records = await collect(readTrecQrels(join(fixtures, "qrels.trec.txt")));
    expect(records.map((r) => [r.qid, r.docid, r.rel, r.lineNo])).toEqual([
      ["q1", "d1", 2, 1],
      ["q1", "d2", 0, 2],
      ["q1", "d7", 1, 3],
      ["q2", "d1", -1, 4],
      ["q3", "d5", 3, 5],
    ]);
  });

  it("loadQrels reads the fixture, plain and gzip", async () => {
    expect(await loadQrels(join(fixtures, "qrels.trec.txt"))).toEqual(expected);
    expect(await loadQrels(file(gzipSync("q1 0 d1 2\nq1 0 d2 0\nq1 0 d7 1\nq2 0 d1 -1\nq3 0 d5 3"), "q.gz"))).toEqual(expected);
  });

  it("rejects a non-integer grade, a wrong column count and a duplicate judgment", async () => {
    const grade = file("q1 0 d1 1\nq1 0 d2 0.5\n");
    const e1 = await failure(loadQrels(grade));
    expect([e1.line, e1.field, e1.message]).toEqual([2, "rel", `${grade}:2: field "rel": "0.5" is not an integer`]);
    const cols = await failure(loadQrels(file("q1 0 d1\n")));
    expect(cols.message).toContain("expected 4 whitespace-separated columns (qid iter docid rel), found 3");
    const dup = await failure(loadQrels(file("q1 0 d1 1\nq2 0 d1 1\nq1 0 d1 0\n")));
    expect([dup.line, dup.field]).toEqual([3, "docid"]);
  });

  it("bounds grades to trec_eval's documented -127..127, negative grades included", async () => {
    expect(await loadQrels(file("q1 0 d1 127\nq1 0 d2 -127\nq1 0 d3 -1\n"))).toEqual(new Map([["q1", new Map([["d1", 127], ["d2", -127], ["d3", -1]])]]));
    for (const [grade, line] of [["400000000", 2], ["128", 2], ["-128", 2], ["99999999999999999999", 2]] as const) {
      const path = file(`q1 0 d1 1\nq1 0 d3 ${grade}\n`);
      const e = await failure(loadQrels(path));
      expect([e.file, e.line, e.field], grade).toEqual([path, line, "rel"]);
      expect(e.message).toMatch(/outside -127\.\.127|out of range/);
    }
  });

  it("refuses ids with whitespace (Unicode spaces too): they could not be written to a TREC file", async () => {
    const nbsp = await failure(loadQrels(file("q1 0 d\u00a01 1\n")));
    expect([nbsp.line, nbsp.field, nbsp.message]).toEqual([1, "docid", expect.stringContaining("contains whitespace")]);
    const qid = await failure(loadQrels(file("q1 0 d1 1\nq\u20032 0 d1 1\n")));
    expect([qid.line, qid.field]).toEqual([2, "qid"]);
  });

  it("refuses a qrels file without judgments, as trec_eval does", async () => {
    for (const content of ["", "\n \n", "query-id\tcorpus-id\tscore\n"]) {
      const path = file(content);
      const e = await failure(loadQrels(path));
      expect([e.file, e.line, e.message], JSON.stringify(content)).toEqual([path, undefined, expect.stringContaining("no judgments")]);
    }
  });
});

describe("BEIR qrels", () => {
  it("readBeirQrels skips the header and reads the same judgments as the TREC fixture", async () => {
    const beir = await collect(readBeirQrels(join(fixtures, "qrels.beir.tsv")));
    const trec = await collect(readTrecQrels(join(fixtures, "qrels.trec.txt")));
    expect(beir.map(({ qid, docid, rel }) => [qid, docid, rel])).toEqual(trec.map(({ qid, docid, rel }) => [qid, docid, rel]));
    expect(beir[0]!.lineNo).toBe(2);
    expect(await loadQrels(join(fixtures, "qrels.beir.tsv"))).toEqual(expected);
  });

  it("detects the format by the header, or uses the one given", async () => {
    expect(await detectQrelsFormat(join(fixtures, "qrels.beir.tsv"))).toBe("beir");
    expect(await detectQrelsFormat(join(fixtures, "qrels.trec.txt"))).toBe("trec");
    const headerless = file("q1\td1\t1\n");
    expect(await loadQrels(headerless, { format: "beir" })).toEqual(new Map([["q1", new Map([["d1", 1]])]]));
    const e = await failure(loadQrels(headerless));
    expect(e.message).toContain("expected 4 whitespace-separated columns");
  });

  it("names file, line and field for bad scores, empty ids, bad headers and duplicates", async () => {
    const score = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq\td\tx\n")));
    expect([score.line, score.field]).toEqual([2, "score"]);
    const id = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq\t\t1\n")));
    expect([id.line, id.field]).toEqual([2, "corpus-id"]);
    const header = await failure(loadQrels(file("query-id\tdoc\tscore\nq\td\t1\n")));
    expect([header.line, header.message]).toEqual([1, expect.stringContaining("bad header")]);
    const dup = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq\td\t1\nq\td\t1\n")));
    expect([dup.line, dup.field]).toEqual([3, "corpus-id"]);
    const space = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq 1\td\t1\n")));
    expect([space.line, space.field, space.message]).toEqual([2, "query-id", expect.stringContaining("whitespace")]);
    const trailing = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq\td \t1\n")));
    expect([trailing.line, trailing.field]).toEqual([2, "corpus-id"]);
    const big = await failure(loadQrels(file("query-id\tcorpus-id\tscore\nq\td\t1000\n")));
    expect([big.line, big.field, big.message]).toEqual([2, "score", expect.stringContaining("outside -127..127")]);
  });
});

describe.skipIf(!real)("real collections (I3_DATASETS_PATH)", () => {
  it("SciFact BEIR qrels equal the TREC copy; MS MARCO official qrels equal the BEIR tsv", async () => {
    for (const split of ["train", "test"]) {
      const beir = await loadQrels(join(scifact!, "qrels", `${split}.tsv`));
      expect(await loadQrels(join(scifact!, "qrels_trec", `${split}.txt`))).toEqual(beir);
    }
    const official = await loadQrels(join(msmarco!, "official-format", "qrels.dev.small.tsv"));
    expect(await loadQrels(join(msmarco!, "qrels", "dev.tsv"))).toEqual(official);
    expect([...official.values()].reduce((n, d) => n + d.size, 0)).toBe(7437);
  });
});
