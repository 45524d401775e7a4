/**
 * Opening input files as byte streams, transparently gunzipping gzip files. Gzip is detected by
 * the magic bytes `1f 8b`, not the name: a gzip file without `.gz` works, and so does a plain
 * (or empty) file that happens to be named `.gz`. Input is read once, front to back, so pipes
 * and standard input (`-`) work too.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip, type Gunzip } from "node:zlib";
import { InputError } from "./input-error.js";

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
/** Read size for input files: large chunks keep per-chunk overhead negligible. */
export const INPUT_CHUNK_BYTES = 1 << 20;

/** True when the file starts with the gzip magic bytes (false for empty or short files). */
export async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  } finally {
    await handle.close();
  }
}

/**
 * The size in bytes of `path` when it is a regular file that is not gzip (the number of bytes a
 * reader will see); undefined for standard input, pipes, gzip files and paths that cannot be read.
 */
export async function plainFileSize(path: string): Promise<number | undefined> {
  if (STDIN_NAMES.has(path)) return undefined;
  try {
    const info = await stat(path);
    return info.isFile() && !(await hasGzipMagic(path)) ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** True when `path` ends in `.gz`: writers then gzip what they write. */
export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith(".gz");
}

/** The path that means standard input (as in `trec_eval`-style tools: `i3 eval qrels -`). */
export const STDIN_PATH = "-";
/** Paths read from `process.stdin` rather than opened: `-` and the device names of fd 0 (opening those fails when stdin is a socket, as under Node's `spawn`). */
const STDIN_NAMES = new Set([STDIN_PATH, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]);

/**
 * Streams the (decompressed) bytes of `path` in chunks of about {@link INPUT_CHUNK_BYTES}.
 * `path` may be a pipe (a FIFO), or standard input: {@link STDIN_PATH} or `/dev/stdin`. The
 * input is read once, front to back, and gzip is detected from its first two bytes, not by seeking.
 * A missing file, or corrupt or truncated gzip data, throws an {@link InputError}.
 */
export async function* readBytes(path: string): AsyncGenerator<Buffer> {
  const raw: Readable = STDIN_NAMES.has(path) ? process.stdin : createReadStream(path, { highWaterMark: INPUT_CHUNK_BYTES });
  const source = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer = Buffer.alloc(0);
  try {
    while (head.length < 2) {
      const next = await source.next();
      if (next.done) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
  } catch (err) {
    if (raw !== process.stdin) raw.destroy();
    throw new InputError(path, undefined, undefined, `cannot open: ${(err as Error).message}`);
  }
  const gzip = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  }
  let stream: AsyncIterable<Buffer> = rest();
  let gunzip: Gunzip | undefined;
  if (gzip) {
    const compressed = Readable.from(rest(), { objectMode: false });
    const unzip = createGunzip({ chunkSize: INPUT_CHUNK_BYTES });
    compressed.on("error", (err) => unzip.destroy(err));
    stream = compressed.pipe(unzip);
    gunzip = unzip;
  }
  try {
    for await (const chunk of stream) yield chunk;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const what = gzip ? "cannot read gzip data" : "cannot read";
    throw new InputError(path, undefined, undefined, `${what}: ${(err as Error).message}`);
  } finally {
    gunzip?.destroy();
    if (raw !== process.stdin) raw.destroy();
  }
}
