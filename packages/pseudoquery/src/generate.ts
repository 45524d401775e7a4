/**
 * `generatePseudoQueries`: one pseudo-query text per passage of a collection, from a
 * {@link PseudoQuerySource}, cached on disk as `<cacheDir>/<source>/generated.tsv` (the I3
 * reference's format, see cache/generatedTsv.ts) with its sidecar `generated.json` (source,
 * params, seed, collection fingerprint; see cache/sidecar.ts). A matching cache is read back;
 * a stale or missing one is rebuilt (the sidecar is removed first, then the TSV and the sidecar
 * are each written atomically, so a crash never leaves a cache that looks valid).
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Collection } from "@i3/data";
import { readGeneratedTsv, writeGeneratedTsv } from "./cache/generated-tsv.js";
import { readSidecar, sidecarMatches, writeSidecar, type CacheKey } from "./cache/sidecar.js";
import { oneLine } from "./text.js";
import type { PseudoQuerySource } from "./types.js";

/** A progress report of {@link generatePseudoQueries}. */
export interface GenerateProgress {
  source: string;
  /** `cached`: read from the cache; `generating`: passages consumed so far; `done`: finished. */
  phase: "cached" | "generating" | "done";
  /** Passages consumed (generating) or texts available (cached, done). */
  done: number;
}

/** Options of {@link generatePseudoQueries}. */
export interface GeneratePseudoQueriesOptions {
  /** Cache folder (one per collection is clearest); no caching when absent. */
  cacheDir?: string;
  /** Run seed for sampling sources. Default 0. */
  seed?: number;
  onProgress?: (progress: GenerateProgress) => void;
  /** Report every this many passages while generating. Default 1000. */
  progressEvery?: number;
}

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/u;

/** Paths of a source's cache inside `cacheDir`. */
export function cachePaths(cacheDir: string, sourceName: string): { tsv: string; sidecar: string } {
  const dir = join(cacheDir, sourceName);
  return { tsv: join(dir, "generated.tsv"), sidecar: join(dir, "generated.json") };
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * pid -> pseudo-query for every passage of `collection` that `source` covers, in corpus order,
 * from the cache when it matches (source name, params, seed, collection fingerprint), else
 * generated and cached. Texts are one line (whitespace collapsed).
 */
export async function generatePseudoQueries(
  collection: Collection,
  source: PseudoQuerySource,
  options: GeneratePseudoQueriesOptions = {},
): Promise<Map<string, string>> {
  if (!SOURCE_NAME.test(source.name)) throw new Error(`generatePseudoQueries: source name ${JSON.stringify(source.name)} must match ${SOURCE_NAME}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`generatePseudoQueries: seed must be a safe integer, got ${seed}`);
  const every = options.progressEvery ?? 1000;
  const report = options.onProgress ?? (() => {});

  let key: CacheKey | undefined;
  let paths: { tsv: string; sidecar: string } | undefined;
  if (options.cacheDir !== undefined) {
    key = {
      source: source.name,
      params: source.params,
      seed,
      collection: { name: collection.name, fingerprint: await collection.fingerprint() },
    };
    paths = cachePaths(options.cacheDir, source.name);
    const sidecar = await readSidecar(paths.sidecar);
    if (sidecar !== undefined && sidecarMatches(sidecar, key) && (await exists(paths.tsv))) {
      const cached = await readGeneratedTsv(paths.tsv);
      if (cached.size === sidecar.count) {
        report({ source: source.name, phase: "cached", done: cached.size });
        return cached;
      }
    }
    await rm(paths.sidecar, { force: true });
  }

  const out = new Map<string, string>();
  let lastReported = 0;
  const onProgress = (done: number) => {
    if (done - lastReported >= every) {
      lastReported = done;
      report({ source: source.name, phase: "generating", done });
    }
  };
  for await (const [pid, text] of source.generate(collection.corpus(), { seed, onProgress })) {
    if (out.has(pid)) throw new Error(`generatePseudoQueries: source "${source.name}" produced pid ${JSON.stringify(pid)} twice`);
    out.set(pid, oneLine(text));
  }
  if (paths !== undefined && key !== undefined) {
    await writeGeneratedTsv(paths.tsv, out);
    await writeSidecar(paths.sidecar, key, out.size);
  }
  report({ source: source.name, phase: "done", done: out.size });
  return out;
}
