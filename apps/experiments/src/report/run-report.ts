/**
 * `report.md` and `report.html` of a run folder, from its `metrics.json` (and training logs):
 * the results table per evaluated split (out-of-domain datasets' after the experiment's) with
 * direction-aware significance markers, the bar chart of the main measure with 95% confidence
 * intervals (axis fitted to the data), the Δ chart of each system against the baseline, the
 * comparison with the baseline (`@i3/metrics`' table: deltas, CIs, raw and Holm p-values), and
 * training loss curves with their phase boundaries when a
 * system was trained. `i3 report <run-dir>` re-renders them.
 */
import { comparisonHtml, comparisonLegend, comparisonMarkdown } from "@i3/metrics";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "@i3/core";
import { barChartSvg, comparisonDeltaChart, lossChartSvg, type LossPoint, type PhaseStart } from "./charts.js";
import { alignRight, escapeHtml, htmlPage, markdownPage, readLossPoints, resultsTable, type ReportSection, type ResultRow } from "./page.js";
import type { RunMetrics } from "./run-metrics.js";
import { baselineMarkers } from "./significance.js";

/** Reads `<runDir>/metrics.json`. */
export async function readRunMetrics(runDir: string): Promise<RunMetrics> {
  const path = join(runDir, "metrics.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read the run's metrics (${(error as NodeJS.ErrnoException).code ?? String(error)}); is ${runDir} a finished run folder?`);
  }
  return JSON.parse(text) as RunMetrics;
}

/** A line naming the seeds of replicated systems (values are mean ± sd over them), or nothing. */
function seedNote(systems: RunMetrics["splits"][string]["systems"]): string {
  const seeds = Object.values(systems).find((m) => m.seeds)?.seeds?.seeds;
  return seeds ? `Neural systems over seeds ${seeds.join(", ")}: mean ± standard deviation over seeds; tests pair per-query values averaged over seeds.\n\n` : "";
}

/**
 * A split's heading: its collection split name, with the config's key when they differ
 * ("Results: validation (config key dev)"); out of domain: "Out of domain: beir/cranfield, test".
 */
export function splitTitle(key: string, split: Pick<RunMetrics["splits"][string], "split" | "dataset" | "outOfDomain">): string {
  if (split.outOfDomain) return `Out of domain: ${split.dataset ?? key}, ${split.split}`;
  return split.split === key ? `Results: ${split.split}` : `Results: ${split.split} (config key ${key})`;
}

/** A line saying where an out-of-domain split's models were trained, or nothing. */
function outOfDomainNote(metrics: RunMetrics, split: RunMetrics["splits"][string]): string {
  return split.outOfDomain ? `Zero-shot: every model was trained on ${metrics.dataset}; nothing was trained on ${split.dataset}.\n\n` : "";
}

/** The page title: `<experiment> — run <id>, dataset <dataset>` (the dataset said as such, so `default — run …, dataset default` does not read as a repeat). */
export function runTitle(m: Pick<RunMetrics, "experiment" | "runId" | "dataset">): string {
  return `${m.experiment} — run ${m.runId}, dataset ${m.dataset}`;
}

/** The report sections of a run. */
export async function runReportSections(metrics: RunMetrics, runDir: string): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const [key, split] of Object.entries(metrics.splits)) {
    const comparison = split.comparison;
    const rows: ResultRow[] = Object.entries(split.systems).map(([system, m]) => ({
      labels: { system: system === metrics.baseline ? `${system} (baseline)` : system, queries: String(m.queries.length) },
      values: m.aggregate,
      ...(m.seeds ? { spreads: m.seeds.sd } : {}),
      markers: Object.fromEntries(metrics.measures.map((measure) => [measure, baselineMarkers(comparison, system, measure)])),
    }));
    const table = resultsTable(rows, metrics.measures);
    const main = metrics.mainMeasure;
    const bars = Object.entries(split.systems).map(([system, m]) => ({ label: system, ...m.ci[main]!, markers: baselineMarkers(comparison, system, main) }));
    const baseline = split.systems[metrics.baseline]?.ci[main];
    const where = `${split.outOfDomain ? `${split.dataset}, ` : ""}${split.split}`;
    const chart = await barChartSvg(bars, main, `${main} on ${where} (mean, 95% CI)`, baseline ? { label: `baseline ${metrics.baseline}`, value: baseline.mean } : undefined);
    const deltaSvg = await comparisonDeltaChart(comparison, main);
    const legend = comparison
      ? comparisonLegend(comparison)
      : `No comparison with the baseline ${metrics.baseline} in metrics.json (not evaluated on ${split.split}, or a run from before comparisons were stored: run it again, its stages come from the cache).`;
    const compared = comparison && comparison.systems.length > 1;
    const intro = "Each system against the baseline: mean over the compared queries, Δ, its confidence interval, raw and Holm-adjusted p-values.";
    const note = outOfDomainNote(metrics, split);
    sections.push({
      title: splitTitle(key, split),
      markdown: `${note}${table.toMarkdown(alignRight(metrics.measures))}\n\n${seedNote(split.systems)}${legend}\n\n${compared ? `${intro}\n\n${comparisonMarkdown(comparison, { legend: false })}\n` : ""}Bar chart of ${main} with 95% confidence intervals${deltaSvg ? ", and Δ against the baseline with its paired 95% CI" : ""}: report.html.\n`,
      html: `${note ? `<p class="note">${escapeHtml(note.trim())}</p>\n` : ""}${table.toHTML(alignRight(metrics.measures))}\n<p class="note">${escapeHtml(`${seedNote(split.systems)}${legend}`)}</p>\n<div class="chart">${chart}</div>\n${deltaSvg ? `<div class="chart">${deltaSvg}</div>\n` : ""}${compared ? `<h3>Against the baseline</h3>\n<p class="note">${escapeHtml(intro)}</p>\n${comparisonHtml(comparison, { legend: false })}` : ""}`,
    });
  }
  const curves: LossPoint[] = [];
  const phases: PhaseStart[] = [];
  for (const [system, file] of Object.entries(metrics.trainingLogs ?? {})) {
    const log = await readLossPoints(join(runDir, file), system);
    curves.push(...log.points);
    phases.push(...log.phases);
  }
  if (curves.length > 0) {
    const svg = await lossChartSvg(curves, phases);
    const phaseText = phases.length > 0 ? ` Phases (first step): ${phases.map((p) => `${p.series} ${p.phase} ${p.step}`).join(", ")}.` : "";
    sections.push({
      title: "Training",
      markdown: `Loss curves: see report.html (${curves.length} points).${phaseText}\n`,
      html: `<div class="chart">${svg}</div>${phaseText ? `\n<p class="note">Dashed lines: where a training phase starts.${escapeHtml(phaseText)}</p>` : ""}`,
    });
  }
  return sections;
}

/** Writes `report.md` and `report.html` into `runDir` (atomically); returns their paths. */
export async function writeRunReport(runDir: string, metrics?: RunMetrics): Promise<{ markdown: string; html: string }> {
  const m = metrics ?? (await readRunMetrics(runDir));
  const sections = await runReportSections(m, runDir);
  const title = runTitle(m);
  const paths = { markdown: join(runDir, "report.md"), html: join(runDir, "report.html") };
  await writeFileAtomic(paths.markdown, markdownPage(title, sections));
  await writeFileAtomic(paths.html, htmlPage(title, sections));
  return paths;
}
