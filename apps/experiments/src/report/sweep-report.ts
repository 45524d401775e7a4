/**
 * `report.md`, `report.html` and `results.csv` of a sweep folder, per evaluated split (the
 * base config's `evaluation.splits`, then its out-of-domain datasets): the table of every run's
 * measures per system with direction-aware significance markers against the baseline, the
 * comparison table (`@i3/metrics`: deltas, CIs, raw and Holm p-values), the comparison with the
 * base run when included (left out when it would repeat the comparison with the baseline),
 * failed runs with their errors; charts: the main measure per run with 95% confidence intervals
 * on an axis fitted to the data, each run's Δ from the baseline with its paired CI, and a heatmap
 * per system and split when the grid has two numeric paths.
 */
import { from, type ColumnTable } from "arquero";
import { comparisonHtml, comparisonLegend, comparisonMarkdown, rowMarkers } from "@i3/metrics";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { barChartSvg, comparisonDeltaChart, heatmapSvg, type HeatmapCell } from "./charts.js";
import { alignRight, escapeHtml, htmlPage, markdownPage, resultsTable, type ReportSection } from "./page.js";
import { markersOf, type SignificanceTest } from "./significance.js";
import { sweepSplits, type SweepMetrics, type SweepSplitResults } from "./sweep-metrics.js";

/** Reads `<sweepDir>/metrics.json` of a sweep. */
export async function readSweepMetrics(sweepDir: string): Promise<SweepMetrics> {
  return JSON.parse(await readFile(join(sweepDir, "metrics.json"), "utf8")) as SweepMetrics;
}

/** The sections of a sweep report: per evaluated split its results, charts, heatmaps and tests, then the failed runs. */
export async function sweepReportSections(metrics: SweepMetrics): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const [i, split] of sweepSplits(metrics).entries()) {
    const titleSuffix = i === 0 ? "" : `: ${where(split)}`;
    sections.push(await resultsSection(metrics, split));
    sections.push(...(await heatmapSections(metrics, split, titleSuffix)));
    sections.push(...comparisonSections(metrics, split, titleSuffix));
  }
  const failed = metrics.rows.filter((r) => r.role === "failed");
  if (failed.length > 0) {
    const t = from(failed.map((r) => ({ run: r.run, changes: r.changes, error: r.error ?? "" })));
    sections.push({ title: "Failed runs", markdown: t.toMarkdown(), html: t.toHTML() });
  }
  return sections;
}

/** Where a split's results come from: `test split`, out of domain `beir/cranfield, test`. */
function where(split: SweepSplitResults): string {
  return split.outOfDomain ? `${split.dataset ?? split.splitKey}, ${split.split ?? split.splitKey}` : `${split.splitKey} split`;
}

/** A split's table of every run's measures per system with its markers, the legend and the charts (main measure with CIs; Δ against the baseline). */
async function resultsSection(metrics: SweepMetrics, split: SweepSplitResults): Promise<ReportSection> {
  const ok = split.rows.filter((r) => r.role !== "failed");
  const table = resultsTable(
    ok.map((r) => ({
      labels: { run: r.run, system: r.role === "baseline" ? `${r.system} (baseline)` : r.role === "same-as-baseline" ? `${r.system} (= baseline)` : r.system, changes: r.changes || "(base)" },
      values: r.aggregate,
      ...(r.sd ? { spreads: r.sd } : {}),
      markers: r.markers,
    })),
    metrics.measures,
  );
  const comparison = split.comparison;
  const legend = comparison ? comparisonLegend(comparison) : "No baseline run succeeded: no significance tests.";
  const zeroShot = split.outOfDomain ? `Zero-shot: every model was trained on ${metrics.dataset ?? "the experiment's dataset"}; nothing was trained on ${split.dataset}.\n\n` : "";
  const chartRows = ok.filter((r) => r.role !== "same-as-baseline" && r.ci);
  const main = metrics.mainMeasure;
  const baselineRow = ok.find((r) => r.role === "baseline");
  const reference = baselineRow?.ci ? { label: `baseline ${baselineRow.label}`, value: baselineRow.ci.mean } : undefined;
  const chart = chartRows.length > 0 ? await barChartSvg(chartRows.map((r) => ({ label: r.label, ...r.ci!, markers: r.markers[main] ?? "" })), main, undefined, reference) : "";
  const deltaSvg = await comparisonDeltaChart(comparison, main);
  const deltas = deltaSvg ? `\n<div class="chart">${deltaSvg}</div>` : "";
  return {
    title: split.outOfDomain ? `Out of domain: ${where(split)}` : `Results (${where(split)})`,
    markdown: `${zeroShot}${ok.length > 0 ? table.toMarkdown(alignRight(metrics.measures)) : "No run succeeded."}\n\n${legend}\n${chart ? `\nCharts in report.html: ${main} per run with 95% confidence intervals${deltaSvg ? ", and Δ against the baseline with its paired 95% CI" : ""}.\n` : ""}`,
    html: `${zeroShot ? `<p class="note">${escapeHtml(zeroShot.trim())}</p>\n` : ""}${ok.length > 0 ? table.toHTML(alignRight(metrics.measures)) : "<p>No run succeeded.</p>"}\n<p class="note">${escapeHtml(legend)}</p>\n<div class="chart">${chart}</div>${deltas}`,
  };
}

