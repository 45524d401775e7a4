import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/formats/index.js";
import { readNegativesTsv, readTevatronJsonl, writeNegativesTsv, writeTevatronJsonl } from "../src/negatives/index.js";
import type { Passage, Qrels } from "../src/types.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "i3-negatives-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` and returns the InputError it throws (fails the test otherwise). */
async function inputError(fn: () => Promise<unknown>): Promise<InputError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

describe("qid<TAB>pid1,pid2,... (I3 reference format)", () => {
  const negatives = new Map([
    ["1185869", ["7067032", "2659258", "4243669"]],
    ["q-2", ["d1"]],
  ]);

  it("writes the exact reference layout and reads it back", async () => {
    const path = join(dir, "negs.tsv");
    await writeNegativesTsv(path, negatives);
    expect(await readFile(path, "utf8")).toBe("1185869\t7067032,2659258,4243669\nq-2\td1\n");
    expect(await readNegativesTsv(path)).toEqual(negatives);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("round-trips through gzip", async () => {
    const path = join(dir, "negs.tsv.gz");
    await writeNegativesTsv(path, negatives);
    expect((await readFile(path))[0]).toBe(0x1f);
    expect(await readNegativesTsv(path)).toEqual(negatives);
  });

  it("accepts spaces as the separator and blank lines, as the reference's split()", async () => {
    const path = join(dir, "spaces.tsv");
    await writeFile(path, "q1 a,b\r\n\n  q2\tc  \n");
    expect(await readNegativesTsv(path)).toEqual(new Map([["q1", ["a", "b"]], ["q2", ["c"]]]));
  });

  it("names file, line and field of malformed lines", async () => {
    const path = join(dir, "bad.tsv");
    await writeFile(path, "q1\ta,b\nq2\ta,,b\n");
    let err = await inputError(() => readNegativesTsv(path));
    expect([err.file, err.line, err.field]).toEqual([path, 2, "pids[1]"]);

    await writeFile(path, "q1\ta\nq2\n");
    err = await inputError(() => readNegativesTsv(path));
    expect([err.line, err.field]).toEqual([2, undefined]);
    expect(err.message).toMatch(/bad\.tsv:2: expected 2 columns/);

    await writeFile(path, "q1\ta\nq1\tb\n");
    err = await inputError(() => readNegativesTsv(path));
    expect([err.line, err.field]).toEqual([2, "qid"]);

    await writeFile(path, "q1\ta,b,a\n");
    err = await inputError(() => readNegativesTsv(path));
    expect([err.line, err.field]).toEqual([1, "pids[2]"]);
  });

  it("refuses to write what it could not read back", async () => {
    await expect(writeNegativesTsv(join(dir, "x.tsv"), new Map([["q", ["a,b"]]]))).rejects.toThrow(/pid "a,b"/);
    await expect(writeNegativesTsv(join(dir, "x.tsv"), new Map([["q", []]]))).rejects.toThrow(/no negatives/);
    await expect(writeNegativesTsv(join(dir, "x.tsv"), new Map([["q 1", ["a"]]]))).rejects.toThrow(/qid/);
  });
});

describe("Tevatron jsonl", () => {
  const passages = new Map<string, Passage>([
    ["p1", { id: "p1", title: "T1", text: "positive one" }],
    ["p2", { id: "p2", title: "", text: "positive two" }],
    ["n1", { id: "n1", title: "", text: "negative one" }],
    ["n2", { id: "n2", title: "T2", text: "negative \"two\"" }],
  ]);
  const qrels: Qrels = new Map([
    ["q1", new Map([["p1", 1], ["p2", 2], ["n2", 0]])],
    ["q2", new Map([["p2", 2]])],
  ]);
  const negatives = new Map([
    ["q1", ["n2", "n1"]],
    ["q2", ["n1"]],
  ]);
  const queries = new Map([
    ["q1", "first query"],
    ["q2", "second query"],
  ]);

  it("writes one line per query with positives from qrels and texts from the passages", async () => {
    const path = join(dir, "train.jsonl");
    await writeTevatronJsonl(path, negatives, { queries, passages, qrels });
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toEqual({
      query_id: "q1",
      query: "first query",
      positive_passages: [
        { docid: "p1", title: "T1", text: "positive one" },
        { docid: "p2", title: "", text: "positive two" },
      ],
      negative_passages: [
        { docid: "n2", title: "T2", text: 'negative "two"' },
        { docid: "n1", title: "", text: "negative one" },
      ],
    });
  });

  it("round-trips negatives, positives, query texts and passages", async () => {
    const path = join(dir, "train2.jsonl.gz");
    await writeTevatronJsonl(path, negatives, { queries, passages: (id) => passages.get(id), qrels, relevanceLevel: 2 });
    const data = await readTevatronJsonl(path);
    expect(data.negatives).toEqual(negatives);
    expect(data.queries).toEqual(queries);
    expect(data.qrels).toEqual(new Map([["q1", new Map([["p2", 1]])], ["q2", new Map([["p2", 1]])]]));
    expect(data.passages.get("n2")).toEqual(passages.get("n2"));
    expect(data.passages.has("p1")).toBe(false); // grade 1 is not a positive at level 2
    expect((await readTevatronJsonl(path, { keepTexts: false })).passages.size).toBe(0);
  });

  it("says which query or passage is missing when writing", async () => {
    const path = join(dir, "never.jsonl");
    await expect(writeTevatronJsonl(path, new Map([["q1", ["zz"]]]), { queries, passages, qrels })).rejects.toThrow(/passage "zz"/);
    await expect(writeTevatronJsonl(path, new Map([["q9", ["n1"]]]), { queries, passages, qrels })).rejects.toThrow(/query "q9"/);
    await expect(
      writeTevatronJsonl(path, new Map([["q9", ["n1"]]]), { queries: new Map([["q9", "t"]]), passages, qrels }),
    ).rejects.toThrow(/"q9" has no positive/);
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it("accepts numeric ids and a missing title", async () => {
    const path = join(dir, "numeric.jsonl");
    await writeFile(path, JSON.stringify({ query_id: 3, query: "q", positive_passages: [{ docid: 17, text: "t" }], negative_passages: [] }) + "\n");
    const data = await readTevatronJsonl(path);
    expect(data.negatives).toEqual(new Map([["3", []]]));
    expect(data.passages.get("17")).toEqual({ id: "17", title: "", text: "t" });
  });

  it("names file, line and field of malformed records", async () => {
    const path = join(dir, "bad.jsonl");
    const good = JSON.stringify({ query_id: "a", query: "q", positive_passages: [{ docid: "p", text: "t" }], negative_passages: [] });
    const cases: [object | string, string | undefined][] = [
      [{ query_id: "b", query: "q", positive_passages: [{ docid: "p", text: "t" }], negative_passages: [{ docid: ["x"], text: "t" }] }, "negative_passages[0].docid"],
      [{ query_id: "b", query: "q", positive_passages: [], negative_passages: [] }, "positive_passages"],
      [{ query_id: "b", query: "q", negative_passages: [] }, "positive_passages"],
      [{ query_id: "b", positive_passages: [{ docid: "p", text: "t" }], negative_passages: [] }, "query"],
      [{ query_id: "a", query: "q", positive_passages: [{ docid: "p", text: "t" }], negative_passages: [] }, "query_id"],
      [{ query_id: "b", query: "q", positive_passages: [{ docid: "p", text: "other" }], negative_passages: [] }, "positive_passages[0]"],
      [{ query_id: "b", query: "q", positive_passages: [{ docid: "p2" }], negative_passages: [] }, "positive_passages[0].text"],
      ["{not json", undefined],
    ];
    for (const [record, field] of cases) {
      await writeFile(path, `${good}\n\n${typeof record === "string" ? record : JSON.stringify(record)}\n`);
      const err = await inputError(() => readTevatronJsonl(path));
      expect([err.file, err.line, err.field]).toEqual([path, 3, field]);
    }
  });
});
