/**
 * BEIR qrels: a tab-separated file with the header `query-id<TAB>corpus-id<TAB>score`, then one
 * judgment per line, e.g. `1	31715818	1`. The score must be an integer in -127..127 (as TREC
 * qrels); ids must be non-empty without whitespace. The header is recognised (and required to be
 * exact) when the first non-blank line starts with `query-id`.
 */
import { checkGrade, checkId, checkToken, isBlank, parseGrade, splitTabs } from "./fields.js";
import { InputError, quote } from "./input-error.js";
import { LineBlocks, mapLines } from "./lines.js";
import { writeLinesAtomic } from "./atomic-write.js";
import type { QrelsRecord } from "./qrels-record.js";
import type { Qrels } from "../types.js";

/** Column names of a BEIR qrels file, as in its header. */
export const BEIR_QRELS_COLUMNS = ["query-id", "corpus-id", "score"] as const;
/** The header line of a BEIR qrels file. */
export const BEIR_QRELS_HEADER = BEIR_QRELS_COLUMNS.join("\t");

/** True when `line` looks like the header of a BEIR qrels file. */
export function isBeirQrelsHeader(line: string): boolean {
  return line.trimStart().startsWith("query-id");
}

/** Streams the judgments of a BEIR qrels file (plain or gzip), skipping its header and blank lines. */
export function readBeirQrels(path: string): AsyncGenerator<QrelsRecord, void, undefined> {
  return readBeirQrelsBlocks(new LineBlocks(path));
}

/** {@link readBeirQrels} on an opened input. */
export function readBeirQrelsBlocks(input: LineBlocks): AsyncGenerator<QrelsRecord, void, undefined> {
  const path = input.path;
  let first = true;
  return mapLines(input, (line, lineNo) => {
    if (isBlank(line)) return undefined;
    if (first) {
      first = false;
      if (isBeirQrelsHeader(line)) {
        if (line.trim() !== BEIR_QRELS_HEADER) {
          throw new InputError(path, lineNo, undefined, `bad header ${quote(line)}, expected ${quote(BEIR_QRELS_HEADER)}`);
        }
        return undefined;
      }
    }
    const [qid, docid, rel] = splitTabs(line, BEIR_QRELS_COLUMNS, path, lineNo) as [string, string, string];
    return {
      qid: checkId(qid, "query-id", path, lineNo),
      docid: checkId(docid, "corpus-id", path, lineNo),
      rel: parseGrade(rel.trim(), "score", path, lineNo),
      lineNo,
    };
  });
}

/** Writes `qrels` as BEIR qrels (header, then `qid<TAB>docid<TAB>score`), atomically, in map order. */
export async function writeBeirQrels(path: string, qrels: Qrels): Promise<void> {
  await writeLinesAtomic(path, beirQrelsLines(qrels));
}

function* beirQrelsLines(qrels: Qrels): Generator<string> {
  yield BEIR_QRELS_HEADER;
  for (const [qid, docs] of qrels) {
    checkToken(qid, "query-id");
    for (const [docid, rel] of docs) {
      checkToken(docid, "corpus-id");
      checkGrade(rel, qid, docid);
      yield `${qid}\t${docid}\t${rel}`;
    }
  }
}
