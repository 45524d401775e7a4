/**
 * MS MARCO run files: `qid<TAB>pid<TAB>rank`, e.g. `1048585	7187158	1` (the official
 * MRR@10 script's input). Columns may also be separated by spaces. There is no score: loaded as
 * a {@link Run}, a document's score is `-rank`, so score order reproduces rank order.
 * A pid listed twice for one query is an error, as in the official script; so is a rank given
 * to two pids of one query (the script would silently keep the later one).
 */
import { column, parseUnsignedInteger, scanColumnBatches, scanColumns, type ScannedRow } from "./column-scanner.js";
import { flattenBatches } from "./flatten.js";
import { LineBlocks } from "./lines.js";
import { InputError, quote } from "./input-error.js";
import { RunBuilder } from "./run-builder.js";
import { rankDocuments } from "./run-order.js";
import { checkToken } from "./fields.js";
import { writeLinesAtomic } from "./atomic-write.js";
import type { Run } from "../types.js";

/** Column names of an MS MARCO run line, in file order. */
export const MSMARCO_RUN_COLUMNS = ["qid", "pid", "rank"] as const;

/** One line of an MS MARCO run (`docid` is the passage id). */
export interface MsMarcoRunRecord {
  qid: string;
  docid: string;
  rank: number;
}

/** Streams the lines of an MS MARCO run (plain or gzip) in file order, in bounded memory. */
export function readMsMarcoRun(path: string): AsyncGenerator<MsMarcoRunRecord, void, undefined> {
  const toRecord = (row: ScannedRow): MsMarcoRunRecord => ({ qid: column(row, 0), docid: column(row, 1), rank: rowRank(row, path) });
  return flattenBatches(scanColumnBatches(path, MSMARCO_RUN_COLUMNS, toRecord));
}


/** The rank column (2) of an MS MARCO run row; throws unless it is an integer >= 1. */
function rowRank(row: ScannedRow, path: string): number {
  const rank = parseUnsignedInteger(row.codes, row.start[2]!, row.end[2]!);
  if (rank < 1) throw new InputError(path, row.lineNo, "rank", `${quote(column(row, 2))} is not a rank (an integer >= 1)`);
  return rank;
}

/**
 * Loads an MS MARCO run as qid -> pid -> rank, for the official MRR@10 (which uses the
 * submitted ranks). Ranks must be integers >= 1, distinct within a query; a duplicate
 * (qid, pid) is an error.
 */
export async function loadRankedRun(path: string): Promise<Map<string, Map<string, number>>> {
  return loadMsMarcoRunBlocks(new LineBlocks(path), (rank) => rank);
}

/** Loads an MS MARCO run as a {@link Run} with score = -rank (fast, like `loadTrecRun`); checks as {@link loadRankedRun}. */
export async function loadMsMarcoRun(path: string): Promise<Run> {
  return loadMsMarcoRunBlocks(new LineBlocks(path), (rank) => -rank);
}

/** Loads an opened MS MARCO run as qid -> pid -> value(rank). */
export async function loadMsMarcoRunBlocks(input: LineBlocks, value: (rank: number) => number): Promise<Map<string, Map<string, number>>> {
  const path = input.path;
  const builder = new RunBuilder(path, 0, 1, "pid");
  await scanColumns(input, MSMARCO_RUN_COLUMNS, (row) => {
    const rank = rowRank(row, path);
    builder.addRanked(row, rank, value(rank));
  });
  return builder.run;
}

/**
 * Writes `run` as an MS MARCO run (`qid<TAB>pid<TAB>rank`), atomically (gzip on `.gz`).
 * Documents are ranked 1..n by score descending, ties by docid descending.
 */
export async function writeMsMarcoRun(path: string, run: Run): Promise<void> {
  await writeLinesAtomic(path, msMarcoRunLines(run));
}

function* msMarcoRunLines(run: Run): Generator<string> {
  for (const [qid, docs] of run) {
    checkToken(qid, "qid");
    let rank = 0;
    for (const [docid] of rankDocuments(docs)) {
      checkToken(docid, "docid");
      yield `${qid}\t${docid}\t${++rank}`;
    }
  }
}
