import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { barChartSvg, deltaChartSvg, heatmapSvg, lossChartSvg, valueDomain } from "../src/report/charts.js";
import { readLossPoints } from "../src/report/page.js";
import { tempDir } from "./runner-fixtures.js";

/** The bars of a Vega SVG in document order: label (from aria-label) and width (from the path `M0,yhW...`). */
function barWidths(svg: string): { label: string; width: number }[] {
  return [...svg.matchAll(/aria-label="([^"]*)"[^>]*aria-roledescription="bar" d="M[-\d.e]+,[-\d.e]+h([-\d.e]+)v/g)].map((m) => ({
    label: /label: ([^;]*)/.exec(m[1]!)![1]!,
    width: Number(m[2]),
  }));
}

describe("valueDomain", () => {
  it("fits the axis to the data unless 0 is within one span of it", () => {
    // span .0119, pad max(.00119, .002) = .002: [.6753, .6912], not from 0.
    const d = valueDomain([0.6773, 0.6892]);
    expect(d.fromZero).toBe(false);
    expect(d.domain[0]).toBeCloseTo(0.6753, 12);
    expect(d.domain[1]).toBeCloseTo(0.6912, 12);
    // span .5 >= min .1: from 0, pad .05.
    expect(valueDomain([0.1, 0.6])).toEqual({ domain: [0, 0.65], fromZero: true });
    // Negative values (differences): [min - pad, max + pad] with pad 10% of the span .3.
    const neg = valueDomain([-0.1, 0.2]);
    expect(neg.fromZero).toBe(false);
    expect(neg.domain[0]).toBeCloseTo(-0.13, 12);
    expect(neg.domain[1]).toBeCloseTo(0.23, 12);
    expect(valueDomain([NaN])).toEqual({ domain: [0, 1], fromZero: true });
  });
});

describe("barChartSvg", () => {
  it("makes a .01 difference visible and labels the non-zero start of its axis", async () => {
    const bars = [
      { label: "a", mean: 0.6773, low: 0.6773, high: 0.6773 },
      { label: "b", mean: 0.6892, low: 0.6892, high: 0.6892, markers: "▲†" },
      { label: "c", mean: 0.6832, low: 0.6832, high: 0.6832 },
    ];
    const svg = await barChartSvg(bars, "nDCG@10");
    const widths = barWidths(svg);
    expect(widths.map((w) => w.label)).toEqual(["a", "b", "c"]);
    const [a, b, c] = widths.map((w) => w.width) as [number, number, number];
    // A linear scale over the fitted domain [.6753, .6912] (159 ten-thousandths) on a 420 px wide plot.
    expect(b - a).toBeCloseTo((420 * 119) / 159, 6);
    expect((c - a) / (b - a)).toBeCloseTo(59 / 119, 9);
    expect(svg).toContain("nDCG@10 (axis starts at 0.675, not 0)");
    expect(svg).toContain("0.6892▲†"); // the value label with its markers
    // Axis ticks with three decimals, so neighbouring ticks differ.
    expect(svg).toMatch(/>0\.680</);
  });

  it("starts at 0 (and says nothing) when 0 is close to the data, and draws the baseline's mean", async () => {
    const svg = await barChartSvg(
      [
        { label: "a", mean: 0.2, low: 0.1, high: 0.3 },
        { label: "b", mean: 0.4, low: 0.3, high: 0.5 },
      ],
      "AP",
      undefined,
      { label: "baseline a", value: 0.2 },
    );
    const [a, b] = barWidths(svg).map((w) => w.width) as [number, number];
    expect(b / a).toBeCloseTo(2, 9); // from 0: lengths are ratios
    expect(svg).not.toContain("axis starts at");
    expect(svg).toMatch(/stroke-dasharray="4,3"/);
  });
});

describe("deltaChartSvg", () => {
  it("puts each Δ on an axis through 0 with its interval and value", async () => {
    const svg = await deltaChartSvg(
      [
        { label: "up", delta: 0.01, low: 0.004, high: 0.016, markers: "▲†‡" },
        { label: "down", delta: -0.002, low: -0.01, high: 0.006 },
      ],
      "nDCG@10",
      "bm25",
    );
    expect(svg).toContain("Δ nDCG@10 against bm25 (paired, 95% CI)");
    expect(svg).toContain("+0.0100▲†‡");
    expect(svg).toContain("-0.0020");
    expect(svg).toMatch(/>\+0\.000</); // the 0 tick
  });
});

describe("training curves", () => {
  it("counts steps on across phases, and draws and names each phase's start", async () => {
    const dir = await tempDir("i3-charts-");
    const log = join(dir, "train.jsonl");
    const lines = [
      { step: 1, phase: "warmup", loss: 4 },
      { step: 2, phase: "warmup", loss: 3 },
      { step: 3, phase: "warmup", loss: 2.5 },
      { event: "phase-done" },
      { step: 1, phase: "queries", loss: 2 },
      { step: 2, phase: "queries", loss: 1.5 },
    ];
    await writeFile(log, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    const { points, phases } = await readLossPoints(log, "de");
    expect(points.map((p) => [p.step, p.loss])).toEqual([[1, 4], [2, 3], [3, 2.5], [4, 2], [5, 1.5]]);
    expect(phases).toEqual([
      { series: "de", phase: "warmup", step: 1 },
      { series: "de", phase: "queries", step: 4 },
    ]);
    const svg = await lossChartSvg(points, phases);
    expect(svg).toContain("queries →");
    expect(svg).toContain("warmup →");
    expect(svg.match(/stroke-dasharray="4,3"/g)).toHaveLength(2);
    // The run folder's log counts on across phases already: kept as it is.
    await writeFile(log, `${[...lines.slice(0, 4), { step: 4, phase: "queries", loss: 2 }].map((l) => JSON.stringify(l)).join("\n")}\n`);
    const continued = await readLossPoints(log, "de");
    expect(continued.points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(continued.phases.map((p) => p.step)).toEqual([1, 4]);
    await writeFile(log, "{\"step\": 1, \"loss\": 2}\nnot json\n");
    await expect(readLossPoints(log, "de")).rejects.toThrow(`${log}:2: not JSON`);
  });
});

describe("heatmapSvg", () => {
  it("draws one coloured cell per grid point with its value, and a colour legend", async () => {
    const cells = [
      { x: 0.6, y: 0.4, value: 0.27 },
      { x: 1.2, y: 0.4, value: 0.28 },
      { x: 0.6, y: 0.75, value: 0.29 },
    ];
    const svg = await heatmapSvg(cells, { x: "k1", y: "b" }, "nDCG@10");
    const rects = [...svg.matchAll(/aria-label="[^"]*value: ([\d.]+)"[^>]*aria-roledescription="rect mark"[^>]*fill="(rgb\([^)]*\))"/g)].map((m) => [m[1], m[2]]);
    expect(rects).toHaveLength(3);
    // viridis from its first colour (#440154) at the lowest value to its last (#fde725) at the highest.
    expect(rects.find(([v]) => v === "0.2700")![1]).toBe("rgb(68, 1, 84)");
    expect(rects.find(([v]) => v === "0.2900")![1]).toBe("rgb(253, 231, 37)");
    expect(new Set(rects.map(([, c]) => c)).size).toBe(3);
    for (const v of ["0.2700", "0.2800", "0.2900"]) expect(svg).toContain(`>${v}<`);
    expect(svg).toContain('aria-roledescription="legend"');
    expect(svg).toContain(">k1<");
    expect(svg).toContain(">b<");
  });
});
