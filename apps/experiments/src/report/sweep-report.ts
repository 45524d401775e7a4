/**
 * `report.md`, `report.html` and `results.csv` of a sweep folder: the table of every run's
 * measures per system with direction-aware significance markers against the baseline, the
 * comparison table (`@i3/metrics`: deltas, CIs, raw and Holm p-values), the comparison with the
 * base run when included, failed runs with their errors, and a bar chart of the main measure
 * with 95% confidence intervals.
 */
import { from, type ColumnTable } from "arquero";
import { comparisonHtml, comparisonLegend, comparisonMarkdown, rowMarkers } from "@i3/metrics";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { barChartSvg } from "./charts.js";
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
  const chart = chartRows.length > 0 ? await barChartSvg(chartRows.map((r) => ({ label: r.label, ...r.ci! })), metrics.mainMeasure) : "";
  sections.push({
    title: `Results (${metrics.splitKey} split)`,
    markdown: `${ok.length > 0 ? table.toMarkdown(alignRight(metrics.measures)) : "No run succeeded."}\n\n${legend}\n`,
    html: `${ok.length > 0 ? table.toHTML(alignRight(metrics.measures)) : "<p>No run succeeded.</p>"}\n<p class="note">${escapeHtml(legend)}</p>\n<div class="chart">${chart}</div>`,
  });
  if (comparison && comparison.systems.length > 1) {
    const note = "Each compared run / system against the baseline: mean over the compared queries, Δ, its confidence interval, raw and Holm-adjusted p-values (rows equal to the baseline are not tested).";
    sections.push({
      title: "Against the baseline",
      markdown: `${note}\n\n${comparisonMarkdown(comparison, { legend: false })}`,
      html: `<p class="note">${escapeHtml(note)}</p>\n${comparisonHtml(comparison, { legend: false })}`,
    });
  }
  if (metrics.versusBase && metrics.versusBase.comparisons.length > 0) {
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
