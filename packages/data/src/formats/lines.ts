/**
 * The shared line reader for every text format. Input (plain or gzip) is read in large chunks,
 * cut at newline bytes into blocks of whole lines, validated as UTF-8 and decoded one block at a
 * time, so memory stays constant. `\n` and `\r\n` endings are accepted; the terminator is not
 * part of the line; a final line without a newline is still read; a UTF-8 byte order mark is
 * dropped. Invalid UTF-8 is an {@link InputError}.
 */
import { isUtf8 } from "node:buffer";
import { InputError } from "./inputError.js";
import { readBytes } from "./input.js";

/** One line of a text file, without its terminator, with its 1-based line number. */
export interface NumberedLine {
  line: string;
  lineNo: number;
}

const NEWLINE = 10;

/**
 * Streams `path` (plain or gzip) as byte blocks of whole lines: each block holds one or more
 * complete lines separated by `\n`, without the final terminator, and the next block starts
 * at the next line. Fast parsers scan these directly (see columnScanner.ts).
 */
export async function* readByteBlocks(path: string): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of readBytes(path)) {
    let bytes = chunk;
    if (first && bytes.length > 0) {
      first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const end = bytes.lastIndexOf(NEWLINE);
    if (end < 0) {
      carry = carry === undefined ? bytes : Buffer.concat([carry, bytes]);
      continue;
    }
    yield carry === undefined ? bytes.subarray(0, end) : Buffer.concat([carry, bytes.subarray(0, end)]);
    carry = end + 1 < bytes.length ? bytes.subarray(end + 1) : undefined;
  }
  if (carry !== undefined && carry.length > 0) yield carry;
}

/**
 * Decodes a block of whole lines whose first line is `firstLineNo`; invalid UTF-8 throws an
 * {@link InputError} naming the line that holds the first bad byte.
 */
export function decodeBlock(bytes: Buffer, path: string, firstLineNo: number): string {
  if (isUtf8(bytes)) return bytes.toString("utf8");
  let lineNo = firstLineNo;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === NEWLINE) {
      if (!isUtf8(bytes.subarray(lineStart, i))) break;
      lineNo++;
      lineStart = i + 1;
    }
  }
  throw new InputError(path, lineNo, undefined, "invalid UTF-8");
}

/** Streams `path` (plain or gzip) line by line, in constant memory. Empty lines are yielded too. */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  let lineNo = 1;
  for await (const bytes of readByteBlocks(path)) {
    const text = decodeBlock(bytes, path, lineNo);
    let start = 0;
    while (true) {
      const nl = text.indexOf("\n", start);
      const end = nl < 0 ? text.length : nl;
      yield { line: stripCarriageReturn(text, start, end), lineNo };
      lineNo++;
      if (nl < 0) break;
      start = nl + 1;
    }
  }
}

/** The first line of `path` that is not blank, or undefined when there is none. */
export async function firstNonBlankLine(path: string): Promise<NumberedLine | undefined> {
  for await (const entry of readLines(path)) {
    if (entry.line.trim() !== "") return entry;
  }
  return undefined;
}

/** `text.slice(start, end)` without a trailing `\r`. */
export function stripCarriageReturn(text: string, start: number, end: number): string {
  return end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
}
