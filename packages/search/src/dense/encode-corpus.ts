/**
 * Streams a corpus through a caller's encoder into a dense index folder (see docs/dense.md):
 * `vectors.bin` (row-major little-endian float32 or float16), `ids.txt` (one id per line) and
 * `manifest.json`, written atomically. Model-agnostic: `encode` is any function from passages to
 * an `[n, dim]` row-major Float32Array.
 */
import { open, type FileHandle } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";
import { fsyncFile, writeDirAtomic } from "@i3/core";
import type { Passage } from "@i3/data";
import { toFloat16 } from "./float16.js";
import {
  DENSE_FILES,
  DENSE_FORMAT,
  DENSE_FORMAT_VERSION,
  type DenseDtype,
  type DenseManifest,
  type EncoderDescription,
} from "./manifest.js";

/** Options of {@link encodeCorpus}. */
export interface EncodeCorpusOptions {
  /** Output folder (replaced atomically if it exists). */
  out: string;
  /** Vector dimension the encoder returns. */
  dim: number;
  /** Passages per `encode` call. Default 64. */
  batchSize?: number;
  /** Stored element type. Default `"float32"`. */
  dtype?: DenseDtype;
  /** Encoder description and fingerprint, copied to the manifest. */
  encoder: EncoderDescription;
  /** Backend description, copied to the manifest (e.g. `BackendInfo` summarised by the caller). */
  backend: string;
  /** Called after each batch with the number of passages written so far. */
  onProgress?: (written: number) => void;
}

/** Encodes `passages` batch by batch and writes the index folder; returns its manifest. */
export async function encodeCorpus(
  passages: AsyncIterable<Passage> | Iterable<Passage>,
  encode: (batch: Passage[]) => Promise<Float32Array>,
  options: EncodeCorpusOptions,
): Promise<DenseManifest> {
  const { out, dim } = options;
  const batchSize = options.batchSize ?? 64;
  const dtype = options.dtype ?? "float32";
  if (!Number.isSafeInteger(dim) || dim < 1) throw new RangeError(`encodeCorpus: dim must be a positive integer, got ${dim}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`encodeCorpus: batchSize must be a positive integer, got ${batchSize}`);
  if (dtype !== "float32" && dtype !== "float16") throw new RangeError(`encodeCorpus: dtype must be "float32" or "float16", got ${String(dtype)}`);
  if (endianness() !== "LE") throw new Error("encodeCorpus: big-endian hosts are not supported");

  return writeDirAtomic(out, async (temp) => {
    const vectorsPath = join(temp, DENSE_FILES.vectors);
    const idsPath = join(temp, DENSE_FILES.ids);
    const vectors = await open(vectorsPath, "wx");
    const ids = await open(idsPath, "wx");
    const seen = new Set<string>();
    let count = 0;
    try {
      let batch: Passage[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const rows = await encode(batch);
        await writeBatch(vectors, ids, batch, rows, dim, dtype, count);
        count += batch.length;
        batch = [];
        options.onProgress?.(count);
      };
      for await (const passage of passages) {
        checkId(passage.id, count + batch.length, seen);
        batch.push(passage);
        if (batch.length === batchSize) await flush();
      }
      await flush();
    } finally {
      await vectors.close();
      await ids.close();
    }
    await fsyncFile(vectorsPath);
    await fsyncFile(idsPath);
    const manifest: DenseManifest = {
      format: DENSE_FORMAT,
      version: DENSE_FORMAT_VERSION,
      dim,
      count,
      dtype,
      byteOrder: "little",
      metric: "ip",
      encoder: { description: options.encoder.description, fingerprint: options.encoder.fingerprint },
      backend: options.backend,
      createdAt: new Date().toISOString(),
      files: { vectors: DENSE_FILES.vectors, ids: DENSE_FILES.ids },
    };
    const manifestPath = join(temp, DENSE_FILES.manifest);
    const handle = await open(manifestPath, "wx");
    try {
      await handle.writeFile(JSON.stringify(manifest, null, 2) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return manifest;
  });
}

/** Rejects empty ids, ids with line breaks, and duplicates. */
function checkId(id: unknown, position: number, seen: Set<string>): void {
  if (typeof id !== "string" || id === "") throw new Error(`encodeCorpus: passage #${position}: field "id" must be a non-empty string`);
  if (/[\n\r]/.test(id)) throw new Error(`encodeCorpus: passage #${position}: field "id" ${JSON.stringify(id)} contains a line break`);
  if (seen.has(id)) throw new Error(`encodeCorpus: passage #${position}: field "id" ${JSON.stringify(id)} is a duplicate`);
  seen.add(id);
}

/** Validates one encoder output and appends it (vectors + ids) to the open files. */
async function writeBatch(
  vectors: FileHandle,
  ids: FileHandle,
  batch: Passage[],
  rows: Float32Array,
  dim: number,
  dtype: DenseDtype,
  offset: number,
): Promise<void> {
  if (!(rows instanceof Float32Array)) throw new TypeError(`encodeCorpus: encode() must return a Float32Array, got ${Object.prototype.toString.call(rows)}`);
  if (rows.length !== batch.length * dim) {
    throw new Error(`encodeCorpus: encode() returned ${rows.length} values for ${batch.length} passages x dim ${dim} (expected ${batch.length * dim})`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!Number.isFinite(rows[i]!)) {
      const row = Math.floor(i / dim);
      throw new Error(`encodeCorpus: passage #${offset + row} (id ${JSON.stringify(batch[row]!.id)}): component ${i % dim} is ${rows[i]}`);
    }
  }
  let bytes: Uint8Array;
  if (dtype === "float16") {
    const half = toFloat16(rows);
    for (let i = 0; i < half.length; i++) {
      if ((half[i]! & 0x7c00) === 0x7c00) {
        const row = Math.floor(i / dim);
        throw new Error(
          `encodeCorpus: passage #${offset + row} (id ${JSON.stringify(batch[row]!.id)}): component ${i % dim} = ${rows[i]} overflows float16 (max 65504); use dtype "float32"`,
        );
      }
    }
    bytes = new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
  } else {
    bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  }
  await vectors.writeFile(bytes);
  await ids.writeFile(batch.map((p) => p.id).join("\n") + "\n");
}
