/**
 * Content hashes of files, for cache identities (collections, checkpoints, tokenizers): sha256 of
 * the bytes, streamed, and computed once per process for a file whose path, size and mtime have
 * not changed (a 440 MB bert-base checkpoint named by every run of a sweep is read once).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";

/** Hashes already computed in this process, by absolute path, size and mtime. */
const computed = new Map<string, Promise<string>>();

/** sha256 (hex) of a file's bytes, streamed and read now: for checks that must see the bytes on disk (a cache's integrity). */
export async function sha256FileUncached(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** sha256 (hex) of a file's bytes, streamed; memoised while the file's size and mtime stay. */
export async function sha256File(file: string): Promise<string> {
  const abs = path.resolve(file);
  const { size, mtimeMs } = await stat(abs);
  const key = `${abs}\0${size}\0${mtimeMs}`;
  let hash = computed.get(key);
  if (hash === undefined) {
    hash = sha256FileUncached(abs);
    computed.set(key, hash);
    hash.catch(() => computed.delete(key));
  }
  return hash;
}
