import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { meanConfidenceInterval } from "@i3/metrics";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { reportCommand } from "../src/cli/report-command.js";
import { defineExperiment } from "../src/config/define.js";
import type { RunMetrics } from "../src/report/run-metrics.js";
import { buildSweepMetrics, type SweepMetrics, type SweepRow } from "../src/report/sweep-metrics.js";
import { heatmapAxes, heatmapCells, sweepReportSections, writeSweepReport } from "../src/report/sweep-report.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { defineSweep, expandSweep } from "../src/sweep/define.js";
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
    expect(html.match(/<svg/g)).toHaveLength(3); // bar chart, Δ chart, loss curve
    expect(html).toMatch(/Δ nDCG@10 against bm25 \(paired, 95% CI\)/);
    expect(html).toMatch(/>0\.\d{4}[▲▼]†‡</); // the dual-encoder's bar label carries its markers

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
    expect(dom.match(/<svg/g)).toHaveLength(3);
    // Two bars (one per system) in the bar chart, and the loss line.
    expect(dom).toContain('class="mark-rect role-mark');
    expect(dom.match(/aria-roledescription="bar"/g)).toHaveLength(2);
    expect(dom).toContain('class="mark-line role-mark');
  }, 120_000);
});

/** A run's metrics with one system, `bm25`, whose per-query nDCG@10 are `values` (AP = half of them). */
function fakeRunMetrics(name: string, values: readonly number[]): RunMetrics {
  const queries = values.map((_, i) => `q${i}`);
  const measures = ["nDCG@10", "AP"];
  const per = { "nDCG@10": values, AP: values.map((v) => v / 2) } as Record<string, readonly number[]>;
  return {
    experiment: name,
    runId: "r",
    dataset: "fake",
    baseline: "bm25",
    mainMeasure: "nDCG@10",
    measures,
    significance: { tests: ["t", "randomization"], alpha: 0.05, correction: "holm", family: "measure", permutations: 2000 },
    splits: {
      test: {
        split: "test",
        systems: {
          bm25: {
            aggregate: Object.fromEntries(measures.map((m) => [m, per[m]!.reduce((a, b) => a + b, 0) / values.length])),
            ci: Object.fromEntries(measures.map((m) => [m, meanConfidenceInterval(per[m]!)])),
            queries,
            perQuery: Object.fromEntries(queries.map((q, i) => [q, Object.fromEntries(measures.map((m) => [m, per[m]![i]!]))])),
          },
        },
      },
    },
    trainingLogs: {},
  };
}

/** Rows of pixels holding `colour` (±2 per channel), grouped into bands of consecutive rows: each band's left and right edge. */
function colourBands(image: { data: Buffer; width: number; height: number; channels: number }, colour: readonly [number, number, number]): { top: number; height: number; left: number; right: number }[] {
  const bands: { top: number; height: number; left: number; right: number }[] = [];
  let current: (typeof bands)[number] | undefined;
  for (let y = 0; y < image.height; y++) {
    let left = -1;
    let right = -1;
    for (let x = 0; x < image.width; x++) {
      const o = (y * image.width + x) * image.channels;
      if (colour.every((c, k) => Math.abs(image.data[o + k]! - c) <= 2)) {
        if (left < 0) left = x;
        right = x;
      }
    }
    if (left >= 0 && right - left >= 4) {
      if (current && current.top + current.height === y) {
        current.height++;
        current.left = Math.min(current.left, left);
        current.right = Math.max(current.right, right);
      } else {
        current = { top: y, height: 1, left, right };
        bands.push(current);
      }
    }
  }
  return bands;
}

