/** Loading qrels whatever their format: TREC (`qid iter docid rel`) or BEIR tsv (with header). */
import { isBeirQrelsHeader, readBeirQrelsBlocks } from "./beir-qrels.js";
import { InputError } from "./input-error.js";
import { LineBlocks } from "./lines.js";
import { collectQrels } from "./qrels-record.js";
import { readTrecQrelsBlocks } from "./trec-qrels.js";
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
  const blocks = new LineBlocks(path);
  try {
    const first = await blocks.firstNonBlankLine();
    return first !== undefined && isBeirQrelsHeader(first.line) ? "beir" : "trec";
  } finally {
    await blocks.close();
  }
}

/**
 * Loads a qrels file (plain or gzip; a file, a pipe, or `-` for standard input, read once) into a
 * {@link Qrels}: qid -> docid -> integer grade. A grade outside -127..127, an id with whitespace,
 * a duplicate (qid, docid), or a file without any judgment throws an {@link InputError}.
 */
export async function loadQrels(path: string, options: LoadQrelsOptions = {}): Promise<Qrels> {
  const requested = options.format ?? "auto";
  const blocks = new LineBlocks(path);
  const first = await blocks.firstNonBlankLine();
  const format = requested !== "auto" ? requested : first !== undefined && isBeirQrelsHeader(first.line) ? "beir" : "trec";
  const qrels =
    format === "beir"
      ? await collectQrels(path, readBeirQrelsBlocks(blocks), "corpus-id")
      : await collectQrels(path, readTrecQrelsBlocks(blocks), "docid");
  if (qrels.size === 0) throw new InputError(path, undefined, undefined, "no judgments: the qrels file is empty");
  return qrels;
}
