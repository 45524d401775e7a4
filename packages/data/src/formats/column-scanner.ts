/**
 * The fast path for big whitespace-separated files (runs with millions of lines): scans blocks of
 * whole lines code unit by code unit, finds the column boundaries without splitting lines, and
 * hands each row's offsets to a callback. Columns are separated by spaces and/or tabs; blank lines
 * are skipped; a line with the wrong number of columns is an {@link InputError}.
 */
import { InputError, quote } from "./input-error.js";
import { isUtf8 } from "node:buffer";
import { decodeBlock, LineBlocks } from "./lines.js";

/**
 * One row: column `i` is `text.slice(start[i], end[i])`, and `codes` holds the code units of
 * `text` (the raw bytes when the block is ASCII), for parsing numbers without making strings.
 * The object is reused between rows; copy what you keep.
 */
export interface ScannedRow {
  text: string;
  codes: Uint8Array | Uint16Array;
  start: Int32Array;
  end: Int32Array;
  lineNo: number;
}

/**
 * One row as raw bytes (the file's UTF-8, never decoded): column `i` is
 * `bytes[start[i], end[i])`. The object is reused between rows; copy what you keep.
 */
export interface ByteRow {
  bytes: Buffer;
  start: Int32Array;
  end: Int32Array;
  lineNo: number;
}

/** Column `i` of a scanned row as a string. */
export function column(row: ScannedRow, i: number): string {
  return row.text.slice(row.start[i], row.end[i]);
}

/** Options of {@link scanColumns} and {@link scanColumnBatches}. */
export interface ScanOptions {
  /**
   * Accept lines with more columns than `names` and ignore the extra ones (TREC runs: trec_eval
   * ignores "any field following run_id"). Default false: the count must be exact.
   */
  ignoreExtraColumns?: boolean;
}

/**
 * Calls `onRow` for every non-blank line of `input` (a path, plain or gzip, or an opened
 * {@link LineBlocks}), which must have exactly `names.length` whitespace-separated columns
 * (at least that many with `ignoreExtraColumns`). `names` label the columns in error messages.
 */
export async function scanColumns(
  input: string | LineBlocks,
  names: readonly string[],
  onRow: (row: ScannedRow) => void,
  options: ScanOptions = {},
): Promise<void> {
  const blocks = typeof input === "string" ? new LineBlocks(input) : input;
  const row = emptyRow(names.length);
  for await (const bytes of blocks) scanBytes(row, bytes, names, blocks.path, options, onRow);
}

/**
 * Like {@link scanColumns}, but converts each row with `toRecord` and yields the records one
 * block (about 1 MiB of input) at a time: streaming in bounded memory without paying a
 * generator step per line.
 */
export async function* scanColumnBatches<T>(
  input: string | LineBlocks,
  names: readonly string[],
  toRecord: (row: ScannedRow) => T,
  options: ScanOptions = {},
): AsyncGenerator<T[]> {
  const blocks = typeof input === "string" ? new LineBlocks(input) : input;
  const row = emptyRow(names.length);
  for await (const bytes of blocks) {
    const batch: T[] = [];
    scanBytes(row, bytes, names, blocks.path, options, (r) => batch.push(toRecord(r)));
    yield batch;
  }
}

/** Column `i` of a byte row, decoded (for messages and the rare slow path). */
export function byteColumn(row: ByteRow, i: number): string {
  return row.bytes.toString("utf8", row.start[i], row.end[i]);
}

/**
 * Like {@link scanColumns}, without decoding: `onRow` sees each row's bytes ({@link ByteRow}),
 * so a parser can keep ids as bytes and make no string per line. Input must still be valid
 * UTF-8 (an {@link InputError} names the line otherwise).
 */
export async function scanByteColumns(
  input: string | LineBlocks,
  names: readonly string[],
  onRow: (row: ByteRow) => void,
  options: ScanOptions = {},
): Promise<void> {
  const blocks = typeof input === "string" ? new LineBlocks(input) : input;
  const row: ByteRow = { bytes: Buffer.alloc(0), start: new Int32Array(names.length), end: new Int32Array(names.length), lineNo: 1 };
  const ignoreExtra = options.ignoreExtraColumns ?? false;
  for await (const bytes of blocks) {
    if (!isUtf8(bytes)) decodeBlock(bytes, blocks.path, row.lineNo); // throws, naming the line
    row.bytes = bytes;
    scanBlock(row, bytes, names, blocks.path, ignoreExtra, onRow, (s, e) => bytes.toString("utf8", s, e));
  }
}

