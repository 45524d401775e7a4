import { describe, expect, it } from "vitest";
import { sampleNegatives, scheduleOrder } from "../src/negatives/index.js";
import type { NegativeSchedule } from "../src/negatives/index.js";

const ids = (k: number, prefix = "p") => Array.from({ length: k }, (_, i) => `${prefix}${i}`);
const picks = (length: number, n: number, schedule: NegativeSchedule, epoch: number, seed = 1, qid = "q") =>
  [...scheduleOrder(length, n, schedule, { seed, epoch, qid })].slice(0, Math.min(n, length));

describe("scheduleOrder: strided (I3 reference: interval = len // n, offset = epoch % interval)", () => {
  it("matches pool[offset::interval][:n] computed by hand", () => {
    // len 10, n 3: interval 3. epoch 1 -> offset 1 -> [1, 4, 7]; epoch 2 -> [2, 5, 8]; epoch 3 -> offset 0 -> [0, 3, 6]
    expect(picks(10, 3, "strided", 1)).toEqual([1, 4, 7]);
    expect(picks(10, 3, "strided", 2)).toEqual([2, 5, 8]);
    expect(picks(10, 3, "strided", 3)).toEqual([0, 3, 6]);
    // len 7, n 3: interval 2. epoch 1 -> [1, 3, 5]; epoch 4 -> offset 0 -> [0, 2, 4]
    expect(picks(7, 3, "strided", 1)).toEqual([1, 3, 5]);
    expect(picks(7, 3, "strided", 4)).toEqual([0, 2, 4]);
    // len 200, n 15: interval 13, epoch 20 -> offset 7 -> 7, 20, ..., 189
    expect(picks(200, 15, "strided", 20)).toEqual(Array.from({ length: 15 }, (_, i) => 7 + 13 * i));
  });

  it("takes the whole pool when it is not longer than n, and lists spares in rank order", () => {
    expect(picks(2, 3, "strided", 5)).toEqual([0, 1]);
    expect([...scheduleOrder(7, 3, "strided", { seed: 0, epoch: 1, qid: "q" })]).toEqual([1, 3, 5, 0, 2, 4, 6]);
  });

  it("does not depend on the seed or the query", () => {
    expect(picks(10, 3, "strided", 1, 99, "other")).toEqual([1, 4, 7]);
  });
});

describe("scheduleOrder: random", () => {
  it("is a permutation, deterministic for (seed, epoch, qid), different across epochs", () => {
    const a = [...scheduleOrder(50, 5, "random", { seed: 1, epoch: 0, qid: "q" })];
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...scheduleOrder(50, 5, "random", { seed: 1, epoch: 0, qid: "q" })]).toEqual(a);
    expect(picks(50, 5, "random", 1)).not.toEqual(a.slice(0, 5));
    expect(picks(50, 5, "random", 0, 2)).not.toEqual(a.slice(0, 5));
    expect(picks(50, 5, "random", 0, 1, "q2")).not.toEqual(a.slice(0, 5));
  });
});

describe("scheduleOrder: tevatron (fixed permutation, window at epoch * n mod len)", () => {
  it("walks through the whole pool before repeating", () => {
    // len 6, n 2: epochs 0, 1, 2 take disjoint windows covering the pool; epoch 3 repeats epoch 0.
    const windows = [0, 1, 2, 3].map((epoch) => picks(6, 2, "tevatron", epoch));
    expect(windows.slice(0, 3).flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(windows[3]).toEqual(windows[0]);
    // The window of epoch 1 continues the permutation right after epoch 0's.
    const order0 = [...scheduleOrder(6, 2, "tevatron", { seed: 1, epoch: 0, qid: "q" })];
    expect(windows[1]).toEqual(order0.slice(2, 4));
  });

  it("wraps around the end of the permutation (len 5, n 2, epoch 2 -> positions 4, 0)", () => {
    const order0 = [...scheduleOrder(5, 2, "tevatron", { seed: 1, epoch: 0, qid: "q" })];
    expect(picks(5, 2, "tevatron", 2)).toEqual([order0[4], order0[0]]);
  });
});

describe("sampleNegatives", () => {
  const POOL = ["a", "b", "c", "d", "e", "f"]; // strided, n 2, epoch 1: interval 3, offset 1 -> b, e

  it("returns the schedule's picks when nothing conflicts", () => {
    const s = sampleNegatives("q", POOL, 2, { schedule: "strided", seed: 0, epoch: 1 });
    expect(s).toEqual({ ids: ["b", "e"], replaced: 0, padded: 0, unavoidable: 0 });
  });

  it("replaces an own positive from the spare order (rank order for strided)", () => {
    const s = sampleNegatives("q", POOL, 2, { schedule: "strided", seed: 0, epoch: 1, positives: new Set(["b"]) });
    expect(s.ids).toEqual(["a", "e"]);
    expect(s.replaced).toBe(1);
  });

  it("replaces an avoided pick in its own slot", () => {
    const s = sampleNegatives("q", POOL, 2, { schedule: "strided", seed: 0, epoch: 1, avoid: (id) => id === "e" || id === "a" });
    expect(s.ids).toEqual(["b", "c"]);
    expect(s.replaced).toBe(1);
  });

  it("keeps avoided picks and counts them when nothing else is available", () => {
    const s = sampleNegatives("q", ["a", "b"], 2, { schedule: "strided", seed: 0, epoch: 0, avoid: (id) => id === "a" });
    expect(s).toEqual({ ids: ["a", "b"], replaced: 0, padded: 0, unavoidable: 1 });
  });

  it("pads a short pool from the corpus, excluding positives and ids already drawn, deterministically", () => {
    const corpus = ["a", "pos", "x", "y", "z"];
    const options = { schedule: "random" as const, seed: 4, epoch: 2, positives: new Set(["pos"]), corpusIds: corpus };
    const s = sampleNegatives("q", ["a"], 4, options);
    expect(s.ids[0]).toBe("a");
    expect(s.padded).toBe(3);
    expect([...s.ids].sort()).toEqual(["a", "x", "y", "z"]);
    expect(sampleNegatives("q", ["a"], 4, options)).toEqual(s);
  });

  it("throws naming the query when n negatives cannot be found", () => {
    expect(() => sampleNegatives("q7", ["a"], 2, { schedule: "random", seed: 0, epoch: 0 })).toThrow(/query "q7".*corpusIds/);
    expect(() =>
      sampleNegatives("q7", [], 2, { schedule: "random", seed: 0, epoch: 0, positives: new Set(["pos"]), corpusIds: ["a", "pos"] }),
    ).toThrow(/query "q7".*corpus exhausted/);
  });

  it("never returns duplicates from a pool with repeated ids", () => {
    const s = sampleNegatives("q", ["a", "a", "b"], 2, { schedule: "strided", seed: 0, epoch: 0 });
    expect(s.ids).toEqual(["a", "b"]);
  });
});

describe("determinism across runs of the random schedule with padding", () => {
  it("gives identical draws for the same key and a valid draw for each epoch", () => {
    const pool = ids(30);
    for (let epoch = 0; epoch < 4; epoch++) {
      const a = sampleNegatives("q", pool, 7, { schedule: "random", seed: 11, epoch });
      const b = sampleNegatives("q", pool, 7, { schedule: "random", seed: 11, epoch });
      expect(a).toEqual(b);
      expect(new Set(a.ids).size).toBe(7);
      for (const id of a.ids) expect(pool).toContain(id);
    }
  });
});
