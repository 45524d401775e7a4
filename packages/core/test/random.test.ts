/**
 * Seeded randomness. The known-answer vectors were recorded from the implementations this
 * package replaced (@i3/data's `mulberry32`, `deriveSeed`, `SeededRandom`; @i3/train's float
 * `mulberry32` and `deriveSeed`; @i3/encoders' `hashSeed`) before they moved here: published
 * numbers and cache keys depend on these streams, so they must never change.
 */
import { describe, expect, it } from "vitest";
import { SeededRandom, mulberry32Float, mulberry32Uint32, seedFromCoordinates, seedFromName, seedFromParts } from "../src/index.js";

const take = (next: () => number, n: number) => Array.from({ length: n }, next);

describe("mulberry32", () => {
  it("reproduces the reference sequence", () => {
    // Values from an independent Python port of mulberry32 (first float for seed 0: 0.2664292086...).
    expect(take(mulberry32Uint32(0), 3)).toEqual([1144304738, 1416247, 958946056]);
    expect(take(mulberry32Uint32(42), 3)).toEqual([2581720956, 1925393290, 3661312704]);
  });

  it("keeps the uint32 stream of @i3/data's mulberry32 (seeds taken mod 2^32)", () => {
    expect(take(mulberry32Uint32(0), 5)).toEqual([1144304738, 1416247, 958946056, 627933444, 2007157716]);
    expect(take(mulberry32Uint32(1), 5)).toEqual([2693262067, 11749833, 2265367787, 4213581821, 4159151403]);
    expect(take(mulberry32Uint32(42), 5)).toEqual([2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
    const top = [3850105811, 813802916, 3073704848, 4054706436, 3630262831];
    expect(take(mulberry32Uint32(0xffffffff), 5)).toEqual(top);
    expect(take(mulberry32Uint32(-1), 5)).toEqual(top);
    expect(take(mulberry32Uint32(2 ** 32 + 5), 5)).toEqual([2962560684, 3318907087, 943874942, 2676532661, 365661495]);
  });

  it("keeps the float stream of @i3/train's mulberry32: the same words / 2^32", () => {
    expect(take(mulberry32Float(0), 4)).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111]);
    expect(take(mulberry32Float(42), 4)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
    expect(take(mulberry32Float(123456789), 4)).toEqual([0.2577907438389957, 0.9707721115555614, 0.7853280142880976, 0.20616457983851433]);
    const words = take(mulberry32Uint32(7), 100);
    expect(take(mulberry32Float(7), 100)).toEqual(words.map((w) => w / 4294967296));
  });
});

describe("seed derivation", () => {
  it("seedFromParts keeps @i3/data's deriveSeed (FNV-1a over `len:value;` parts, then fmix32)", () => {
    expect(seedFromParts()).toBe(2872998923);
    expect(seedFromParts("ab", "c")).toBe(2814200493);
    expect(seedFromParts("a", "bc")).toBe(3619687528); // the length prefix separates the parts
    expect(seedFromParts(1, 2, "q")).toBe(2871438387);
    expect(seedFromParts(42, "p1")).toBe(4075232253);
    expect(seedFromParts("", "")).toBe(3456922447);
    expect(seedFromParts("é😀")).toBe(3885004606);
    expect(seedFromParts(42, 0, "query-order")).toBe(3875720936);
    expect(seedFromParts(Number.MAX_SAFE_INTEGER)).toBe(3093270721);
    expect(seedFromParts(-7, "negatives")).toBe(1646704966);
    expect(seedFromParts(13, "crop", "d12")).toBe(3244990170);
    expect(() => seedFromParts(1.5)).toThrow(RangeError);
    expect(() => seedFromParts(2 ** 53)).toThrow("numeric parts must be safe integers");
  });

  it("seedFromCoordinates keeps @i3/train's deriveSeed (chained fmix32 over 32-bit words)", () => {
    expect(seedFromCoordinates(0)).toBe(2856213345);
    expect(seedFromCoordinates(77, 0, 0)).toBe(2933188000);
    expect(seedFromCoordinates(77, 3, 1)).toBe(1018362610);
    expect(seedFromCoordinates(2 ** 40 + 5, 7)).toBe(3632565943); // the seed's high word counts
    expect(seedFromCoordinates(-1, 2)).toBe(2244060929);
    expect(seedFromCoordinates(42, -3, 2 ** 33)).toBe(1260799867);
    expect(seedFromCoordinates(13, 100, 2, 9)).toBe(1639955490);
    expect(seedFromCoordinates(77, 3, 1)).not.toBe(seedFromCoordinates(77, 1, 3));
    expect(() => seedFromCoordinates(0.5)).toThrow("seed must be a safe integer");
    expect(() => seedFromCoordinates(1, 2.5)).toThrow("seed coordinate must be a safe integer");
  });

  it("seedFromName keeps @i3/encoders' hashSeed (FNV-1a over UTF-16 code units, seeded basis, fmix32)", () => {
    expect(seedFromName(0, "")).toBe(2872998923); // = fmix32(FNV offset basis) = seedFromParts()
    expect(seedFromName(42, "query")).toBe(2341602949);
    expect(seedFromName(42, "passage")).toBe(691342444);
    expect(seedFromName(13, "i3-heads")).toBe(3424229140);
    expect(seedFromName(42, "decoder")).toBe(3568811957);
    expect(seedFromName(7, "encoder.layer.0.attention.self.query.weight")).toBe(2602413191);
    expect(seedFromName(1, "é€😀")).toBe(3524488859);
    expect(seedFromName(-1, "x")).toBe(1080307760);
    expect(seedFromName(2 ** 32 + 3, "a")).toBe(2193908274); // only the seed's low 32 bits count
    expect(seedFromName(3, "a")).toBe(2193908274);
    expect(seedFromName(7, "3:12")).toBe(3105245728);
  });
});

describe("SeededRandom", () => {
  it("keeps @i3/data's streams: from(), uint32, float, int, shuffle, sampleIndices, permutation", () => {
    const r = SeededRandom.from(42, "p1");
    expect(take(() => r.uint32(), 3)).toEqual([4226910982, 1186243300, 3726311547]);
    expect(take(() => r.float(), 3)).toEqual([0.6515619533602148, 0.697745113633573, 0.5661589081864804]);
    expect(take(() => r.int(10), 8)).toEqual([9, 3, 1, 6, 7, 2, 7, 0]);
    expect(r.int(2 ** 32)).toBe(1572467102);
    expect(take(() => r.int(3e9), 3)).toEqual([1181740188, 2725575503, 1108547977]);
    expect(new SeededRandom(7).shuffle(Array.from({ length: 10 }, (_, i) => i))).toEqual([0, 4, 8, 1, 7, 3, 5, 6, 9, 2]);
    expect(new SeededRandom(5).sampleIndices(20, 6)).toEqual([4, 8, 16, 15, 11, 7]);
    expect([...new SeededRandom(9).permutation(8)]).toEqual([4, 0, 2, 7, 5, 3, 6, 1]);
  });

  it("is mulberry32Uint32 seeded with seedFromParts", () => {
    const words = take(mulberry32Uint32(seedFromParts(3, "x")), 5);
    const r = SeededRandom.from(3, "x");
    expect(take(() => r.uint32(), 5)).toEqual(words);
  });

  it("int stays in range and sampleIndices draws without replacement", () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const x = random.int(7);
      expect(x >= 0 && x < 7 && Number.isInteger(x)).toBe(true);
    }
    const sample = new SeededRandom(5).sampleIndices(20, 20);
    expect([...sample].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new SeededRandom(5).sampleIndices(20, 0)).toEqual([]);
    expect(() => new SeededRandom(5).sampleIndices(3, 4)).toThrow(RangeError);
    expect(() => new SeededRandom(5).int(0)).toThrow("n must be an integer in [1, 2^32]");
  });
});
