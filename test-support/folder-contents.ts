/**
 * A folder's files as comparable values, for tests that check two writers (or a resumed and an
 * uninterrupted one) produced the same files: name -> bytes (base64), `manifest.json` parsed and
 * written back without its `createdAt` (the one field that differs between runs).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** Every file of `dir` (sorted by name): name -> contents. */
export async function folderContents(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const bytes = await readFile(join(dir, name));
    if (name === "manifest.json") {
      const m = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
      delete m.createdAt;
      out.set(name, JSON.stringify(m));
    } else out.set(name, bytes.toString("base64"));
  }
  return out;
}