describe("sweep report in headless Chromium", () => {
  it("renders bars that differ visibly for a .01 difference, the Δ chart and the k1 × b heatmap", async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      ctx.skip(`${CHROMIUM} is absent (apt-get install -y chromium): the browser rendering check is skipped`);
      return;
    }
    const base = defineExperiment({ name: "g", systems: { bm25: { kind: "bm25", k1: 0.9, b: 0.4 } }, evaluation: { measures: ["nDCG@10", "AP"] } });
    const sweep = defineSweep(base, { name: "g-grid", includeBase: true, grid: { "systems.bm25.k1": [0.6, 1.2], "systems.bm25.b": [0.4, 0.75] } });
    // 40 queries around each mean (the same spread, so the CIs have equal widths); variants move every query by the same amount, ± .01 noise.
    const spread = Array.from({ length: 40 }, (_, i) => ((i % 2 === 0 ? 0.2 : -0.2) * ((Math.floor(i / 2) % 5) + 1)) / 5); // mean 0
    const noise = (i: number) => (i % 4 === 0 ? 0.01 : i % 4 === 2 ? -0.01 : 0); // mean 0
    const means = [0.6773, 0.6892, 0.6832, 0.67, 0.695];
    const outcomes = expandSweep(sweep).map((run, r) => ({
      name: run.name,
      changes: run.changes,
      status: "ok" as const,
      metrics: fakeRunMetrics(run.name, spread.map((s, i) => means[r]! + s + (r === 0 ? 0 : noise(i)))),
    }));
    const metrics = buildSweepMetrics(sweep, "s", outcomes);
    const dir = await tempDir("i3-sweep-report-");
    await writeSweepReport(dir, metrics);
    const page = `file://${join(dir, "report.html")}`;
    const common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${await tempDir("i3-chromium-")}`];
    const png = join(dir, "report.png");
    const shot = spawnSync(CHROMIUM, [...common, "--window-size=1200,3200", `--screenshot=${png}`, page], { encoding: "utf8", timeout: 60_000 });
    expect(shot.status, shot.stderr).toBe(0);
    const dumped = spawnSync(CHROMIUM, [...common, "--dump-dom", page], { encoding: "utf8", timeout: 60_000 });
    expect(dumped.status, dumped.stderr).toBe(0);
    const dom = dumped.stdout;

    // The screenshot is not blank: a good share of non-white pixels.
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { data, width: info.width, height: info.height, channels: info.channels };
    let ink = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) ink++;
    expect(ink / (info.width * info.height)).toBeGreaterThan(0.02);

    // The bar chart's bars (#4c78a8, taller than the Δ chart's dots and lines), in page order.
    const bars = colourBands(image, [0x4c, 0x78, 0xa8]).filter((b) => b.height >= 14);
    const rendered = [...dom.matchAll(/aria-label="[^"]*mean: ([\d.]+)"[^>]*aria-roledescription="bar" d="M[-\d.e]+,[-\d.e]+h([-\d.e]+)v/g)].map((m) => ({ mean: Number(m[1]), width: Number(m[2]) }));
    const chartMeans = metrics.rows.filter((r) => r.role !== "same-as-baseline").map((r) => Number(r.ci!.mean.toFixed(4)));
    expect(rendered.map((b) => b.mean)).toEqual(chartMeans);
    expect(bars).toHaveLength(rendered.length);
    // Each bar's pixel width is its SVG width (±3 px for anti-aliasing and the baseline's dashed line).
    bars.forEach((b, i) => expect(Math.abs(b.right - b.left + 1 - rendered[i]!.width)).toBeLessThanOrEqual(3));
    // .6773 (base) and .6892: a .0119 difference is at least 20 px on screen, and widths are linear in the means.
    const px = bars.map((b) => b.right - b.left + 1);
    const [i0, i1, i3] = [0.6773, 0.6892, 0.67].map((m) => chartMeans.findIndex((x) => Math.abs(x - m) < 5e-5));
    expect(px[i1!]! - px[i0!]!).toBeGreaterThanOrEqual(20);
    expect((px[i0!]! - px[i3!]!) / (px[i1!]! - px[i0!]!)).toBeCloseTo((0.6773 - 0.67) / (0.6892 - 0.6773), 1);
    expect(dom).toMatch(/nDCG@10 \(axis starts at 0\.\d{3}, not 0\)/);

    // The Δ chart and the heatmap: 5 grid cells (the base run's k1 = 0.9 and the 2 × 2 grid), viridis from end to end.
    expect(dom).toContain("Δ nDCG@10 against g / bm25 (paired, 95% CI)");
    const cells = [...dom.matchAll(/aria-roledescription="rect mark"[^>]*fill="(rgb\([^)]*\))"/g)].map((m) => m[1]);
    expect(cells).toHaveLength(5);
    expect(cells).toContain("rgb(68, 1, 84)");
    expect(cells).toContain("rgb(253, 231, 37)");
    for (const colour of [[68, 1, 84], [253, 231, 37]] as const) expect(colourBands(image, colour).length).toBeGreaterThan(0);
    const md = await readFile(join(dir, "report.md"), "utf8");
    expect(md).toContain("## Heatmap of bm25");
    // BM25 alone, base run included: the tests against the base run are those against the baseline, shown once.
    expect(metrics.versusBase!.comparisons).toHaveLength(8);
    expect(md).not.toContain("## Against the base run");
    expect(md).toContain("so these are also the tests against the base run");
    expect(md).toMatch(/\|systems\.bm25\.b ↓ systems\.bm25\.k1 →\|0\.6\|0\.9\|1\.2\|\n\|:-\|-:\|-:\|-:\|\n\|0\.75\|0\.\d{4}\|–\|0\.\d{4}\|\n\|0\.4\|0\.\d{4}\|0\.6773\|0\.\d{4}\|/);
  }, 120_000);
});

describe("heatmap axes", () => {
  const row = (settings: Record<string, unknown>, role: SweepRow["role"] = "compared"): SweepRow => ({ run: "r", system: "s", label: "r / s", changes: "", role, aggregate: { m: 0.5 }, markers: {}, settings });
  const metrics = (axes: string[], rows: SweepRow[]): SweepMetrics =>
    ({ sweep: "w", sweepId: "i", splitKey: "test", mainMeasure: "m", measures: ["m"], significance: { tests: ["t"], alpha: 0.05, correction: "holm", family: "measure" }, axes, rows }) as SweepMetrics;

  it("are the grid's two paths when both are numeric in every successful run and take two values", () => {
    const grid = [row({ a: 1, b: 1 }), row({ a: 2, b: 1 }), row({ a: 1, b: 2 }), { ...row({}, "failed"), settings: undefined } as SweepRow];
    expect(heatmapAxes(metrics(["a", "b"], grid))).toEqual(["a", "b"]);
    // One value on a path, a non-numeric value, three paths, or old metrics without settings: no heatmap.
    expect(heatmapAxes(metrics(["a", "b"], [row({ a: 1, b: 1 }), row({ a: 2, b: 1 })]))).toBeUndefined();
    expect(heatmapAxes(metrics(["a", "b"], [row({ a: 1, b: 1 }), row({ a: 2, b: "x" }), row({ a: 1, b: 2 })]))).toBeUndefined();
    expect(heatmapAxes(metrics(["a", "b", "c"], [row({ a: 1, b: 1, c: 1 }), row({ a: 2, b: 2, c: 2 })]))).toBeUndefined();
    expect(heatmapAxes({ ...metrics([], [row({})]), axes: undefined } as SweepMetrics)).toBeUndefined();
    // Cells per system; a second run at the same point (the base run's own grid point) is not drawn twice.
    const cells = heatmapCells(metrics(["a", "b"], [...grid, row({ a: 1, b: 1 })]), ["a", "b"]);
    expect(cells.get("s")).toEqual([{ x: 1, y: 1, value: 0.5 }, { x: 2, y: 1, value: 0.5 }, { x: 1, y: 2, value: 0.5 }]);
  });

  it("draws a heatmap per evaluated split, each from that split's rows", async () => {
    const at = (a: number, b: number, m: number): SweepRow => ({ ...row({ a, b }), aggregate: { m } });
    const grid = (offset: number) => [at(1, 1, 0.1 + offset), at(2, 1, 0.2 + offset), at(1, 2, 0.3 + offset)];
    const other = { splitKey: "beir/cranfield:test", dataset: "beir/cranfield", split: "test", outOfDomain: true, rows: grid(0.5) };
    const sections = await sweepReportSections({ ...metrics(["a", "b"], grid(0)), dataset: "beir/scifact", otherSplits: [other] } as SweepMetrics);
    const heatmaps = sections.filter((s) => s.title.startsWith("Heatmap"));
    expect(heatmaps.map((s) => s.title)).toEqual(["Heatmap of s", "Heatmap of s: beir/cranfield, test"]);
    // Integer grid values: the row label stays the first column.
    expect(heatmaps[0]!.markdown).toContain("|b ↓ a →|1|2|");
    expect(heatmaps[0]!.markdown).toMatch(/\|1\|0\.1000\|0\.2000\|/);
    expect(heatmaps[1]!.markdown).toMatch(/\|1\|0\.6000\|0\.7000\|/);
    expect(heatmaps[1]!.markdown).toContain("m of s on beir/cranfield, test per grid point");
  });
});
