/**
 * Renderings of a run comparison as Markdown, LaTeX and HTML, with direction-aware significance
 * markers and a legend that says what they mean. Two layouts:
 * - `long` (default): one line per system and measure: mean, delta, the confidence interval of
 *   the delta, each test's raw and adjusted p-value, the markers;
 * - `wide`: one line per system, one column per measure: the mean followed by its markers (the
 *   table of a paper).
 * Markers: ▲ above / ▼ below the baseline, then † (paired t-test) and/or ‡ (randomization test)
 * for each test significant at `alpha` after the correction; nothing when no test is.
 */
import type { ComparisonData, ComparisonRow, ComparisonSettings, PairedTestName } from "./types.js";

/** Options of the comparison renderings. */
export interface ComparisonFormatOptions {
  /** `long` (default: every statistic) or `wide` (means with markers, one column per measure). */
  layout?: "long" | "wide";
  /** Decimals of means, deltas and intervals (default 4). */
  digits?: number;
  /** Append the legend (default true). */
  legend?: boolean;
}

/** Symbols of the tests, shown when the test is significant after correction. */
export const TEST_MARKERS: Readonly<Record<PairedTestName, string>> = { t: "†", randomization: "‡" };
/** Symbols of the direction of a significant difference. */
export const DIRECTION_MARKERS = { better: "▲", worse: "▼" } as const;

const TEST_NAMES: Readonly<Record<PairedTestName, string>> = { t: "paired t-test", randomization: "randomization test" };
const LATEX_SYMBOLS: Readonly<Record<string, string>> = { "▲": "\\blacktriangle", "▼": "\\blacktriangledown", "†": "\\dagger", "‡": "\\ddagger" };

/**
 * The markers of a row: the direction (▲ above the baseline, ▼ below) followed by the symbol of
 * every significant test († t-test, ‡ randomization test), e.g. `▲†‡`; empty when no test is
 * significant (and for the baseline).
 */
export function rowMarkers(row: Pick<ComparisonRow, "significant" | "direction">, tests: readonly PairedTestName[]): string {
  const symbols = tests.filter((t) => row.significant[t]).map((t) => TEST_MARKERS[t]).join("");
  if (symbols === "" || (row.direction !== "better" && row.direction !== "worse")) return symbols;
  return `${DIRECTION_MARKERS[row.direction]}${symbols}`;
}

/** What the correction did, in words: `after Holm correction over the 2 comparisons of each measure`. */
function correctionText(s: ComparisonSettings, compared: number, measures: number): string {
  if (s.correction === "none") return "without correction for multiple comparisons";
  return s.family === "all"
    ? `after Holm correction over all ${compared * measures} comparisons (every system and measure) per test`
    : `after Holm correction over the ${compared} comparison${compared === 1 ? "" : "s"} of each measure per test`;
}

/**
 * The legend of a comparison, one sentence each: the markers, the tests and their settings, the
 * correction and its family, the interval, and the queries compared.
 */
export function comparisonLegend(data: ComparisonData): string {
  const s = data.settings;
  const compared = data.systems.length - 1;
  const tests = s.tests
    .map((t) => `${TEST_MARKERS[t]} ${TEST_NAMES[t]}${t === "randomization" ? ` (exact up to ${s.exactUpTo} queries, else ${s.permutations} seeded sign flips, seed ${s.seed})` : ""}`)
    .join(", ");
  const left = data.excludedQueries.length > 0 ? ` (${data.excludedQueries.length} more left out: not evaluated for every system)` : "";
  return [
    `${DIRECTION_MARKERS.better} above / ${DIRECTION_MARKERS.worse} below the baseline ${s.baseline}, significant (two-sided p ≤ ${s.alpha} ${correctionText(s, compared, data.measures.length)}) by ${tests}.`,
    `Δ = system − baseline; CI: ${Math.round(s.ciLevel * 1000) / 10}% t-interval of the mean per-query difference.`,
    `n = ${data.queries.length} queries evaluated for every system${left}.`,
  ].join(" ");
}

/** A p-value: 4 decimals, or 2 significant digits in exponent form below 0.001. */
function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return "–";
  return p >= 0.001 || p === 0 ? p.toFixed(4) : p.toExponential(1);
}

