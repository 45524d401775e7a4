/**
 * Teacher scores in SimLM's `kd_train.jsonl` layout (Wang et al. 2023, "SimLM", arXiv
 * 2207.02578; code microsoft/unilm `simlm/src/loaders/biencoder_dataloader.py` and
 * `loader_utils.py`, which read `query_id`, `query`, `positives.doc_id`, `positives.score`,
 * `negatives.doc_id` and `negatives.score`). One JSON object per line, one line per query:
 *
 *   {"query_id":"q1","query":"what is ...","positives":{"doc_id":["d3"],"score":[11.2]},
 *    "negatives":{"doc_id":["d7","d9"],"score":[4.5,3.1]}}
 *
 * `doc_id[i]` and `score[i]` go together. Ids are strings (SimLM's MS MARCO files hold digit
 * strings; an integer id is read as its decimal string). `query` is optional here (SimLM
 * requires it; this toolkit looks texts up in the collection). Any other field is an error, so
 * a typo (`negative`) is not silently an empty list.
 *
 * Validation, each failure an `InputError` naming file:line and the field (`negatives.score[3]`):
 * malformed JSON, a missing or mistyped field, `doc_id` and `score` of different lengths, no
 * positive, a non-finite score (Python's `json.dumps` writes NaN / Infinity as bare `NaN` /
 * `Infinity`, which this reader recognises and names), a doc id listed twice in one line, a query
 * id on two lines, and, when id sets are given, an unknown query or doc id. Reading streams
 * (constant memory per line); writing is atomic (`@i3/data` writeLinesAtomic: temp file, fsync,
 * rename) and gzips when the path ends in `.gz`.
 */
import { InputError, mapLines, writeLinesAtomic } from "@i3/data";

/** One scored candidate. */
export interface ScoredDoc {
  readonly docId: string;
  readonly score: number;
}

/** One line of `kd_train.jsonl`: a query and its teacher-scored positives and negatives. */
export interface KdRecord {
  readonly queryId: string;
  /** The query text (written when known; SimLM's loader reads it). */
  readonly query?: string;
  readonly positives: readonly ScoredDoc[];
  readonly negatives: readonly ScoredDoc[];
}

/** Anything with `has` (a Set, a Map, a collection's id index). */
export interface IdSet {
  has(id: string): boolean;
}

/** Options of {@link readKdTrain} / {@link loadKdTrain}. */
export interface ReadKdTrainOptions {
  /** Known query ids: any other is an error. */
  queryIds?: IdSet;
  /** Known doc ids: any other is an error. */
  docIds?: IdSet;
}

/** The top-level fields of a line. */
const FIELDS = new Set(["query_id", "query", "positives", "negatives"]);
/** Bare non-finite tokens Python's json module writes, outside strings (after `:` `,` `[`). */
const NON_FINITE_TOKEN = /([:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;
const NON_FINITE_MARK = "\u0000non-finite:";

/** Parses one line; bare NaN / Infinity become marker strings so validation names their field. */
function parseLine(line: string, file: string, lineNo: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    const patched = line.replace(NON_FINITE_TOKEN, (_m, before: string, token: string) => `${before}${JSON.stringify(NON_FINITE_MARK + token)}`);
    if (patched !== line) {
      try {
        return JSON.parse(patched);
      } catch {
        // fall through to the original error
      }
    }
    throw new InputError(file, lineNo, undefined, `not valid JSON (${(err as Error).message})`);
  }
}

/** An id field: a non-empty string, or a non-negative safe integer read as its decimal string. */
function idOf(value: unknown, file: string, lineNo: number, field: string): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new InputError(file, lineNo, field, `expected a non-empty string id, got ${JSON.stringify(value) ?? String(value)}`);
}

/** A score field: a finite number. */
function scoreOf(value: unknown, file: string, lineNo: number, field: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.startsWith(NON_FINITE_MARK)) {
    throw new InputError(file, lineNo, field, `${value.slice(NON_FINITE_MARK.length)} is not a finite number`);
  }
  throw new InputError(file, lineNo, field, `expected a finite number, got ${JSON.stringify(value) ?? String(value)}`);
}

/** `positives` or `negatives`: `{doc_id: [...], score: [...]}` of equal lengths. */
function scoredDocsOf(value: unknown, file: string, lineNo: number, side: "positives" | "negatives", seen: Map<string, string>, docIds: IdSet | undefined): ScoredDoc[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, lineNo, side, `expected an object {"doc_id": [...], "score": [...]}, got ${JSON.stringify(value) ?? "nothing"}`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== "doc_id" && key !== "score") throw new InputError(file, lineNo, `${side}.${key}`, `unknown field (expected doc_id and score)`);
  }
  const ids = obj["doc_id"];
  const scores = obj["score"];
  if (!Array.isArray(ids)) throw new InputError(file, lineNo, `${side}.doc_id`, `expected an array of doc ids`);
  if (!Array.isArray(scores)) throw new InputError(file, lineNo, `${side}.score`, `expected an array of scores`);
  if (ids.length !== scores.length) {
    throw new InputError(file, lineNo, `${side}.score`, `has ${scores.length} entries but ${side}.doc_id has ${ids.length}`);
  }
  const out: ScoredDoc[] = [];
  for (let i = 0; i < ids.length; i++) {
    const field = `${side}.doc_id[${i}]`;
    const docId = idOf(ids[i], file, lineNo, field);
    const previous = seen.get(docId);
    if (previous !== undefined) throw new InputError(file, lineNo, field, `doc id ${JSON.stringify(docId)} is listed twice (also ${previous})`);
    seen.set(docId, field);
    if (docIds !== undefined && !docIds.has(docId)) throw new InputError(file, lineNo, field, `unknown doc id ${JSON.stringify(docId)}`);
    out.push({ docId, score: scoreOf(scores[i], file, lineNo, `${side}.score[${i}]`) });
  }
  return out;
}

