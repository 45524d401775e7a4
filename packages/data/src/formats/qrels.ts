/** Loading qrels whatever their format: TREC (`qid iter docid rel`) or BEIR tsv (with header). */
import { isBeirQrelsHeader, readBeirQrels } from "./beirQrels.js";
import { firstNonBlankLine } from "./lines.js";
import { collectQrels } from "./qrelsRecord.js";
import { readTrecQrels } from "./trecQrels.js";
import type { Qrels } from "../types.js";

/** The qrels file formats. */
export type QrelsFormat = "trec" | "beir";

/** Options of {@link loadQrels}. */
export interface LoadQrelsOptions {
  /** File format; `"auto"` (default): a first line starting with `query-id` means BEIR, else TREC. */
  format?: QrelsFormat | "auto";
}

/** Detects a qrels file's format from its first non-blank line (BEIR header or not). */
export async function detectQrelsFormat(path: string): Promise<QrelsFormat> {
  const first = await firstNonBlankLine(path);
  return first !== undefined && isBeirQrelsHeader(first.line) ? "beir" : "trec";
}

/**
 * Loads a qrels file (plain or gzip) into a {@link Qrels}: qid -> docid -> integer grade.
 * A non-integer grade or a duplicate (qid, docid) throws an {@link InputError}.
 */
export async function loadQrels(path: string, options: LoadQrelsOptions = {}): Promise<Qrels> {
  const requested = options.format ?? "auto";
  const format = requested === "auto" ? await detectQrelsFormat(path) : requested;
  return format === "beir"
    ? collectQrels(path, readBeirQrels(path), "corpus-id")
    : collectQrels(path, readTrecQrels(path), "docid");
}
