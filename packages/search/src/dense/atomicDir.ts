/**
 * Atomic folder writes: everything goes to a temporary sibling folder, files are fsynced, then
 * the folder is renamed into place (an existing target is moved aside first and removed after),
 * so readers never see a half-written index.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** Runs `write(tempDir)` and moves the folder to `dir`; on failure the temp folder is removed. */
export async function writeDirAtomic<T>(dir: string, write: (tempDir: string) => Promise<T>): Promise<T> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString("hex")}`;
  const temp = join(parent, `.${basename(target)}.${tag}.tmp`);
  await mkdir(temp);
  let result: T;
  try {
    result = await write(temp);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  const old = join(parent, `.${basename(target)}.${tag}.old`);
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (exists) await rename(target, old);
  try {
    await rename(temp, target);
  } catch (err) {
    if (exists) await rename(old, target);
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  if (exists) await rm(old, { recursive: true, force: true });
  return result;
}

/** Flushes a file to disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
