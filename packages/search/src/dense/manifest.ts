/**
 * `manifest.json` of a dense index folder: what the vectors file holds and how it was made.
 * Validation errors name the file and the field.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** File names inside an index folder. */
export const DENSE_FILES = { manifest: "manifest.json", vectors: "vectors.bin", ids: "ids.txt" } as const;

/** Value of the manifest's `format` field. */
export const DENSE_FORMAT = "i3-dense-index";
/** Current layout version; loaders reject other versions. */
export const DENSE_FORMAT_VERSION = 1;

/** Element type of the stored vectors. */
export type DenseDtype = "float32" | "float16";

/** Bytes per stored element. */
export function bytesPerElement(dtype: DenseDtype): number {
  return dtype === "float16" ? 2 : 4;
}

/** Who made the vectors: free text plus a fingerprint (e.g. a checkpoint hash). */
export interface EncoderDescription {
  description: string;
  fingerprint: string;
}

/** Parsed `manifest.json`. */
export interface DenseManifest {
  format: typeof DENSE_FORMAT;
  version: number;
  /** Vector dimension. */
  dim: number;
  /** Number of vectors (= lines of ids.txt). */
  count: number;
  dtype: DenseDtype;
  /** Always little-endian. */
  byteOrder: "little";
  /** Similarity the vectors are meant for; only inner product. */
  metric: "ip";
  encoder: EncoderDescription;
  /** Backend string given by the caller (e.g. `"tfjs 4.22 wasm (SIMD, 1 thread)"`). */
  backend: string;
  /** ISO time the index was completed. */
  createdAt: string;
  files: { vectors: string; ids: string };
}

/** An error in an index folder's file, naming the file and the field. */
export class DenseIndexError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: field "${field}": ${detail}`);
    this.name = "DenseIndexError";
  }
}

/**
 * Checks the fields a dense index manifest and a sharded one share: `dtype` (float32 | float16),
 * `byteOrder` little, `metric` ip, `encoder {description, fingerprint}` (returned) and `backend`;
 * `fail` throws naming the field.
 */
export function checkVectorFields(m: Record<string, unknown>, fail: (field: string, detail: string) => never): EncoderDescription {
  if (m.dtype !== "float32" && m.dtype !== "float16") fail("dtype", `expected "float32" or "float16", got ${JSON.stringify(m.dtype)}`);
  if (m.byteOrder !== "little") fail("byteOrder", `expected "little", got ${JSON.stringify(m.byteOrder)}`);
  if (m.metric !== "ip") fail("metric", `expected "ip", got ${JSON.stringify(m.metric)}`);
  const enc = m.encoder as Record<string, unknown> | undefined;
  if (typeof enc !== "object" || enc === null) fail("encoder", "expected an object { description, fingerprint }");
  if (typeof enc!.description !== "string") fail("encoder.description", "expected a string");
  if (typeof enc!.fingerprint !== "string") fail("encoder.fingerprint", "expected a string");
  if (typeof m.backend !== "string") fail("backend", "expected a string");
  return { description: enc!.description as string, fingerprint: enc!.fingerprint as string };
}

/** Checks a parsed manifest object; `path` is used in error messages. */
export function validateManifest(value: unknown, path: string): DenseManifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DenseIndexError(path, "(root)", "expected a JSON object");
  }
  const m = value as Record<string, unknown>;
  const fail = (field: string, detail: string): never => {
    throw new DenseIndexError(path, field, detail);
  };
  if (m.format !== DENSE_FORMAT) fail("format", `expected "${DENSE_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== DENSE_FORMAT_VERSION) fail("version", `unsupported version ${JSON.stringify(m.version)} (this reader: ${DENSE_FORMAT_VERSION})`);
  const positiveInt = (field: string, min: number): number => {
    const v = m[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) fail(field, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const dim = positiveInt("dim", 1);
  const count = positiveInt("count", 0);
  const encoder = checkVectorFields(m, fail);
  if (typeof m.createdAt !== "string") fail("createdAt", "expected a string");
  const files = m.files as Record<string, unknown> | undefined;
  if (typeof files !== "object" || files === null) fail("files", "expected an object { vectors, ids }");
  for (const f of ["vectors", "ids"] as const) {
    const name = files![f];
    if (typeof name !== "string" || name === "" || /[/\\]/.test(name) || name === "." || name === "..") {
      fail(`files.${f}`, `expected a plain file name, got ${JSON.stringify(name)}`);
    }
  }
  return {
    format: DENSE_FORMAT,
    version: DENSE_FORMAT_VERSION,
    dim,
    count,
    dtype: m.dtype as DenseDtype,
    byteOrder: "little",
    metric: "ip",
    encoder,
    backend: m.backend as string,
    createdAt: m.createdAt as string,
    files: { vectors: files!.vectors as string, ids: files!.ids as string },
  };
}

/**
 * Reads and parses a JSON file; an unreadable file or invalid JSON throws `error(field, detail)`
 * with field `(file)` or `(root)`.
 */
export async function readJsonFile(path: string, error: (field: string, detail: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw error("(file)", `cannot read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw error("(root)", `invalid JSON: ${(err as Error).message}`);
  }
}

/** Reads and validates `<dir>/manifest.json`. */
export async function readManifest(dir: string): Promise<DenseManifest> {
  const path = join(dir, DENSE_FILES.manifest);
  return validateManifest(await readJsonFile(path, (field, detail) => new DenseIndexError(path, field, detail)), path);
}
