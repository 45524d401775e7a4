/**
 * The cache's sidecar, `generated.json` next to `generated.tsv`: what produced the file
 * (source name, parameters, seed) and from which corpus (collection name and fingerprint). A
 * cache whose sidecar differs from the current request in any of these, or whose line count
 * differs from the sidecar's, is stale and rebuilt.
 */
import { readFile } from "node:fs/promises";
import { canonicalJson, writeFileAtomic } from "@i3/core";

/** Sidecar format tag and version. */
export const CACHE_FORMAT = "i3-pseudoquery-cache";
export const CACHE_VERSION = 1;

/** What identifies a cache's content. */
export interface CacheKey {
  source: string;
  params: Readonly<Record<string, unknown>>;
  seed: number;
  collection: { name: string; fingerprint: string };
}

/** The sidecar document. */
export interface CacheSidecar extends CacheKey {
  format: typeof CACHE_FORMAT;
  version: number;
  /** Lines in `generated.tsv`. */
  count: number;
  /** When it was written (ISO; informational, not part of the key). */
  createdAt: string;
}

/** True when `sidecar` describes a cache built for exactly `key` by this format version. */
export function sidecarMatches(sidecar: CacheSidecar, key: CacheKey): boolean {
  return (
    sidecar.format === CACHE_FORMAT &&
    sidecar.version === CACHE_VERSION &&
    sidecar.source === key.source &&
    sidecar.seed === key.seed &&
    canonicalJson(sidecar.params) === canonicalJson(key.params) &&
    canonicalJson(sidecar.collection) === canonicalJson(key.collection)
  );
}

/** Reads a sidecar; undefined when the file is missing or not a sidecar (then the cache is rebuilt). */
export async function readSidecar(path: string): Promise<CacheSidecar | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as CacheSidecar;
    return doc && doc.format === CACHE_FORMAT && typeof doc.count === "number" ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the sidecar atomically. */
export async function writeSidecar(path: string, key: CacheKey, count: number): Promise<void> {
  const doc: CacheSidecar = { format: CACHE_FORMAT, version: CACHE_VERSION, ...key, count, createdAt: new Date().toISOString() };
  await writeFileAtomic(path, JSON.stringify(doc, null, 2) + "\n");
}
