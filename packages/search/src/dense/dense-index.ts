/**
 * A flat dense index in memory: passage ids plus their vectors, searched exactly by inner
 * product. Load a folder written by `encodeCorpus` with {@link DenseIndex.load}, or wrap arrays
 * with {@link DenseIndex.fromVectors}.
 */
import { open, readFile, stat } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import type { Run } from "@i3/data";
import { exactSearchWithKernel, type ExactSearchOptions } from "./exact-search.js";
import { bytesPerElement, DenseIndexError, readManifest, type DenseManifest } from "./manifest.js";
import { fromFloat16 } from "./float16.js";
import type { SearchKernelReport } from "./search-kernel.js";
import { Float16Store, Float32Store, type VectorStore } from "./vector-store.js";

/** One query's result: ids, row numbers and scores, best first. */
export interface DenseResult {
  ids: string[];
  indices: Uint32Array;
  scores: Float32Array;
}

/** Options of {@link DenseIndex.load}. */
export interface LoadDenseIndexOptions {
  /**
   * For float16 indexes: `"expand"` (default) converts to float32 once at load; `"per-block"`
   * keeps the halves (half the memory) and expands each block during search.
   */
  float16?: "expand" | "per-block";
}

/** Bytes read per `read()` call when loading vectors. */
const READ_CHUNK = 1 << 26;

/** An exact (flat) inner-product index over passage vectors. */
export class DenseIndex {
  private tieRankCache: Uint32Array | undefined;
  private lastKernelReport: SearchKernelReport | undefined;

  private constructor(
    /** Passage ids, row order. */
    readonly ids: readonly string[],
    private readonly store: VectorStore,
    /** The manifest, when loaded from a folder. */
    readonly manifest?: DenseManifest,
  ) {}

  /** Vector dimension. */
  get dim(): number {
    return this.store.dim;
  }

  /** Number of passages. */
  get count(): number {
    return this.store.count;
  }

  /** In-memory representation (`"float16"` for `float16: "per-block"` or {@link compressIndex}, `"pq"` for a product-quantised index). */
  get dtype(): VectorStore["dtype"] {
    return this.store.dtype;
  }

  /** An index over `vectors` (`[ids.length, dim]` row-major, used in place). Ids must be unique. */
  static fromVectors(ids: readonly string[], vectors: Float32Array, dim: number): DenseIndex {
    if (!Number.isSafeInteger(dim) || dim < 1) throw new RangeError(`DenseIndex: dim must be a positive integer, got ${dim}`);
    if (vectors.length !== ids.length * dim) {
      throw new RangeError(`DenseIndex: ${vectors.length} values for ${ids.length} ids x dim ${dim} (expected ${ids.length * dim})`);
    }
    checkUniqueIds(ids, "DenseIndex.fromVectors", "ids");
    return new DenseIndex(ids, new Float32Store(vectors, dim));
  }

  /** An index over any {@link VectorStore} (e.g. float16 or PQ codes, see `compressIndex`). Ids must be unique. */
  static fromStore(ids: readonly string[], store: VectorStore): DenseIndex {
    if (store.count !== ids.length) throw new RangeError(`DenseIndex: ${store.count} vectors for ${ids.length} ids`);
    checkUniqueIds(ids, "DenseIndex.fromStore", "ids");
    return new DenseIndex(ids, store);
  }

  /** Loads an index folder (see docs/dense.md); errors name the file and field at fault. */
  static async load(dir: string, options: LoadDenseIndexOptions = {}): Promise<DenseIndex> {
    if (endianness() !== "LE") throw new Error("DenseIndex.load: big-endian hosts are not supported");
    const manifest = await readManifest(dir);
    const idsPath = join(dir, manifest.files.ids);
    const vectorsPath = join(dir, manifest.files.vectors);
    const ids = await readIds(idsPath, manifest.count);
    const elements = manifest.count * manifest.dim;
    const expected = elements * bytesPerElement(manifest.dtype);
    let size: number;
    try {
      size = (await stat(vectorsPath)).size;
    } catch (err) {
      throw new DenseIndexError(vectorsPath, "(file)", `cannot read: ${(err as Error).message}`);
    }
    if (size !== expected) {
      throw new DenseIndexError(
        vectorsPath,
        "byteLength",
        `expected ${expected} bytes (count ${manifest.count} x dim ${manifest.dim} x ${bytesPerElement(manifest.dtype)} for ${manifest.dtype}, from manifest.json), found ${size}`,
      );
    }
    let store: VectorStore;
    if (manifest.dtype === "float32") {
      const data = new Float32Array(elements);
      await readInto(vectorsPath, new Uint8Array(data.buffer));
      store = new Float32Store(data, manifest.dim);
    } else {
      const bits = new Uint16Array(elements);
      await readInto(vectorsPath, new Uint8Array(bits.buffer));
      store = options.float16 === "per-block" ? new Float16Store(bits, manifest.dim) : new Float32Store(fromFloat16(bits), manifest.dim);
    }
    return new DenseIndex(ids, store, manifest);
  }

