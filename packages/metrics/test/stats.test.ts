/**
 * Significance tests against closed forms, textbook table values and hand-enumerated cases
 * (no scipy here). Table values: two-sided critical values of Student's t, e.g. Abramowitz &
 * Stegun table 26.10 / any statistics textbook (3 decimals, so p matches to ~1e-4).
 */
import { describe, expect, it } from "vitest";
import {
  bonferroni, compareToBaseline, holm, incompleteBeta, lnGamma, meanConfidenceInterval, pairedTTest, randomizationTest,
  studentTCdf, studentTQuantile, studentTTwoSided, Xoshiro128,
} from "../src/index.js";

function binomialUpperTail(n: number, x: number, a: number): number {
  let p = 0;
  let c = 1; // C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j >= a) p += c * x ** j * (1 - x) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return p;
}

describe("lnGamma", () => {
  it("matches factorials and half-integer values", () => {
    let f = 1;
    for (let n = 1; n <= 20; n++) {
      expect(lnGamma(n)).toBeCloseTo(Math.log(f), 10);
      f *= n;
    }
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
    expect(lnGamma(100)).toBeCloseTo(359.13420536957540, 9); // ln(99!)
  });
});

describe("incompleteBeta I_x(a, b)", () => {
  it("equals the binomial upper tail for integer a, b: I_x(a, n-a+1) = P(Bin(n, x) >= a)", () => {
    expect(incompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 13); // by hand: .3456 + .1536 + .0256
    for (const n of [1, 4, 10, 30]) {
      for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
        for (let a = 1; a <= n; a += Math.max(1, Math.floor(n / 5))) {
          expect(incompleteBeta(x, a, n - a + 1)).toBeCloseTo(binomialUpperTail(n, x, a), 12);
        }
      }
    }
  });

  it("closed forms and symmetry", () => {
    for (const x of [0.001, 0.3, 0.5, 0.9]) {
      expect(incompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(incompleteBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 14);
      expect(incompleteBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 14);
      expect(incompleteBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 13);
      expect(incompleteBeta(x, 2.3, 7.1) + incompleteBeta(1 - x, 7.1, 2.3)).toBeCloseTo(1, 14);
    }
    expect(incompleteBeta(0.5, 40, 40)).toBeCloseTo(0.5, 12);
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(() => incompleteBeta(1.5, 2, 3)).toThrow(/x must be in \[0, 1\]/);
    expect(() => incompleteBeta(0.5, 0, 3)).toThrow(/a and b must be > 0/);
  });
});

