/** Loading a whole query (topic) file: BEIR `queries.jsonl` or `id<TAB>text`. */
import { readBeirQueriesNumbered } from "./beirJsonl.js";
import { readIdTextNumbered } from "./idText.js";
import { InputError, quote } from "./inputError.js";
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
 * `id<TAB>text`. A query id that appears twice throws an {@link InputError}.
 */
export async function loadQueries(path: string): Promise<Query[]> {
  const format = await detectQueriesFormat(path);
  const source = format === "jsonl" ? readBeirQueriesNumbered(path) : readIdTextNumbered(path);
  const queries: Query[] = [];
  const seen = new Set<string>();
  for await (const { record, lineNo } of source) {
    const { id, text } = record;
    if (seen.has(id)) {
      throw new InputError(path, lineNo, format === "jsonl" ? "_id" : "id", `duplicate query id ${quote(id)}`);
    }
    seen.add(id);
    queries.push({ id, text });
  }
  return queries;
}
