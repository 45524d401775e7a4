import { describe, expect, it } from "vitest";
import { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16, toFloat16 } from "../src/dense/index.js";

/** Every finite half value by the binary16 definition, independent of the code under test. */
function halfValue(bits: number): number {
  const sign = bits >> 15 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  return e === 0 ? sign * m * Math.pow(2, -24) : sign * (1 + m / 1024) * Math.pow(2, e - 15);
}

/** Reference rounding: nearest non-negative half pattern by search over all of them, ties to even. */
const positives = Array.from({ length: 0x7c00 }, (_, h) => ({ h, v: halfValue(h) }));
function referenceBits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is the midpoint between 65504 and 2^16: ties to even = Inf
  let lo = 0;
  let hi = positives.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (positives[mid]!.v <= a) lo = mid;
    else hi = mid - 1;
  }
  const below = positives[lo]!;
  if (below.v === a || lo === positives.length - 1) return sign | below.h;
  const above = positives[lo + 1]!;
  const dBelow = a - below.v;
  const dAbove = above.v - a;
  if (dBelow < dAbove) return sign | below.h;
  if (dAbove < dBelow) return sign | above.h;
  return sign | (below.h % 2 === 0 ? below.h : above.h);
}

describe("float16 conversion", () => {
  it("converts hand-checked values", () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite
      [65519.99, 0x7bff],
      [65520, 0x7c00], // midpoint -> even -> Inf
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // half of it: tie to even -> 0
      [3 * 2 ** -26, 0x0001], // 0.75 ulp -> 1
      [3 * 2 ** -25, 0x0002], // 1.5 ulp: tie -> even 2
      [5 * 2 ** -25, 0x0002], // 2.5 ulp: tie -> even 2
      [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10 -> even
      [1 + 3 * 2 ** -11, 0x3c02], // tie -> even (mantissa 2)
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
      [2047 * 2 ** -25, 0x0400], // 1023.5 ulp subnormal: tie -> rounds up into the smallest normal
      [1e-10, 0x0000],
      [-1e-10, 0x8000],
    ];
    for (const [x, bits] of cases) expect(float32ToFloat16Bits(x), `${x}`).toBe(bits);
  });

  it("keeps NaN a NaN", () => {
    const h = float32ToFloat16Bits(NaN);
    expect(h & 0x7c00).toBe(0x7c00);
    expect(h & 0x3ff).not.toBe(0);
    expect(Number.isNaN(float16BitsToFloat32(h))).toBe(true);
  });

  it("decodes every pattern exactly and round-trips every non-NaN half", () => {
    const bad: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const e = (h >> 10) & 31;
      const v = float16BitsToFloat32(h);
      if (e === 31) {
        const ok = (h & 1023) === 0 ? v === (h & 0x8000 ? -Infinity : Infinity) : Number.isNaN(v);
        if (!ok) bad.push(h);
      } else if (!Object.is(v, halfValue(h)) || float32ToFloat16Bits(v) !== h) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it("rounds random float32 values like a nearest-even search over all halves", () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const bad: number[] = [];
    let seed = 12345;
    for (let i = 0; i < 20000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Random bit patterns with exponents concentrated on the float16 range (incl. subnormals).
      const exp = 127 - 28 + (seed % 46);
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      u[0] = ((seed & 1) << 31) | (exp << 23) | (seed >>> 9);
      if (float32ToFloat16Bits(f[0]!) !== referenceBits(f[0]!)) bad.push(f[0]!);
    }
    expect(bad).toEqual([]);
    // Exact midpoints between neighbouring halves (representable in float32).
    for (let h = 0; h < 0x7bff; h += 37) {
      const mid = (halfValue(h) + halfValue(h + 1)) / 2;
      expect(Math.fround(mid)).toBe(mid);
      expect(float32ToFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
    }
  });

  it("converts arrays both ways", () => {
    const x = new Float32Array([0.1, -3.5, 1000.25, 70000, 2 ** -20]);
    const bits = toFloat16(x);
    expect(Array.from(bits)).toEqual(Array.from(x, (v) => referenceBits(v)));
    const back = fromFloat16(bits);
    expect(Array.from(back)).toEqual(Array.from(bits, (b) => float16BitsToFloat32(b)));
    expect(back[1]).toBe(-3.5);
    expect(back[3]).toBe(Infinity);
    expect(() => toFloat16(x, new Uint16Array(2))).toThrow(/out has 2 slots/);
  });
});
