/** Peer comparisons: the speed ratio's direction for throughputs and times, targets, collection from JSON files, the table. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectPeerComparisons, formatPeerComparisons, peerComparison } from "../peer-ratios.js";

describe("peer comparisons", () => {
  it("is toolkit speed / peer speed for throughputs and peer time / toolkit time for times", () => {
    const encode = peerComparison({ work: "encode", ours: "ort", oursValue: 300, peer: "torch", peerValue: 120, unit: "passages/s", higherIsFaster: true, target: 2 });
    expect(encode.speedRatio).toBe(2.5);
    expect(encode.targetMet).toBe(true);
    const evalTime = peerComparison({ work: "eval", ours: "i3 eval", oursValue: 3, peer: "trec_eval", peerValue: 5, unit: "s", higherIsFaster: false, target: 2 });
    expect(evalTime.speedRatio).toBeCloseTo(5 / 3, 12);
    expect(evalTime.targetMet).toBe(false);
    const absent = peerComparison({ work: "train", ours: "wasm", oursValue: 7.5, peer: "torch", peerValue: null, unit: "s", higherIsFaster: false, target: 1 });
    expect([absent.speedRatio, absent.targetMet]).toEqual([null, null]);
  });

  it("collects the comparisons of every benchmark JSON (not ratios.json itself) and prints them", () => {
    const dir = mkdtempSync(join(tmpdir(), "i3-bench-out-"));
    const row = peerComparison({ work: "search", ours: "ort", oursValue: 900, peer: "numpy", peerValue: 850, unit: "q/s", higherIsFaster: true });
    writeFileSync(join(dir, "search.json"), JSON.stringify({ peerComparisons: [row] }));
    writeFileSync(join(dir, "bm25.json"), JSON.stringify({ summary: {} }));
    writeFileSync(join(dir, "ratios.json"), JSON.stringify({ peerComparisons: [row] }));
    writeFileSync(join(dir, "training.json"), JSON.stringify([{ config: "tiny" }, { config: "small", peerComparisons: [row] }]));
    const rows = collectPeerComparisons(dir);
    expect(rows).toEqual([{ bench: "search", ...row }, { bench: "training", ...row }]);
    expect(formatPeerComparisons(rows).split("\n")[2]).toBe("| search | search | ort: 900 q/s | numpy: 850 q/s | 1.06 |  |");
  });
});
