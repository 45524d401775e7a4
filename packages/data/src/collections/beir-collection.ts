/**
 * BEIR layout: `corpus.jsonl` (or `.jsonl.gz`), `queries.jsonl` (or `.gz`) and
 * `qrels/<split>.tsv`, one file per split (the file names give the splits).
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { FilesCollection, type SplitFiles } from "./files-collection.js";

/** Canonical order of well-known split names; other names follow alphabetically. */
const SPLIT_ORDER = ["train", "dev", "test"];

/** Sorts split names: train, dev, test first, then the rest alphabetically. */
export function sortSplits(names: Iterable<string>): string[] {
  const rank = (s: string): number => {
    const i = SPLIT_ORDER.indexOf(s);
    return i < 0 ? SPLIT_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The first of `names` that exists as a file in `dir`, or undefined. */
export async function firstExisting(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) {
    try {
      if ((await stat(path.join(dir, n))).isFile()) return path.join(dir, n);
    } catch {
      // not there
    }
  }
  return undefined;
}

/** What a BEIR-layout folder is missing (empty when complete). */
export async function missingBeirFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  if ((await firstExisting(dir, ["corpus.jsonl", "corpus.jsonl.gz"])) === undefined) missing.push("corpus.jsonl");
  if ((await firstExisting(dir, ["queries.jsonl", "queries.jsonl.gz"])) === undefined) missing.push("queries.jsonl");
  if ((await beirQrelsSplits(dir)).size === 0) missing.push("qrels/<split>.tsv");
  return missing;
}

async function beirQrelsSplits(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(path.join(dir, "qrels"));
  } catch {
    return out;
  }
  for (const n of names) {
    const m = /^(.+)\.tsv(\.gz)?$/.exec(n);
    if (m && !out.has(m[1]!)) out.set(m[1]!, path.join(dir, "qrels", n));
  }
  return out;
}

/** A BEIR-layout folder as a `Collection`; the corpus is streamed, never held in memory. */
export class BeirCollection extends FilesCollection {
  /**
   * Opens and checks a BEIR-layout folder. Throws, naming the folder and the missing files, when
   * `corpus.jsonl`, `queries.jsonl` or every `qrels/*.tsv` is absent, or when any of them is empty.
   */
  static async open(dir: string, name: string = `local:${dir}`): Promise<BeirCollection> {
    const abs = path.resolve(dir);
    const missing = await missingBeirFiles(abs);
    if (missing.length > 0) {
      throw new Error(
        `${name}: ${abs} is not a complete BEIR folder: missing ${missing.join(", ")} ` +
          `(expected corpus.jsonl, queries.jsonl and qrels/<split>.tsv with header "query-id<TAB>corpus-id<TAB>score")`,
      );
    }
    const corpus = (await firstExisting(abs, ["corpus.jsonl", "corpus.jsonl.gz"]))!;
    const queries = (await firstExisting(abs, ["queries.jsonl", "queries.jsonl.gz"]))!;
    const qrels = await beirQrelsSplits(abs);
    const splits = new Map<string, SplitFiles>(sortSplits(qrels.keys()).map((s) => [s, { queries, qrels: qrels.get(s)! }]));
    return new BeirCollection(name, abs, { corpus, corpusFormat: "jsonl", splits }).check();
  }
}
