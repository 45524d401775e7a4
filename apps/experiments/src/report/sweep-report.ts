/**
 * `report.md`, `report.html` and `results.csv` of a sweep folder: the table of every run's
 * measures per system with direction-aware significance markers against the baseline, the
 * comparison table (`@i3/metrics`: deltas, CIs, raw and Holm p-values), the comparison with the
 * base run when included (left out when it would repeat the comparison with the baseline),
 * failed runs with their errors; charts: the main measure per run with 95% confidence intervals
 * on an axis fitted to the data, each run's Δ from the baseline with its paired CI, and a heatmap
 * per system when the grid has two numeric paths.
 */
import { from, type ColumnTable } from "arquero";
import { comparisonHtml, comparisonLegend, comparisonMarkdown, rowMarkers } from "@i3/metrics";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { barChartSvg, comparisonDeltaChart, heatmapSvg, type HeatmapCell } from "./charts.js";
import { alignRight, escapeHtml, htmlPage, markdownPage, resultsTable, type ReportSection } from "./page.js";
import { markersOf, type SignificanceTest } from "./significance.js";
import type { SweepMetrics } from "./sweep-metrics.js";

/** Reads `<sweepDir>/metrics.json` of a sweep. */
export async function readSweepMetrics(sweepDir: string): Promise<SweepMetrics> {
  return JSON.parse(await readFile(join(sweepDir, "metrics.json"), "utf8")) as SweepMetrics;
}

/** The sections of a sweep report. */
export async function sweepReportSections(metrics: SweepMetrics): Promise<ReportSection[]> {
  const ok = metrics.rows.filter((r) => r.role !== "failed");
  const failed = metrics.rows.filter((r) => r.role === "failed");
  const table = resultsTable(
    ok.map((r) => ({
      labels: { run: r.run, system: r.role === "baseline" ? `${r.system} (baseline)` : r.role === "same-as-baseline" ? `${r.system} (= baseline)` : r.system, changes: r.changes || "(base)" },
      values: r.aggregate,
      ...(r.sd ? { spreads: r.sd } : {}),
      markers: r.markers,
    })),
    metrics.measures,
  );
  const comparison = metrics.comparison;
  const legend = comparison ? comparisonLegend(comparison) : "No baseline run succeeded: no significance tests.";
  const sections: ReportSection[] = [];
  const chartRows = ok.filter((r) => r.role !== "same-as-baseline" && r.ci);
  const main = metrics.mainMeasure;
  const baselineRow = ok.find((r) => r.role === "baseline");
  const reference = baselineRow?.ci ? { label: `baseline ${baselineRow.label}`, value: baselineRow.ci.mean } : undefined;
  const chart = chartRows.length > 0 ? await barChartSvg(chartRows.map((r) => ({ label: r.label, ...r.ci!, markers: r.markers[main] ?? "" })), main, undefined, reference) : "";
  const deltaSvg = await comparisonDeltaChart(comparison, main);
  const deltas = deltaSvg ? `\n<div class="chart">${deltaSvg}</div>` : "";
  sections.push({
    title: `Results (${metrics.splitKey} split)`,
    markdown: `${ok.length > 0 ? table.toMarkdown(alignRight(metrics.measures)) : "No run succeeded."}\n\n${legend}\n${chart ? `\nCharts in report.html: ${main} per run with 95% confidence intervals${deltaSvg ? ", and Δ against the baseline with its paired 95% CI" : ""}.\n` : ""}`,
    html: `${ok.length > 0 ? table.toHTML(alignRight(metrics.measures)) : "<p>No run succeeded.</p>"}\n<p class="note">${escapeHtml(legend)}</p>\n<div class="chart">${chart}</div>${deltas}`,
  });
  sections.push(...(await heatmapSections(metrics)));
  if (comparison && comparison.systems.length > 1) {
    const note = `Each compared run / system against the baseline: mean over the compared queries, Δ, its confidence interval, raw and Holm-adjusted p-values (rows equal to the baseline are not tested).${
      sameAsBaselineComparison(metrics) ? " The baseline is the base run's system and the only one compared, so these are also the tests against the base run." : ""
    }`;
    sections.push({
      title: "Against the baseline",
      markdown: `${note}\n\n${comparisonMarkdown(comparison, { legend: false })}`,
      html: `<p class="note">${escapeHtml(note)}</p>\n${comparisonHtml(comparison, { legend: false })}`,
    });
  }
  if (metrics.versusBase && metrics.versusBase.comparisons.length > 0 && !sameAsBaselineComparison(metrics)) {
    const t = from(
      metrics.versusBase.comparisons.map((c) => ({
        "run / system": c.system,
        measure: c.measure,
        n: c.n,
        "mean diff": `${c.meanDiff >= 0 ? "+" : ""}${c.meanDiff.toFixed(4)}`,
        "95% CI": c.ciLow === undefined || c.ciHigh === undefined ? "–" : `[${c.ciLow.toFixed(4)}, ${c.ciHigh.toFixed(4)}]`,
        ...Object.fromEntries(metrics.significance.tests.map((test) => [`p ${test} (Holm)`, c.tests[test as SignificanceTest]?.pHolm.toFixed(4) ?? "–"])),
        sig: markersOf(c),
      })),
    );
    const note = `Each variant's system against the same system in the base run (${metrics.versusBase.run}); mean diff = variant - base; Holm across all these rows per measure; ▲/▼ variant above/below the base run, † t-test, ‡ randomization test significant at p ≤ ${metrics.significance.alpha} after Holm.`;
    sections.push({ title: "Against the base run", markdown: `${note}\n\n${t.toMarkdown()}\n`, html: `<p class="note">${escapeHtml(note)}</p>\n${t.toHTML()}` });
  }
  if (failed.length > 0) {
    const t = from(failed.map((r) => ({ run: r.run, changes: r.changes, error: r.error ?? "" })));
    sections.push({ title: "Failed runs", markdown: t.toMarkdown(), html: t.toHTML() });
  }
  return sections;
}