/** A split's comparison tables: every compared run / system against the baseline, and each variant against the base run (when included and not a repeat of the first). */
function comparisonSections(metrics: SweepMetrics, split: SweepSplitResults, titleSuffix: string): ReportSection[] {
  const sections: ReportSection[] = [];
  const comparison = split.comparison;
  const repeats = sameAsBaselineComparison(metrics, split);
  if (comparison && comparison.systems.length > 1) {
    const note = `Each compared run / system against the baseline: mean over the compared queries, Δ, its confidence interval, raw and Holm-adjusted p-values (rows equal to the baseline are not tested).${
      repeats ? " The baseline is the base run's system and the only one compared, so these are also the tests against the base run." : ""
    }`;
    sections.push({
      title: `Against the baseline${titleSuffix}`,
      markdown: `${note}\n\n${comparisonMarkdown(comparison, { legend: false })}`,
      html: `<p class="note">${escapeHtml(note)}</p>\n${comparisonHtml(comparison, { legend: false })}`,
    });
  }
  if (split.versusBase && split.versusBase.comparisons.length > 0 && !repeats) {
    const t = from(
      split.versusBase.comparisons.map((c) => ({
        "run / system": c.system,
        measure: c.measure,
        n: c.n,
        "mean diff": `${c.meanDiff >= 0 ? "+" : ""}${c.meanDiff.toFixed(4)}`,
        "95% CI": c.ciLow === undefined || c.ciHigh === undefined ? "–" : `[${c.ciLow.toFixed(4)}, ${c.ciHigh.toFixed(4)}]`,
        ...Object.fromEntries(metrics.significance.tests.map((test) => [`p ${test} (Holm)`, c.tests[test as SignificanceTest]?.pHolm.toFixed(4) ?? "–"])),
        sig: markersOf(c),
      })),
    );
    const note = `Each variant's system against the same system in the base run (${split.versusBase.run}); mean diff = variant - base; Holm across all these rows per measure; ▲/▼ variant above/below the base run, † t-test, ‡ randomization test significant at p ≤ ${metrics.significance.alpha} after Holm.`;
    sections.push({ title: `Against the base run${titleSuffix}`, markdown: `${note}\n\n${t.toMarkdown()}\n`, html: `<p class="note">${escapeHtml(note)}</p>\n${t.toHTML()}` });
  }
  return sections;
}

/**
 * True when the comparison with the base run repeats the one with the baseline: the baseline is
 * the base run's system and every variant was compared with that same system (a sweep of the
 * baseline system alone, e.g. BM25's k1 and b) and both are Holm-corrected per measure, so both
 * tables would hold the same tests.
 */
function sameAsBaselineComparison(m: SweepMetrics, split: SweepSplitResults): boolean {
  const base = split.versusBase;
  if (!base || !split.baseline || split.baseline.run !== base.run || m.significance.family !== "measure") return false;
  return base.comparisons.every((c) => c.system.endsWith(` / ${split.baseline!.system}`));
}

/**
 * The two grid paths a heatmap is drawn over: when the sweep's grid has exactly two paths whose
 * value is a number in every successful run, each taking at least two values; otherwise none.
 */
export function heatmapAxes(m: SweepMetrics, split: SweepSplitResults = m): readonly [string, string] | undefined {
  const ok = split.rows.filter((r) => r.role !== "failed");
  const numeric = (m.axes ?? []).filter((path) => ok.length > 0 && ok.every((r) => typeof r.settings?.[path] === "number" && Number.isFinite(r.settings[path])));
  if (numeric.length !== 2 || numeric.length !== (m.axes ?? []).length) return undefined;
  if (numeric.some((path) => new Set(ok.map((r) => r.settings![path])).size < 2)) return undefined;
  return [numeric[0]!, numeric[1]!];
}

