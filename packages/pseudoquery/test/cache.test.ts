/** generated.tsv reading/writing and generatePseudoQueries' cache (hit, stale, progress). */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Passage } from "@i3/data";
import { cachePaths, generatePseudoQueries, rakeSource, readGeneratedTsv, spanSource, writeGeneratedTsv, type GenerateProgress, type PseudoQuerySource } from "../src/index.js";
import { MemoryCollection, tempDir } from "./helpers.js";

describe("generated.tsv", () => {
  it("round-trips pid<TAB>text, empty texts included, in order", async () => {
    const path = join(tempDir(), "generated.tsv");
    const map = new Map([["7", "what is rake"], ["3", ""], ["doc-1", "spans of text"]]);
    await writeGeneratedTsv(path, map);
    expect(readFileSync(path, "utf8")).toBe("7\twhat is rake\n3\t\ndoc-1\tspans of text\n");
    expect([...(await readGeneratedTsv(path))]).toEqual([...map]);
    expect(readdirSync(join(path, "..")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("names file, line and field on bad input", async () => {
    const dir = tempDir();
    const bad = async (content: string) => {
      const p = join(dir, `bad-${Math.abs(content.length)}-${content.charCodeAt(0)}.tsv`);
      writeFileSync(p, content);
      return readGeneratedTsv(p).then(
        () => "no error",
        (e: Error) => e.message.replace(p, "FILE"),
      );
    };
    expect(await bad("1\tok\n2 no tab\n")).toBe('FILE:2: expected "pid<TAB>text", found no tab: "2 no tab"');
    expect(await bad("1\tok\n\n\tx\n")).toBe('FILE:3: field "pid": is empty');
    expect(await bad("1\ta\tb\n")).toBe('FILE:1: field "text": contains a tab (expected exactly 2 columns): "a\\tb"');
    expect(await bad("1\ta\n2\tb\n1\tc\n")).toBe('FILE:3: field "pid": "1" repeats line 1');
  });

  it("refuses to write tabs or newlines and leaves the old file intact", async () => {
    const path = join(tempDir(), "g.tsv");
    await writeGeneratedTsv(path, new Map([["1", "old"]]));
    await expect(writeGeneratedTsv(path, new Map([["1", "a\tb"]]))).rejects.toThrow(/entry 0 \(pid "1"\): text contains a tab/);
    await expect(writeGeneratedTsv(path, [["", "x"]])).rejects.toThrow(/pid "" must be non-empty/);
    expect(readFileSync(path, "utf8")).toBe("1\told\n");
  });
});

const PASSAGES: Passage[] = [
  { id: "1", title: "", text: "Upper bounds for the components of a minimal set of solutions." },
  { id: "2", title: "Sparse retrieval", text: "BM25 ranks passages\nby term\tweights." },
  { id: "3", title: "", text: "Dense retrieval encodes queries and passages into vectors." },
];

/** Wraps a source to count generate calls. */
function counting(src: PseudoQuerySource): PseudoQuerySource & { calls: number } {
  const wrapped = {
    name: src.name,
    params: src.params,
    calls: 0,
    generate(ps: Parameters<PseudoQuerySource["generate"]>[0], o: Parameters<PseudoQuerySource["generate"]>[1]) {
      wrapped.calls++;
      return src.generate(ps, o);
    },
  };
  return wrapped;
}

describe("generatePseudoQueries", () => {
  it("generates, caches with a sidecar, and reads the cache back", async () => {
    const cacheDir = tempDir();
    const collection = new MemoryCollection("mem", PASSAGES);
    const src = counting(rakeSource({ topK: 2 }));
    const events: GenerateProgress[] = [];
    const first = await generatePseudoQueries(collection, src, { cacheDir, seed: 1, onProgress: (p) => events.push(p), progressEvery: 1 });
    expect([...first]).toEqual([
      ["1", "upper bounds minimal set"], // 4 + 4 (tie: first occurrence first)
      ["2", "bm25 ranks passages sparse retrieval"], // 9, then 4 (title first; "term weights" also 4)
      ["3", "dense retrieval encodes queries passages"], // 16, then 1 ("vectors" also 1)
    ]);
    expect(events.map((e) => `${e.phase}:${e.done}`)).toEqual(["generating:1", "generating:2", "generating:3", "done:3"]);
    const { tsv, sidecar } = cachePaths(cacheDir, "rake");
    expect(existsSync(tsv)).toBe(true);
    const meta = JSON.parse(readFileSync(sidecar, "utf8"));
    expect(meta).toMatchObject({ format: "i3-pseudoquery-cache", version: 1, source: "rake", seed: 1, count: 3, collection: { name: "mem", fingerprint: "fp-1" } });
    expect(meta.params).toEqual(src.params);

    events.length = 0;
    const again = await generatePseudoQueries(collection, src, { cacheDir, seed: 1, onProgress: (p) => events.push(p) });
    expect([...again]).toEqual([...first]);
    expect(src.calls).toBe(1);
    expect(events).toEqual([{ source: "rake", phase: "cached", done: 3 }]);
  });

  it("rebuilds a stale cache: other seed, other params, changed corpus, truncated file", async () => {
    const cacheDir = tempDir();
    const collection = new MemoryCollection("mem", PASSAGES);
    const spans = counting(spanSource({ k: 1 }));
    const a = await generatePseudoQueries(collection, spans, { cacheDir, seed: 1 });
    await generatePseudoQueries(collection, spans, { cacheDir, seed: 1 });
    expect(spans.calls).toBe(1);
    const b = await generatePseudoQueries(collection, spans, { cacheDir, seed: 2 });
    expect(spans.calls).toBe(2);
    expect([...b.values()]).not.toEqual([...a.values()]);
    const again = await generatePseudoQueries(collection, spans, { cacheDir, seed: 1 });
    expect(spans.calls).toBe(3);
    expect(again).toEqual(a); // deterministic for a seed

    const longer = counting(spanSource({ k: 2 }));
    await generatePseudoQueries(collection, longer, { cacheDir, seed: 1 });
    expect(longer.calls).toBe(1);
    collection.fingerprintValue = "fp-2";
    await generatePseudoQueries(collection, longer, { cacheDir, seed: 1 });
    expect(longer.calls).toBe(2);
    const { tsv } = cachePaths(cacheDir, "spans");
    writeFileSync(tsv, readFileSync(tsv, "utf8").split("\n").slice(0, 1).join("\n") + "\n");
    const rebuilt = await generatePseudoQueries(collection, longer, { cacheDir, seed: 1 });
    expect(longer.calls).toBe(3);
    expect(rebuilt.size).toBe(3);
  });

  it("works without a cache folder, and rejects bad source names and duplicate pids", async () => {
    const collection = new MemoryCollection("mem", PASSAGES);
    expect((await generatePseudoQueries(collection, rakeSource())).size).toBe(3);
    const bad: PseudoQuerySource = { ...rakeSource(), name: "../x" };
    await expect(generatePseudoQueries(collection, bad)).rejects.toThrow(/source name "..\/x"/);
    const dup: PseudoQuerySource = {
      name: "dup",
      params: {},
      async *generate() {
        yield ["1", "a"] as [string, string];
        yield ["1", "b"] as [string, string];
      },
    };
    await expect(generatePseudoQueries(collection, dup)).rejects.toThrow(/produced pid "1" twice/);
  });
});
