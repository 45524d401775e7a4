/**
 * What qrels readers yield, and how judgments are collected into a {@link Qrels} map (shared by
 * the TREC and BEIR qrels formats).
 */
import { InputError, quote } from "./input-error.js";
import type { Qrels } from "../types.js";

/** One relevance judgment, with the line it came from. */
export interface QrelsRecord {
  qid: string;
  docid: string;
  rel: number;
  lineNo: number;
}

/**
 * Collects judgments into a {@link Qrels}; a second judgment for the same (qid, docid) throws
 * an {@link InputError} naming `path`, its line and field `docidField`.
 */
export async function collectQrels(
  path: string,
  records: AsyncIterable<QrelsRecord>,
  docidField: string,
): Promise<Qrels> {
  const qrels: Qrels = new Map();
  for await (const { qid, docid, rel, lineNo } of records) {
    let docs = qrels.get(qid);
    if (docs === undefined) qrels.set(qid, (docs = new Map()));
    if (docs.has(docid)) {
      throw new InputError(path, lineNo, docidField, `duplicate judgment of document ${quote(docid)} for query ${quote(qid)}`);
    }
    docs.set(docid, rel);
  }
  return qrels;
}
