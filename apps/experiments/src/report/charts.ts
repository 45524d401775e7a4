/**
 * Charts as SVG strings, rendered in Node without a browser: Vega-Lite specs compiled to Vega and
 * rendered by a headless `vega.View` (`renderer: "none"`, `toSVG()`). Value axes are fitted to the
 * data (a .01 difference between two bars must be visible); an axis that does not start at 0 says
 * so in its title.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { rowMarkers, type ComparisonData } from "@i3/metrics";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The value range of a chart axis, and whether it starts at 0. */
export interface ValueDomain {
  readonly domain: readonly [number, number];
  readonly fromZero: boolean;
}

/**
 * The axis range for `values`: [min - pad, max + pad] with pad = 10% of the data's span (at least
 * 0.002, so equal values still get a range), unless the data's minimum is within one span of 0
 * (or below it): then the axis starts at 0 (or at min - pad for negative data), where bar lengths
 * read as ratios again at a cost of at most half the chart.
 */
export function valueDomain(values: readonly number[]): ValueDomain {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { domain: [0, 1], fromZero: true };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo;
  const pad = Math.max(span * 0.1, 0.002);
  if (lo < 0) return { domain: [lo - pad, Math.max(hi + pad, 0)], fromZero: false };
  if (lo <= span) return { domain: [0, hi + pad], fromZero: true };
  return { domain: [lo - pad, hi + pad], fromZero: false };
}

/** The title of a value axis: the measure, and where the axis starts when that is not 0. */
function axisTitle(measure: string, d: ValueDomain): string {
  return d.fromZero || d.domain[0] < 0 ? measure : `${measure} (axis starts at ${d.domain[0].toFixed(3)}, not 0)`;
}

/** One bar: a mean with its confidence interval, and the markers printed after its value. */
export interface BarWithInterval {
  readonly label: string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** Significance markers against the baseline (`▲†‡`), shown after the value label. */
  readonly markers?: string;
}

/**
 * A horizontal bar chart of `measure` with 95% confidence intervals as error bars, the value (and
 * markers) printed right of each interval, the x axis fitted to the means and intervals
 * ({@link valueDomain}) with 3-decimal ticks, and a dashed line at `reference` (the baseline's mean).
 */
export async function barChartSvg(
  bars: readonly BarWithInterval[],
  measure: string,
  title?: string,
  reference?: { readonly label: string; readonly value: number },
): Promise<string> {
  const d = valueDomain(bars.flatMap((b) => [b.mean, b.low, b.high]));
  const values = bars.map((b) => ({ ...b, text: `${b.mean.toFixed(4)}${b.markers ?? ""}` }));
  const y = { field: "label", type: "nominal", title: null, sort: null, axis: { labelLimit: 360 } } as const;
  const scale = { domain: [...d.domain], zero: false, nice: false, clamp: true };
  const x = { field: "mean", type: "quantitative", title: axisTitle(measure, d), scale, axis: { format: ".3f", tickCount: 6, grid: true } } as const;
  return renderVegaLiteSvg({
    $schema: SCHEMA,
    title: title ?? `${measure} (mean, 95% CI over queries)`,
    width: 420,
    height: { step: 26 },
    layer: [
      {
        data: { values },
        layer: [
          { mark: { type: "bar", color: "#4c78a8" }, encoding: { y, x, tooltip: [{ field: "mean", format: ".4f" }] } },
          { mark: { type: "rule", color: "#222", strokeWidth: 1.5 }, encoding: { y, x: { field: "low", type: "quantitative" }, x2: { field: "high" } } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: { y, x: { field: "high", type: "quantitative" }, text: { field: "text" } } },
        ],
      },
      ...(reference
        ? [
            {
              data: { values: [{ value: reference.value, label: reference.label }] },
              mark: { type: "rule", color: "#d62728", strokeDash: [4, 3] },
              encoding: { x: { field: "value", type: "quantitative" }, tooltip: [{ field: "label" }, { field: "value", format: ".4f" }] },
            },
          ]
        : []),
    ],
  } as TopLevelSpec);
}

/** One system's paired difference from the baseline: Δ, its confidence interval and the markers. */
export interface DeltaWithInterval {
  readonly label: string;
  readonly delta: number;
  readonly low: number;
  readonly high: number;
  readonly markers?: string;
}

/**
 * The paired differences from the baseline on `measure` (a forest plot): a dot at each Δ, its
 * confidence interval as a line, a solid line at Δ = 0 and the value (and markers) printed right
 * of the interval. The axis is fitted to the intervals and always shows 0. A per-query paired
 * interval is narrower than the two means' own intervals, so this is the chart where a .01
 * difference is read.
 */