  /** Rows `start .. start+n-1` as float32 `[n, dim]` (decoded for float16 and PQ stores: a copy; float32: a view). */
  rows(start: number, n: number): Float32Array {
    if (!Number.isInteger(start) || !Number.isInteger(n) || start < 0 || n < 0 || start + n > this.count) {
      throw new RangeError(`DenseIndex.rows: rows [${start}, ${start + n}) out of range [0, ${this.count})`);
    }
    return this.store.rows(start, n, new Float32Array(n * this.dim));
  }

  /** Row `i`'s vector as float32 (a copy for float16 stores, else a view). */
  vector(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`DenseIndex.vector: row ${i} out of range [0, ${this.count})`);
    return this.store.rows(i, 1, new Float32Array(this.dim));
  }

  /** Position of each passage in ascending id order (string comparison), for the tie rule. */
  private tieRank(): Uint32Array {
    if (this.tieRankCache === undefined) {
      const ids = this.ids;
      const order = Array.from({ length: ids.length }, (_, i) => i);
      order.sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
      const rank = new Uint32Array(ids.length);
      for (let r = 0; r < order.length; r++) rank[order[r]!] = r;
      this.tieRankCache = rank;
    }
    return this.tieRankCache;
  }

  /** The kernel that ran the last {@link search} (or {@link searchToRun}); undefined before the first. */
  get lastKernel(): SearchKernelReport | undefined {
    return this.lastKernelReport;
  }

  /**
   * Exact top-k by inner product for each query of `queries` (`[nq, dim]` row-major): at most
   * `k` hits per query, score descending, equal scores by id descending (as trec_eval). The
   * kernel (`options.kernel`, default `auto`: onnxruntime when it loads) is then {@link lastKernel}.
   */
  search(queries: Float32Array, k: number, options: ExactSearchOptions = {}): DenseResult[] {
    const { hits, kernel } = exactSearchWithKernel(this.store, queries, k, this.tieRank(), options);
    this.lastKernelReport = kernel;
    return hits.map(({ indices, scores }) => ({ ids: Array.from(indices, (i) => this.ids[i]!), indices, scores }));
  }

  /** Searches and returns a {@link Run} (query id -> passage id -> score); write it with `writeTrecRun`. */
  searchToRun(queryIds: readonly string[], queryVectors: Float32Array, k: number, options: ExactSearchOptions = {}): Run {
    if (queryVectors.length !== queryIds.length * this.dim) {
      throw new RangeError(`searchToRun: ${queryVectors.length} values for ${queryIds.length} query ids x dim ${this.dim}`);
    }
    checkUniqueIds(queryIds, "searchToRun", "queryIds");
    const results = this.search(queryVectors, k, options);
    const run: Run = new Map();
    results.forEach((r, q) => {
      const docs = new Map<string, number>();
      for (let i = 0; i < r.ids.length; i++) docs.set(r.ids[i]!, r.scores[i]!);
      run.set(queryIds[q]!, docs);
    });
    return run;
  }
}

function checkUniqueIds(ids: readonly string[], where: string, field: string): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new Error(`${where}: field "${field}": duplicate id ${JSON.stringify(id)} at position ${i}`);
    seen.add(id);
  });
}

/** Reads ids.txt (one id per line, `\n`-terminated) and checks count, emptiness and duplicates. */
async function readIds(path: string, count: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new DenseIndexError(path, "(file)", `cannot read: ${(err as Error).message}`);
  }
  if (count === 0) {
    if (text !== "") throw new DenseIndexError(path, "count", `manifest.json says 0 passages but the file is not empty`);
    return [];
  }
  if (!text.endsWith("\n")) throw new DenseIndexError(path, "(file)", "truncated: the last line has no newline");
  const ids = text.slice(0, -1).split("\n");
  if (ids.length !== count) throw new DenseIndexError(path, "count", `${ids.length} lines, but manifest.json says count ${count}`);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === "") throw new DenseIndexError(`${path}:${i + 1}`, "id", "empty id");
    if (seen.has(id)) throw new DenseIndexError(`${path}:${i + 1}`, "id", `duplicate id ${JSON.stringify(id)}`);
    seen.add(id);
  });
  return ids;
}

/** Fills `target` with the file's bytes, reading in chunks (works above 2 GiB). */
async function readInto(path: string, target: Uint8Array): Promise<void> {
  const handle = await open(path, "r");
  try {
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, Math.min(READ_CHUNK, target.length - done), done);
      if (bytesRead === 0) throw new DenseIndexError(path, "byteLength", `file ended after ${done} of ${target.length} bytes`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
