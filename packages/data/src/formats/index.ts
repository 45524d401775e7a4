/**
 * File formats: streaming readers, fast loaders and atomic writers for TREC and MS MARCO runs,
 * TREC and BEIR qrels, id-text topics/collections and BEIR jsonl. Gzip input is detected by its
 * magic bytes; writers gzip when the path ends in `.gz`. See docs/formats.md.
 */
export { InputError } from "./inputError.js";
export { readBytes, isGzipPath, hasGzipMagic, STDIN_PATH } from "./input.js";
export { readLines, mapLines, readByteBlocks, decodeBlock, firstNonBlankLine, LineBlocks, type NumberedLine } from "./lines.js";
export {
  scanColumns,
  scanColumnBatches,
  column,
  parsePlainDecimal,
  parseUnsignedInteger,
  type ScannedRow,
  type ScanOptions,
} from "./columnScanner.js";
export { MIN_GRADE, MAX_GRADE, parseGrade, parseScore, isPlainId } from "./fields.js";
export { writeLinesAtomic } from "./atomicWrite.js";
// docs/formats.md documents `writeFileAtomic` and `removeStaleTemps` as part of this package:
// they are @i3/core's, re-exported.
export { writeFileAtomic, removeStaleTemps } from "@i3/core";
export { flattenBatches } from "./flatten.js";
export { compareRunEntries, rankDocuments } from "./runOrder.js";
export {
  readTrecRun,
  loadTrecRun,
  writeTrecRun,
  TREC_RUN_COLUMNS,
  type RunRecord,
  type WriteTrecRunOptions,
} from "./trecRun.js";
export {
  readMsMarcoRun,
  loadMsMarcoRun,
  loadRankedRun,
  writeMsMarcoRun,
  MSMARCO_RUN_COLUMNS,
  type MsMarcoRunRecord,
} from "./msmarcoRun.js";
export { loadRun, loadRunAndFormat, detectRunFormat, type RunFormat, type LoadRunOptions } from "./run.js";
export { type QrelsRecord } from "./qrelsRecord.js";
export { readTrecQrels, writeTrecQrels, TREC_QRELS_COLUMNS } from "./trecQrels.js";
export { readBeirQrels, writeBeirQrels, BEIR_QRELS_HEADER } from "./beirQrels.js";
export { loadQrels, detectQrelsFormat, type QrelsFormat, type LoadQrelsOptions } from "./qrels.js";
export { readIdText, writeIdText, type IdText } from "./idText.js";
export {
  readBeirCorpus,
  readBeirQueries,
  readJsonLines,
  writeBeirCorpus,
  writeBeirQueries,
  type JsonLine,
} from "./beirJsonl.js";
export { loadQueries, detectQueriesFormat, type QueriesFormat } from "./queries.js";
