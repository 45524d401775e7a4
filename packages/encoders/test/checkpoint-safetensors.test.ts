/** safetensors reader/writer: layout, bitwise round trip, F16/BF16 decoding, malformed files. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SafetensorsError, f16ToF32, parseSafetensors, serializeSafetensors, toFloat32 } from "../src/checkpoint/safetensors.js";

/** Builds a file from a header object and raw data bytes. */
function build(header: unknown, data: Uint8Array, headerLenOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLenOverride ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function u16le(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setUint16(2 * i, v, true));
  return b;
}

describe("serializeSafetensors / parseSafetensors", () => {
  it("writes the documented layout: u64 LE header length (multiple of 8), sorted names, metadata", () => {
    const buf = serializeSafetensors({ b: { shape: [2], data: new Float32Array([1, 2]) }, a: { shape: [1, 1], data: new Float32Array([3]) } }, { format: "pt" });
    const n = Number(new DataView(buf.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n))) as Record<string, { data_offsets: number[] }>;
    expect(Object.keys(header)).toEqual(["__metadata__", "a", "b"]);
    expect(header.a!.data_offsets).toEqual([0, 4]);
    expect(header.b!.data_offsets).toEqual([4, 12]);
    expect(buf.length).toBe(8 + n + 12);
    expect(new DataView(buf.buffer).getFloat32(8 + n, true)).toBe(3);
    expect(parseSafetensors(buf).metadata).toEqual({ format: "pt" });
  });

  it("round-trips float32 bit patterns exactly (NaN payloads, -0, infinities, subnormals)", () => {
    const bits = new Uint32Array([0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x3f800000, 0x12345678]);
    const data = new Float32Array(bits.buffer);
    const file = parseSafetensors(serializeSafetensors({ x: { shape: [2, 4], data } }));
    const t = file.tensors.get("x")!;
    expect(t.dtype).toBe("F32");
    expect(t.shape).toEqual([2, 4]);
    expect(Array.from(new Uint32Array(toFloat32(t).buffer))).toEqual(Array.from(bits));
  });

  it("decodes F16 and BF16 exactly", () => {
    const f16 = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555];
    const bf16 = [0x3f80, 0xc000, 0x4049, 0x0001];
    const data = new Uint8Array([...u16le(f16), ...u16le(bf16)]);
    const file = parseSafetensors(
      build(
        {
          h: { dtype: "F16", shape: [8], data_offsets: [0, 16] },
          b: { dtype: "BF16", shape: [2, 2], data_offsets: [16, 24] },
        },
        data,
      ),
    );
    const h = toFloat32(file.tensors.get("h")!);
    expect(Array.from(h.slice(0, 7))).toEqual([1, -2, 0.5, 65504, 2 ** -24, -0, Infinity]);
    expect(h[7]).toBe(Math.fround(0.333251953125)); // 0x3555 = 1365/4096
    const b = toFloat32(file.tensors.get("b")!);
    expect(Array.from(b)).toEqual([1, -2, 3.140625, new Float32Array(new Uint32Array([0x00010000]).buffer)[0]]);
    expect(Number.isNaN(f16ToF32(0x7e00))).toBe(true);
  });

  it("reads the Python-written fixture", () => {
    const path = fileURLToPath(new URL("./fixtures/tiny-bert/model.safetensors", import.meta.url));
    const buf = readFileSync(path);
    const file = parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    expect(file.metadata).toEqual({ format: "pt" });
    expect(file.tensors.get("encoder.layer.0.intermediate.dense.weight")!.shape).toEqual([64, 32]);
    expect(file.tensors.size).toBe(5 + 2 * 16 + 2);
  });

  it("rejects malformed files with a clear message", () => {
    const f32 = new Uint8Array(8);
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    expect(() => parseSafetensors(build({}, f32, 1000))).toThrow(/exceeds file size/);
    expect(() => parseSafetensors(build({ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f32))).toThrow(/expected 12/);
    expect(() => parseSafetensors(build({ x: { dtype: "Q4", shape: [2], data_offsets: [0, 8] } }, f32))).toThrow(/unsupported dtype/);
    expect(() =>
      parseSafetensors(
        build(
          {
            x: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
            y: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
          },
          f32,
        ),
      ),
    ).toThrow(/overlaps/);
    expect(() => parseSafetensors(build({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32))).toThrow(/trailing/);
    expect(() => parseSafetensors(build([1, 2], f32))).toThrow(/not a JSON object/);
    const notJson = build({}, f32);
    notJson[8] = 0x7b + 1;
    expect(() => parseSafetensors(notJson)).toThrow(/JSON/);
    expect(() => toFloat32({ dtype: "I64", shape: [1], bytes: f32 })).toThrow(/cannot convert I64/);
  });
});
