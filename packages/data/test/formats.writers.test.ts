import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadQrels,
  loadQueries,
  loadRankedRun,
  loadRun,
  readBeirCorpus,
  readIdText,
  readTrecRun,
  writeBeirCorpus,
  writeBeirQrels,
  writeBeirQueries,
  writeFileAtomic,
  writeIdText,
  writeLinesAtomic,
  writeMsMarcoRun,
  writeTrecQrels,
  writeTrecRun,
  type Passage,
  type Qrels,
  type Run,
} from "@i3/data";

const dir = mkdtempSync(join(tmpdir(), "i3-formats-writers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string) => join(dir, `${counter++}`, name);
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const run: Run = new Map([
  ["q2", new Map([["a", 1.5], ["b", 3], ["c", 1.5], ["d", -0.1], ["e", 1e-300]])],
  ["q1", new Map([["x", 0.30000000000000004], ["y", -0]])],
]);
const qrels: Qrels = new Map([
  ["q1", new Map([["d1", 2], ["d2", 0]])],
  ["q2", new Map([["d1", -1]])],
]);

describe("writeTrecRun", () => {
  it("writes score desc, ties by docid desc, ranks 1..n, in the run's query order", async () => {
    const path = fresh("run.trec");
    await writeTrecRun(path, run, { tag: "myrun" });
    expect(readFileSync(path, "utf8")).toBe(
      [
        "q2 Q0 b 1 3 myrun",
        "q2 Q0 c 2 1.5 myrun",
        "q2 Q0 a 3 1.5 myrun",
        "q2 Q0 e 4 1e-300 myrun",
        "q2 Q0 d 5 -0.1 myrun",
        "q1 Q0 x 1 0.30000000000000004 myrun",
        "q1 Q0 y 2 -0 myrun",
        "",
      ].join("\n"),
    );
  });

  it("round-trips exactly through loadRun, plain and gzip", async () => {
    for (const name of ["run.trec", "run.trec.gz"]) {
      const path = fresh(name);
      await writeTrecRun(path, run);
      expect(await loadRun(path)).toEqual(run);
      expect((await collect(readTrecRun(path))).every((r) => r.tag === "i3")).toBe(true);
    }
    const gz = fresh("r.gz");
    await writeTrecRun(gz, run);
    expect(gunzipSync(readFileSync(gz)).toString().split("\n")[0]).toBe("q2 Q0 b 1 3 i3");
  });

  it("refuses ids with whitespace, NaN or infinite scores (readers refuse them) and bad tags, leaving no file", async () => {
    const path = fresh("bad.trec");
    await expect(writeTrecRun(path, new Map([["q 1", new Map([["d", 1]])]]))).rejects.toThrow(/qid "q 1"/);
    await expect(writeTrecRun(path, new Map([["q", new Map([["d", Number.NaN]])]]))).rejects.toThrow(/NaN is not finite/);
    await expect(writeTrecRun(path, new Map([["q", new Map([["d", -Infinity]])]]))).rejects.toThrow(/not finite/);
    await expect(writeTrecRun(path, run, { tag: "a b" })).rejects.toThrow(/tag/);
    expect(existsSync(path)).toBe(false);
  });
});

describe("writeMsMarcoRun", () => {
  it("writes ranks in canonical order, which loadRankedRun and loadRun read back", async () => {
    const path = fresh("run.tsv");
    await writeMsMarcoRun(path, run);
    expect(readFileSync(path, "utf8").split("\n").slice(0, 3)).toEqual(["q2\tb\t1", "q2\tc\t2", "q2\ta\t3"]);
    const ranked = await loadRankedRun(path);
    expect([...ranked.get("q2")!]).toEqual([["b", 1], ["c", 2], ["a", 3], ["e", 4], ["d", 5]]);
    expect((await loadRun(path)).get("q1")).toEqual(new Map([["x", -1], ["y", -2]]));
  });
});

describe("qrels writers", () => {
  it("TREC and BEIR qrels round-trip, plain and gzip", async () => {
    for (const name of ["q.txt", "q.txt.gz"]) {
      const path = fresh(name);
      await writeTrecQrels(path, qrels);
      expect(await loadQrels(path)).toEqual(qrels);
    }
    for (const name of ["q.tsv", "q.tsv.gz"]) {
      const path = fresh(name);
      await writeBeirQrels(path, qrels);
      expect(await loadQrels(path)).toEqual(qrels);
    }
    const path = fresh("q.tsv");
    await writeBeirQrels(path, qrels);
    expect(readFileSync(path, "utf8")).toBe("query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td1\t-1\n");
  });

  it("refuses what readers refuse: a non-integer grade, a grade outside -127..127, whitespace in ids", async () => {
    await expect(writeTrecQrels(fresh("x"), new Map([["q", new Map([["d", 0.5]])]]))).rejects.toThrow(/not an integer/);
    await expect(writeTrecQrels(fresh("x"), new Map([["q", new Map([["d", 128]])]]))).rejects.toThrow(/outside -127\.\.127/);
    await expect(writeBeirQrels(fresh("x"), new Map([["q", new Map([["d", -128]])]]))).rejects.toThrow(/outside -127\.\.127/);
    await expect(writeBeirQrels(fresh("x"), new Map([["q 1", new Map([["d", 1]])]]))).rejects.toThrow(/whitespace/);
    await expect(writeBeirCorpus(fresh("c.jsonl"), [{ id: "a b", title: "", text: "" }])).rejects.toThrow(/whitespace/);
  });
});

describe("text writers", () => {
  const passages: Passage[] = [
    { id: "p1", title: "T", text: 'quote " backslash \\ tab \t newline-free é 🙂' },
    { id: "p2", title: "", text: "" },
  ];

  it("BEIR corpus and queries round-trip (plain, gzip, async iterables)", async () => {
    for (const name of ["corpus.jsonl", "corpus.jsonl.gz"]) {
      const path = fresh(name);
      await writeBeirCorpus(path, (async function* () {
        yield* passages;
      })());
      expect(await collect(readBeirCorpus(path))).toEqual(passages);
    }
    const qpath = fresh("queries.jsonl.gz");
    const queries = [{ id: "1", text: "a\nb" }, { id: "2", text: "c" }];
    await writeBeirQueries(qpath, queries);
    expect(await loadQueries(qpath)).toEqual(queries);
  });

  it("id-text round-trips and refuses newlines in text or whitespace in ids", async () => {
    const records = [{ id: "1", text: " lead\tand tab" }, { id: "2", text: "" }];
    const path = fresh("q.tsv.gz");
    await writeIdText(path, records);
    expect(await collect(readIdText(path))).toEqual(records);
    await expect(writeIdText(fresh("a"), [{ id: "1", text: "a\nb" }])).rejects.toThrow(/newline/);
    await expect(writeIdText(fresh("b"), [{ id: "1\t2", text: "a" }])).rejects.toThrow(/whitespace/);
    await expect(writeIdText(fresh("c"), [{ id: "1 2", text: "a" }])).rejects.toThrow(/whitespace/);
  });
});

describe("atomic writes", () => {
  it("removes the temp files a killed writer of the same target left behind, and nothing else", async () => {
    const folder = join(dir, "stale");
    mkdirSync(folder);
    const dead = 999_999_999; // above Linux's pid_max (4194304): no such process
    const names = [
      `.run.trec.${dead}.0a1b2c3d.tmp`, // a killed writer of run.trec: removed
      `.run.trec.${process.pid}.0a1b2c3d.tmp`, // a live writer (this process): kept
      `.run.trec.1.0a1b2c3d.tmp`, // pid 1 is alive: kept
      `.other.trec.${dead}.0a1b2c3d.tmp`, // another target: kept
      `.run.trec.${dead}.notes`, // not a temp name: kept
    ];
    for (const name of names) writeFileSync(join(folder, name), "partial");
    mkdirSync(join(folder, `.run.trec.${dead}.ffff0000.old`)); // a folder left mid-replace: removed
    await writeTrecRun(join(folder, "run.trec"), run);
    expect(readdirSync(folder).sort()).toEqual(["run.trec", ...names.slice(1)].sort());
  });

  it("creates parent folders, replaces the target, and writes bytes verbatim", async () => {
    const path = fresh(join("deep", "er", "f.bin"));
    await writeFileAtomic(path, "old");
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
  });

  it("leaves the old file and no temp file behind when the line source fails", async () => {
    const folder = join(dir, "atomic");
    mkdirSync(folder);
    const path = join(folder, "out.txt");
    writeFileSync(path, "previous\n");
    async function* failing() {
      yield "a";
      yield "b".repeat(1 << 17); // past the first write batch
      throw new Error("source broke");
    }
    await expect(writeLinesAtomic(path, failing())).rejects.toThrow("source broke");
    expect(readFileSync(path, "utf8")).toBe("previous\n");
    expect(readdirSync(folder)).toEqual(["out.txt"]);
  });

  it("streams many lines in order", async () => {
    const path = fresh("many.txt");
    const n = 100_000;
    await writeLinesAtomic(path, (function* () {
      for (let i = 0; i < n; i++) yield String(i);
    })());
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines.length).toBe(n + 1);
    expect(lines[n - 1]).toBe(String(n - 1));
    expect(lines[n]).toBe("");
  });
});
