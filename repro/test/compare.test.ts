/** Comparison at the printed precision: values worked out by hand. */
import { describe, expect, it } from "vitest";
import { compareValue, formatCheck, printLikeReadme, printedDecimals } from "../compare.js";

describe("compareValue", () => {
  it("rounds the reproduced value to the published decimals", () => {
    expect(compareValue(0.678949, ".6789")).toEqual({ ok: true, got: ".6789", published: ".6789", diff: ".0000" });
    expect(compareValue(0.67886, ".6789").ok).toBe(true);
    expect(compareValue(0.6789, "0.6789").ok).toBe(true); // leading zero or not: the same printed value
    expect(compareValue(0.67, ".670").ok).toBe(true); // three decimals printed: compared at three
    expect(compareValue(0.6704, ".670").ok).toBe(true);
    expect(compareValue(0.6706, ".670")).toMatchObject({ ok: false, got: ".671", diff: "+.001" });
  });

  it("fails with the signed difference in units of the last printed decimal", () => {
    expect(compareValue(0.67896, ".6789")).toEqual({ ok: false, got: ".6790", published: ".6789", diff: "+.0001" });
    expect(compareValue(0.2757, ".2724")).toEqual({ ok: false, got: ".2757", published: ".2724", diff: "+.0033" });
    expect(compareValue(0.0468, ".0574")).toEqual({ ok: false, got: ".0468", published: ".0574", diff: "-.0106" });
    expect(compareValue(Number.NaN, ".0574")).toMatchObject({ ok: false, got: "NaN" });
  });

  it("prints OK or FAIL as the runner shows them", () => {
    expect(formatCheck(compareValue(0.9253, ".9253"))).toBe("OK .9253");
    expect(formatCheck(compareValue(0.4362, ".4311"))).toBe("FAIL (got .4362, published .4311, diff +.0051)");
  });

  it("reads the printed precision and prints in the README's style", () => {
    expect(printedDecimals(".6789")).toBe(4);
    expect(printedDecimals("0.25")).toBe(2);
    expect(() => printedDecimals("6789")).toThrow(/not a printed decimal/);
    expect(printLikeReadme(1, 4)).toBe("1.0000");
    expect(printLikeReadme(-0.001, 4)).toBe("-.0010");
  });
});
