/**
 * The safetensors format (huggingface/safetensors, docs "Format"), read and written here
 * (the npm package named `safetensors` is a 0.0.1 stub; this format is small):
 *
 *   [8 bytes: N, u64 little-endian][N bytes: JSON header][raw tensor bytes]
 *
 * The header maps tensor names to `{ dtype, shape, data_offsets: [begin, end] }` (offsets
 * relative to the start of the raw bytes, little-endian, row-major) plus an optional
 * `__metadata__` string map. Rules checked on read: N fits the file, the header is a JSON
 * object, each byte range equals prod(shape) * sizeof(dtype), ranges do not overlap and cover
 * the data exactly. The writer pads the header with spaces to a multiple of 8 bytes (so F32
 * data is 4-byte aligned, as the reference writer does) and sorts tensors by name.
 */

/** Data types of the format (all recognised on read; `toFloat32` converts the float ones). */
export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One stored tensor: raw little-endian bytes (a view into the file buffer). */
export interface RawTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A parsed file. */
export interface SafetensorsFile {
  /** Tensors in header order. */
  readonly tensors: Map<string, RawTensor>;
  /** The `__metadata__` map ({} when absent). */
  readonly metadata: Record<string, string>;
}

/** A float32 tensor to write. */
export interface Float32Entry {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Thrown for a malformed safetensors buffer. */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(`safetensors: ${message}`);
    this.name = "SafetensorsError";
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parses a safetensors buffer; tensor bytes are views into `buf` (no copy). */
export function parseSafetensors(buf: Uint8Array): SafetensorsFile {
  if (buf.byteLength < 8) throw new SafetensorsError(`file too short (${buf.byteLength} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(buf.byteLength - 8)) throw new SafetensorsError(`header length ${n} exceeds file size ${buf.byteLength}`);
  const headerLen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new SafetensorsError("header is not a JSON object");
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = info.dtype as SafetensorsDtype;
    if (!(typeof dtype === "string" && dtype in DTYPE_BYTES)) throw new SafetensorsError(`tensor "${name}": unsupported dtype ${String(info.dtype)}`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`tensor "${name}": bad shape`);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new SafetensorsError(`tensor "${name}": bad data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > dataLen) throw new SafetensorsError(`tensor "${name}": data_offsets [${begin}, ${end}] outside data (${dataLen} bytes)`);
    const expected = product(shape as number[]) * DTYPE_BYTES[dtype];
    if (end - begin !== expected) throw new SafetensorsError(`tensor "${name}": ${end - begin} bytes for ${dtype}[${shape.join(", ")}] (expected ${expected})`);
    ranges.push([begin, end, name]);
    tensors.set(name, { dtype, shape: shape as number[], bytes: buf.subarray(dataStart + begin, dataStart + end) });
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cursor = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== cursor) throw new SafetensorsError(begin < cursor ? `tensor "${name}" overlaps the previous one` : `gap in data before tensor "${name}"`);
    cursor = end;
  }
  if (cursor !== dataLen) throw new SafetensorsError(`${dataLen - cursor} trailing data bytes not covered by any tensor`);
  return { tensors, metadata };
}

/** IEEE half (binary16) bits -> float. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero / subnormal
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Converts a float tensor (F32, F16, BF16, F64) to Float32Array (a copy); exact for F32/F16/BF16. */
export function toFloat32(t: RawTensor): Float32Array {
  const n = product(t.shape);
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.dtype) {
    case "F32":
      // Copy through a fresh Uint8Array: a Node Buffer's slice() is a view of its shared pool, not a copy.
      if (LITTLE_ENDIAN) return new Float32Array(new Uint8Array(t.bytes).buffer); // bitwise copy
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case "F16":
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(2 * i, true));
      return out;
    case "BF16": {
      // bfloat16 is the top half of a float32: shift the 16 bits up.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case "F64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    default:
      throw new SafetensorsError(`cannot convert ${t.dtype} to float32`);
  }
}

/** Serialises float32 tensors (sorted by name) with optional string metadata. */
export function serializeSafetensors(entries: ReadonlyMap<string, Float32Entry> | Record<string, Float32Entry>, metadata?: Record<string, string>): Uint8Array {
  const map = entries instanceof Map ? entries : new Map(Object.entries(entries));
  const names = [...map.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const e = map.get(name)!;
    if (e.data.length !== product(e.shape)) throw new SafetensorsError(`tensor "${name}": ${e.data.length} values for shape [${e.shape.join(", ")}]`);
    header[name] = { dtype: "F32", shape: [...e.shape], data_offsets: [offset, offset + 4 * e.data.length] };
    offset += 4 * e.data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let cursor = 8 + json.length;
  for (const name of names) {
    const data = map.get(name)!.data;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), cursor);
    else {
      const dv = new DataView(out.buffer, cursor, data.byteLength);
      for (let i = 0; i < data.length; i++) dv.setFloat32(4 * i, data[i]!, true);
    }
    cursor += data.byteLength;
  }
  return out;
}
