/** Report building blocks: formatted result tables (arquero), markdown and a self-contained HTML page. */
import * as aq from "arquero";
import { readFile } from "node:fs/promises";
import type { LossPoint, PhaseStart } from "./charts.js";

/** One row of a results table: label columns, then a value (and markers) per measure. */
export interface ResultRow {
  readonly labels: Record<string, string>;
  readonly values: Record<string, number | undefined>;
  readonly markers: Record<string, string>;
  /** Standard deviations over seeds, shown as `mean ± sd` (replicated systems only). */
  readonly spreads?: Record<string, number>;
}

/** The results as an arquero table of display strings (`0.4123†`, or `0.4123 ± 0.0101†` over seeds). */
export function resultsTable(rows: readonly ResultRow[], measures: readonly string[]): aq.ColumnTable {
  return aq.from(
    rows.map((row) => ({
      ...row.labels,
      ...Object.fromEntries(
        measures.map((m) => {
          const v = row.values[m];
          const sd = row.spreads?.[m];
          return [m, v === undefined || Number.isNaN(v) ? "–" : `${v.toFixed(4)}${sd !== undefined ? ` ± ${sd.toFixed(4)}` : ""}${row.markers[m] ?? ""}`];
        }),
      ),
    })),
  );
}

/** arquero format options that right-align the given (numeric) columns. */
export function alignRight(columns: readonly string[]): { align: Record<string, "r"> } {
  return { align: Object.fromEntries(columns.map((c) => [c, "r" as const])) };
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A section of a report: a heading, markdown text and its HTML twin. */
export interface ReportSection {
  readonly title: string;
  readonly markdown: string;
  readonly html: string;
}

/** A self-contained HTML page (inline CSS and SVG, no external resources). */
export function htmlPage(title: string, sections: readonly ReportSection[]): string {
  const body = sections.map((s) => `<section>\n<h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 90rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; white-space: nowrap; }
thead { background: #f3f3f3; }
.note { color: #555; font-size: 0.9rem; }
.chart { margin: 0.5rem 0 1.5rem; }
pre { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** A markdown document from sections. */
export function markdownPage(title: string, sections: readonly ReportSection[]): string {
  return `# ${title}\n\n${sections.map((s) => `## ${s.title}\n\n${s.markdown.trim()}\n`).join("\n")}`;
}

/**
 * Reads a training log (JSON lines with `step`, `loss` and, from phased trainers, `phase`) into
 * chart points of `series` and the start of each phase. The run folder's log counts on across
 * phases; a phase's own log (`train-<phase>.jsonl`, see `@i3/retrievers`' phases) counts from 1:
 * a phase whose steps would go back is offset by the steps before it, so the chart's step
 * always counts on. Lines without a numeric step and finite loss are not steps
 * (other events) and are skipped.
 */
export async function readLossPoints(path: string, series: string): Promise<{ points: LossPoint[]; phases: PhaseStart[] }> {
  const text = await readFile(path, "utf8");
  const points: LossPoint[] = [];
  const phases: PhaseStart[] = [];
  let offset = 0;
  let last = 0;
  let phase: string | undefined;
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let record: { step?: unknown; loss?: unknown; phase?: unknown };
    try {
      record = JSON.parse(line) as { step?: unknown; loss?: unknown; phase?: unknown };
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON`);
    }
    if (typeof record.step !== "number" || typeof record.loss !== "number" || !Number.isFinite(record.loss)) return;
    if (typeof record.phase === "string" && record.phase !== phase) {
      if (offset + record.step <= last) offset = last; // this phase counts from 1 again
      phase = record.phase;
      phases.push({ series, phase, step: offset + record.step });
    }
    last = offset + record.step;
    points.push({ series, step: last, loss: record.loss });
  });
  return { points, phases };
}
