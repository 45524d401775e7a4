/**
 * A `Collection` over files on disk: a corpus file (BEIR `corpus.jsonl` or MS MARCO
 * `collection.tsv`, optionally gzipped) streamed in file order, and per split a queries file
 * (jsonl or tsv) and a qrels file (BEIR tsv or TREC). Nothing is silently empty: a corpus without
 * documents, a split without judgments, or judged queries missing from the queries file throw.
 */
import { createHash } from "node:crypto";
import { sha256File } from "@i3/core";
import { InputError, firstNonBlankLine, loadQrels, loadQueries, readBeirCorpus, readIdText, readLines } from "../formats/index.js";
import type { Collection, Passage, Qrels, Query } from "../types.js";

/** The files of one split. */
export interface SplitFiles {
  queries: string;
  qrels: string;
}

/** Everything a `FilesCollection` reads. */
export interface CollectionFiles {
  corpus: string;
  /** `jsonl` (BEIR `_id`/`title`/`text`) or `tsv` (`id<TAB>text`, title ""). */
  corpusFormat: "jsonl" | "tsv";
  /** split name -> files, in the order splits should be listed. */
  splits: ReadonlyMap<string, SplitFiles>;
}

/** A collection read lazily from `CollectionFiles`; queries and qrels are loaded once per file. */
export class FilesCollection implements Collection {
  readonly name: string;
  readonly dir: string;
  readonly splits: readonly string[];
  readonly files: CollectionFiles;
  private readonly queryFiles = new Map<string, Promise<Map<string, Query>>>();
  private readonly qrelsBySplit = new Map<string, Promise<Qrels>>();

  /** Wraps existing files; use `BeirCollection.open` or the registry to get checked instances. */
  constructor(name: string, dir: string, files: CollectionFiles) {
    if (files.splits.size === 0) throw new Error(`${name}: no splits with qrels in ${dir}`);
    this.name = name;
    this.dir = dir;
    this.files = files;
    this.splits = [...files.splits.keys()];
  }

  /**
   * sha256 over the bytes of every file the collection serves (corpus, then each split's queries
   * and qrels, in split order), so the identity follows the content, not where the files sit or
   * when they were written: a copied or re-provisioned dataset keeps its caches, an edited qrels
   * file invalidates them. Each file is read once per process (memoised on path, size and mtime).
   */
  async fingerprint(): Promise<string> {
    const parts: string[] = [`corpus:${this.files.corpusFormat}:${await sha256File(this.files.corpus)}`];
    for (const [split, f] of this.files.splits) {
      parts.push(`${split}:queries:${await sha256File(f.queries)}`, `${split}:qrels:${await sha256File(f.qrels)}`);
    }
    return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 16);
  }

  /** Streams the corpus in file order; throws at the end when the corpus held no document. */
  async *corpus(): AsyncGenerator<Passage> {
    let count = 0;
    if (this.files.corpusFormat === "jsonl") {
      for await (const p of readBeirCorpus(this.files.corpus)) {
        count++;
        yield p;
      }
    } else {
      for await (const { id, text } of readIdText(this.files.corpus)) {
        count++;
        yield { id, title: "", text };
      }
    }
    if (count === 0) throw new InputError(this.files.corpus, undefined, undefined, `${this.name}: the corpus has no documents`);
  }

  /** The queries judged in `split`, in qrels order of first appearance. */
  async queries(split: string): Promise<Query[]> {
    const files = this.splitFiles(split);
    const [all, qrels] = await Promise.all([this.loadQueryFile(files.queries), this.qrels(split)]);
    const out: Query[] = [];
    const missing: string[] = [];
    for (const qid of qrels.keys()) {
      const q = all.get(qid);
      if (q === undefined) missing.push(qid);
      else out.push(q);
    }
    if (missing.length > 0) {
      throw new InputError(
        files.qrels,
        undefined,
        undefined,
        `${missing.length} judged query id(s) are not in ${files.queries}, e.g. ${JSON.stringify(missing.slice(0, 5))}`,
      );
    }
    return out;
  }

  /** The judgments of `split`; a split file without judgments throws. */
  qrels(split: string): Promise<Qrels> {
    const files = this.splitFiles(split);
    let pending = this.qrelsBySplit.get(split);
    if (pending === undefined) {
      pending = loadQrels(files.qrels).then((qrels) => {
        if (qrels.size === 0) throw new InputError(files.qrels, undefined, undefined, `${this.name}: split "${split}" has no judgments`);
        return qrels;
      });
      this.qrelsBySplit.set(split, pending);
    }
    return pending;
  }

  /**
   * Throws unless the corpus and every split's files exist and hold data: a corpus or queries
   * file with no non-blank line, or a qrels file with nothing after its header, is an error.
   */
  async check(): Promise<this> {
    if ((await firstNonBlankLine(this.files.corpus)) === undefined) {
      throw new InputError(this.files.corpus, undefined, undefined, `${this.name}: the corpus file is empty`);
    }
    for (const [split, files] of this.files.splits) {
      if ((await firstNonBlankLine(files.queries)) === undefined) {
        throw new InputError(files.queries, undefined, undefined, `${this.name}: the queries file is empty`);
      }
      if (!(await hasJudgmentLine(files.qrels))) {
        throw new InputError(files.qrels, undefined, undefined, `${this.name}: split "${split}" has no judgments`);
      }
    }
    return this;
  }

  private splitFiles(split: string): SplitFiles {
    const files = this.files.splits.get(split);
    if (files === undefined) throw new Error(`${this.name}: unknown split "${split}" (have: ${this.splits.join(", ")})`);
    return files;
  }

  private loadQueryFile(file: string): Promise<Map<string, Query>> {
    let pending = this.queryFiles.get(file);
    if (pending === undefined) {
      pending = loadQueries(file).then((qs) => new Map(qs.map((q) => [q.id, q])));
      this.queryFiles.set(file, pending);
    }
    return pending;
  }
}

/** True when a qrels file has a non-blank line other than a BEIR header. */
async function hasJudgmentLine(file: string): Promise<boolean> {
  for await (const { line } of readLines(file)) {
    if (line.trim() !== "" && !line.trimStart().startsWith("query-id")) return true;
  }
  return false;
}
