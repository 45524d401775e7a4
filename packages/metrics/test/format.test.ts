import { describe, expect, it } from "vitest";
import { evaluate, formatFixed, formatLine, formatTrecEval } from "../src/index.js";

describe("formatFixed (C printf %.4f)", () => {
  it("rounds exact binary ties to even like glibc, unlike toFixed", () => {
    // 0.03125 = 1/32 is exact in binary: a true tie at the 5th decimal.
    expect((0.03125).toFixed(4)).toBe("0.0313");
    expect(formatFixed(0.03125)).toBe("0.0312");
    expect(formatFixed(0.09375)).toBe("0.0938"); // 3/32: tie, 7 is odd -> up
    expect(formatFixed(0.15625)).toBe("0.1562"); // 5/32
    expect(formatFixed(2.5, 0)).toBe("2");
    expect(formatFixed(3.5, 0)).toBe("4");
    expect(formatFixed(-0.03125)).toBe("-0.0312");
  });

  it("rounds non-ties to nearest (0.00015 is not exact in binary: just above or below)", () => {
    expect(formatFixed(1 / 3)).toBe("0.3333");
    expect(formatFixed(2 / 3)).toBe("0.6667");
    expect(formatFixed(0.00015)).toBe((0.00015).toFixed(4));
    expect(formatFixed(1)).toBe("1.0000");
    expect(formatFixed(0)).toBe("0.0000");
  });
});

describe("formatTrecEval", () => {
  it("pads names to 22 characters, prints counts as integers, skips queries missing from the run", () => {
    const qrels = new Map([
      ["q1", new Map([["a", 1]])],
      ["q2", new Map([["b", 1]])],
    ]);
    const run = new Map([["q1", new Map([["a", 1], ["c", 0.5]])]]);
    const ev = evaluate(qrels, run, ["NumRet", "P@1", "NumQ"], { allQueries: true });
    expect(formatTrecEval(ev, { runId: "bm25" })).toBe(
      [
        "NumRet                \tq1\t2",
        "P@1                   \tq1\t1.0000",
        "runid                 \tall\tbm25",
        "NumRet                \tall\t2",
        "P@1                   \tall\t0.5000",
        "NumQ                  \tall\t2",
        "",
      ].join("\n"),
    );
    expect(formatTrecEval(ev, { perQuery: false }).split("\n")).toHaveLength(4);
  });

  it("does not pad names longer than 22 characters", () => {
    expect(formatLine("a".repeat(25), "all", 0.5, false)).toBe(`${"a".repeat(25)}\tall\t0.5000`);
  });
});
