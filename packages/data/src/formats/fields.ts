/**
 * Field splitting and value parsing shared by the text-format readers (every failure is an
 * {@link InputError} naming the file, line and field), and the checks writers make before
 * putting a value into a column.
 */
import { InputError, quote } from "./inputError.js";

const BLANK = /^[ \t\r]*$/;
const EDGE_SPACE = /^[ \t\r]+|[ \t\r]+$/g;
const COLUMN_SEPARATOR = /[ \t\r]+/;

/**
 * True when `line` holds only spaces and tabs; blank lines carry no data and are skipped by
 * every reader. (Column separators are spaces and tabs.)
 */
export function isBlank(line: string): boolean {
  return BLANK.test(line);
}

/**
 * Splits a whitespace-separated line (spaces and/or tabs) into exactly `names.length` fields,
 * or throws naming the expected layout, e.g. `expected 6 columns (qid Q0 docid rank score tag)`.
 */
export function splitColumns(line: string, names: readonly string[], file: string, lineNo: number): string[] {
  const fields = line.replace(EDGE_SPACE, "").split(COLUMN_SEPARATOR);
  if (fields.length !== names.length) {
    throw new InputError(
      file,
      lineNo,
      undefined,
      `expected ${names.length} whitespace-separated columns (${names.join(" ")}), found ${fields.length}: ${quote(line)}`,
    );
  }
  return fields;
}

/** Splits a tab-separated line into exactly `names.length` fields (a field may be empty). */
export function splitTabs(line: string, names: readonly string[], file: string, lineNo: number): string[] {
  const fields = line.split("\t");
  if (fields.length !== names.length) {
    throw new InputError(
      file,
      lineNo,
      undefined,
      `expected ${names.length} tab-separated columns (${names.join(" ")}), found ${fields.length}: ${quote(line)}`,
    );
  }
  return fields;
}

const INTEGER = /^[+-]?\d+$/;

/** Parses a (possibly negative) integer written in decimal digits, e.g. a relevance grade. */
export function parseInteger(value: string, field: string, file: string, lineNo: number): number {
  if (!INTEGER.test(value)) throw new InputError(file, lineNo, field, `${quote(value)} is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InputError(file, lineNo, field, `${quote(value)} is out of range`);
  return n;
}

/** Throws unless `value` is non-empty. */
export function requireNonEmpty(value: string, field: string, file: string, lineNo: number): string {
  if (value === "") throw new InputError(file, lineNo, field, "is empty");
  return value;
}

/** Throws when an id cannot be written into a whitespace-separated column. */
export function checkToken(value: string, field: string): void {
  if (value === "" || /[\s]/.test(value)) {
    throw new Error(`${field} ${quote(value)} cannot be written: it is empty or contains whitespace`);
  }
}

/** Throws when a value cannot be written into a tab-separated column. */
export function checkTabFree(value: string, field: string): void {
  if (value === "" || /[\t\r\n]/.test(value)) {
    throw new Error(`${field} ${quote(value)} cannot be written: it is empty or contains a tab or newline`);
  }
}

/** Throws unless a grade to be written is an integer. */
export function checkGrade(rel: number, qid: string, docid: string): void {
  if (!Number.isSafeInteger(rel)) throw new Error(`qrels: query "${qid}" doc "${docid}": grade ${rel} is not an integer`);
}
