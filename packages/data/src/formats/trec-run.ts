/**
 * TREC run files: `qid Q0 docid rank score tag`, six whitespace-separated columns, e.g.
 * `1048585 Q0 7187158 1 18.62 bm25`. The `Q0` column is ignored; so is `rank` when evaluating
 * (order comes from the scores, see run-order.ts); so are fields after the tag, as in trec_eval
 * ("Any field following run_id is ignored", `get_trec_results.c`). A docid listed twice for one
 * query is an error.
 */
import {
  byteColumn,
  column,
  parsePlainDecimal,
  parseUnsignedInteger,
  scanColumnBatches,
  scanByteColumns,
  scanColumns,
  type ByteRow,
  type ScannedRow,
} from "./column-scanner.js";
import { checkToken, parseScore } from "./fields.js";
import { flattenBatches } from "./flatten.js";
import { LineBlocks } from "./lines.js";
import { plainFileSize } from "./input.js";
import { InputError, quote } from "./input-error.js";
import { PackedRunBuilder } from "./packed-run-builder.js";
import { RunBuilder } from "./run-builder.js";
import { rankDocuments } from "./run-order.js";
import { writeLinesAtomic } from "./atomic-write.js";
import type { PackedRun, Run } from "../types.js";

/** Column names of a TREC run line, in file order. */
export const TREC_RUN_COLUMNS = ["qid", "Q0", "docid", "rank", "score", "tag"] as const;

/** One line of a TREC run. */
export interface RunRecord {
  qid: string;
  docid: string;
  rank: number;
  score: number;
  tag: string;
}

/**
 * Streams the lines of a TREC run (plain or gzip) in file order, in bounded memory (records are
 * parsed one ~1 MiB block at a time). Blank lines are skipped; a malformed line throws an
 * {@link InputError}. Duplicates are not checked here (that needs memory): {@link loadTrecRun}
 * checks them.
 */
export function readTrecRun(path: string): AsyncGenerator<RunRecord, void, undefined> {
  return readTrecRunBlocks(new LineBlocks(path));
}

/** {@link readTrecRun} on an opened input. */
export function readTrecRunBlocks(input: LineBlocks): AsyncGenerator<RunRecord, void, undefined> {
  const path = input.path;
  const toRecord = (row: ScannedRow): RunRecord => ({
    qid: column(row, 0),
    docid: column(row, 2),
    rank: rowRank(row, row.codes, path, column),
    score: rowScore(row, row.codes, path, column),
    tag: column(row, 5),
  });
  return flattenBatches(scanColumnBatches(input, TREC_RUN_COLUMNS, toRecord, { ignoreExtraColumns: true }));
}

/**
 * Loads a whole TREC run into a {@link Run} (qid -> docid -> score), fast: it scans raw text
 * blocks without splitting lines (7M lines in about 3 s, see docs/formats.md). The rank must be
 * an integer but is otherwise ignored. A duplicate (qid, docid) throws an {@link InputError} on
 * field `docid`.
 */
export async function loadTrecRun(path: string): Promise<Run> {
  return loadTrecRunBlocks(new LineBlocks(path));
}

/** {@link loadTrecRun} on an opened input. */
export async function loadTrecRunBlocks(input: LineBlocks): Promise<Run> {
  const path = input.path;
  const builder = new RunBuilder(path, 0, 2, "docid");
  const onRow = (row: ScannedRow) => {
    rowRank(row, row.codes, path, column);
    builder.add(row, rowScore(row, row.codes, path, column));
  };
  await scanColumns(input, TREC_RUN_COLUMNS, onRow, { ignoreExtraColumns: true });
  return builder.run;
}

/**
 * Loads a whole TREC run packed into typed arrays ({@link PackedRun}): no string or Map per
 * line, so a 7M-line run loads in a fraction of {@link loadTrecRun}'s time and memory; give it to
 * `@i3/metrics`' `evaluate` as is. Same rules as {@link loadTrecRun}: the rank must be an integer
 * (otherwise ignored), the score a finite decimal, fields after the tag are ignored, and a
 * duplicate (qid, docid) throws an {@link InputError} on field `docid`, naming its line.
 */
