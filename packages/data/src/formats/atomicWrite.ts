/**
 * Atomic file writes: data goes to a temporary file in the target's folder, is flushed to disk,
 * then renamed over the target, so readers never see a half-written file. Parent folders are
 * created as needed. Temporary files that a killed writer of the same target left behind are
 * removed first (staleTemps.ts).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { isGzipPath } from "./input.js";
import { removeStaleTemps, tempNameFor } from "./staleTemps.js";

/** Lines are buffered into pieces of about this many characters before each write. */
const WRITE_BATCH_CHARS = 1 << 16;

/** A unique temporary path next to `path` (same folder, so the final rename is atomic). */
function tempPathFor(path: string): string {
  return join(dirname(path), tempNameFor(path, "tmp", randomBytes(4).toString("hex")));
}

/** Runs `write(tempPath)`, fsyncs the temp file and renames it to `path`; removes it on failure. */
async function replaceAtomically(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await removeStaleTemps(path);
  const temp = tempPathFor(path);
  try {
    await write(temp);
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Writes `data` to `path` atomically, byte for byte (no compression, whatever the suffix; use
 * {@link writeLinesAtomic} for text that should be gzipped on `.gz`).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await replaceAtomically(path, async (temp) => {
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  });
}

/**
 * Streams `lines` to `path` atomically, each followed by `\n`, in constant memory; gzip when
 * `path` ends in `.gz`. Lines must not contain newlines (format writers check their fields).
 * If `lines` throws, the target is left untouched.
 */
export async function writeLinesAtomic(path: string, lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  await replaceAtomically(path, async (temp) => {
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
