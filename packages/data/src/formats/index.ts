/**
 * File formats: streaming readers, fast loaders and atomic writers for TREC and MS MARCO runs,
 * TREC and BEIR qrels, id-text topics/collections and BEIR jsonl. Gzip input is detected by its
 * magic bytes; writers gzip when the path ends in `.gz`. See docs/formats.md.
 *
 * Also importable alone as `@i3/data/formats`, without the tokenizers and tables (a faster start
 * for tools that only read files, such as `i3 eval`).
 */
export type { PackedRun, Qrels, Run } from "../types.js";
export { InputError } from "./input-error.js";
export { readBytes, isGzipPath, hasGzipMagic, STDIN_PATH } from "./input.js";
export { readLines, mapLines, readByteBlocks, decodeBlock, firstNonBlankLine, LineBlocks, type NumberedLine } from "./lines.js";
export {
  scanColumns,
  scanColumnBatches,
  scanByteColumns,
  column,
  byteColumn,
  parsePlainDecimal,
  parseUnsignedInteger,
  type ScannedRow,
  type ByteRow,
  type ScanOptions,
} from "./column-scanner.js";
export { MIN_GRADE, MAX_GRADE, parseGrade, parseScore, isPlainId } from "./fields.js";
export { writeLinesAtomic } from "./atomic-write.js";
// docs/formats.md documents `writeFileAtomic` and `removeStaleTemps` as part of this package:
// they are @i3/core's, re-exported.
export { writeFileAtomic, removeStaleTemps } from "@i3/core";
export { flattenBatches } from "./flatten.js";
export { compareRunEntries, rankDocuments } from "./run-order.js";
export {
  readTrecRun,
  loadTrecRun,
  loadTrecRunPacked,
  writeTrecRun,
  TREC_RUN_COLUMNS,
  type RunRecord,
  type WriteTrecRunOptions,
} from "./trec-run.js";
export {
  readMsMarcoRun,
  loadMsMarcoRun,
  loadRankedRun,
  writeMsMarcoRun,
  MSMARCO_RUN_COLUMNS,
  type MsMarcoRunRecord,
} from "./msmarco-run.js";
export { loadRun, loadRunAndFormat, loadRunForEvaluation, detectRunFormat, type RunFormat, type LoadRunOptions } from "./run.js";
export { type QrelsRecord } from "./qrels-record.js";
export { readTrecQrels, writeTrecQrels, TREC_QRELS_COLUMNS } from "./trec-qrels.js";
export { readBeirQrels, writeBeirQrels, BEIR_QRELS_HEADER } from "./beir-qrels.js";
export { loadQrels, detectQrelsFormat, type QrelsFormat, type LoadQrelsOptions } from "./qrels.js";
export { readIdText, writeIdText, type IdText } from "./id-text.js";
export {
  readBeirCorpus,
  readBeirQueries,
  readJsonLines,
  writeBeirCorpus,
  writeBeirQueries,
  type JsonLine,
} from "./beir-jsonl.js";
export { loadQueries, detectQueriesFormat, type QueriesFormat } from "./queries.js";
