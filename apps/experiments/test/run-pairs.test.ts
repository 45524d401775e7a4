/**
 * Paired tests between systems of finished runs (report/run-pairs.ts): the p-values are
 * `@i3/metrics`' tests on the hand-built per-query vectors, Holm over the pairs; systems on
 * different queries are refused; the latest finished run folder is the one read.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareToBaseline, holm } from "@i3/metrics";
import { compareSystemPairs, formatComparisons, latestRunMetrics, type SystemMetrics } from "../src/index.js";

/** A system on queries q1..qn with these nDCG@10 values. */
function system(values: number[], queries = values.map((_, i) => `q${i + 1}`)): SystemMetrics {
  const perQuery = Object.fromEntries(queries.map((q, i) => [q, { "nDCG@10": values[i]! }]));
  return { aggregate: { "nDCG@10": values.reduce((a, b) => a + b, 0) / values.length }, ci: {}, queries, perQuery };
}

describe("compareSystemPairs", () => {
  const a = system([0.1, 0.5, 0.2, 0.9, 0.4, 0.3]);
  const b = system([0.3, 0.6, 0.2, 1.0, 0.7, 0.35]);
  const c = system([0.1, 0.4, 0.3, 0.8, 0.4, 0.2]);

  it("tests each pair on its own vectors and adjusts over the pairs (Holm)", () => {
    const out = compareSystemPairs(new Map([["b - a", { reference: a, system: b }], ["c - a", { reference: a, system: c }]]), ["nDCG@10"]);
    expect(out.map((r) => r.system)).toEqual(["b - a", "c - a"]);
    expect(out[0]!.meanDiff).toBeCloseTo((0.2 + 0.1 + 0 + 0.1 + 0.3 + 0.05) / 6, 12);
    expect(out[1]!.meanDiff).toBeCloseTo((0 - 0.1 + 0.1 - 0.1 + 0 - 0.1) / 6, 12);
    const vec = (s: SystemMetrics) => s.queries.map((q) => s.perQuery[q]!["nDCG@10"]!);
    const raw = [b, c].map((s) => compareToBaseline(vec(a), new Map([["x", vec(s)]]), { test: "t", alpha: 0.05 })[0]!.pValue);
    expect(out.map((r) => r.tests.t!.pValue)).toEqual(raw);
    expect(out.map((r) => r.tests.t!.pHolm)).toEqual(holm(raw));
    expect(out[0]!.tests.randomization!.pValue).toBeGreaterThan(0);
    expect(formatComparisons(out)[0]).toMatch(/^nDCG@10 {2}b - a: \+0\.1250 {2}p\(t\) 0\.\d{4} \(Holm 0\.\d{4}\) {2}p\(randomization\) 0\.\d{4} \(Holm 0\.\d{4}\)$/);
  });

  it("refuses a pair evaluated on different queries instead of testing a subset", () => {
    const other = system([0.1, 0.5, 0.2, 0.9, 0.4, 0.3], ["q1", "q2", "q3", "q4", "q5", "q7"]);
    expect(() => compareSystemPairs(new Map([["x - a", { reference: a, system: other }]]), ["nDCG@10"])).toThrow(/x - a: the two systems were evaluated on different queries/);
  });
});

describe("latestRunMetrics", () => {
  it("reads the latest run folder that has metrics.json, and names the folder when there is none", async () => {
    const runs = await mkdtemp(join(tmpdir(), "i3-run-pairs-"));
    await expect(latestRunMetrics(runs, "exp")).rejects.toThrow(/exp: no such folder; run the experiment exp first/);
    for (const [id, done] of [["20261201-000000-aaaa", true], ["20261202-000000-bbbb", true], ["20261203-000000-cccc", false]] as const) {
      await mkdir(join(runs, "exp", id), { recursive: true });
      if (done) await writeFile(join(runs, "exp", id, "metrics.json"), JSON.stringify({ runId: id }));
    }
    expect((await latestRunMetrics(runs, "exp")).runId).toBe("20261202-000000-bbbb");
    await mkdir(join(runs, "empty", "20261201-000000-aaaa"), { recursive: true });
    await expect(latestRunMetrics(runs, "empty")).rejects.toThrow(/empty: no finished run \(a folder with metrics.json\)/);
  });
});
