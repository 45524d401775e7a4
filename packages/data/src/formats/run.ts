/**
 * Loading a run whatever its format: TREC (`qid Q0 docid rank score tag`) or MS MARCO
 * (`qid<TAB>pid<TAB>rank`, scores become -rank).
 */
import { InputError, quote } from "./input-error.js";
import { LineBlocks, type NumberedLine } from "./lines.js";
import { loadMsMarcoRunBlocks } from "./msmarco-run.js";
import { loadTrecRunBlocks, loadTrecRunPackedBlocks } from "./trec-run.js";
import type { PackedRun, Run } from "../types.js";

/** The run file formats. */
export type RunFormat = "trec" | "msmarco";

/** Options of {@link loadRun}. */
export interface LoadRunOptions {
  /** File format; `"auto"` (default) uses {@link detectRunFormat}. */
  format?: RunFormat | "auto";
}

/**
 * Detects a run's format from its first non-blank line: 6 or more columns -> `"trec"` (trec_eval
 * ignores fields after the run tag), 3 columns -> `"msmarco"` (columns separated by tabs or
 * spaces). Anything else, or an empty file, throws an {@link InputError}.
 */
export async function detectRunFormat(path: string): Promise<RunFormat> {
  const blocks = new LineBlocks(path);
  try {
    return formatOf(path, await blocks.firstNonBlankLine());
  } finally {
    await blocks.close();
  }
}

function formatOf(path: string, first: NumberedLine | undefined): RunFormat {
  if (first === undefined) throw new InputError(path, undefined, undefined, "empty run file: cannot detect its format");
  const columns = first.line.trim().split(/[ \t]+/).length;
  if (columns >= 6) return "trec";
  if (columns === 3) return "msmarco";
  throw new InputError(
    path,
    first.lineNo,
    undefined,
    `unknown run format: expected 6 columns (TREC: qid Q0 docid rank score tag) or 3 (MS MARCO: qid pid rank), found ${columns}: ${quote(first.line)}`,
  );
}

/**
 * Loads a run file (plain or gzip; a file, a pipe, or `-` for standard input, read once) into a
 * {@link Run}: qid -> docid -> score. An MS MARCO run gets score = -rank. A file without any
 * non-blank line is an error whatever the format (trec_eval 9.0.8 refuses an empty results
 * file too: "Cannot read results file").
 */
export async function loadRun(path: string, options: LoadRunOptions = {}): Promise<Run> {
  return (await loadRunAndFormat(path, options)).run;
}

/** Like {@link loadRun}, and says which format the file had (detected or as given). */
export async function loadRunAndFormat(path: string, options: LoadRunOptions = {}): Promise<{ run: Run; format: RunFormat }> {
  const { blocks, format } = await openRun(path, options);
  const run = format === "trec" ? await loadTrecRunBlocks(blocks) : await loadMsMarcoRunBlocks(blocks, (rank) => -rank);
  return { run, format };
}

/**
 * Like {@link loadRunAndFormat}, in the fastest form for evaluation: a TREC run comes back packed
 * in typed arrays ({@link loadTrecRunPacked}; `@i3/metrics`' `evaluate` takes it as it takes a
 * Map), an MS MARCO run as a {@link Run}. Same checks and errors.
 */
export async function loadRunForEvaluation(path: string, options: LoadRunOptions = {}): Promise<{ run: Run | PackedRun; format: RunFormat }> {
  const { blocks, format } = await openRun(path, options);
  const run = format === "trec" ? await loadTrecRunPackedBlocks(blocks) : await loadMsMarcoRunBlocks(blocks, (rank) => -rank);
  return { run, format };
}

/** Opens a run and settles its format (an empty file is an error whatever the format). */
async function openRun(path: string, options: LoadRunOptions): Promise<{ blocks: LineBlocks; format: RunFormat }> {
  const requested = options.format ?? "auto";
  const blocks = new LineBlocks(path);
  const first = await blocks.firstNonBlankLine();
  if (first === undefined) {
    await blocks.close();
    throw new InputError(path, undefined, undefined, "empty run file: it has no line to evaluate");
  }
  return { blocks, format: requested === "auto" ? formatOf(path, first) : requested };
}
