/** Checks of option values that commander's parsers cannot make (they need the file system). */
import { stat } from "node:fs/promises";

/** Throws, naming the flag, when `path` exists but is not a folder (a missing folder is created later). */
export async function checkFolderOption(flag: string, path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const info = await stat(path).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new Error(`${flag} ${path}: not a folder`);
}

/** Throws, naming the flag, when `path` is an existing folder (an output file must not be one). */
export async function checkFileOption(flag: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new Error(`${flag} ${path}: is a folder, expected a file path`);
}
