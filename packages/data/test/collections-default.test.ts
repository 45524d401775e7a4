/**
 * The embedded default collection end to end: two independent builds are byte-identical, the
 * files agree with stats.json and with the thread/split rules, and the cache is reused until the
 * builder version changes.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_BUILDER_VERSION,
  assignSplit,
  buildDefaultCollectionInto,
  ensureDefaultCollection,
  locateSource,
  messageToPassage,
  readHamMessages,
  resolveDataset,
  threadKey,
  type DefaultStatsFile,
} from "@i3/data";

let tmp: string;
let dirA: string;
let dirB: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "i3-default-"));
  dirA = path.join(tmp, "a", "default");
  dirB = path.join(tmp, "b", "default");
  await buildDefaultCollectionInto(dirA);
  await buildDefaultCollectionInto(dirB);
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const jsonl = async (file: string): Promise<Record<string, string>[]> =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, string>);

async function tsvRows(file: string): Promise<string[][]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
  expect(lines[0]).toBe("query-id\tcorpus-id\tscore");
  return lines.slice(1).map((l) => l.split("\t"));
}

describe("default collection build", () => {
  it("is byte-identical across two builds and has the BEIR layout", async () => {
    const files = await listFiles(dirA);
    expect(files).toEqual(["README.md", "corpus.jsonl", "qrels/dev.tsv", "qrels/test.tsv", "qrels/train.tsv", "queries.jsonl", "stats.json"]);
    expect(await listFiles(dirB)).toEqual(files);
    for (const f of files) {
      const a = await readFile(path.join(dirA, f));
      const b = await readFile(path.join(dirB, f));
      expect(a.equals(b), f).toBe(true);
    }
    // No temp folders left behind next to the outputs.
    expect(await readdir(path.dirname(dirA))).toEqual(["default"]);
  });

  it("agrees with stats.json and with the thread and split rules", async () => {
    const stats = JSON.parse(await readFile(path.join(dirA, "stats.json"), "utf8")) as DefaultStatsFile;
    expect(stats.builderVersion).toBe(DEFAULT_BUILDER_VERSION);
    expect(stats.source.license).toBe("Apache-2.0");
    const corpus = await jsonl(path.join(dirA, "corpus.jsonl"));
    const queries = await jsonl(path.join(dirA, "queries.jsonl"));
    expect(corpus.length).toBe(stats.passages.total);
    expect(stats.messages.read).toBe(4150); // 2500 + 1400 + 250 ham messages in the package
    expect(stats.passages.total + stats.dropped.total).toBe(stats.messages.read);
    expect(queries.length).toBe(stats.queries.total);

    const docs = new Map(corpus.map((d) => [d._id!, d]));
    expect(docs.size).toBe(corpus.length); // ids unique
    const sortedIds = [...docs.keys()].sort();
    expect(corpus.map((d) => d._id)).toEqual(sortedIds);
    for (const d of corpus) expect(d.text!.split(" ").length).toBeGreaterThanOrEqual(3);

    const queryText = new Map(queries.map((q) => [q._id!, q.text!]));
    // Passages carry no title (it would leak the query); read each message's subject from the source.
    for (const d of corpus) expect(d.title).toBe("");
    const subjectOf = new Map<string, string>();
    for (const m of await readHamMessages(await locateSource())) {
      const outcome = messageToPassage(m.docId, m.raw);
      if (outcome.ok) subjectOf.set(m.docId, outcome.passage.subject);
    }
    const judgedDocs = new Set<string>();
    const seenQueries = new Set<string>();
    for (const split of ["train", "dev", "test"]) {
      const rows = await tsvRows(path.join(dirA, "qrels", `${split}.tsv`));
      const perQuery = new Map<string, string[]>();
      for (const [qid, docid, score] of rows) {
        expect(score).toBe("1");
        expect(assignSplit(qid!)).toBe(split);
        const doc = docs.get(docid!);
        expect(doc, docid).toBeDefined();
        // The relevant message belongs to the query's thread: same normalised subject.
        expect(threadKey(subjectOf.get(docid!)!)).toBe(threadKey(queryText.get(qid!)!));
        judgedDocs.add(docid!);
        perQuery.set(qid!, [...(perQuery.get(qid!) ?? []), docid!]);
      }
      for (const [qid, ds] of perQuery) {
        expect(seenQueries.has(qid)).toBe(false); // a query lives in exactly one split
        seenQueries.add(qid);
        expect(ds.length).toBeGreaterThanOrEqual(stats.threads.minMessages);
      }
      expect(stats.splits[split]!.queries).toBe(perQuery.size);
      expect(stats.splits[split]!.qrels).toBe(rows.length);
      expect(stats.splits[split]!.queries).toBeGreaterThan(0);
    }
    expect(seenQueries.size).toBe(queries.length);
    expect(stats.passages.relevant).toBe(judgedDocs.size);
    // Distractors: no other passage shares a subject with a query thread.
    const queryKeys = new Set([...queryText.values()].map(threadKey));
    for (const d of corpus) if (!judgedDocs.has(d._id!)) expect(queryKeys.has(threadKey(subjectOf.get(d._id!)!)), d._id).toBe(false);
    const meanWords = corpus.reduce((s, d) => s + d.text!.split(" ").length, 0) / corpus.length;
    expect(stats.passages.meanWords).toBeCloseTo(meanWords, 2);
  });
});

describe("default collection cache", () => {
  it("builds once, reuses the copy, and rebuilds when the builder version changes", async () => {
    const datasetsDir = path.join(tmp, "cache");
    const dir = await ensureDefaultCollection(datasetsDir);
    expect(dir).toBe(path.join(datasetsDir, "default"));
    const first = await stat(path.join(dir, "corpus.jsonl"));
    expect(await ensureDefaultCollection(datasetsDir)).toBe(dir);
    expect((await stat(path.join(dir, "corpus.jsonl"))).ino).toBe(first.ino); // not rebuilt

    const statsFile = path.join(dir, "stats.json");
    const stats = JSON.parse(await readFile(statsFile, "utf8")) as DefaultStatsFile;
    await writeFile(statsFile, JSON.stringify({ ...stats, builderVersion: "0-old" }));
    await ensureDefaultCollection(datasetsDir);
    const rebuilt = JSON.parse(await readFile(statsFile, "utf8")) as DefaultStatsFile;
    expect(rebuilt.builderVersion).toBe(DEFAULT_BUILDER_VERSION);
    expect(await readFile(statsFile)).toEqual(await readFile(path.join(dirA, "stats.json")));
    expect((await readdir(datasetsDir)).sort()).toEqual(["default"]);

    const c = await resolveDataset("default", { datasetsDir });
    expect(c.splits).toEqual(["train", "dev", "test"]);
    const test = await c.queries("test");
    expect(test.length).toBe(rebuilt.splits.test!.queries);
    const qrels = await c.qrels("test");
    expect([...qrels.keys()].sort()).toEqual(test.map((q) => q.id).sort());
  }, 120_000);
});
