/**
 * Field splitting and value parsing shared by the text-format readers (every failure is an
 * {@link InputError} naming the file, line and field), and the checks writers make before
 * putting a value into a column.
 */
import { InputError, quote } from "./input-error.js";

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

/** Parses a (possibly negative) integer written in decimal digits. */
export function parseInteger(value: string, field: string, file: string, lineNo: number): number {
  if (!INTEGER.test(value)) throw new InputError(file, lineNo, field, `${quote(value)} is not an integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InputError(file, lineNo, field, `${quote(value)} is out of range`);
  return n;
}

/**
 * Smallest and largest relevance grade a qrels file may hold: trec_eval's documented range
 * ("rel, an integer between -127 and 127", trec_eval 9.0.x `get_qrels.c`). trec_eval itself
 * allocates an array of max-grade entries per query, so a larger grade (typically a score or an
 * id in the wrong column) is a mistake, not a finer scale. Negative grades mean "judged as
 * unjudged" to trec_eval and are kept.
 */
export const MIN_GRADE = -127;
/** See {@link MIN_GRADE}. */
export const MAX_GRADE = 127;

/** Parses a relevance grade: an integer in {@link MIN_GRADE}..{@link MAX_GRADE}. */
export function parseGrade(value: string, field: string, file: string, lineNo: number): number {
  const grade = parseInteger(value, field, file, lineNo);
  if (grade < MIN_GRADE || grade > MAX_GRADE) {
    throw new InputError(
      file,
      lineNo,
      field,
      `grade ${grade} is outside ${MIN_GRADE}..${MAX_GRADE} (trec_eval's documented range); is a score or an id in the grade column?`,
    );
  }
  return grade;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a run score. The one rule wherever runs are read: a finite decimal number, i.e. the
 * decimal subset of what trec_eval's `atof` reads (optional sign, digits with an optional
 * fraction, optional exponent: `12`, `-0.5`, `.5`, `3.`, `1.5e-3`), read to the nearest double as
 * `atof` does. Refused, although `atof` would read something: `inf`, `Infinity`, `nan`, hex
 * (`0x10`), values that overflow a double (`1e400`), and trailing text (`1.5abc`, which `atof`
 * silently reads as 1.5).
 */
export function parseScore(value: string, field: string, file: string, lineNo: number): number {
  if (!DECIMAL.test(value)) {
    throw new InputError(file, lineNo, field, `${quote(value)} is not a number (a finite decimal such as 12, -0.5 or 1.5e-3)`);
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InputError(file, lineNo, field, `${quote(value)} is out of range (it overflows a double)`);
  return n;
}

const WHITESPACE = /\s/;

/** True when `id` can be an id in every format: non-empty, without whitespace (any Unicode space). */
export function isPlainId(id: string): boolean {
  return id !== "" && !WHITESPACE.test(id);
}

/**
 * Returns `id`, or throws an {@link InputError} when it is empty or contains whitespace: such an
 * id could not be written into a whitespace-separated TREC run or qrels file (the writers check
 * the same rule, {@link checkToken}), so it is refused where it is read, with its line.
 */
export function checkId(id: string, field: string, file: string, lineNo: number): string {
  if (id === "") throw new InputError(file, lineNo, field, "is empty");
  if (WHITESPACE.test(id)) {
    throw new InputError(file, lineNo, field, `id ${quote(id)} contains whitespace (ids must be whitespace-free to fit TREC run and qrels columns)`);
  }
  return id;
}

/**
 * The ids of one file seen so far, to refuse a repeated one with both lines. Keeps one Map entry
 * per id (tens of bytes each: 8.8M MS MARCO passages cost a few hundred MB, about what an index
 * of them holds anyway).
 */
export class UniqueIds {
  private readonly firstLine = new Map<string, number>();

  /** `field` names the id field in messages, e.g. `_id`. */
  constructor(
    private readonly file: string,
    private readonly field: string,
  ) {}

  /** Records `id` read on `lineNo`; throws an {@link InputError} when it was read before. */
  add(id: string, lineNo: number): void {
    const before = this.firstLine.get(id);
    if (before !== undefined) {
      throw new InputError(this.file, lineNo, this.field, `duplicate id ${quote(id)} (first on line ${before})`);
    }
    this.firstLine.set(id, lineNo);
  }
}

/** Throws unless `value` is non-empty. */
export function requireNonEmpty(value: string, field: string, file: string, lineNo: number): string {
  if (value === "") throw new InputError(file, lineNo, field, "is empty");
  return value;
}

/** Throws when an id cannot be written into a whitespace-separated column. */
export function checkToken(value: string, field: string): void {
  if (!isPlainId(value)) {
    throw new Error(`${field} ${quote(value)} cannot be written: it is empty or contains whitespace`);
  }
}

/** Throws when a value cannot be written into a tab-separated column. */
export function checkTabFree(value: string, field: string): void {
  if (value === "" || /[\t\r\n]/.test(value)) {
    throw new Error(`${field} ${quote(value)} cannot be written: it is empty or contains a tab or newline`);
  }
}

/** Throws unless a grade to be written is an integer in {@link MIN_GRADE}..{@link MAX_GRADE} (what readers accept). */
export function checkGrade(rel: number, qid: string, docid: string): void {
  if (!Number.isSafeInteger(rel)) throw new Error(`qrels: query "${qid}" doc "${docid}": grade ${rel} is not an integer`);
  if (rel < MIN_GRADE || rel > MAX_GRADE) {
    throw new Error(`qrels: query "${qid}" doc "${docid}": grade ${rel} is outside ${MIN_GRADE}..${MAX_GRADE}`);
  }
}