/** Validates one parsed line into a {@link KdRecord} (see the module comment for the rules). */
function recordOf(value: unknown, file: string, lineNo: number, opts: ReadKdTrainOptions): KdRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(file, lineNo, undefined, "expected a JSON object per line");
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!FIELDS.has(key)) throw new InputError(file, lineNo, key, "unknown field (expected query_id, query, positives, negatives)");
  }
  const queryId = idOf(obj["query_id"], file, lineNo, "query_id");
  if (opts.queryIds !== undefined && !opts.queryIds.has(queryId)) throw new InputError(file, lineNo, "query_id", `unknown query id ${JSON.stringify(queryId)}`);
  const query = obj["query"];
  if (query !== undefined && typeof query !== "string") throw new InputError(file, lineNo, "query", `expected a string, got ${JSON.stringify(query)}`);
  const seen = new Map<string, string>();
  const positives = scoredDocsOf(obj["positives"], file, lineNo, "positives", seen, opts.docIds);
  if (positives.length === 0) throw new InputError(file, lineNo, "positives.doc_id", "is empty: every query needs at least one positive");
  const negatives = scoredDocsOf(obj["negatives"], file, lineNo, "negatives", seen, opts.docIds);
  return query === undefined ? { queryId, positives, negatives } : { queryId, query, positives, negatives };
}

/**
 * Streams the records of a `kd_train.jsonl` file (plain or gzip), validated as the module
 * comment says; the first problem throws an `InputError` naming file:line and field. Blank lines
 * are skipped.
 */
export async function* readKdTrain(path: string, opts: ReadKdTrainOptions = {}): AsyncGenerator<KdRecord, void, undefined> {
  const lineOfQuery = new Map<string, number>();
  const records = mapLines(path, (line, lineNo) => {
    if (line.trim() === "") return undefined;
    const record = recordOf(parseLine(line, path, lineNo), path, lineNo, opts);
    const first = lineOfQuery.get(record.queryId);
    if (first !== undefined) throw new InputError(path, lineNo, "query_id", `query id ${JSON.stringify(record.queryId)} is also on line ${first}`);
    lineOfQuery.set(record.queryId, lineNo);
    return record;
  });
  yield* records;
}

/** Reads a whole `kd_train.jsonl` into a map query id -> record, in file order (see {@link readKdTrain}). */
export async function loadKdTrain(path: string, opts: ReadKdTrainOptions = {}): Promise<Map<string, KdRecord>> {
  const out = new Map<string, KdRecord>();
  for await (const record of readKdTrain(path, opts)) out.set(record.queryId, record);
  return out;
}

/** The JSON line of one record (SimLM field names; `query` only when present). */
export function kdTrainLine(record: KdRecord): string {
  const side = (docs: readonly ScoredDoc[]) => ({ doc_id: docs.map((d) => d.docId), score: docs.map((d) => d.score) });
  const line: Record<string, unknown> = { query_id: record.queryId };
  if (record.query !== undefined) line["query"] = record.query;
  line["positives"] = side(record.positives);
  line["negatives"] = side(record.negatives);
  return JSON.stringify(line);
}

/**
 * Writes records to `path` atomically (gzip when it ends in `.gz`), one line each. Every record
 * is checked with the reader's rules before it is written (a failure names `path`, the line the
 * record would have had and the field, and leaves `path` untouched), so whatever this writes,
 * {@link readKdTrain} reads back identically (numbers round-trip exactly through JSON).
 */
export async function writeKdTrain(path: string, records: Iterable<KdRecord> | AsyncIterable<KdRecord>, opts: ReadKdTrainOptions = {}): Promise<void> {
  async function* lines(): AsyncGenerator<string> {
    const lineOfQuery = new Map<string, number>();
    let lineNo = 0;
    for await (const record of records) {
      lineNo++;
      const raw = {
        query_id: record.queryId,
        query: record.query,
        positives: { doc_id: record.positives.map((d) => d.docId), score: record.positives.map((d) => (Number.isFinite(d.score) ? d.score : `${NON_FINITE_MARK}${d.score}`)) },
        negatives: { doc_id: record.negatives.map((d) => d.docId), score: record.negatives.map((d) => (Number.isFinite(d.score) ? d.score : `${NON_FINITE_MARK}${d.score}`)) },
      };
      if (raw.query === undefined) delete (raw as { query?: string }).query;
      recordOf(raw, path, lineNo, opts);
      const first = lineOfQuery.get(record.queryId);
      if (first !== undefined) throw new InputError(path, lineNo, "query_id", `query id ${JSON.stringify(record.queryId)} is also on line ${first}`);
      lineOfQuery.set(record.queryId, lineNo);
      yield kdTrainLine(record);
    }
  }
  await writeLinesAtomic(path, lines());
}
