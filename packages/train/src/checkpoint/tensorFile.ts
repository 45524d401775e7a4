/**
 * Raw float32 tensor files: the tensors' values concatenated, little-endian, row-major, with
 * the index (name, shape, byte offset) kept in the checkpoint's JSON manifest. Bit-exact both
 * ways (NaN payloads included), so a resumed run continues from exactly the same numbers.
 */

/** One tensor's place in a raw float32 file. */
export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset in the file (a multiple of 4). */
  readonly offset: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Concatenates float32 tensors into one buffer and returns it with the index. */
export function encodeFloat32Tensors(tensors: readonly { name: string; shape: readonly number[]; data: Float32Array }[]): { bytes: Uint8Array; index: TensorEntry[] } {
  const total = tensors.reduce((n, t) => n + t.data.length, 0);
  const out = new Float32Array(total);
  const index: TensorEntry[] = [];
  let at = 0;
  for (const t of tensors) {
    if (t.data.length !== size(t.shape)) throw new Error(`tensor "${t.name}": ${t.data.length} values for shape [${t.shape.join(", ")}]`);
    out.set(t.data, at);
    index.push({ name: t.name, shape: [...t.shape], offset: 4 * at });
    at += t.data.length;
  }
  const bytes = new Uint8Array(out.buffer);
  if (!LITTLE_ENDIAN) {
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < total; i++) dv.setFloat32(4 * i, out[i]!, true);
  }
  return { bytes, index };
}

/** Reads the tensors listed in `index` from a raw float32 file's bytes (copies), checking bounds and coverage. */
export function decodeFloat32Tensors(bytes: Uint8Array, index: readonly TensorEntry[], what: string): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let expected = 0;
  for (const e of index) {
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: tensor "${e.name}" has a bad shape`);
    const n = size(e.shape);
    if (!(Number.isInteger(e.offset) && e.offset >= 0 && e.offset % 4 === 0 && e.offset + 4 * n <= bytes.byteLength)) {
      throw new Error(`${what}: tensor "${e.name}" at byte ${e.offset} (+${4 * n}) lies outside the file (${bytes.byteLength} bytes)`);
    }
    if (out.has(e.name)) throw new Error(`${what}: tensor "${e.name}" is listed twice`);
    const slice = new Uint8Array(4 * n); // a copy with its own aligned buffer (Buffer#slice would be a view)
    slice.set(bytes.subarray(e.offset, e.offset + 4 * n));
    let data: Float32Array;
    if (LITTLE_ENDIAN) data = new Float32Array(slice.buffer);
    else {
      data = new Float32Array(n);
      const dv = new DataView(slice.buffer);
      for (let i = 0; i < n; i++) data[i] = dv.getFloat32(4 * i, true);
    }
    out.set(e.name, { shape: [...e.shape], data });
    expected += 4 * n;
  }
  if (expected !== bytes.byteLength) throw new Error(`${what}: file has ${bytes.byteLength} bytes, the index covers ${expected}`);
  return out;
}
