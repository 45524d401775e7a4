/**
 * Tevatron's training file (texttron/tevatron, `src/tevatron/data.py` `TrainDataset` and
 * `faiss_retriever/hn_mining.py`): one JSON object per line,
 *
 *     {"query_id": "3", "query": "what is ...",
 *      "positive_passages": [{"docid": "17", "title": "", "text": "..."}],
 *      "negative_passages": [{"docid": "42", "title": "T", "text": "..."}, ...]}
 *
 * Negatives are listed in rank order. Texts come from the caller's passages and queries (a Map or
 * a lookup function), so the file is self-contained for training.
 */
import { writeLinesAtomic, readJsonLines, InputError } from "../formats/index.js";
import { quote } from "../formats/input-error.js";
import type { Passage, Qrels, Query } from "../types.js";
import { positivesOf } from "./positives-of.js";

/** A passage source: a Map by id, or a function returning the passage (undefined when unknown). */
export type PassageSource = ReadonlyMap<string, Passage> | ((id: string) => Passage | undefined);
/** A query-text source: a Map by qid of text or `Query`, or a function returning the text. */
export type QueryTextSource = ReadonlyMap<string, string | Query> | ((qid: string) => string | undefined);

/** Where {@link writeTevatronJsonl} takes texts and positives from. */
export interface TevatronJsonlSources {
  queries: QueryTextSource;
  passages: PassageSource;
  /** Positives are the docids with grade >= `relevanceLevel`, in qrels order. */
  qrels: Qrels;
  relevanceLevel?: number;
}

function lookupPassage(source: PassageSource, id: string): Passage | undefined {
  return typeof source === "function" ? source(id) : source.get(id);
}

function lookupQuery(source: QueryTextSource, qid: string): string | undefined {
  const value = typeof source === "function" ? source(qid) : source.get(qid);
  return typeof value === "object" ? value.text : value;
}

/**
 * Writes one Tevatron training line per query of `negatives` (map order), atomically (gzip on
 * `.gz`), streaming. Throws naming the query or passage when a query text, a passage or a
 * query's positives are missing.
 */
export async function writeTevatronJsonl(
  path: string,
  negatives: ReadonlyMap<string, readonly string[]>,
  sources: TevatronJsonlSources,
): Promise<void> {
  await writeLinesAtomic(path, tevatronLines(negatives, sources));
}

function* tevatronLines(negatives: ReadonlyMap<string, readonly string[]>, sources: TevatronJsonlSources): Generator<string> {
  const passage = (qid: string, docid: string) => {
    const p = lookupPassage(sources.passages, docid);
    if (p === undefined) throw new Error(`writeTevatronJsonl: query ${quote(qid)}: passage ${quote(docid)} not found`);
    return { docid, title: p.title, text: p.text };
  };
  for (const [qid, pids] of negatives) {
    const query = lookupQuery(sources.queries, qid);
    if (query === undefined) throw new Error(`writeTevatronJsonl: no text for query ${quote(qid)}`);
    const positives = positivesOf(sources.qrels, qid, sources.relevanceLevel ?? 1);
    if (positives.length === 0) throw new Error(`writeTevatronJsonl: query ${quote(qid)} has no positive in qrels`);
    yield JSON.stringify({
      query_id: qid,
      query,
      positive_passages: positives.map((docid) => passage(qid, docid)),
      negative_passages: pids.map((docid) => passage(qid, docid)),
    });
  }
}

/** What {@link readTevatronJsonl} returns. */
export interface TevatronTrainingData {
  /** qid -> negative docids in file order (possibly empty). */
  negatives: Map<string, string[]>;
  /** qid -> positive docid -> 1. */
  qrels: Qrels;
  /** qid -> query text. */
  queries: Map<string, string>;
  /** Every passage seen (positives and negatives), by id; empty with `keepTexts: false`. */
  passages: Map<string, Passage>;
}

type JsonObject = Record<string, unknown>;

function idOf(value: unknown, path: string, lineNo: number, field: string): string {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== "string") {
    throw new InputError(path, lineNo, field, value === undefined ? "is missing" : `expected a string id, found ${quote(JSON.stringify(value))}`);
  }
  if (value === "") throw new InputError(path, lineNo, field, "is empty");
  return value;
}

function textOf(value: unknown, path: string, lineNo: number, field: string, optional: boolean): string {
  if ((value === undefined || value === null) && optional) return "";
  if (typeof value !== "string") {
    throw new InputError(path, lineNo, field, value === undefined ? "is missing" : `expected a string, found ${quote(JSON.stringify(value))}`);
  }
  return value;
}

function passagesOf(obj: JsonObject, key: string, path: string, lineNo: number): Passage[] {
  const list = obj[key];
  if (!Array.isArray(list)) {
    throw new InputError(path, lineNo, key, list === undefined ? "is missing" : "expected an array of passages");
  }
  return list.map((item: unknown, i) => {
    const field = `${key}[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new InputError(path, lineNo, field, "expected an object {docid, title, text}");
    }
    const p = item as JsonObject;
    return {
      id: idOf(p.docid, path, lineNo, `${field}.docid`),
      title: textOf(p.title, path, lineNo, `${field}.title`, true),
      text: textOf(p.text, path, lineNo, `${field}.text`, false),
    };
  });
}

/**
 * Reads a Tevatron training file (plain or gzip). `query_id` and `docid` may be strings or
 * integers (some published files use numbers); `title` may be absent or null (read as "").
 * Throws an `InputError` naming file, line and field (e.g. `positive_passages[1].docid`) on bad
 * JSON, a missing or mistyped field, an empty `positive_passages`, a query seen twice, or one
 * docid given two different texts. `keepTexts: false` skips storing passages (large files).
 */
export async function readTevatronJsonl(path: string, options: { keepTexts?: boolean } = {}): Promise<TevatronTrainingData> {
  const keepTexts = options.keepTexts ?? true;
  const data: TevatronTrainingData = { negatives: new Map(), qrels: new Map(), queries: new Map(), passages: new Map() };
  for await (const { value, lineNo } of readJsonLines(path)) {
    const qid = idOf(value.query_id, path, lineNo, "query_id");
    if (data.queries.has(qid)) throw new InputError(path, lineNo, "query_id", `${quote(qid)} appears on an earlier line`);
    const query = textOf(value.query, path, lineNo, "query", false);
    const positives = passagesOf(value, "positive_passages", path, lineNo);
    if (positives.length === 0) throw new InputError(path, lineNo, "positive_passages", "is empty (every query needs a positive)");
    const negatives = passagesOf(value, "negative_passages", path, lineNo);
    if (keepTexts) {
      const check = (key: string) => (p: Passage, i: number) => {
        const known = data.passages.get(p.id);
        if (known === undefined) data.passages.set(p.id, p);
        else if (known.text !== p.text || known.title !== p.title) {
          throw new InputError(path, lineNo, `${key}[${i}]`, `passage ${quote(p.id)} differs from its earlier copy`);
        }
      };
      positives.forEach(check("positive_passages"));
      negatives.forEach(check("negative_passages"));
    }
    data.queries.set(qid, query);
    data.qrels.set(qid, new Map(positives.map((p) => [p.id, 1])));
    data.negatives.set(qid, negatives.map((p) => p.id));
  }
  return data;
}
