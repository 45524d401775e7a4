/** The results table a command prints on stdout (markdown, with significance markers). */
import type { RunMetrics } from "../report/run-metrics.js";
import { alignRight, markerLegend, resultsTable } from "../report/page.js";
import { markersOf } from "../report/significance.js";

/** One markdown table per evaluated split, then the marker legend. */
export function resultsSummary(metrics: RunMetrics): string {
  const parts: string[] = [];
  for (const split of Object.values(metrics.splits)) {
    const rows = Object.entries(split.systems).map(([system, m]) => ({
      labels: { system: system === metrics.baseline ? `${system} (baseline)` : system },
      values: m.aggregate,
      ...(m.seeds ? { spreads: m.seeds.sd } : {}),
      markers: Object.fromEntries(metrics.measures.map((x) => [x, markersOf(split.comparisons.find((c) => c.system === system && c.measure === x))])),
    }));
    parts.push(`${metrics.dataset}, ${split.split} split (${Object.values(split.systems)[0]?.queries.length ?? 0} queries)\n\n${resultsTable(rows, metrics.measures).toMarkdown(alignRight(metrics.measures))}\n`);
  }
  parts.push(`${markerLegend(metrics.baseline, metrics.significance.alpha, metrics.significance.tests)}.\n`);
  return parts.join("\n");
}
