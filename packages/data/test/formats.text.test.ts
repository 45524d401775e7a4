import { existsSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { datasetFolder, detectQueriesFormat, loadQueries, readBeirCorpus, readBeirQueries, readIdText } from "@i3/data";
import { collect, failure, fixtures, tempFiles } from "./formats-helpers.js";

// Real collections, found through I3_DATASETS_PATH like any collection (see datasets/README.md).
const scifact = datasetFolder("beir/scifact");
const msmarco = datasetFolder("msmarco-passage");
const real = scifact !== undefined && msmarco !== undefined && existsSync(join(msmarco, "official-format"));
if (!real) console.warn("real-collection format tests skipped: need scifact/ and msmarco-passage/ (with official-format/) in a folder of I3_DATASETS_PATH");
const file = tempFiles("i3-formats-text-", (n) => `t${n}.txt`);

describe("id-text files", () => {
  it("splits at the first tab and keeps the text verbatim (leading space, tabs, empty text)", async () => {
    expect(await collect(readIdText(join(fixtures, "queries.tsv")))).toEqual([
      { id: "1048585", text: "what is paula deen's brother" },
      { id: "2", text: " Androgen receptor define" },
      { id: "3", text: "tabs\tinside\tkept" },
      { id: "4", text: "" },
    ]);
  });

  it("rejects a line without a tab and an empty id", async () => {
    const path = file("1\tok\nno tab here\n");
    const e = await failure(collect(readIdText(path)));
    expect([e.file, e.line, e.message]).toEqual([path, 2, expect.stringContaining("no tab")]);
    const id = await failure(collect(readIdText(file("\tx\n"))));
    expect([id.line, id.field]).toEqual([1, "id"]);
  });
});

describe("BEIR jsonl", () => {
  it("readBeirCorpus yields id, title ('' when absent) and text, dropping metadata", async () => {
    expect(await collect(readBeirCorpus(join(fixtures, "corpus.jsonl")))).toEqual([
      { id: "d1", title: "First", text: "Alpha beta." },
      { id: "d2", title: "", text: "No title here." },
      { id: "d3", title: "", text: "Ümlaut and emoji 🙂." },
    ]);
  });

  it("readBeirQueries decodes JSON escapes and skips blank lines", async () => {
    expect(await collect(readBeirQueries(join(fixtures, "queries.jsonl")))).toEqual([
      { id: "1", text: "what is paula deen's brother" },
      { id: "2", text: 'café "quoted" — dash' },
    ]);
  });

  it("names file, line and field for bad JSON, non-objects, missing or non-string fields", async () => {
    const bad = file('{"_id": "1", "text": "a"}\n{"_id": "2", "text": \n');
    const e = await failure(collect(readBeirCorpus(bad)));
    expect([e.file, e.line, e.field]).toEqual([bad, 2, undefined]);
    expect(e.message).toContain("bad JSON");
    expect((await failure(collect(readBeirCorpus(file("[1, 2]\n"))))).message).toContain("expected a JSON object");
    const noId = await failure(collect(readBeirCorpus(file('{"text": "a"}\n'))));
    expect([noId.line, noId.field, noId.message]).toEqual([1, "_id", expect.stringContaining("missing")]);
    const numId = await failure(collect(readBeirQueries(file('\n{"_id": 7, "text": "a"}\n'))));
    expect([numId.line, numId.field, numId.message]).toEqual([2, "_id", expect.stringContaining("expected a string")]);
    const noText = await failure(collect(readBeirQueries(file('{"_id": "7"}\n'))));
    expect([noText.field]).toEqual(["text"]);
    const badTitle = await failure(collect(readBeirCorpus(file('{"_id": "7", "title": 3, "text": "x"}\n'))));
    expect([badTitle.field]).toEqual(["title"]);
  });
});

describe("loadQueries", () => {
  it("detects jsonl vs tsv by content (also gzip) and loads in file order", async () => {
    expect(await detectQueriesFormat(join(fixtures, "queries.jsonl"))).toBe("jsonl");
    expect(await detectQueriesFormat(join(fixtures, "queries.tsv"))).toBe("tsv");
    expect((await loadQueries(join(fixtures, "queries.tsv"))).map((q) => q.id)).toEqual(["1048585", "2", "3", "4"]);
    const gz = file(gzipSync('{"_id": "a", "text": "x"}\n{"_id": "b", "text": "y"}\n'), "q.jsonl.gz");
    expect(await loadQueries(gz)).toEqual([
      { id: "a", text: "x" },
      { id: "b", text: "y" },
    ]);
  });

  it("rejects a duplicate query id with its line and the first one's", async () => {
    const e = await failure(loadQueries(file("1\ta\n2\tb\n1\tc\n")));
    expect([e.line, e.field, e.message]).toEqual([3, "id", expect.stringContaining('duplicate id "1" (first on line 1)')]);
    const j = await failure(loadQueries(file('{"_id": "a", "text": "x"}\n{"_id": "a", "text": "y"}\n')));
    expect([j.line, j.field]).toEqual([2, "_id"]);
  });

  it("rejects query ids with whitespace at read time", async () => {
    const t = await failure(loadQueries(file("1 2\ta\n")));
    expect([t.line, t.field, t.message]).toEqual([1, "id", expect.stringContaining("contains whitespace")]);
    const j = await failure(loadQueries(file('{"_id": "a\\tb", "text": "x"}\n')));
    expect([j.line, j.field]).toEqual([1, "_id"]);
  });
});

describe("corpus ids", () => {
  it("a duplicate document id fails where it is read, with both lines (jsonl and tsv)", async () => {
    const jsonl = file('{"_id": "4983", "text": "a"}\n{"_id": "7", "text": "b"}\n\n{"_id": "4983", "text": "c"}\n');
    const e = await failure(collect(readBeirCorpus(jsonl)));
    expect([e.file, e.line, e.field, e.message]).toEqual([jsonl, 4, "_id", `${jsonl}:4: field "_id": duplicate id "4983" (first on line 1)`]);
    const tsv = file("1\ta\n2\tb\n2\tc\n");
    expect((await failure(collect(readIdText(tsv)))).line).toBe(3);
  });

  it("a document id with whitespace fails where it is read", async () => {
    const e = await failure(collect(readBeirCorpus(file('{"_id": "doc 1", "text": "a"}\n'))));
    expect([e.line, e.field, e.message]).toEqual([1, "_id", expect.stringContaining("contains whitespace")]);
    expect((await failure(collect(readIdText(file("d\u00a01\tx\n"))))).field).toBe("id");
  });
});

describe.skipIf(!real)("real collections (I3_DATASETS_PATH)", () => {
  it("reads SciFact's corpus and queries, and MS MARCO's official queries", async () => {
    let n = 0;
    for await (const p of readBeirCorpus(join(scifact!, "corpus.jsonl"))) n += p.id === "" ? 0 : 1;
    expect(n).toBe(5183);
    expect((await loadQueries(join(scifact!, "queries.jsonl"))).length).toBe(1109);
    const official = await loadQueries(join(msmarco!, "official-format", "queries.dev.small.tsv"));
    expect(official.length).toBe(6980);
    expect(official[1]).toEqual({ id: "2", text: " Androgen receptor define" });
  });
});