describe("Student t distribution", () => {
  it("df = 1 (Cauchy) and df = 2 closed forms", () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it.each([
    [12.706, 1, 0.05], [4.303, 2, 0.05], [2.776, 4, 0.05], [2.228, 10, 0.05], [2.042, 30, 0.05],
    [1.98, 120, 0.05], [63.657, 1, 0.01], [4.032, 5, 0.01], [2.845, 20, 0.01], [1.671, 60, 0.1],
    [1.812, 10, 0.1], [3.85, 20, 0.001],
  ])("table: t = %f, df = %i -> two-sided p = %f", (t, df, p) => {
    expect(studentTTwoSided(t, df)).toBeCloseTo(p, 3);
    expect(Math.abs(studentTTwoSided(t, df) - p) / p).toBeLessThan(0.003);
  });

  it("tends to the normal distribution", () => {
    expect(studentTTwoSided(1.959963984540054, 1e7)).toBeCloseTo(0.05, 6);
  });

  it("matches numerically integrated densities (Simpson, 200k panels)", () => {
    expect(studentTTwoSided(2.5, 7)).toBeCloseTo(0.04099221858573576, 10);
    expect(studentTTwoSided(1, 3)).toBeCloseTo(0.39100221895577125, 10);
  });
});

describe("pairedTTest", () => {
  it("hand-computed: d = [1, 0, 1, 0, 2] -> t = 2.138090, df = 4, p = 0.099301", () => {
    const r = pairedTTest([1, 2, 3, 4, 5], [2, 2, 4, 4, 7]);
    expect(r.meanDiff).toBeCloseTo(0.8, 14);
    expect(r.t).toBeCloseTo(0.8 / (Math.sqrt(0.7) / Math.sqrt(5)), 12);
    expect(r.df).toBe(4);
    // df = 4 closed form: F(t) = 1/2 + (3/8) u (1 - t^2 / (12 (1 + t^2/4))), u = t / sqrt(1 + t^2/4)
    expect(r.pValue).toBeCloseTo(0.09930068321372687, 12);
    expect(pairedTTest([2, 2, 4, 4, 7], [1, 2, 3, 4, 5]).pValue).toBeCloseTo(r.pValue, 14);
  });

  it("degenerate differences and bad input", () => {
    expect(pairedTTest([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    const shifted = pairedTTest([0.1, 0.2, 0.3], [0.2, 0.3, 0.4]);
    expect(shifted.pValue).toBe(0);
    expect(shifted.t).toBe(Infinity);
    expect(() => pairedTTest([1, 2], [1])).toThrow(/must be paired/);
    expect(() => pairedTTest([1], [1])).toThrow(/at least 2/);
    expect(() => pairedTTest([1, NaN], [1, 2])).toThrow(/value 1 is not finite/);
  });
});

describe("randomizationTest", () => {
  it("exact enumeration, by hand: d = [1, 2, 3] -> |sum| >= 6 in 2 of 8 sign vectors", () => {
    const r = randomizationTest([0, 0, 0], [1, 2, 3]);
    expect(r.exact).toBe(true);
    expect(r.trials).toBe(8);
    expect(r.pValue).toBe(0.25);
    // d = [1, 1, -1, 2]: sums with |S| >= 3 over 16 vectors: ±(1+1-1+2)=±3, ±(1+1+1+2)=±5,
    // ±(1-1+1+2)=±3 twice (either 1 flipped) -> 8 of 16
    expect(randomizationTest([0, 0, 0, 0], [1, 1, -1, 2]).pValue).toBe(0.5);
  });

  it("identical systems give p = 1", () => {
    expect(randomizationTest([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    expect(randomizationTest(new Array(40).fill(0.5), new Array(40).fill(0.5)).pValue).toBe(1);
  });

  it("Monte Carlo agrees with exact enumeration within sampling error, deterministic per seed", () => {
    const rng = new Xoshiro128(7);
    const a = Array.from({ length: 16 }, () => rng.nextFloat());
    const b = a.map((x) => x + (rng.nextFloat() - 0.4) * 0.3);
    const exact = randomizationTest(a, b, { exactUpTo: 16 });
    const mc = randomizationTest(a, b, { exactUpTo: 0, trials: 20_000, seed: 1 });
    expect(exact.exact).toBe(true);
    expect(mc.exact).toBe(false);
    const se = Math.sqrt((exact.pValue * (1 - exact.pValue)) / 20_000);
    expect(Math.abs(mc.pValue - exact.pValue)).toBeLessThan(4 * se + 1e-4);
    expect(randomizationTest(a, b, { exactUpTo: 0, trials: 20_000, seed: 1 }).pValue).toBe(mc.pValue);
    expect(randomizationTest(a, b, { exactUpTo: 0, trials: 20_000, seed: 2 }).pValue).not.toBe(mc.pValue);
  });

  it("a large consistent improvement gets the smallest Monte Carlo p-value 1/(trials+1)", () => {
    const a = Array.from({ length: 50 }, (_, i) => i / 50);
    const b = a.map((x) => x + 0.1);
    expect(randomizationTest(a, b, { trials: 999 }).pValue).toBe(1 / 1000);
  });
});

describe("Xoshiro128", () => {
  it("is deterministic and roughly uniform", () => {
    const x = new Xoshiro128(123);
    const y = new Xoshiro128(123);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = x.nextFloat();
      expect(v).toBe(y.nextFloat());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });
});

describe("holm / bonferroni", () => {
  it("textbook example: p = [.01, .04, .03, .005]", () => {
    // sorted .005, .01, .03, .04 -> 4*.005 = .02, 3*.01 = .03, 2*.03 = .06, max(.06, 1*.04) = .06
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15));
    expect(bonferroni([0.01, 0.3])).toEqual([0.02, 0.6]);
    expect(holm([0.6, 0.9])).toEqual([1, 1]);
    expect(() => holm([1.2])).toThrow(/p-value 0 must be in \[0, 1\]/);
  });

  it("compareToBaseline applies Holm across systems", () => {
    const base = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const systems = new Map([
      ["same", base.slice()],
      ["better", base.map((x, i) => x + 0.1 + (i % 2) * 0.01)],
    ]);
    const rows = compareToBaseline(base, systems);
    const raw = rows.map((r) => r.pValue);
    expect(rows.map((r) => r.pHolm)).toEqual(holm(raw));
    expect(rows[0]!.significant).toBe(false);
    expect(rows[1]!.significant).toBe(true);
    expect(rows[1]!.meanDiff).toBeCloseTo(0.105, 12);
    const perm = compareToBaseline(base, systems, { test: "randomization" });
    // exact: all 6 differences positive; only all-plus and all-minus reach |S_obs| -> 2 / 2^6
    expect(perm[1]!.pValue).toBe(2 / 64);
  });
});

describe("confidence intervals", () => {
  it("inverts the t distribution (reference values from statistical tables)", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 8);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.570581836, 8);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 4);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(() => studentTQuantile(1, 3)).toThrow("p must be in (0, 1)");
    expect(() => studentTQuantile(0.9, 0)).toThrow("df must be > 0");
  });

  it("gives mean ± t·s/√n", () => {
    // values 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445105
    const ci = meanConfidenceInterval([1, 2, 3, 4, 5]);
    const half = 2.776445105 * Math.sqrt(2.5 / 5);
    expect(ci.n).toBe(5);
    expect(ci.mean).toBe(3);
    expect(ci.low).toBeCloseTo(3 - half, 8);
    expect(ci.high).toBeCloseTo(3 + half, 8);
    // 90%: t(0.95, 4) = 2.131846786
    const ci90 = meanConfidenceInterval(Float64Array.from([1, 2, 3, 4, 5]), 0.9);
    expect(ci90.high - ci90.mean).toBeCloseTo(2.131846786 * Math.sqrt(2.5 / 5), 8);
    expect(meanConfidenceInterval([0.5])).toEqual({ n: 1, mean: 0.5, low: 0.5, high: 0.5 });
    expect(meanConfidenceInterval([])).toEqual({ n: 0, mean: NaN, low: NaN, high: NaN });
  });
});
