/**
 * TREC qrels: `qid iter docid rel`, four whitespace-separated columns, e.g. `1048585 0 7187158 1`
 * (the official MS MARCO qrels are the same, tab-separated). `iter` is ignored; `rel` must be an
 * integer in -127..127 (trec_eval's documented range, {@link MAX_GRADE}; 0 and negative grades
 * are allowed). Ids cannot hold whitespace (any Unicode space).
 */
import { checkGrade, checkId, checkToken, isBlank, parseGrade, splitColumns } from "./fields.js";
import { LineBlocks, mapLines } from "./lines.js";
import { writeLinesAtomic } from "./atomic-write.js";
import type { QrelsRecord } from "./qrels-record.js";
import type { Qrels } from "../types.js";

/** Column names of a TREC qrels line, in file order. */
export const TREC_QRELS_COLUMNS = ["qid", "iter", "docid", "rel"] as const;

/** Streams the judgments of a TREC qrels file (plain or gzip) in file order; blank lines are skipped. */
export function readTrecQrels(path: string): AsyncGenerator<QrelsRecord, void, undefined> {
  return readTrecQrelsBlocks(new LineBlocks(path));
}

/** {@link readTrecQrels} on an opened input. */
export function readTrecQrelsBlocks(input: LineBlocks): AsyncGenerator<QrelsRecord, void, undefined> {
  const path = input.path;
  return mapLines(input, (line, lineNo) => {
    if (isBlank(line)) return undefined;
    const [qid, , docid, rel] = splitColumns(line, TREC_QRELS_COLUMNS, path, lineNo) as [string, string, string, string];
    return {
      qid: checkId(qid, "qid", path, lineNo),
      docid: checkId(docid, "docid", path, lineNo),
      rel: parseGrade(rel, "rel", path, lineNo),
      lineNo,
    };
  });
}

/** Writes `qrels` as TREC qrels (`qid 0 docid rel`), atomically (gzip on `.gz`), in map order. */
export async function writeTrecQrels(path: string, qrels: Qrels): Promise<void> {
  await writeLinesAtomic(path, trecQrelsLines(qrels));
}

function* trecQrelsLines(qrels: Qrels): Generator<string> {
  for (const [qid, docs] of qrels) {
    checkToken(qid, "qid");
    for (const [docid, rel] of docs) {
      checkToken(docid, "docid");
      checkGrade(rel, qid, docid);
      yield `${qid} 0 ${docid} ${rel}`;
    }
  }
}
