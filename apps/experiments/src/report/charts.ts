/**
 * Charts as SVG strings, rendered in Node without a browser: Vega-Lite specs compiled to Vega and
 * rendered by a headless `vega.View` (`renderer: "none"`, `toSVG()`).
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One bar: a mean with its confidence interval. */
export interface BarWithInterval {
  readonly label: string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** A horizontal bar chart of `measure` with 95% confidence intervals as error bars (labels may be long). */
export async function barChartSvg(bars: readonly BarWithInterval[], measure: string, title?: string): Promise<string> {
  const values = bars.map((b) => ({ ...b }));
  const y = { field: "label", type: "nominal", title: null, sort: null, axis: { labelLimit: 360 } } as const;
  return renderVegaLiteSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: title ?? `${measure} (mean, 95% CI over queries)`,
    width: 360,
    height: { step: 26 },
    data: { values },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8" },
        encoding: { y, x: { field: "mean", type: "quantitative", title: measure }, tooltip: [{ field: "mean", format: ".4f" }] },
      },
      {
        mark: { type: "rule", color: "#222", strokeWidth: 1.5 },
        encoding: { y, x: { field: "low", type: "quantitative" }, x2: { field: "high" } },
      },
    ],
  } as TopLevelSpec);
}

/** One point of a training curve. */
export interface LossPoint {
  readonly series: string;
  readonly step: number;
  readonly loss: number;
}

/** Training loss against step, one line per series (system or loss term). */
export async function lossChartSvg(points: readonly LossPoint[], title = "training loss"): Promise<string> {
  return renderVegaLiteSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 420,
    height: 220,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: "line", point: points.length <= 60 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null },
    },
  } as TopLevelSpec);
}
