/**
 * `manifest.json` of a token-state store folder (see store.ts for the layout): what the states
 * file holds, which model and layer made it, and its size per passage. Validation errors name
 * the file and the field.
 */
import { join } from "node:path";
import { bytesPerElement, readJsonFile, type DenseDtype, type EncoderDescription } from "../dense/manifest.js";

/** File names inside a token-state store folder. */
export const TOKEN_STATE_FILES = { manifest: "manifest.json", states: "states.bin", lengths: "lengths.bin", ids: "ids.txt" } as const;

/** Value of the manifest's `format` field. */
export const TOKEN_STATE_FORMAT = "i3-token-states";
/** Current layout version; readers reject other versions. */
export const TOKEN_STATE_FORMAT_VERSION = 1;

/** Parsed `manifest.json` of a token-state store. */
export interface TokenStateManifest {
  format: typeof TOKEN_STATE_FORMAT;
  version: number;
  /** Width H of one token state. */
  hidden: number;
  /** The model layer the states come from (MICE: l, the split). */
  layer: number;
  /** Number of passages (= lines of ids.txt = entries of lengths.bin). */
  count: number;
  /** Sum of the passages' token counts. */
  tokens: number;
  dtype: DenseDtype;
  /** Always little-endian. */
  byteOrder: "little";
  /** Mean bytes of states per passage: tokens * hidden * bytes per element / count (0 when empty). */
  bytesPerPassage: number;
  /** The model (description, checkpoint fingerprint). */
  encoder: EncoderDescription;
  /** Backend string given by the caller. */
  backend: string;
  /** ISO time the store was completed. */
  createdAt: string;
  /** The data files' names (always the `TOKEN_STATE_FILES` ones). */
  files: { states: string; lengths: string; ids: string };
}

/** What a builder knows of its store; the rest of the manifest is derived from it. */
export type TokenStateManifestFields = Pick<TokenStateManifest, "hidden" | "layer" | "count" | "tokens" | "dtype" | "encoder" | "backend" | "createdAt">;

/** A complete manifest: format, version, byte order, file names and bytesPerPassage = tokens * hidden * element size / count (0 when empty). */
export function tokenStateManifest(f: TokenStateManifestFields): TokenStateManifest {
  return {
    format: TOKEN_STATE_FORMAT,
    version: TOKEN_STATE_FORMAT_VERSION,
    hidden: f.hidden,
    layer: f.layer,
    count: f.count,
    tokens: f.tokens,
    dtype: f.dtype,
    byteOrder: "little",
    bytesPerPassage: f.count === 0 ? 0 : (f.tokens * f.hidden * bytesPerElement(f.dtype)) / f.count,
    encoder: { description: f.encoder.description, fingerprint: f.encoder.fingerprint },
    backend: f.backend,
    createdAt: f.createdAt,
    files: { states: TOKEN_STATE_FILES.states, lengths: TOKEN_STATE_FILES.lengths, ids: TOKEN_STATE_FILES.ids },
  };
}

/** An error in a token-state store's file, naming the file and the field. */
export class TokenStateStoreError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: field "${field}": ${detail}`);
    this.name = "TokenStateStoreError";
  }
}

/** Checks a parsed manifest object; `path` is used in error messages. */
export function validateTokenStateManifest(value: unknown, path: string): TokenStateManifest {
  const fail = (field: string, detail: string): never => {
    throw new TokenStateStoreError(path, field, detail);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("(root)", "expected a JSON object");
  const m = value as Record<string, unknown>;
  if (m.format !== TOKEN_STATE_FORMAT) fail("format", `expected "${TOKEN_STATE_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== TOKEN_STATE_FORMAT_VERSION) fail("version", `unsupported version ${JSON.stringify(m.version)} (this reader: ${TOKEN_STATE_FORMAT_VERSION})`);
  const int = (field: string, min: number): number => {
    const v = m[field];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) fail(field, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const [hidden, layer, count, tokens] = [int("hidden", 1), int("layer", 0), int("count", 0), int("tokens", 0)];
  if (m.dtype !== "float32" && m.dtype !== "float16") fail("dtype", `expected "float32" or "float16", got ${JSON.stringify(m.dtype)}`);
  if (m.byteOrder !== "little") fail("byteOrder", `expected "little", got ${JSON.stringify(m.byteOrder)}`);
  const enc = m.encoder as Record<string, unknown> | undefined;
  if (typeof enc !== "object" || enc === null || typeof enc.description !== "string" || typeof enc.fingerprint !== "string") {
    fail("encoder", "expected an object { description, fingerprint } of strings");
  }
  if (typeof m.backend !== "string") fail("backend", "expected a string");
  if (typeof m.createdAt !== "string") fail("createdAt", "expected a string");
  const files = (m.files ?? {}) as Record<string, unknown>;
  for (const f of ["states", "lengths", "ids"] as const) if (files[f] !== TOKEN_STATE_FILES[f]) fail(`files.${f}`, `expected "${TOKEN_STATE_FILES[f]}", got ${JSON.stringify(files[f])}`);
  const manifest = tokenStateManifest({
    hidden,
    layer,
    count,
    tokens,
    dtype: m.dtype as DenseDtype,
    encoder: { description: enc!.description as string, fingerprint: enc!.fingerprint as string },
    backend: m.backend as string,
    createdAt: m.createdAt as string,
  });
  if (m.bytesPerPassage !== manifest.bytesPerPassage) fail("bytesPerPassage", `expected ${manifest.bytesPerPassage} (tokens x hidden x element size / count), got ${JSON.stringify(m.bytesPerPassage)}`);
  return manifest;
}

/** Reads and validates `<dir>/manifest.json`. */
export async function readTokenStateManifest(dir: string): Promise<TokenStateManifest> {
  const path = join(dir, TOKEN_STATE_FILES.manifest);
  return validateTokenStateManifest(await readJsonFile(path, (field, detail) => new TokenStateStoreError(path, field, detail)), path);
}
