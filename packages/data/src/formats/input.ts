/**
 * Opening input files as byte streams, transparently gunzipping gzip files. Gzip is detected by
 * the magic bytes `1f 8b`, not the name: a gzip file without `.gz` works, and so does a plain
 * (or empty) file that happens to be named `.gz`.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InputError } from "./inputError.js";

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

/** True when `path` ends in `.gz`: writers then gzip what they write. */
export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith(".gz");
}

/**
 * Streams the (decompressed) bytes of `path` in chunks of about {@link INPUT_CHUNK_BYTES}.
 * A missing file, or corrupt or truncated gzip data, throws an {@link InputError}.
 */
export async function* readBytes(path: string): AsyncGenerator<Buffer> {
  let gzip: boolean;
  try {
    gzip = await hasGzipMagic(path);
  } catch (err) {
    throw new InputError(path, undefined, undefined, `cannot open: ${(err as Error).message}`);
  }
  const raw = createReadStream(path, { highWaterMark: INPUT_CHUNK_BYTES });
  let stream: Readable = raw;
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: INPUT_CHUNK_BYTES });
    raw.on("error", (err) => gunzip.destroy(err));
    stream = raw.pipe(gunzip);
  }
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const what = gzip ? "cannot read gzip data" : "cannot read";
    throw new InputError(path, undefined, undefined, `${what}: ${(err as Error).message}`);
  } finally {
    raw.destroy();
    stream.destroy();
  }
}