export async function deltaChartSvg(deltas: readonly DeltaWithInterval[], measure: string, baseline: string): Promise<string> {
  const d = valueDomain([0, ...deltas.flatMap((x) => [x.delta, x.low, x.high])]);
  const [lo, hi] = d.domain[0] < 0 ? d.domain : [-(d.domain[1] - d.domain[0]) * 0.05, d.domain[1]];
  const values = deltas.map((x) => ({ ...x, text: `${x.delta >= 0 ? "+" : ""}${x.delta.toFixed(4)}${x.markers ?? ""}` }));
  const y = { field: "label", type: "nominal", title: null, sort: null, axis: { labelLimit: 360 } } as const;
  const scale = { domain: [lo, hi], zero: false, nice: false, clamp: true };
  return renderVegaLiteSvg({
    $schema: SCHEMA,
    title: `Δ ${measure} against ${baseline} (paired, 95% CI)`,
    width: 420,
    height: { step: 26 },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: "rule", color: "#444" }, encoding: { x: { field: "zero", type: "quantitative", scale } } },
      {
        data: { values },
        layer: [
          { mark: { type: "rule", color: "#4c78a8", strokeWidth: 2 }, encoding: { y, x: { field: "low", type: "quantitative", scale, title: `Δ ${measure} (system − baseline)`, axis: { format: "+.3f", tickCount: 6, grid: true } }, x2: { field: "high" } } },
          { mark: { type: "point", filled: true, size: 60, color: "#4c78a8" }, encoding: { y, x: { field: "delta", type: "quantitative" }, tooltip: [{ field: "delta", format: "+.4f" }] } },
          { mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: { y, x: { field: "high", type: "quantitative" }, text: { field: "text" } } },
        ],
      },
    ],
  } as TopLevelSpec);
}

/** The Δ chart of `measure` for every compared system of a comparison (an empty string when none has an interval). */
export async function comparisonDeltaChart(comparison: ComparisonData | undefined, measure: string): Promise<string> {
  const rows = (comparison?.rows ?? []).filter((r) => r.measure === measure && r.delta !== null && r.ciLow !== null && r.ciHigh !== null);
  if (!comparison || rows.length === 0) return "";
  const deltas = rows.map((r) => ({ label: r.system, delta: r.delta!, low: r.ciLow!, high: r.ciHigh!, markers: rowMarkers(r, comparison.settings.tests) }));
  return deltaChartSvg(deltas, measure, comparison.settings.baseline);
}

/** One point of a training curve; `step` counts on across phases (see `readLossPoints`). */
export interface LossPoint {
  readonly series: string;
  readonly step: number;
  readonly loss: number;
}

/** Where a training phase of a series starts on the step axis (the boundary is drawn at `step - 0.5`). */
export interface PhaseStart {
  readonly series: string;
  readonly phase: string;
  readonly step: number;
}

/**
 * Training loss against step, one line per series (system or loss term), with a dashed vertical
 * line and the phase's name where each training phase starts (e.g. the crop warm-up, then the
 * real queries).
 */
export async function lossChartSvg(points: readonly LossPoint[], phases: readonly PhaseStart[] = [], title = "training loss"): Promise<string> {
  const x = { field: "step", type: "quantitative", title: "step (counted on across phases)" } as const;
  const boundaries = phases.map((p) => ({ ...p, at: p.step - 0.5, text: `${p.phase} →` }));
  return renderVegaLiteSvg({
    $schema: SCHEMA,
    title,
    width: 420,
    height: 220,
    layer: [
      {
        data: { values: points.map((p) => ({ ...p })) },
        mark: { type: "line", point: points.length <= 60 },
        encoding: { x, y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } }, color: { field: "series", type: "nominal", title: null } },
      },
      ...(boundaries.length > 0
        ? [
            {
              data: { values: boundaries },
              layer: [
                { mark: { type: "rule", color: "#777", strokeDash: [4, 3] }, encoding: { x: { ...x, field: "at" } } },
                { mark: { type: "text", align: "left", baseline: "top", dx: 3, y: 2, fontSize: 10, color: "#555" }, encoding: { x: { ...x, field: "at" }, text: { field: "text" } } },
              ],
            },
          ]
        : []),
    ],
  } as TopLevelSpec);
}

/** One cell of a heatmap. */
export interface HeatmapCell {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

/**
 * A heatmap of `measure` over two numeric settings (e.g. BM25's k1 x b): one rectangle per
 * (x, y) pair present, coloured on a sequential (viridis) scale with its legend, the value printed
 * in the cell; pairs without a run stay blank.
 */
export async function heatmapSvg(cells: readonly HeatmapCell[], axes: { readonly x: string; readonly y: string }, measure: string, title?: string): Promise<string> {
  const d = valueDomain(cells.map((c) => c.value));
  const [lo, hi] = [Math.min(...cells.map((c) => c.value)), Math.max(...cells.map((c) => c.value))];
  // Dark text on the light (high) half of viridis, light text on the dark half.
  const values = cells.map((c) => ({ ...c, text: c.value.toFixed(4), light: hi > lo && (c.value - lo) / (hi - lo) < 0.5 }));
  const sortNumeric = (field: "x" | "y", order: "ascending" | "descending") => [...new Set(cells.map((c) => c[field]))].sort((a, b) => (order === "ascending" ? a - b : b - a));
  const x = { field: "x", type: "ordinal", title: axes.x, sort: sortNumeric("x", "ascending"), axis: { labelAngle: 0 } } as const;
  const y = { field: "y", type: "ordinal", title: axes.y, sort: sortNumeric("y", "descending") } as const;
  return renderVegaLiteSvg({
    $schema: SCHEMA,
    title: title ?? `${measure} over ${axes.x} × ${axes.y}`,
    data: { values },
    width: { step: 64 },
    height: { step: 36 },
    layer: [
      {
        mark: { type: "rect", stroke: "#fff" },
        encoding: {
          x,
          y,
          color: { field: "value", type: "quantitative", title: measure, scale: { scheme: "viridis", domain: hi > lo ? [lo, hi] : [...d.domain] }, legend: { format: ".3f" } },
          tooltip: [{ field: "x" }, { field: "y" }, { field: "value", format: ".4f" }],
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: { x, y, text: { field: "text" }, color: { condition: { test: "datum.light", value: "#fff" }, value: "#111" } },
      },
    ],
  } as TopLevelSpec);
}