/** Per system, the main measure of each (x, y) grid cell on a split (default the first; the first run at a cell when two share it, e.g. the base run and its grid point). */
export function heatmapCells(m: SweepMetrics, axes: readonly [string, string], split: SweepSplitResults = m): Map<string, HeatmapCell[]> {
  const out = new Map<string, HeatmapCell[]>();
  for (const r of split.rows) {
    const value = r.aggregate[m.mainMeasure];
    if (r.role === "failed" || value === undefined) continue;
    const cell = { x: r.settings![axes[0]] as number, y: r.settings![axes[1]] as number, value };
    const cells = out.get(r.system) ?? [];
    if (!cells.some((c) => c.x === cell.x && c.y === cell.y)) cells.push(cell);
    out.set(r.system, cells);
  }
  return out;
}

/** A heatmap section per system of a split over the sweep's two numeric grid paths (none without them): an SVG heatmap and, in Markdown, the same grid as a table. */
async function heatmapSections(m: SweepMetrics, split: SweepSplitResults, titleSuffix: string): Promise<ReportSection[]> {
  const axes = heatmapAxes(m, split);
  if (!axes) return [];
  const sections: ReportSection[] = [];
  for (const [system, cells] of heatmapCells(m, axes, split)) {
    if (cells.length < 2 || cells.every((c) => c.value === cells[0]!.value)) continue; // a system the grid does not change (e.g. BM25 in a dense sweep)
    const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
    const ys = [...new Set(cells.map((c) => c.y))].sort((a, b) => b - a);
    const corner = `${axes[1]} ↓ ${axes[0]} →`;
    // Columns named explicitly: integer-like keys ("1", "2") would otherwise come before the row label (JavaScript's key order).
    const grid = from(
      ys.map((y) => ({
        [corner]: String(y),
        ...Object.fromEntries(xs.map((x) => [String(x), cells.find((c) => c.x === x && c.y === y)?.value.toFixed(4) ?? "–"])),
      })),
    ).select([corner, ...xs.map(String)]);
    const svg = await heatmapSvg(cells, { x: axes[0], y: axes[1] }, m.mainMeasure, `${system}${titleSuffix}: ${m.mainMeasure} over ${axes[0]} × ${axes[1]}`);
    const note = `${m.mainMeasure} of ${system} on ${split.outOfDomain ? where(split) : `the ${split.splitKey} split`} per grid point (rows ${axes[1]}, columns ${axes[0]}); – no run.`;
    sections.push({
      title: `Heatmap of ${system}${titleSuffix}`,
      markdown: `${note}\n\n${grid.toMarkdown(alignRight(xs.map(String)))}\n`,
      html: `<p class="note">${escapeHtml(note)}</p>\n<div class="chart heatmap">${svg}</div>`,
    });
  }
  return sections;
}

/** The CSV columns of one row's comparison on measure `x` on a split (empty cells when the row was not compared). */
function comparisonColumns(m: SweepMetrics, split: SweepSplitResults, label: string, x: string): [string, unknown][] {
  const comparison = split.comparison;
  const c = comparison?.rows.find((r) => r.system === label && r.measure === x && r.delta !== null);
  const tests = m.significance.tests as SignificanceTest[];
  return [
    [`${x} delta`, c?.delta ?? null],
    [`${x} ci low`, c?.ciLow ?? null],
    [`${x} ci high`, c?.ciHigh ?? null],
    ...tests.flatMap((t): [string, unknown][] => [[`${x} p ${t}`, c?.p[t] ?? null], [`${x} p ${t} holm`, c?.pAdjusted[t] ?? null]]),
    [`${x} sig`, c && comparison ? rowMarkers(c, comparison.settings.tests) : ""],
  ];
}

/**
 * Every run's measures per system and evaluated split as an arquero table (numbers): run,
 * system, split (its key: `test`, out of domain `<dataset>:<split>`), role, changes; per measure
 * the value, then against the baseline on that split the delta, its 95% CI, each test's raw and
 * Holm p-value and the markers (`▲†‡`: above the baseline, both tests significant); with the base
 * run included, the difference from the same system of the base run and its markers; the error of
 * failed runs.
 */
export function sweepTable(m: SweepMetrics): ColumnTable {
  return from(
    sweepSplits(m).flatMap((split) =>
      split.rows.map((r) => ({
        run: r.run,
        system: r.system,
        split: split.splitKey,
        role: r.role,
        changes: r.changes,
        ...Object.fromEntries(m.measures.flatMap((x): [string, unknown][] => [[x, r.aggregate[x] ?? null], ...comparisonColumns(m, split, r.label, x)])),
        ...(m.versusBase
          ? Object.fromEntries(
              m.measures.flatMap((x) => {
                const c = split.versusBase?.comparisons.find((v) => v.system === `${r.run} / ${r.system}` && v.measure === x);
                return [[`${x} diff vs base`, c ? c.meanDiff : null], [`${x} sig vs base`, markersOf(c)]];
              }),
            )
          : {}),
        error: r.error ?? "",
      })),
    ),
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
