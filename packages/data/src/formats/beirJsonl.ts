/**
 * BEIR JSON-lines files: `corpus.jsonl`, one passage per line,
 * `{"_id": "4983", "title": "...", "text": "...", "metadata": {}}`, and `queries.jsonl`,
 * `{"_id": "1", "text": "...", "metadata": {}}`. `_id` and `text` must be strings; `title` is
 * optional (a string, "" when absent); `metadata` is optional and not kept. Bad JSON or a missing
 * or mistyped field throws an {@link InputError}. Blank lines are skipped.
 */
import { isBlank } from "./fields.js";
import { InputError, quote } from "./inputError.js";
import { readLines } from "./lines.js";
import { writeLinesAtomic } from "./atomicWrite.js";
import type { Passage, Query } from "../types.js";

/** Streams the JSON objects of a JSON-lines file with their line numbers; non-objects throw. */
export async function* readJsonLines(path: string): AsyncGenerator<{ value: Record<string, unknown>; lineNo: number }> {
  for await (const { line, lineNo } of readLines(path)) {
    if (isBlank(line)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InputError(path, lineNo, undefined, `bad JSON (${(err as Error).message}): ${quote(line)}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InputError(path, lineNo, undefined, `expected a JSON object, found ${quote(line)}`);
    }
    yield { value: value as Record<string, unknown>, lineNo };
  }
}

function stringField(obj: Record<string, unknown>, field: string, path: string, lineNo: number, fallback?: string): string {
  const value = obj[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new InputError(path, lineNo, field, "is missing");
  if (typeof value !== "string") throw new InputError(path, lineNo, field, `expected a string, found ${quote(JSON.stringify(value))}`);
  return value;
}

function idField(obj: Record<string, unknown>, path: string, lineNo: number): string {
  const id = stringField(obj, "_id", path, lineNo);
  if (id === "") throw new InputError(path, lineNo, "_id", "is empty");
  return id;
}

/** Streams the passages of a BEIR `corpus.jsonl` (plain or gzip) in file order, in constant memory. */
export async function* readBeirCorpus(path: string): AsyncGenerator<Passage> {
  for await (const { value, lineNo } of readJsonLines(path)) {
    yield {
      id: idField(value, path, lineNo),
      title: value.title === null ? "" : stringField(value, "title", path, lineNo, ""),
      text: stringField(value, "text", path, lineNo),
    };
  }
}

/** Streams the queries of a BEIR `queries.jsonl` (plain or gzip) in file order. */
export async function* readBeirQueries(path: string): AsyncGenerator<Query> {
  for await (const { record } of readBeirQueriesNumbered(path)) yield record;
}

/** Like {@link readBeirQueries}, with each query's line number. */
export async function* readBeirQueriesNumbered(path: string): AsyncGenerator<{ record: Query; lineNo: number }> {
  for await (const { value, lineNo } of readJsonLines(path)) {
    yield { record: { id: idField(value, path, lineNo), text: stringField(value, "text", path, lineNo) }, lineNo };
  }
}

/** Writes passages as a BEIR `corpus.jsonl` (`_id`, `title`, `text`), atomically (gzip on `.gz`). */
export async function writeBeirCorpus(path: string, passages: Iterable<Passage> | AsyncIterable<Passage>): Promise<void> {
  await writeLinesAtomic(path, corpusLines(passages));
}

async function* corpusLines(passages: Iterable<Passage> | AsyncIterable<Passage>): AsyncGenerator<string> {
  for await (const p of passages) {
    if (p.id === "") throw new Error("writeBeirCorpus: empty passage id");
    yield JSON.stringify({ _id: p.id, title: p.title, text: p.text });
  }
}

/** Writes queries as a BEIR `queries.jsonl` (`_id`, `text`), atomically (gzip on `.gz`). */
export async function writeBeirQueries(path: string, queries: Iterable<Query> | AsyncIterable<Query>): Promise<void> {
  await writeLinesAtomic(path, queryLines(queries));
}

async function* queryLines(queries: Iterable<Query> | AsyncIterable<Query>): AsyncGenerator<string> {
  for await (const q of queries) {
    if (q.id === "") throw new Error("writeBeirQueries: empty query id");
    yield JSON.stringify({ _id: q.id, text: q.text });
  }
}
