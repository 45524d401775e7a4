import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reportCommand } from "../src/cli/report-command.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { baselineMarkers, comparePairs, compareWithBaseline, markersOf } from "../src/report/significance.js";
import { fakeDenseSystem, tempDir, writeTinyCollection } from "./runner-fixtures.js";

const CHROMIUM = "/usr/bin/chromium";

describe("significance of pairs", () => {
  it("pairs queries by id, applies Holm across pairs and marks significant differences with their direction", () => {
    const queries = Array.from({ length: 30 }, (_, i) => `q${i}`);
    const base = { queries, values: { m: queries.map((_, i) => (i % 5) / 10) } };
    const better = { queries: [...queries].reverse(), values: { m: [...queries].reverse().map((_, j) => ((29 - j) % 5) / 10 + 0.2 + (j % 3) / 100) } };
    const worse = { queries, values: { m: base.values.m.map((v, i) => v - 0.2 - (i % 3) / 100) } };
    const same = { queries, values: { m: base.values.m.map((v, i) => v + (i % 2 === 0 ? 0.01 : -0.01)) } };
    const pairs = new Map([["better", better], ["worse", worse], ["same", same]].map(([name, system]) => [name as string, { reference: base, system: system as typeof base }]));
    const out = comparePairs(pairs, ["m"], { tests: ["t", "randomization"], alpha: 0.05, permutations: 2000, seed: 1 });
    const b = out.find((c) => c.system === "better")!;
    const s = out.find((c) => c.system === "same")!;
    expect(b.n).toBe(30);
    expect(b.meanDiff).toBeGreaterThan(0.2);
    expect(b.ciLow! > 0.2 && b.ciHigh! < 0.25).toBe(true);
    expect(markersOf(b)).toBe("▲†‡");
    expect(markersOf(out.find((c) => c.system === "worse"))).toBe("▼†‡");
    expect(markersOf(s)).toBe("");
    // Holm with three pairs: the largest p-value is kept (at least), the same pair's is >= its raw value.
    expect(s.tests.t!.pHolm).toBeGreaterThanOrEqual(s.tests.t!.pValue);
    expect(b.tests.t!.pHolm).toBeCloseTo(Math.min(1, Math.max(...["better", "worse"].map((n) => out.find((c) => c.system === n)!.tests.t!.pValue)) * 2, 3 * b.tests.t!.pValue), 12);
  });
});

describe("comparison with one baseline", () => {
  it("is @i3/metrics' comparison, with the Holm family the config names", () => {
    const queries = Array.from({ length: 12 }, (_, i) => `q${i}`);
    const base = { queries, values: { a: queries.map((_, i) => (i % 4) / 10), b: queries.map((_, i) => (i % 3) / 10) } };
    const shift = (d: number) => ({ queries, values: { a: base.values.a.map((v, i) => v + d + (i % 2) / 50), b: base.values.b.map((v, i) => v + d - (i % 2) / 50) } });
    const options = { tests: ["t", "randomization"] as const, alpha: 0.05, permutations: 2000, seed: 1 };
    const systems = new Map([["up", shift(0.1)], ["down", shift(-0.1)]]);
    const perMeasure = compareWithBaseline({ name: "base", values: base }, systems, ["a", "b"], options);
    const all = compareWithBaseline({ name: "base", values: base }, systems, ["a", "b"], { ...options, family: "all" });
    expect(all.settings.family).toBe("all");
    const row = (c: typeof all, system: string, m: string) => c.rows.find((r) => r.system === system && r.measure === m)!;
    // 2 comparisons per measure vs 4 over both measures: the smallest raw p is multiplied by 2 and by 4.
    const ps = ["up", "down"].flatMap((s) => ["a", "b"].map((m) => row(all, s, m).p.t!));
    const min = Math.min(...ps);
    const [s0, m0] = ["up", "down"].flatMap((s) => ["a", "b"].map((m) => [s, m] as const)).find(([s, m]) => row(all, s, m).p.t === min)!;
    expect(row(all, s0, m0).pAdjusted.t).toBeCloseTo(Math.min(1, 4 * min), 12);
    expect(row(perMeasure, s0, m0).pAdjusted.t).toBeCloseTo(Math.min(1, 2 * min), 12);
    expect(baselineMarkers(perMeasure, "down", "a")).toBe("▼†‡");
    expect(baselineMarkers(perMeasure, "base", "a")).toBe("");
  });
});

describe("run report", () => {
  it("writes report.md and a self-contained report.html that renders in headless Chromium", async (ctx) => {
    const collection = await writeTinyCollection();
    const result = await runExperiment(
      {
        name: "tiny",
        dataset: `local:${collection}`,
        systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20, perQuery: 2 }, losses: { contrastive: { temperature: 0.05 } } } },
      },
      { runsDir: await tempDir(), datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder")] },
    );
    const md = await readFile(join(result.runDir, "report.md"), "utf8");
    expect(md).toContain("|system|queries|AP|nDCG@10|RR@10|R@100|R@1000|P@10|");
    expect(md).toMatch(/\|bm25 \(baseline\)\|12\|/);
    expect(md).toMatch(/\|dual-encoder\|12\|[^\n]*[▲▼]†‡/);
    expect(md).toContain("## Results: test\n"); // the split named once when its key and name agree
    expect(md).toMatch(/\|dual-encoder\|nDCG@10\|12\|0\.\d{4}\|[+-]0\.\d{4}\|\[[+-]\d\.\d{4}, [+-]\d\.\d{4}\]\|[^|]+\|[^|]+\|[^|]+\|[^|]+\|[▲▼]?[†‡]*\|/);
    expect(md).toContain("below the baseline bm25, significant (two-sided p ≤ 0.05 after Holm correction over the 1 comparison of each measure per test)");
    const html = await readFile(join(result.runDir, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|src="http/); // self-contained
    expect(html.match(/<svg/g)).toHaveLength(2); // bar chart + loss curve

    // `i3 report` re-renders the same files from metrics.json.
    await rm(join(result.runDir, "report.html"));
    await reportCommand(result.runDir);
    expect(await readFile(join(result.runDir, "report.html"), "utf8")).toBe(html);

    if (!existsSync(CHROMIUM)) {
      ctx.skip(`${CHROMIUM} is absent (apt-get install -y chromium): the browser rendering check is skipped`);
      return;
    }
    const profile = await tempDir("i3-chromium-");
    const dumped = spawnSync(
      CHROMIUM,
      ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--dump-dom", `file://${join(result.runDir, "report.html")}`],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(dumped.status, dumped.stderr).toBe(0);
    const dom = dumped.stdout;
    expect(dom).toMatch(/<td[^>]*>bm25 \(baseline\)<\/td>/);
    expect(dom).toMatch(/<td[^>]*>dual-encoder<\/td><td[^>]*>12<\/td><td[^>]*>0\.\d{4}[▲▼]†‡<\/td>/);
    expect(dom.match(/<svg/g)).toHaveLength(2);
    // Two bars (one per system) in the bar chart, and the loss line.
    expect(dom).toContain('class="mark-rect role-mark');
    expect(dom.match(/aria-roledescription="bar"/g)).toHaveLength(2);
    expect(dom).toContain('class="mark-line role-mark');
  }, 120_000);
});
