/**
 * Loading a run whatever its format: TREC (`qid Q0 docid rank score tag`) or MS MARCO
 * (`qid<TAB>pid<TAB>rank`, scores become -rank).
 */
import { InputError, quote } from "./inputError.js";
import { firstNonBlankLine } from "./lines.js";
import { loadMsMarcoRun } from "./msmarcoRun.js";
import { loadTrecRun } from "./trecRun.js";
import type { Run } from "../types.js";

/** The run file formats. */
export type RunFormat = "trec" | "msmarco";

/** Options of {@link loadRun}. */
export interface LoadRunOptions {
  /** File format; `"auto"` (default) uses {@link detectRunFormat}. */
  format?: RunFormat | "auto";
}

/**
 * Detects a run's format from its first non-blank line: 6 columns -> `"trec"`, 3 columns ->
 * `"msmarco"` (columns separated by tabs or spaces). Anything else, or an empty file, throws an
 * {@link InputError}.
 */
export async function detectRunFormat(path: string): Promise<RunFormat> {
  const first = await firstNonBlankLine(path);
  if (first === undefined) throw new InputError(path, undefined, undefined, "empty run file: cannot detect its format");
  const columns = first.line.trim().split(/[ \t]+/).length;
  if (columns === 6) return "trec";
  if (columns === 3) return "msmarco";
  throw new InputError(
    path,
    first.lineNo,
    undefined,
    `unknown run format: expected 6 columns (TREC: qid Q0 docid rank score tag) or 3 (MS MARCO: qid pid rank), found ${columns}: ${quote(first.line)}`,
  );
}

/**
 * Loads a run file (plain or gzip) into a {@link Run}: qid -> docid -> score. An MS MARCO run
 * gets score = -rank. An empty file is an empty run only with an explicit format.
 */
export async function loadRun(path: string, options: LoadRunOptions = {}): Promise<Run> {
  const requested = options.format ?? "auto";
  const format = requested === "auto" ? await detectRunFormat(path) : requested;
  return format === "trec" ? loadTrecRun(path) : loadMsMarcoRun(path);
}
