/**
 * BEIR JSON-lines files: `corpus.jsonl`, one passage per line,
 * `{"_id": "4983", "title": "...", "text": "...", "metadata": {}}`, and `queries.jsonl`,
 * `{"_id": "1", "text": "...", "metadata": {}}`. `_id` and `text` must be strings; `title` is
 * optional (a string, "" when absent); `metadata` is optional and not kept. `_id` must be
 * non-empty, without whitespace, and unique in the file. Bad JSON, a missing or mistyped field,
 * or a bad or repeated id throws an {@link InputError}. Blank lines are skipped.
 */
import { checkId, checkToken, isBlank, UniqueIds } from "./fields.js";
import { InputError, quote } from "./input-error.js";
import { mapLines } from "./lines.js";
import { writeLinesAtomic } from "./atomic-write.js";
import type { Passage, Query } from "../types.js";

/** A JSON object read from one line of a JSON-lines file. */
export interface JsonLine {
  value: Record<string, unknown>;
  lineNo: number;
}

/** Streams the JSON objects of a JSON-lines file with their line numbers; bad JSON and non-objects throw. */
export function readJsonLines(path: string): AsyncGenerator<JsonLine, void, undefined> {
  return mapLines(path, (line, lineNo) => parseJsonLine(line, lineNo, path));
}

function parseJsonLine(line: string, lineNo: number, path: string): JsonLine | undefined {
  if (isBlank(line)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new InputError(path, lineNo, undefined, `bad JSON (${(err as Error).message}): ${quote(line)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(path, lineNo, undefined, `expected a JSON object, found ${quote(line)}`);
  }
  return { value: value as Record<string, unknown>, lineNo };
}

function stringField(obj: Record<string, unknown>, field: string, path: string, lineNo: number, fallback?: string): string {
  const value = obj[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new InputError(path, lineNo, field, "is missing");
  if (typeof value !== "string") throw new InputError(path, lineNo, field, `expected a string, found ${quote(JSON.stringify(value))}`);
  return value;
}

function idField(obj: Record<string, unknown>, path: string, lineNo: number, ids: UniqueIds): string {
  const id = checkId(stringField(obj, "_id", path, lineNo), "_id", path, lineNo);
  ids.add(id, lineNo);
  return id;
}

/**
 * Streams the passages of a BEIR `corpus.jsonl` (plain or gzip) in file order. Memory: the ids
 * read so far, to refuse a duplicate with its line (see {@link UniqueIds}).
 */
export function readBeirCorpus(path: string): AsyncGenerator<Passage, void, undefined> {
  const ids = new UniqueIds(path, "_id");
  return mapLines(path, (line, lineNo) => {
    const json = parseJsonLine(line, lineNo, path);
    if (json === undefined) return undefined;
    const { value } = json;
    return {
      id: idField(value, path, lineNo, ids),
      title: value.title === null ? "" : stringField(value, "title", path, lineNo, ""),
      text: stringField(value, "text", path, lineNo),
    };
  });
}

/** Streams the queries of a BEIR `queries.jsonl` (plain or gzip) in file order. */
export function readBeirQueries(path: string): AsyncGenerator<Query, void, undefined> {
  const ids = new UniqueIds(path, "_id");
  return mapLines(path, (line, lineNo) => {
    const json = parseJsonLine(line, lineNo, path);
    return json === undefined ? undefined : parseQuery(json, path, ids);
  });
}

function parseQuery({ value, lineNo }: JsonLine, path: string, ids: UniqueIds): Query {
  return { id: idField(value, path, lineNo, ids), text: stringField(value, "text", path, lineNo) };
}

/** Writes passages as a BEIR `corpus.jsonl` (`_id`, `title`, `text`), atomically (gzip on `.gz`); ids as readers accept them. */
export async function writeBeirCorpus(path: string, passages: Iterable<Passage> | AsyncIterable<Passage>): Promise<void> {
  await writeLinesAtomic(path, corpusLines(passages));
}

async function* corpusLines(passages: Iterable<Passage> | AsyncIterable<Passage>): AsyncGenerator<string> {
  for await (const p of passages) {
    checkToken(p.id, "writeBeirCorpus: _id");
    yield JSON.stringify({ _id: p.id, title: p.title, text: p.text });
  }
}

/** Writes queries as a BEIR `queries.jsonl` (`_id`, `text`), atomically (gzip on `.gz`). */
export async function writeBeirQueries(path: string, queries: Iterable<Query> | AsyncIterable<Query>): Promise<void> {
  await writeLinesAtomic(path, queryLines(queries));
}

async function* queryLines(queries: Iterable<Query> | AsyncIterable<Query>): AsyncGenerator<string> {
  for await (const q of queries) {
    checkToken(q.id, "writeBeirQueries: _id");
    yield JSON.stringify({ _id: q.id, text: q.text });
  }
}
