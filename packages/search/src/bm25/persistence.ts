/**
 * Saving and loading an {@link InvertedIndex} as a folder:
 *
 *   manifest.json        format name and version, analyzer settings, counts, statistics, source
 *   docids.json          JSON array of document ids, by document number
 *   terms.json           JSON array of terms, by term number
 *   offsets.u32          Uint32 little-endian, numTerms + 1 posting-list boundaries
 *   postings-docs.u32    Uint32 little-endian, numPostings document numbers
 *   postings-freqs.u32   Uint32 little-endian, numPostings term frequencies
 *   doc-lengths.u32      Uint32 little-endian, numDocs exact document lengths
 *
 * The folder is written under a temporary name next to the target and renamed into place, so a
 * reader never sees a half-written index (an existing index at the target is replaced). Temp
 * folders that a killed earlier save left beside the target are removed at the next save.
 */
import { endianness } from "node:os";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeDirAtomic, writeFileFlushed } from "@i3/core";
import { validateAnalyzerSettings } from "../analysis/index.js";
import { termIdMap, type InvertedIndex } from "./inverted-index.js";

/** Format name written to and required in `manifest.json`. */
export const INDEX_FORMAT = "i3-bm25-index";
/** Current format version; loading another version is an error. */
export const INDEX_FORMAT_VERSION = 1;

/** Contents of `manifest.json`. */
export interface IndexManifest {
  readonly format: typeof INDEX_FORMAT;
  readonly version: number;
  readonly byteOrder: "little";
  readonly analyzer: InvertedIndex["analyzer"];
  readonly numDocs: number;
  readonly numTerms: number;
  readonly numPostings: number;
  readonly docCount: number;
  readonly sumTotalTermFreq: number;
  /** Free-form description of what was indexed, e.g. `{ collection: "beir/scifact" }`. */
  readonly source: Record<string, string | number>;
  readonly createdAt: string;
}

const FILES = {
  manifest: "manifest.json",
  docIds: "docids.json",
  terms: "terms.json",
  offsets: "offsets.u32",
  postingDocs: "postings-docs.u32",
  postingFreqs: "postings-freqs.u32",
  docLengths: "doc-lengths.u32",
} as const;

function assertLittleEndian(): void {
  if (endianness() !== "LE") throw new Error("BM25 index files are little-endian; this machine is big-endian");
}

