/**
 * `manifest.json` of a sharded dense index folder (see docs/dense.md, "Sharded indexes"): the
 * vector layout, the shard size, and per shard its three files (vectors, ids, local id ranks)
 * with their byte sizes and sha256. While a writer is filling the folder the manifest says
 * `status: "building"` and lists the shards completed so far; `"complete"` once finished.
 */
import { join } from "node:path";
import { checkVectorFields, DenseIndexError, readJsonFile, type DenseDtype, type EncoderDescription } from "./manifest.js";

/** Value of the manifest's `format` field. */
export const SHARDED_FORMAT = "i3-dense-sharded-index";
/** Current layout version; readers reject other versions. */
export const SHARDED_FORMAT_VERSION = 1;
/** The manifest's file name inside the folder. */
export const SHARDED_MANIFEST = "manifest.json";

/** One completed shard. */
export interface ShardEntry {
  /** Vectors, row-major little-endian `dtype`, `count x dim`. */
  vectors: string;
  /** Passage ids, one per line, `\n`-terminated, row order. */
  ids: string;
  /** Uint32 little-endian per row: the row's position in the shard's ascending id order (the tie rule). */
  ranks: string;
  /** Rows in the shard (= `shardSize` except for the last shard). */
  count: number;
  /** Byte sizes of the three files. */
  bytes: { vectors: number; ids: number; ranks: number };
  /** sha256 (hex) of the three files. */
  sha256: { vectors: string; ids: string; ranks: string };
}

/** Parsed sharded `manifest.json`. */
export interface ShardedManifest {
  format: typeof SHARDED_FORMAT;
  version: number;
  /** `"building"` while a writer fills the folder, `"complete"` once finished. */
  status: "building" | "complete";
  dim: number;
  dtype: DenseDtype;
  byteOrder: "little";
  metric: "ip";
  /** Rows per shard (the last may hold fewer). */
  shardSize: number;
  /** Rows in the listed shards. */
  count: number;
  encoder: EncoderDescription;
  backend: string;
  /** ISO time the index was completed (null while building). */
  createdAt: string | null;
  shards: ShardEntry[];
}

/** File names of shard `i`. */
export function shardFileNames(i: number, dtype: DenseDtype): { vectors: string; ids: string; ranks: string } {
  const stem = `shard-${String(i).padStart(5, "0")}`;
  return { vectors: `${stem}.${dtype === "float16" ? "f16" : "f32"}`, ids: `${stem}.ids`, ranks: `${stem}.rank` };
}

/** Matches every file a sharded writer creates for a shard (also its temporary files). */
export const SHARD_FILE_PATTERN = /^shard-\d{5,}\.(f16|f32|ids|rank)(\.tmp)?$/;

/** Checks a parsed sharded manifest; `path` names the file in errors. */
export function validateShardedManifest(value: unknown, path: string): ShardedManifest {
  const fail = (field: string, detail: string): never => {
    throw new DenseIndexError(path, field, detail);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("(root)", "expected a JSON object");
  const m = value as Record<string, unknown>;
  if (m.format !== SHARDED_FORMAT) fail("format", `expected "${SHARDED_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== SHARDED_FORMAT_VERSION) fail("version", `unsupported version ${JSON.stringify(m.version)} (this reader: ${SHARDED_FORMAT_VERSION})`);
  if (m.status !== "building" && m.status !== "complete") fail("status", `expected "building" or "complete", got ${JSON.stringify(m.status)}`);
  const int = (obj: Record<string, unknown>, field: string, min: number, name = field): number => {
    const v = obj[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) fail(name, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const dim = int(m, "dim", 1);
  const shardSize = int(m, "shardSize", 1);
  const count = int(m, "count", 0);
  const encoder = checkVectorFields(m, fail);
  const dtype = m.dtype as DenseDtype;
  if (m.status === "complete" ? typeof m.createdAt !== "string" : m.createdAt !== null) {
    fail("createdAt", m.status === "complete" ? "expected an ISO time string" : "expected null while building");
  }
  if (!Array.isArray(m.shards)) fail("shards", "expected an array");
  const bpe = dtype === "float16" ? 2 : 4;
  let total = 0;
  const shards = (m.shards as unknown[]).map((s, i): ShardEntry => {
    const at = `shards[${i}]`;
    if (typeof s !== "object" || s === null) fail(at, "expected an object");
    const e = s as Record<string, unknown>;
    const names = shardFileNames(i, dtype);
    for (const f of ["vectors", "ids", "ranks"] as const) {
      if (e[f] !== names[f]) fail(`${at}.${f}`, `expected ${JSON.stringify(names[f])}, got ${JSON.stringify(e[f])}`);
    }
    const n = int(e, "count", 1, `${at}.count`);
    const last = i === (m.shards as unknown[]).length - 1;
    if (n > shardSize || (!last && n !== shardSize)) fail(`${at}.count`, `${n} rows, but shardSize is ${shardSize} (only the last shard may be smaller)`);
    const bytes = e.bytes as Record<string, unknown> | undefined;
    const sha = e.sha256 as Record<string, unknown> | undefined;
    if (typeof bytes !== "object" || bytes === null) fail(`${at}.bytes`, "expected an object { vectors, ids, ranks }");
    if (typeof sha !== "object" || sha === null) fail(`${at}.sha256`, "expected an object { vectors, ids, ranks }");
    const vectorBytes = int(bytes!, "vectors", 0, `${at}.bytes.vectors`);
    if (vectorBytes !== n * dim * bpe) fail(`${at}.bytes.vectors`, `expected ${n * dim * bpe} (count ${n} x dim ${dim} x ${bpe}), got ${vectorBytes}`);
    const rankBytes = int(bytes!, "ranks", 0, `${at}.bytes.ranks`);
    if (rankBytes !== n * 4) fail(`${at}.bytes.ranks`, `expected ${n * 4} (count ${n} x 4), got ${rankBytes}`);
    const idBytes = int(bytes!, "ids", 2 * n, `${at}.bytes.ids`);
    for (const f of ["vectors", "ids", "ranks"] as const) {
      if (typeof sha![f] !== "string" || !/^[0-9a-f]{64}$/.test(sha![f])) fail(`${at}.sha256.${f}`, "expected 64 hex digits");
    }
    total += n;
    return {
      ...names,
      count: n,
      bytes: { vectors: vectorBytes, ids: idBytes, ranks: rankBytes },
      sha256: { vectors: sha!.vectors as string, ids: sha!.ids as string, ranks: sha!.ranks as string },
    };
  });
  if (count !== total) fail("count", `${count}, but the shards hold ${total} rows`);
  return {
    format: SHARDED_FORMAT,
    version: SHARDED_FORMAT_VERSION,
    status: m.status as ShardedManifest["status"],
    dim,
    dtype,
    byteOrder: "little",
    metric: "ip",
    shardSize,
    count,
    encoder,
    backend: m.backend as string,
    createdAt: (m.createdAt as string | null) ?? null,
    shards,
  };
}

/** Reads and validates `<dir>/manifest.json` of a sharded index. */
export async function readShardedManifest(dir: string): Promise<ShardedManifest> {
  const path = join(dir, SHARDED_MANIFEST);
  return validateShardedManifest(await readJsonFile(path, (field, detail) => new DenseIndexError(path, field, detail)), path);
}