export async function loadTrecRunPacked(path: string): Promise<PackedRun> {
  return loadTrecRunPackedBlocks(new LineBlocks(path));
}

/** {@link loadTrecRunPacked} on an opened input. */
export async function loadTrecRunPackedBlocks(input: LineBlocks): Promise<PackedRun> {
  const path = input.path;
  const size = await plainFileSize(path);
  // A TREC line takes at least 12 bytes (6 one-character fields, 5 separators, a newline).
  const builder = new PackedRunBuilder(path, "docid", size === undefined ? undefined : { rows: Math.ceil(size / 12), idBytes: size });
  const onRow = (row: ByteRow) => {
    rowRank(row, row.bytes, path, byteColumn);
    const score = rowScore(row, row.bytes, path, byteColumn);
    builder.add(row.bytes, row.start[0]!, row.end[0]!, row.start[2]!, row.end[2]!, score, row.lineNo);
  };
  await scanByteColumns(input, TREC_RUN_COLUMNS, onRow, { ignoreExtraColumns: true });
  return builder.finish();
}

/** What the column parsers need of a row, decoded ({@link ScannedRow}) or not ({@link ByteRow}). */
interface Row {
  start: Int32Array;
  end: Int32Array;
  lineNo: number;
}

/**
 * The score column (4) of a TREC run row whose code units are `codes`; throws unless it is a
 * finite decimal ({@link parseScore}). `text` gives a column's text for the slow path.
 */
function rowScore<R extends Row>(row: R, codes: Uint8Array | Uint16Array, path: string, text: (row: R, i: number) => string): number {
  const score = parsePlainDecimal(codes, row.start[4]!, row.end[4]!);
  return Number.isNaN(score) ? parseScore(text(row, 4), "score", path, row.lineNo) : score;
}

/** The rank column (3) of a TREC run row; throws unless it is an integer (any sign). */
function rowRank<R extends Row>(row: R, codes: Uint8Array | Uint16Array, path: string, text: (row: R, i: number) => string): number {
  let s = row.start[3]!;
  const sign = codes[s];
  if (sign === 45 || sign === 43) s++;
  const magnitude = parseUnsignedInteger(codes, s, row.end[3]!);
  if (magnitude < 0) throw new InputError(path, row.lineNo, "rank", `${quote(text(row, 3))} is not an integer`);
  return sign === 45 ? -magnitude : magnitude;
}

/** Options of {@link writeTrecRun}. */
export interface WriteTrecRunOptions {
  /** Run tag in the last column (no whitespace). Default `"i3"`. */
  tag?: string;
}

/**
 * Writes `run` as a TREC run, atomically (gzip when `path` ends in `.gz`). Queries appear in the
 * map's order; within a query, documents are sorted by score descending, ties by docid
 * descending, and ranked 1..n. Scores are written in shortest round-trip form, so reading the
 * file back gives the same numbers; a score that is not finite (NaN, ±Infinity) is refused, as
 * readers refuse it.
 */
export async function writeTrecRun(path: string, run: Run, options: WriteTrecRunOptions = {}): Promise<void> {
  const tag = options.tag ?? "i3";
  if (tag === "" || /[\s]/.test(tag)) throw new Error(`writeTrecRun: tag ${quote(tag)} must be non-empty without whitespace`);
  await writeLinesAtomic(path, trecRunLines(run, tag));
}

function* trecRunLines(run: Run, tag: string): Generator<string> {
  for (const [qid, docs] of run) {
    checkToken(qid, "qid");
    let rank = 0;
    for (const [docid, score] of rankDocuments(docs)) {
      checkToken(docid, "docid");
      if (!Number.isFinite(score)) throw new Error(`writeTrecRun: query ${quote(qid)} doc ${quote(docid)}: score ${score} is not finite`);
      yield `${qid} Q0 ${docid} ${++rank} ${formatScore(score)} ${tag}`;
    }
  }
}

/** A score in the shortest form that parses back to the same number (`-0` included). */
export function formatScore(score: number): string {
  return Object.is(score, -0) ? "-0" : String(score);
}
