/**
 * The shared line reader for every text format. Input (plain or gzip) is read in large chunks,
 * cut at newline bytes into blocks of whole lines, validated as UTF-8 and decoded one block at a
 * time, so memory stays constant. `\n` and `\r\n` endings are accepted; the terminator is not
 * part of the line; a final line without a newline is still read; a UTF-8 byte order mark is
 * dropped. Invalid UTF-8 is an {@link InputError}.
 */
import { isUtf8 } from "node:buffer";
import { InputError } from "./input-error.js";
import { flattenBatches } from "./flatten.js";
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
 * at the next line. Fast parsers scan these directly (see column-scanner.ts).
 */
export async function* readByteBlocks(path: string): AsyncGenerator<Buffer> {
  // Bytes after the last newline so far: kept as parts, joined once, so a very long line costs O(n).
  let carry: Buffer[] = [];
  let first = true;
  for await (const chunk of readBytes(path)) {
    let bytes = chunk;
    if (first && bytes.length > 0) {
      first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const end = bytes.lastIndexOf(NEWLINE);
    if (end < 0) {
      carry.push(bytes);
      continue;
    }
    if (carry.length > 0) {
      // Only the line cut by the chunk boundary is copied; the chunk's other lines are yielded in place.
      const cut = bytes.indexOf(NEWLINE);
      yield Buffer.concat([...carry, bytes.subarray(0, cut)]);
      if (end > cut) yield bytes.subarray(cut + 1, end);
    } else {
      yield bytes.subarray(0, end);
    }
    carry = end + 1 < bytes.length ? [bytes.subarray(end + 1)] : [];
  }
  const rest = Buffer.concat(carry);
  if (rest.length > 0) yield rest;
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

/**
 * Streams `path` (plain or gzip) line by line, in constant memory (one ~1 MiB block of lines at
 * a time). Empty lines are yielded too.
 */
export function readLines(path: string): AsyncGenerator<NumberedLine, void, undefined> {
  return mapLines(path, (line, lineNo) => ({ line, lineNo }));
}

/**
 * Streams `parse(line, lineNo)` for every line of `input` (a path, plain or gzip, or a
 * {@link LineBlocks} already opened on one), dropping `undefined` results (blank lines, headers).
 * Every format reader is built on this. Lines are parsed one ~1 MiB block at a time, so a parse
 * error can surface before the records preceding it in the same block have been consumed (it
 * still names the right line).
 */
export function mapLines<T>(
  input: string | LineBlocks,
  parse: (line: string, lineNo: number) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  const blocks = typeof input === "string" ? new LineBlocks(input) : input;
  return flattenBatches(parsedBlocks(blocks, parse));
}

async function* parsedBlocks<T>(blocks: LineBlocks, parse: (line: string, lineNo: number) => T | undefined): AsyncGenerator<T[]> {
  let lineNo = 1;
  for await (const bytes of blocks) {
    const text = decodeBlock(bytes, blocks.path, lineNo);
    const batch: T[] = [];
    let start = 0;
    while (true) {
      const nl = text.indexOf("\n", start);
      const end = nl < 0 ? text.length : nl;
      const record = parse(stripCarriageReturn(text, start, end), lineNo++);
      if (record !== undefined) batch.push(record);
      if (nl < 0) break;
      start = nl + 1;
    }
    yield batch;
  }
}

/**
 * The byte blocks of one input ({@link readByteBlocks}), read once: its first non-blank line can
 * be looked at (to detect a format) and the blocks read so far are then replayed to the parser,
 * so detection never opens the input a second time, and pipes and standard input work.
 * Iterate it once.
 */
export class LineBlocks implements AsyncIterable<Buffer> {
  private readonly source: AsyncIterator<Buffer>;
  private readonly buffered: Buffer[] = [];
  private ended = false;
  private first: NumberedLine | undefined;
  private looked = false;

  /** Opens `path` (a file, pipe or `-` for standard input; plain or gzip). */
  constructor(readonly path: string) {
    this.source = readByteBlocks(path);
  }

  /** The first line that is not blank, or undefined when there is none; reads only as far as that line. */
  async firstNonBlankLine(): Promise<NumberedLine | undefined> {
    if (this.looked) return this.first;
    this.looked = true;
    let lineNo = 1;
    for (let i = 0; ; i++) {
      if (i === this.buffered.length) {
        if (this.ended) return undefined;
        const next = await this.source.next();
        if (next.done) {
          this.ended = true;
          return undefined;
        }
        this.buffered.push(next.value);
      }
      const text = decodeBlock(this.buffered[i]!, this.path, lineNo);
      let start = 0;
      while (true) {
        const nl = text.indexOf("\n", start);
        const end = nl < 0 ? text.length : nl;
        const line = stripCarriageReturn(text, start, end);
        if (line.trim() !== "") return (this.first = { line, lineNo });
        lineNo++;
        if (nl < 0) break;
        start = nl + 1;
      }
    }
  }

  /** Stops reading and closes the input (needed only when the blocks are not iterated to the end). */
  async close(): Promise<void> {
    this.ended = true;
    this.buffered.length = 0;
    await this.source.return?.(undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    while (this.buffered.length > 0) yield this.buffered.shift()!;
    if (this.ended) return;
    for (let next = await this.source.next(); !next.done; next = await this.source.next()) yield next.value;
  }
}

/** The first line of `path` that is not blank, or undefined when there is none. */
export async function firstNonBlankLine(path: string): Promise<NumberedLine | undefined> {
  const blocks = new LineBlocks(path);
  try {
    return await blocks.firstNonBlankLine();
  } finally {
    await blocks.close();
  }
}

/** `text.slice(start, end)` without a trailing `\r`. */
export function stripCarriageReturn(text: string, start: number, end: number): string {
  return end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
}
