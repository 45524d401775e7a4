import { describe, expect, it } from "vitest";
import { rrf } from "../src/index.js";

describe("rrf (Cormack et al. 2009)", () => {
  const a = new Map([["q", new Map([["x", 3], ["y", 2], ["z", 1]])]]);
  const b = new Map([
    ["q", new Map([["z", 0.9], ["x", 0.5]])],
    ["r", new Map([["w", 1]])],
  ]);

  it("sums 1/(k + rank) over runs with k = 60", () => {
    const f = rrf([a, b]);
    expect(f.get("q")!.get("x")).toBeCloseTo(1 / 61 + 1 / 62, 15);
    expect(f.get("q")!.get("y")).toBeCloseTo(1 / 62, 15);
    expect(f.get("q")!.get("z")).toBeCloseTo(1 / 63 + 1 / 61, 15);
    expect(f.get("r")!.get("w")).toBeCloseTo(1 / 61, 15);
  });

  it("honours k and depth, and ranks ties in trec_eval order", () => {
    const f = rrf([a, b], { k: 0, depth: 1 });
    expect([...f.get("q")!]).toEqual([["x", 1], ["z", 1]]);
    const tied = rrf([new Map([["q", new Map([["a", 1], ["b", 1]])]])], { k: 0 });
    expect(tied.get("q")!.get("b")).toBe(1); // "b" > "a": b ranks first
    expect(tied.get("q")!.get("a")).toBe(0.5);
  });

  it("rejects bad options", () => {
    expect(() => rrf([a], { k: -1 })).toThrow(/k must be/);
    expect(() => rrf([a], { depth: 0 })).toThrow(/depth must be/);
  });
});