function bytesOf(array: Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes `index` to folder `dir` atomically (temp folder + rename; replaces an existing index).
 * `source` is recorded in the manifest to tell indexes apart (e.g. the collection name).
 */
export async function saveIndex(
  index: InvertedIndex,
  dir: string,
  source: Record<string, string | number> = {},
): Promise<IndexManifest> {
  assertLittleEndian();
  const manifest: IndexManifest = {
    format: INDEX_FORMAT,
    version: INDEX_FORMAT_VERSION,
    byteOrder: "little",
    analyzer: index.analyzer,
    numDocs: index.docIds.length,
    numTerms: index.terms.length,
    numPostings: index.postingDocs.length,
    docCount: index.docCount,
    sumTotalTermFreq: index.sumTotalTermFreq,
    source,
    createdAt: new Date().toISOString(),
  };
  await writeDirAtomic(dir, async (temp) => {
    await writeFileFlushed(join(temp, FILES.docIds), JSON.stringify(index.docIds));
    await writeFileFlushed(join(temp, FILES.terms), JSON.stringify(index.terms));
    await writeFileFlushed(join(temp, FILES.offsets), bytesOf(index.offsets));
    await writeFileFlushed(join(temp, FILES.postingDocs), bytesOf(index.postingDocs));
    await writeFileFlushed(join(temp, FILES.postingFreqs), bytesOf(index.postingFreqs));
    await writeFileFlushed(join(temp, FILES.docLengths), bytesOf(index.docLengths));
    // The manifest goes last: a folder with a manifest is complete.
    await writeFileFlushed(join(temp, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return manifest;
}

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function countField(manifest: Record<string, unknown>, field: string, path: string): number {
  const value = manifest[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    fail(path, `field "${field}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Reads and validates `manifest.json` of an index folder. */
export async function readIndexManifest(dir: string): Promise<IndexManifest> {
  const path = join(dir, FILES.manifest);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    fail(path, `cannot read manifest (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null) fail(path, "manifest must be a JSON object");
  const m = raw as Record<string, unknown>;
  if (m.format !== INDEX_FORMAT) fail(path, `field "format" must be "${INDEX_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== INDEX_FORMAT_VERSION) {
    fail(path, `field "version" is ${JSON.stringify(m.version)}; this code reads version ${INDEX_FORMAT_VERSION} (rebuild the index)`);
  }
  if (m.byteOrder !== "little") fail(path, `field "byteOrder" must be "little"`);
  const source = m.source ?? {};
  if (typeof source !== "object" || source === null || Array.isArray(source)) fail(path, `field "source" must be an object`);
  return {
    format: INDEX_FORMAT,
    version: INDEX_FORMAT_VERSION,
    byteOrder: "little",
    analyzer: validateAnalyzerSettings(m.analyzer, `${path}: field "analyzer"`),
    numDocs: countField(m, "numDocs", path),
    numTerms: countField(m, "numTerms", path),
    numPostings: countField(m, "numPostings", path),
    docCount: countField(m, "docCount", path),
    sumTotalTermFreq: countField(m, "sumTotalTermFreq", path),
    source: source as Record<string, string | number>,
    createdAt: typeof m.createdAt === "string" ? m.createdAt : "",
  };
}

async function readUint32s(path: string, expected: number, field: string): Promise<Uint32Array> {
  const bytes = await readFile(path).catch((err: Error) => fail(path, `cannot read (${err.message})`));
  if (bytes.byteLength !== expected * 4) {
    fail(path, `expected ${expected} uint32 values (manifest "${field}"), found ${bytes.byteLength} bytes`);
  }
  const out = new Uint32Array(expected);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

async function readStringArray(path: string, expected: number, field: string): Promise<string[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    fail(path, `cannot read JSON array (${(err as Error).message})`);
  }
  if (!Array.isArray(raw) || raw.length !== expected || !raw.every((x) => typeof x === "string")) {
    fail(path, `expected a JSON array of ${expected} strings (manifest "${field}")`);
  }
  return raw as string[];
}

/** Loads an index saved by {@link saveIndex}, checking every file against the manifest. */
export async function loadIndex(dir: string): Promise<InvertedIndex> {
  assertLittleEndian();
  const m = await readIndexManifest(dir);
  const docIds = await readStringArray(join(dir, FILES.docIds), m.numDocs, "numDocs");
  const terms = await readStringArray(join(dir, FILES.terms), m.numTerms, "numTerms");
  const offsets = await readUint32s(join(dir, FILES.offsets), m.numTerms + 1, "numTerms");
  const postingDocs = await readUint32s(join(dir, FILES.postingDocs), m.numPostings, "numPostings");
  const postingFreqs = await readUint32s(join(dir, FILES.postingFreqs), m.numPostings, "numPostings");
  const docLengths = await readUint32s(join(dir, FILES.docLengths), m.numDocs, "numDocs");
  const offsetsPath = join(dir, FILES.offsets);
  if (offsets[0] !== 0 || offsets[m.numTerms] !== m.numPostings) {
    fail(offsetsPath, `posting boundaries must start at 0 and end at numPostings (${m.numPostings})`);
  }
  for (let t = 0; t < m.numTerms; t++) {
    if (offsets[t + 1]! < offsets[t]!) fail(offsetsPath, `boundaries decrease at term ${t}`);
  }
  for (let p = 0; p < postingDocs.length; p++) {
    if (postingDocs[p]! >= m.numDocs) fail(join(dir, FILES.postingDocs), `posting ${p} names document ${postingDocs[p]} >= numDocs`);
  }
  return {
    analyzer: m.analyzer,
    docIds,
    terms,
    termIds: termIdMap(terms, join(dir, FILES.terms)),
    offsets,
    postingDocs,
    postingFreqs,
    docLengths,
    docCount: m.docCount,
    sumTotalTermFreq: m.sumTotalTermFreq,
  };
}