/**
 * True when the comparison with the base run repeats the one with the baseline: the baseline is
 * the base run's system and every variant was compared with that same system (a sweep of the
 * baseline system alone, e.g. BM25's k1 and b) and both are Holm-corrected per measure, so both
 * tables would hold the same tests.
 */
function sameAsBaselineComparison(m: SweepMetrics): boolean {
  const base = m.versusBase;
  if (!base || !m.baseline || m.baseline.run !== base.run || m.significance.family !== "measure") return false;
  return base.comparisons.every((c) => c.system.endsWith(` / ${m.baseline!.system}`));
}

/**
 * The two grid paths a heatmap is drawn over: when the sweep's grid has exactly two paths whose
 * value is a number in every successful run, each taking at least two values; otherwise none.
 */
export function heatmapAxes(m: SweepMetrics): readonly [string, string] | undefined {
  const ok = m.rows.filter((r) => r.role !== "failed");
  const numeric = (m.axes ?? []).filter((path) => ok.length > 0 && ok.every((r) => typeof r.settings?.[path] === "number" && Number.isFinite(r.settings[path])));
  if (numeric.length !== 2 || numeric.length !== (m.axes ?? []).length) return undefined;
  if (numeric.some((path) => new Set(ok.map((r) => r.settings![path])).size < 2)) return undefined;
  return [numeric[0]!, numeric[1]!];
}

/** Per system, the main measure of each (x, y) grid cell (the first run at a cell when two share it, e.g. the base run and its grid point). */
export function heatmapCells(m: SweepMetrics, axes: readonly [string, string]): Map<string, HeatmapCell[]> {
  const out = new Map<string, HeatmapCell[]>();
  for (const r of m.rows) {
    const value = r.aggregate[m.mainMeasure];
    if (r.role === "failed" || value === undefined) continue;
    const cell = { x: r.settings![axes[0]] as number, y: r.settings![axes[1]] as number, value };
    const cells = out.get(r.system) ?? [];
    if (!cells.some((c) => c.x === cell.x && c.y === cell.y)) cells.push(cell);
    out.set(r.system, cells);
  }
  return out;
}

