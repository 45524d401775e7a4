/**
 * IEEE 754 binary16 ("half") conversion on plain typed arrays (Node 20 has no Float16Array).
 * float32 -> float16 rounds to nearest, ties to even, like a hardware `vcvtps2ph`: values too
 * large become +-Infinity, tiny values become float16 subnormals or +-0, NaN stays NaN (quiet,
 * top payload bits kept). float16 -> float32 is exact (every half is a float32) via a table.
 */

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The binary16 bit pattern nearest to `value` (rounded to float32 first, then to half, ties to even). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  return float32BitsToFloat16Bits(i32[0]!);
}

/** The binary16 bit pattern nearest to the float32 whose bits (as an int32) are `x` (ties to even). */
function float32BitsToFloat16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) {
    // Inf or NaN (keep NaN quiet with the top mantissa bits).
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 127 + 15; // rebiased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // Subnormal half (or zero): value = m * 2^-24 with m = full mantissa >> (14 - e) ... rounded.
    if (e < -10) return sign; // below half the smallest subnormal -> +-0 (exactly half rounds to even 0)
    const full = mant | 0x800000; // implicit leading 1, 24 bits
    const shift = 14 - e; // 14..24
    const kept = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    const up = rest > half || (rest === half && (kept & 1) === 1) ? 1 : 0;
    return sign | (kept + up); // may carry into the smallest normal (0x0400): still correct
  }
  const kept = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  const up = rest > 0x1000 || (rest === 0x1000 && (kept & 1) === 1) ? 1 : 0;
  return sign | (kept + up); // a carry may reach 0x7c00 = Inf: correct overflow
}

/** The float32 value of a binary16 bit pattern (exact). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

let table: Float32Array | undefined;

/** All 65,536 half values as float32, built on first use (256 KiB). */
function halfTable(): Float32Array {
  if (table === undefined) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = float16BitsToFloat32(h);
  }
  return table;
}

/** Converts float32 values to binary16 bit patterns (round to nearest even). */
export function toFloat16(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  if (out.length < values.length) throw new RangeError(`toFloat16: out has ${out.length} slots, need ${values.length}`);
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length); // Int32: stays a small integer in V8
  for (let i = 0; i < bits.length; i++) out[i] = float32BitsToFloat16Bits(bits[i]!);
  return out;
}

/** Expands binary16 bit patterns to float32 values (exact). */
export function fromFloat16(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  if (out.length < bits.length) throw new RangeError(`fromFloat16: out has ${out.length} slots, need ${bits.length}`);
  const t = halfTable();
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!;
  return out;
}
