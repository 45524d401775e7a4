import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Collection, Passage, Qrels, Query } from "@i3/data";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBm25OnCollection, type Bm25Progress } from "../src/index.js";

/** An in-memory collection with one split, `test`. */
function memoryCollection(name: string, passages: Passage[], queries: Query[], fingerprint = "v1"): Collection {
  return {
    name,
    dir: "",
    splits: ["test"],
    async fingerprint() {
      return fingerprint;
    },
    async *corpus() {
      yield* passages;
    },
    async queries(split: string) {
      if (split !== "test") throw new Error(`${name}: unknown split ${split}`);
      return queries;
    },
    async qrels(): Promise<Qrels> {
      return new Map();
    },
  };
}

const passages = [
  { id: "a", title: "Cats", text: "cats purr" },
  { id: "b", title: "", text: "dogs bark at cats" },
  { id: "c", title: "", text: "birds sing" },
];
const queries = [
  { id: "1", text: "cat" },
  { id: "2", text: "singing birds" },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "i3-bm25-coll-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runBm25OnCollection", () => {
  it("retrieves for the split's queries, with and without a persisted index", async () => {
    const collection = memoryCollection("mem", passages, queries);
    const inMemory = await runBm25OnCollection(collection, "test", { k: 2 });
    expect([...inMemory.get("1")!.keys()]).toEqual(["a", "b"]);
    expect([...inMemory.get("2")!.keys()]).toEqual(["c"]);
    const persisted = await runBm25OnCollection(collection, "test", { k: 2, indexDir: join(dir, "idx") });
    expect(persisted).toEqual(inMemory);
    const reloaded = await runBm25OnCollection(collection, "test", { k: 2, indexDir: join(dir, "idx") });
    expect(reloaded).toEqual(inMemory);
  });

  it("rebuilds the saved index when the corpus fingerprint changes", async () => {
    const indexDir = join(dir, "idx");
    const stages = (collection: Collection) => {
      const seen: Bm25Progress["stage"][] = [];
      return runBm25OnCollection(collection, "test", { indexDir, onProgress: (p) => void seen.push(p.stage) }).then(
        (run) => ({ run, stages: [...new Set(seen)] }),
      );
    };
    expect((await stages(memoryCollection("mem", passages, queries, "v1"))).stages).toEqual(["index", "save-index", "search"]);
    expect((await stages(memoryCollection("mem", passages, queries, "v1"))).stages).toEqual(["load-index", "search"]);
    const changed = [...passages, { id: "d", title: "", text: "cats cats cats" }];
    const rebuilt = await stages(memoryCollection("mem", changed, queries, "v2"));
    expect(rebuilt.stages).toEqual(["index", "save-index", "search"]);
    expect([...rebuilt.run.get("1")!.keys()][0]).toBe("d");
    expect((await stages(memoryCollection("mem", changed, queries, "v2"))).stages).toEqual(["load-index", "search"]);
  });

  it("refuses an index folder that holds another collection or other analyzer settings", async () => {
    const indexDir = join(dir, "idx");
    await runBm25OnCollection(memoryCollection("mem", passages, queries), "test", { indexDir });
    await expect(runBm25OnCollection(memoryCollection("other", passages, queries), "test", { indexDir })).rejects.toThrow(
      /manifest\.json: field "source\.collection" is "mem", not "other"/,
    );
    await expect(
      runBm25OnCollection(memoryCollection("mem", passages, queries), "test", { indexDir, analyzer: { stemmer: "none" } }),
    ).rejects.toThrow(/field "analyzer" differs/);
  });

  it("passes BM25 parameters through", async () => {
    const collection = memoryCollection("mem", passages, queries);
    const standard = await runBm25OnCollection(collection, "test");
    const other = await runBm25OnCollection(collection, "test", { k1: 2, b: 1 });
    expect(other.get("1")!.get("a")).not.toBe(standard.get("1")!.get("a"));
  });
});
