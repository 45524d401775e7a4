/** The results table a command prints on stdout (markdown, with direction-aware significance markers). */
import { comparisonLegend } from "@i3/metrics";
import type { RunMetrics } from "../report/run-metrics.js";
import { alignRight, resultsTable } from "../report/page.js";
import { baselineMarkers } from "../report/significance.js";

/** One markdown table per evaluated split, each followed by the legend of its comparison. */
export function resultsSummary(metrics: RunMetrics): string {
  const parts: string[] = [];
  for (const split of Object.values(metrics.splits)) {
    const rows = Object.entries(split.systems).map(([system, m]) => ({
      labels: { system: system === metrics.baseline ? `${system} (baseline)` : system },
      values: m.aggregate,
      ...(m.seeds ? { spreads: m.seeds.sd } : {}),
      markers: Object.fromEntries(metrics.measures.map((x) => [x, baselineMarkers(split.comparison, system, x)])),
    }));
    const legend = split.comparison ? `\n${comparisonLegend(split.comparison)}\n` : "";
    parts.push(`${split.dataset ?? metrics.dataset}${split.outOfDomain ? " (out of domain)" : ""}, ${split.split} split (${Object.values(split.systems)[0]?.queries.length ?? 0} queries)\n\n${resultsTable(rows, metrics.measures).toMarkdown(alignRight(metrics.measures))}\n${legend}`);
  }
  return parts.join("\n");
}
