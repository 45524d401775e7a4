import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bm25Searcher, INDEX_FORMAT_VERSION, buildIndex, loadIndex, readIndexManifest, saveIndex } from "../src/index.js";

const passages = [
  { id: "p1", title: "Aspirin", text: "Aspirin reduces the risk of heart attacks in adults." },
  { id: "p2", title: "", text: "Heart disease is the leading cause of death; aspirin's role is debated." },
  { id: "p3", title: "Vitamin D", text: "Vitamin D deficiency and bone density: a 10,000-patient study." },
  { id: "p4", title: "", text: "" },
];
const queries = ["aspirin heart", "vitamin D bones", "death risk"];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "i3-bm25-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("saveIndex / loadIndex", () => {
  it("round-trips every array and gives identical scores", async () => {
    const index = await buildIndex(passages);
    const target = join(dir, "index");
    await saveIndex(index, target, { collection: "test" });
    const loaded = await loadIndex(target);
    expect(loaded.docIds).toEqual(index.docIds);
    expect(loaded.terms).toEqual(index.terms);
    expect(loaded.offsets).toEqual(index.offsets);
    expect(loaded.postingDocs).toEqual(index.postingDocs);
    expect(loaded.postingFreqs).toEqual(index.postingFreqs);
    expect(loaded.docLengths).toEqual(index.docLengths);
    expect(loaded.docCount).toBe(3);
    expect(loaded.analyzer).toEqual(index.analyzer);
    const before = new Bm25Searcher(index);
    const after = new Bm25Searcher(loaded);
    for (const q of queries) {
      const hits = before.search(q);
      expect(hits.length).toBeGreaterThan(0);
      expect(after.search(q)).toEqual(hits);
    }
    const manifest = await readIndexManifest(target);
    expect(manifest.version).toBe(INDEX_FORMAT_VERSION);
    expect(manifest.source).toEqual({ collection: "test" });
  });

  it("replaces an existing index and leaves no temporary folders", async () => {
    const target = join(dir, "index");
    await saveIndex(await buildIndex(passages.slice(0, 1)), target);
    await saveIndex(await buildIndex(passages), target);
    expect((await loadIndex(target)).docIds).toHaveLength(4);
    expect(await readdir(dir)).toEqual(["index"]);
  });

  it("names the file and field of a bad manifest", async () => {
    const target = join(dir, "index");
    await saveIndex(await buildIndex(passages), target);
    const manifestPath = join(target, "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, version: 99 }));
    await expect(loadIndex(target)).rejects.toThrow(/manifest\.json: field "version" is 99/);
    await writeFile(manifestPath, JSON.stringify({ ...manifest, numPostings: -1 }));
    await expect(loadIndex(target)).rejects.toThrow(/manifest\.json: field "numPostings"/);
    await writeFile(manifestPath, JSON.stringify({ ...manifest, analyzer: { ...manifest.analyzer, stemmer: 1 } }));
    await expect(loadIndex(target)).rejects.toThrow(/manifest\.json: field "analyzer": field "stemmer"/);
  });

  it("detects a truncated binary file", async () => {
    const target = join(dir, "index");
    await saveIndex(await buildIndex(passages), target);
    const path = join(target, "postings-docs.u32");
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 4));
    await expect(loadIndex(target)).rejects.toThrow(/postings-docs\.u32: expected \d+ uint32 values/);
  });

  it("reports a missing index folder", async () => {
    await expect(loadIndex(join(dir, "nope"))).rejects.toThrow(/nope[/\\]manifest\.json: cannot read manifest/);
  });
});