/** A heatmap section per system over the sweep's two numeric grid paths (none without them): an SVG heatmap and, in Markdown, the same grid as a table. */
async function heatmapSections(m: SweepMetrics): Promise<ReportSection[]> {
  const axes = heatmapAxes(m);
  if (!axes) return [];
  const sections: ReportSection[] = [];
  for (const [system, cells] of heatmapCells(m, axes)) {
    if (cells.length < 2 || cells.every((c) => c.value === cells[0]!.value)) continue; // a system the grid does not change (e.g. BM25 in a dense sweep)
    const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
    const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => b - a);
    const grid = from(
      ys.map((y) => ({
        [`${axes[1]} ↓ ${axes[0]} →`]: String(y),
        ...Object.fromEntries(xs.map((x) => [String(x), cells.find((c) => c.x === x && c.y === y)?.value.toFixed(4) ?? "–"])),
      })),
    );
    const svg = await heatmapSvg(cells, { x: axes[0], y: axes[1] }, m.mainMeasure, `${system}: ${m.mainMeasure} over ${axes[0]} × ${axes[1]}`);
    const note = `${m.mainMeasure} of ${system} on the ${m.splitKey} split per grid point (rows ${axes[1]}, columns ${axes[0]}); – no run.`;
    sections.push({
      title: `Heatmap of ${system}`,
      markdown: `${note}\n\n${grid.toMarkdown(alignRight(xs.map(String)))}\n`,
      html: `<p class="note">${escapeHtml(note)}</p>\n<div class="chart heatmap">${svg}</div>`,
    });
  }
  return sections;
}

/** The CSV columns of one row's comparison on measure `x` (empty cells when the row was not compared). */
function comparisonColumns(m: SweepMetrics, label: string, x: string): [string, unknown][] {
  const c = m.comparison?.rows.find((r) => r.system === label && r.measure === x && r.delta !== null);
  const tests = m.significance.tests as SignificanceTest[];
  return [
    [`${x} delta`, c?.delta ?? null],
    [`${x} ci low`, c?.ciLow ?? null],
    [`${x} ci high`, c?.ciHigh ?? null],
    ...tests.flatMap((t): [string, unknown][] => [[`${x} p ${t}`, c?.p[t] ?? null], [`${x} p ${t} holm`, c?.pAdjusted[t] ?? null]]),
    [`${x} sig`, c && m.comparison ? rowMarkers(c, m.comparison.settings.tests) : ""],
  ];
}

/**
 * Every run's measures per system as an arquero table (numbers): per measure the value, then
 * against the baseline the delta, its 95% CI, each test's raw and Holm p-value and the markers
 * (`▲†‡`: above the baseline, both tests significant); with the base run included, the
 * difference from the same system of the base run and its markers; the row's role and the error
 * of failed runs.
 */
export function sweepTable(m: SweepMetrics): ColumnTable {
  return from(
    m.rows.map((r) => ({
      run: r.run,
      system: r.system,
      role: r.role,
      changes: r.changes,
      ...Object.fromEntries(m.measures.flatMap((x): [string, unknown][] => [[x, r.aggregate[x] ?? null], ...comparisonColumns(m, r.label, x)])),
      ...(m.versusBase
        ? Object.fromEntries(
            m.measures.flatMap((x) => {
              const c = m.versusBase!.comparisons.find((v) => v.system === `${r.run} / ${r.system}` && v.measure === x);
              return [[`${x} diff vs base`, c ? c.meanDiff : null], [`${x} sig vs base`, markersOf(c)]];
            }),
          )
        : {}),
      error: r.error ?? "",
    })),
  );
}

/** Writes the sweep's report.md, report.html and results.csv (atomically). */
export async function writeSweepReport(sweepDir: string, metrics?: SweepMetrics): Promise<{ markdown: string; html: string; csv: string }> {
  const m = metrics ?? (await readSweepMetrics(sweepDir));
  const sections = await sweepReportSections(m);
  const title = `Sweep ${m.sweep} — ${m.sweepId}`;
  const paths = { markdown: join(sweepDir, "report.md"), html: join(sweepDir, "report.html"), csv: join(sweepDir, "results.csv") };
  await writeFileAtomic(paths.markdown, markdownPage(title, sections));
  await writeFileAtomic(paths.html, htmlPage(title, sections));
  await writeFileAtomic(paths.csv, `${sweepTable(m).toCSV()}\n`);
  return paths;
}
