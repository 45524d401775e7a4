/**
 * The cached default collection: built at first use into `<datasetsDir>/default`, rebuilt only
 * when missing or when the builder version or the source package version changed. The build
 * goes into a temp folder that is renamed into place, so readers never see a partial copy.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { announceCacheWrite, writeDirAtomic } from "@i3/core";
import { DATASETS_DIR_HINT } from "../paths.js";
import { buildDefaultCollection } from "./build-default.js";
import { locateSource, readHamMessages, type SourceInfo } from "./source.js";
import { DEFAULT_BUILDER_VERSION, writeDefaultCollection, type DefaultStatsFile } from "./write-default.js";

/** Reads `<dir>/stats.json`, or undefined when it is missing or unreadable. */
export async function readDefaultStats(dir: string): Promise<DefaultStatsFile | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, "stats.json"), "utf8")) as DefaultStatsFile;
  } catch {
    return undefined;
  }
}

function isCurrent(stats: DefaultStatsFile | undefined, source: SourceInfo): boolean {
  return stats !== undefined && stats.builderVersion === DEFAULT_BUILDER_VERSION && stats.source?.version === source.version;
}

/**
 * Builds the default collection into `outDir` (which must not exist yet), atomically: the files
 * are written to a sibling temp folder that is renamed to `outDir` at the end.
 */
export async function buildDefaultCollectionInto(outDir: string): Promise<DefaultStatsFile> {
  const source = await locateSource();
  const messages = await readHamMessages(source);
  const data = buildDefaultCollection(messages);
  // replace: false, so a concurrent build that finished first keeps its copy (see below).
  return writeDirAtomic(outDir, (temp) => writeDefaultCollection(temp, data, source), { replace: false });
}

/**
 * Returns the folder of an up-to-date default collection under `datasetsDir`, building it
 * first when needed (the first build of a process prints where it writes: `announceCacheWrite`).
 * Safe against a concurrent build: whoever renames first wins, the other copy is discarded.
 */
export async function ensureDefaultCollection(datasetsDir: string): Promise<string> {
  const dir = path.join(path.resolve(datasetsDir), "default");
  const source = await locateSource();
  if (isCurrent(await readDefaultStats(dir), source)) return dir;
  if (await exists(dir)) {
    // Move the outdated copy aside first (rename is atomic), then build a fresh one.
    const trash = `${dir}.old.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      await rename(dir, trash);
      await rm(trash, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  announceCacheWrite("datasets", path.dirname(dir), DATASETS_DIR_HINT);
  try {
    await buildDefaultCollectionInto(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Another process finished first: use its copy if it is current.
    if ((code === "ENOTEMPTY" || code === "EEXIST") && isCurrent(await readDefaultStats(dir), source)) return dir;
    throw err;
  }
  return dir;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
