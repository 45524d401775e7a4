/** Test helpers: a tiny in-memory collection, a temporary folder, file writing. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Collection, Passage, Qrels, Query } from "@i3/data";

/** A fresh temporary folder. */
export function tempDir(prefix = "i3-distill-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `text` to `<dir>/<name>` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const PASSAGES: Passage[] = [
  { id: "d1", title: "Dense retrieval", text: "dense retrieval encodes queries and passages into vectors" },
  { id: "d2", title: "", text: "bm25 counts matching terms in the passage" },
  { id: "d3", title: "Cross encoder", text: "a cross encoder reads the query and the passage together" },
  { id: "d4", title: "", text: "teachers score candidates and students learn from the teacher scores" },
  { id: "d5", title: "", text: "vectors of passages are searched by inner product" },
  { id: "d6", title: "", text: "nothing here matches" },
];

export const QUERIES: Query[] = [
  { id: "q1", text: "what is dense retrieval" },
  { id: "q2", text: "how does a cross encoder read the passage" },
  { id: "q3", text: "why do students learn from teachers" },
];

/** q1 -> d1, q2 -> d3, q3 -> d4. */
export const QRELS: Qrels = new Map([
  ["q1", new Map([["d1", 1]])],
  ["q2", new Map([["d3", 2], ["d6", 0]])],
  ["q3", new Map([["d4", 1]])],
]);

/** A Collection over arrays, one split `train`. */
export function memoryCollection(passages: Passage[] = PASSAGES, queries: Query[] = QUERIES, qrels: Qrels = QRELS): Collection {
  return {
    name: "memory",
    dir: "",
    splits: ["train"],
    fingerprint: async () => "memory-fp-1",
    corpus: async function* () {
      yield* passages;
    },
    queries: async (split) => {
      if (split !== "train") throw new Error(`unknown split ${split}`);
      return queries;
    },
    qrels: async (split) => {
      if (split !== "train") throw new Error(`unknown split ${split}`);
      return qrels;
    },
  };
}
