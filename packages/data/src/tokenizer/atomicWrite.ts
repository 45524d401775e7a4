/**
 * Atomic replacement of a file written by a caller-supplied function (the token cache streams
 * several sections): write a temp file next to the target, then rename. Whole-buffer writes use
 * `writeFileAtomic` from ../formats.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A unique temporary path in the folder of `file` (same file system, so rename is atomic). */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Runs `write(tempPath)` then renames the temp file over `file`, so readers never see a
 * half-written file; the temp file is removed on failure. Parent folders are created.
 */
export async function replaceFileAtomically(file: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = tempPathFor(file);
  try {
    await write(temp);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
