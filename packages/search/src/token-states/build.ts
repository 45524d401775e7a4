/**
 * Streams a corpus through a caller's encoder into a token-state store folder (layout in
 * store.ts), written atomically: every file goes into a temporary sibling folder that replaces
 * `out` only when complete. Model-agnostic: `encode` maps a batch of passages to each passage's
 * token states, row-major [len_i, hidden] (real tokens only, no padding).
 */
import { open, type FileHandle } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import { fsyncFile, writeDirAtomic, writeFileFlushed } from "@i3/core";
import type { Passage } from "@i3/data";
import { toFloat16 } from "../dense/float16.js";
import type { DenseDtype, EncoderDescription } from "../dense/manifest.js";
import { TOKEN_STATE_FILES, tokenStateManifest, type TokenStateManifest } from "./manifest.js";

/** Options of {@link buildTokenStateStore}. */
export interface BuildTokenStateStoreOptions {
  /** Output folder (replaced atomically if it exists). */
  out: string;
  /** Width H of one token state. */
  hidden: number;
  /** The model layer the states come from (recorded in the manifest). */
  layer: number;
  /** Stored element type. Default `"float16"`. */
  dtype?: DenseDtype;
  /** Passages per `encode` call. Default 32. */
  batchSize?: number;
  /** The model's description and checkpoint fingerprint, copied to the manifest. */
  encoder: EncoderDescription;
  /** Backend description, copied to the manifest. */
  backend: string;
  /** Called after each batch with the number of passages written so far. */
  onProgress?: (written: number) => void;
}

/** Encodes `passages` batch by batch and writes the store folder; returns its manifest. */
export async function buildTokenStateStore(
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  encode: (batch: Passage[]) => Promise<Float32Array[]>,
  options: BuildTokenStateStoreOptions,
): Promise<TokenStateManifest> {
  const { out, hidden, layer } = options;
  const dtype = options.dtype ?? "float16";
  const batchSize = options.batchSize ?? 32;
  const who = "buildTokenStateStore";
  if (!Number.isSafeInteger(hidden) || hidden < 1) throw new RangeError(`${who}: hidden must be a positive integer, got ${hidden}`);
  if (!Number.isSafeInteger(layer) || layer < 0) throw new RangeError(`${who}: layer must be an integer >= 0, got ${layer}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`${who}: batchSize must be a positive integer, got ${batchSize}`);
  if (dtype !== "float32" && dtype !== "float16") throw new RangeError(`${who}: dtype must be "float32" or "float16", got ${String(dtype)}`);
  if (endianness() !== "LE") throw new Error(`${who}: big-endian hosts are not supported`);

  return writeDirAtomic(out, async (temp) => {
    const paths = { states: join(temp, TOKEN_STATE_FILES.states), lengths: join(temp, TOKEN_STATE_FILES.lengths), ids: join(temp, TOKEN_STATE_FILES.ids) };
    const files = { states: await open(paths.states, "wx"), lengths: await open(paths.lengths, "wx"), ids: await open(paths.ids, "wx") };
    const seen = new Set<string>();
    let count = 0;
    let tokens = 0;
    try {
      let batch: Passage[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const rows = await encode(batch);
        tokens += await appendBatch(files, batch, rows, hidden, dtype, count);
        count += batch.length;
        batch = [];
        options.onProgress?.(count);
      };
      for await (const passage of passages) {
        const id: unknown = passage.id;
        const where = `${who}: passage #${count + batch.length}`;
        if (typeof id !== "string" || id === "" || /[\n\r]/.test(id)) throw new Error(`${where}: field "id" must be a non-empty string without line breaks, got ${JSON.stringify(id)}`);
        if (seen.has(id)) throw new Error(`${where}: field "id" ${JSON.stringify(id)} is a duplicate`);
        seen.add(id);
        batch.push(passage);
        if (batch.length === batchSize) await flush();
      }
      await flush();
    } finally {
      await Promise.all(Object.values(files).map((f) => f.close()));
    }
    await Promise.all(Object.values(paths).map((p) => fsyncFile(p)));
    const manifest = tokenStateManifest({ hidden, layer, count, tokens, dtype, encoder: options.encoder, backend: options.backend, createdAt: new Date().toISOString() });
    await writeFileFlushed(join(temp, TOKEN_STATE_FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
    return manifest;
  });
}

/** Validates one encoder output and appends it to the open files; returns its token count. */
async function appendBatch(
  files: { states: FileHandle; lengths: FileHandle; ids: FileHandle },
  batch: Passage[],
  rows: Float32Array[],
  hidden: number,
  dtype: DenseDtype,
  offset: number,
): Promise<number> {
  const who = "buildTokenStateStore";
  if (!Array.isArray(rows) || rows.length !== batch.length) throw new Error(`${who}: encode() returned ${Array.isArray(rows) ? rows.length : typeof rows} arrays for ${batch.length} passages`);
  const lengths = new Uint32Array(batch.length);
  for (let b = 0; b < rows.length; b++) {
    const r = rows[b]!;
    const where = `${who}: passage #${offset + b} (id ${JSON.stringify(batch[b]!.id)})`;
    if (!(r instanceof Float32Array) || r.length === 0 || r.length % hidden !== 0) {
      throw new Error(`${where}: encode() must give a non-empty Float32Array of [tokens, ${hidden}] values, got ${r instanceof Float32Array ? r.length : typeof r} values`);
    }
    const bad = r.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new Error(`${where}: token ${Math.floor(bad / hidden)} component ${bad % hidden} is ${r[bad]}`);
    lengths[b] = r.length / hidden;
    if (dtype === "float16") {
      const half = toFloat16(r);
      const over = half.findIndex((h) => (h & 0x7c00) === 0x7c00);
      if (over >= 0) throw new Error(`${where}: value ${r[over]} overflows float16 (max 65504); use dtype "float32"`);
      await files.states.writeFile(new Uint8Array(half.buffer, half.byteOffset, half.byteLength));
    } else {
      await files.states.writeFile(new Uint8Array(r.buffer, r.byteOffset, r.byteLength));
    }
  }
  await files.lengths.writeFile(new Uint8Array(lengths.buffer));
  await files.ids.writeFile(batch.map((p) => p.id).join("\n") + "\n");
  return lengths.reduce((a, n) => a + n, 0);
}
