import { describe, expect, it } from "vitest";
import { byte4ToInt, intToByte4, quantizeLength } from "../src/bm25/index.js";

// Values derived by hand from Lucene's SmallFloat: NUM_FREE_VALUES = 24; above that, 4 significant
// bits of (length - 24): encoded = 24 + ((shift + 1) << 3 | (bits >>> shift) & 7).
describe("SmallFloat.intToByte4 / byte4ToInt", () => {
  it("stores lengths 0..39 exactly", () => {
    for (let len = 0; len <= 39; len++) {
      expect(intToByte4(len)).toBe(len);
      expect(quantizeLength(len)).toBe(len);
    }
  });

  it.each([
    // [length, byte, decoded]
    [40, 40, 40], // 16 = 0b10000: shift 1, mantissa 0 -> 24 + 16
    [47, 43, 46], // 23 = 0b10111: shift 1, keeps 0b1011 -> 22 -> 46
    [48, 44, 48],
    [100, 57, 96], // 76 = 0b1001100: shift 3, keeps 0b1001 -> 72 -> 96
    [160, 64, 152], // 136 = 0b10001000: shift 4, keeps 0b1000 -> 128 -> 152
    [1000, 87, 984], // 976: shift 6, keeps 0b1111 -> 960 -> 984
  ])("length %i -> byte %i -> %i", (length, byte, decoded) => {
    expect(intToByte4(length)).toBe(byte);
    expect(byte4ToInt(byte)).toBe(decoded);
  });

  it("decodes byte 255 to 24 + 15 * 2^27 and encodes Integer.MAX_VALUE to 255", () => {
    expect(byte4ToInt(255)).toBe(24 + 15 * 2 ** 27);
    expect(intToByte4(2 ** 31 - 1)).toBe(255);
  });

  it("rounds down, monotonically, losing at most 1/8 of the length", () => {
    let previous = 0;
    for (let len = 0; len < 20_000; len++) {
      const q = quantizeLength(len);
      expect(q).toBeLessThanOrEqual(len);
      expect(q).toBeGreaterThanOrEqual(previous);
      expect(len - q).toBeLessThanOrEqual(Math.max(0, (len - 24) / 8));
      previous = q;
    }
  });

  it("rejects negative and fractional lengths", () => {
    expect(() => intToByte4(-1)).toThrow(RangeError);
    expect(() => intToByte4(1.5)).toThrow(RangeError);
  });
});