function formatNumber(x: number | null, digits: number, signed = false): string {
  if (x === null || Number.isNaN(x)) return "–";
  return `${signed && x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
}

/** The table as header + rows of display strings (markers as `▲†‡`). */
function cells(data: ComparisonData, layout: "long" | "wide", digits: number): { header: string[]; rows: string[][] } {
  const { tests, baseline, ciLevel } = data.settings;
  const label = (system: string): string => (system === baseline ? `${system} (baseline)` : system);
  if (layout === "wide") {
    const rows = data.systems.map((system) => [
      label(system),
      ...data.measures.map((m) => {
        const r = data.rows.find((x) => x.system === system && x.measure === m)!;
        return `${formatNumber(r.mean, digits)}${rowMarkers(r, tests)}`;
      }),
    ]);
    return { header: ["system", ...data.measures], rows };
  }
  const ci = `${Math.round(ciLevel * 1000) / 10}% CI`;
  const header = ["system", "measure", "n", "mean", "Δ", ci, ...tests.flatMap((t) => [`p (${t})`, `p (${t}, ${data.settings.correction === "holm" ? "Holm" : "raw"})`]), "sig"];
  const rows = data.rows.map((r) => [
    label(r.system),
    r.measure,
    String(r.n),
    formatNumber(r.mean, digits),
    formatNumber(r.delta, digits, true),
    r.ciLow === null || r.ciHigh === null ? "–" : `[${formatNumber(r.ciLow, digits, true)}, ${formatNumber(r.ciHigh, digits, true)}]`,
    ...tests.flatMap((t) => [formatP(r.p[t]), formatP(r.pAdjusted[t])]),
    rowMarkers(r, tests),
  ]);
  return { header, rows };
}

/** A Markdown (GitHub pipe) table of the comparison, numbers right-aligned, then the legend. */
export function comparisonMarkdown(data: ComparisonData, options: ComparisonFormatOptions = {}): string {
  const { header, rows } = cells(data, options.layout ?? "long", options.digits ?? 4);
  const line = (values: readonly string[]): string => `|${values.map((v) => v.replace(/\|/g, "\\|")).join("|")}|`;
  const align = header.map((h) => (h === "system" || h === "measure" || h === "sig" ? ":--" : "--:"));
  const table = [line(header), line(align), ...rows.map(line)].join("\n");
  return options.legend === false ? `${table}\n` : `${table}\n\n${comparisonLegend(data)}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** An HTML `<table>` of the comparison (the legend as its caption), no styles or scripts. */
export function comparisonHtml(data: ComparisonData, options: ComparisonFormatOptions = {}): string {
  const { header, rows } = cells(data, options.layout ?? "long", options.digits ?? 4);
  const caption = options.legend === false ? "" : `<caption>${escapeHtml(comparisonLegend(data))}</caption>\n`;
  const head = `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table class="comparison">\n${caption}${head}\n<tbody>\n${body}\n</tbody>\n</table>\n`;
}

function escapeLatex(text: string): string {
  return text.replace(/[\\{}&%$#_^~]/g, (c) => ({ "\\": "\\textbackslash{}", "^": "\\textasciicircum{}", "~": "\\textasciitilde{}" })[c] ?? `\\${c}`);
}

const LATEX_TEXT: Readonly<Record<string, string>> = { "Δ": "$\\Delta$", "−": "-", "≤": "$\\le$", "–": "--" };

/** Text for LaTeX: special characters escaped, symbols in math mode, trailing markers as a superscript (`0.4123$^{\blacktriangle\dagger}$`). */
function latexText(text: string): string {
  const match = /^(.*?)([▲▼†‡]+)$/u.exec(text);
  const body = escapeLatex(match ? match[1]! : text)
    .replace(/[Δ−≤–]/gu, (c) => LATEX_TEXT[c]!)
    .replace(/[▲▼†‡]/gu, (c) => `$${LATEX_SYMBOLS[c]}$`);
  return match ? `${body}$^{${[...match[2]!].map((c) => LATEX_SYMBOLS[c]).join("")}}$` : body;
}

/**
 * A LaTeX `table` with a booktabs `tabular` (needs `\usepackage{booktabs, amssymb}`), the legend
 * as its caption.
 */
export function comparisonLatex(data: ComparisonData, options: ComparisonFormatOptions = {}): string {
  const { header, rows } = cells(data, options.layout ?? "long", options.digits ?? 4);
  const spec = header.map((h) => (h === "system" || h === "measure" || h === "sig" ? "l" : "r")).join("");
  const line = (values: readonly string[]): string => `${values.map(latexText).join(" & ")} \\\\`;
  const caption = options.legend === false ? "" : `\\caption{${latexText(comparisonLegend(data))}}\n`;
  return [
    "\\begin{table}",
    "\\centering",
    `${caption}\\begin{tabular}{${spec}}`,
    "\\toprule",
    line(header),
    "\\midrule",
    ...rows.map(line),
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
    "",
  ].join("\n");
}
