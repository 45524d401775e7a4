/**
 * Teacher (d): scores computed anywhere else, in a `qid docid score` file (one pair a line,
 * whitespace- or tab-separated, blank lines skipped; gzip read transparently). Validation, each
 * failure an `InputError` naming file:line:field: not 3 columns, an empty id, a score that is not
 * a finite decimal number, a (qid, docid) pair given twice, and, when id sets are given, an
 * unknown qid or docid. Scoring a pair the file lacks is an error unless `missing` gives a score.
 */
import { sha256File } from "@i3/core";
import { InputError, mapLines, type Passage, type Query } from "@i3/data";
import type { IdSet } from "../kd/kd-train-jsonl.js";
import { checkTeacherScores, type Teacher } from "./teacher.js";

/** Options of {@link readScoreFile} and {@link scoreFileTeacher}. */
export interface ScoreFileOptions {
  /** Known query ids: any other is an error. */
  queryIds?: IdSet;
  /** Known doc ids: any other is an error. */
  docIds?: IdSet;
}

const COLUMNS = ["qid", "docid", "score"] as const;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Reads a `qid docid score` file into qid -> docid -> score (validated; see the module comment). */
export async function readScoreFile(path: string, opts: ScoreFileOptions = {}): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  const lineOf = new Map<string, number>();
  const rows = mapLines(path, (line, lineNo) => {
    const trimmed = line.trim();
    if (trimmed === "") return undefined;
    const fields = trimmed.split(/[ \t]+/);
    if (fields.length !== COLUMNS.length) {
      throw new InputError(path, lineNo, undefined, `expected 3 whitespace-separated columns (${COLUMNS.join(" ")}), found ${fields.length}`);
    }
    const [qid, docid, text] = fields as [string, string, string];
    if (opts.queryIds !== undefined && !opts.queryIds.has(qid)) throw new InputError(path, lineNo, "qid", `unknown query id ${JSON.stringify(qid)}`);
    if (opts.docIds !== undefined && !opts.docIds.has(docid)) throw new InputError(path, lineNo, "docid", `unknown doc id ${JSON.stringify(docid)}`);
    const score = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(score)) throw new InputError(path, lineNo, "score", `${JSON.stringify(text)} is not a finite number`);
    const key = `${qid}\u0000${docid}`;
    const first = lineOf.get(key);
    if (first !== undefined) throw new InputError(path, lineNo, "docid", `pair (${qid}, ${docid}) is also on line ${first}`);
    lineOf.set(key, lineNo);
    return { qid, docid, score };
  });
  for await (const { qid, docid, score } of rows) {
    let m = out.get(qid);
    if (m === undefined) out.set(qid, (m = new Map()));
    m.set(docid, score);
  }
  return out;
}

/** Options of {@link scoreFileTeacher}. */
export interface ScoreFileTeacherOptions extends ScoreFileOptions {
  /** Score of a pair the file lacks; absent = such a pair is an error. */
  missing?: number;
}

/** A teacher that looks scores up in a `qid docid score` file; its identity is the file's sha256. */
export async function scoreFileTeacher(path: string, opts: ScoreFileTeacherOptions = {}): Promise<Teacher> {
  if (opts.missing !== undefined && !Number.isFinite(opts.missing)) throw new RangeError(`scoreFileTeacher: missing must be a finite number, got ${opts.missing}`);
  const scores = await readScoreFile(path, opts);
  const sha256 = await sha256File(path);
  return {
    kind: "scores",
    identity: { kind: "scores", sha256, missing: opts.missing ?? null },
    async score(query: Query, passages: readonly Passage[]): Promise<number[]> {
      const row = scores.get(query.id);
      const out = passages.map((p) => {
        const s = row?.get(p.id) ?? opts.missing;
        if (s === undefined) throw new Error(`${path}: no score for query ${JSON.stringify(query.id)} and doc ${JSON.stringify(p.id)} (set missing to score absent pairs)`);
        return s;
      });
      return checkTeacherScores("scores", query, passages, out);
    },
    async dispose() {},
  };
}
