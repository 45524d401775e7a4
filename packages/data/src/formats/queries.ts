/** Loading a whole query (topic) file: BEIR `queries.jsonl` or `id<TAB>text`. */
import { readBeirQueries } from "./beir-jsonl.js";
import { readIdText } from "./id-text.js";
import { firstNonBlankLine } from "./lines.js";
import type { Query } from "../types.js";

/** The query file formats. */
export type QueriesFormat = "tsv" | "jsonl";

/** Detects a query file's format: a first non-blank line starting with `{` means JSON lines, else tsv. */
export async function detectQueriesFormat(path: string): Promise<QueriesFormat> {
  const first = await firstNonBlankLine(path);
  return first !== undefined && first.line.trimStart().startsWith("{") ? "jsonl" : "tsv";
}

/**
 * Loads all queries of a file (plain or gzip) in file order, detecting BEIR jsonl vs
 * `id<TAB>text`. A query id that appears twice, is empty or holds whitespace throws an
 * {@link InputError} (the readers check it).
 */
export async function loadQueries(path: string): Promise<Query[]> {
  const format = await detectQueriesFormat(path);
  const source = format === "jsonl" ? readBeirQueries(path) : readIdText(path);
  const queries: Query[] = [];
  for await (const { id, text } of source) queries.push({ id, text });
  return queries;
}