function emptyRow(numCols: number): ScannedRow {
  return { text: "", codes: new Uint8Array(0), start: new Int32Array(numCols), end: new Int32Array(numCols), lineNo: 1 };
}

function scanBytes(
  row: ScannedRow,
  bytes: Buffer,
  names: readonly string[],
  path: string,
  options: ScanOptions,
  onRow: (row: ScannedRow) => void,
): void {
  const text = decodeBlock(bytes, path, row.lineNo);
  row.text = text;
  row.codes = text.length === bytes.length ? bytes : codeUnits(text);
  scanBlock(row, row.codes, names, path, options.ignoreExtraColumns ?? false, onRow, (s, e) => text.slice(s, e));
}

/**
 * Scans the lines of `codes` starting at line `row.lineNo`, setting `row`'s column offsets for
 * each; leaves `row.lineNo` at the next block's first line. `lineText(s, e)` gives a line's text
 * for error messages.
 */
function scanBlock<R extends { start: Int32Array; end: Int32Array; lineNo: number }>(
  row: R,
  codes: Uint8Array | Uint16Array,
  names: readonly string[],
  path: string,
  ignoreExtra: boolean,
  onRow: (row: R) => void,
  lineText: (s: number, e: number) => string,
): void {
  const { start, end } = row;
  const numCols = names.length;
  const n = codes.length;
  let lineNo = row.lineNo;
  let pos = 0;
  while (pos <= n) {
    const lineStart = pos;
    let col = 0;
    while (pos < n) {
      let c = codes[pos]!;
      // Separators and the line end are all <= 32, so one comparison settles most characters.
      if (c <= 32 && (c === 32 || c === 9 || c === 13 || c === 10)) {
        if (c === 10) break;
        pos++;
        continue;
      }
      const s = pos;
      for (pos++; pos < n; pos++) {
        c = codes[pos]!;
        if (c <= 32 && (c === 32 || c === 9 || c === 13 || c === 10)) break;
      }
      if (col < numCols) {
        start[col] = s;
        end[col] = pos;
      }
      col++;
    }
    if (col === numCols || (col > numCols && ignoreExtra)) {
      row.lineNo = lineNo;
      onRow(row);
    } else if (col !== 0) {
      const line = lineText(lineStart, pos).replace(/\r$/, "");
      const expected = ignoreExtra
        ? `at least ${numCols} whitespace-separated columns (${names.join(" ")}; later fields are ignored)`
        : `${numCols} whitespace-separated columns (${names.join(" ")})`;
      throw new InputError(path, lineNo, undefined, `expected ${expected}, found ${col}: ${quote(line)}`);
    }
    pos++;
    lineNo++;
  }
  row.lineNo = lineNo;
}

function codeUnits(text: string): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses the decimal number in `codes[s, e)` exactly like `Number()` when it has the plain form
 * `[+-]digits[.digits]` with at most 2^53 as mantissa and at most 22 fraction digits (then
 * mantissa / 10^k is correctly rounded). Returns NaN for anything else, so callers fall back
 * to the full parser on the text (`parseScore` for run scores).
 */
export function parsePlainDecimal(codes: Uint8Array | Uint16Array, s: number, e: number): number {
  let i = s;
  let negative = false;
  const sign = codes[i];
  if (sign === 45) {
    negative = true;
    i++;
  } else if (sign === 43) i++;
  let mantissa = 0;
  let fractionDigits = 0;
  let digits = 0;
  let dot = false;
  for (; i < e; i++) {
    const c = codes[i]!;
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) fractionDigits++;
    } else if (c === 46 && !dot) dot = true;
    else return Number.NaN;
  }
  if (digits === 0 || mantissa > Number.MAX_SAFE_INTEGER || fractionDigits > 22) return Number.NaN;
  const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
  return negative ? -value : value;
}

/** The unsigned decimal integer in `codes[s, e)`, or -1 when it is not plain digits or exceeds 2^53. */
export function parseUnsignedInteger(codes: Uint8Array | Uint16Array, s: number, e: number): number {
  if (s >= e) return -1;
  let value = 0;
  for (let i = s; i < e; i++) {
    const c = codes[i]!;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}
