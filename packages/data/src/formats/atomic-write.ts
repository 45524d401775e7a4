/**
 * Atomic line writers: text streams to a temporary file in the target's folder (gzipped when
 * the target ends in `.gz`), is flushed to disk, then renamed over the target, so readers never
 * see a half-written file. The temp-then-rename mechanics (with the removal of temps a killed
 * writer of the same target left) are `@i3/core`'s `replaceFileAtomic`; whole-buffer writes are
 * `@i3/core`'s `writeFileAtomic`.
 */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { replaceFileAtomic } from "@i3/core";
import { isGzipPath } from "./input.js";

/** Lines are buffered into pieces of about this many characters before each write. */
const WRITE_BATCH_CHARS = 1 << 16;

/**
 * Streams `lines` to `path` atomically, each followed by `\n`, in constant memory; gzip when
 * `path` ends in `.gz`. Lines must not contain newlines (format writers check their fields).
 * If `lines` throws, the target is left untouched.
 */
export async function writeLinesAtomic(path: string, lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  await replaceFileAtomic(path, async (temp) => {
    const source = Readable.from(batchLines(lines), { objectMode: false });
    const out = createWriteStream(temp, { flags: "wx" });
    if (isGzipPath(path)) await pipeline(source, createGzip(), out);
    else await pipeline(source, out);
  });
}

async function* batchLines(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  let batch = "";
  for await (const line of lines) {
    batch += line + "\n";
    if (batch.length >= WRITE_BATCH_CHARS) {
      yield batch;
      batch = "";
    }
  }
  if (batch.length > 0) yield batch;
}
