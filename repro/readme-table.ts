/**
 * Reads the "Reproduced numbers" table of the root README (a GitHub markdown table) and checks it
 * against the row list (rows.ts): per row, the command cell's code spans, the printed numbers of
 * the "ours" cell and the measures of the "measure" cell. Wording outside those is free.
 */
import type { ReproRow } from "./rows.js";

/** The heading of the README section that holds the table. */
export const README_SECTION = "## Reproduced numbers";

/** One parsed table row. */
export interface ReadmeRow {
  /** 1-based line number in the README. */
  readonly line: number;
  /** Cells by (lower-cased) column header. */
  readonly cells: Readonly<Record<string, string>>;
  /** The code spans of the command cell, in order (backticks removed). */
  readonly commands: string[];
  /** The printed decimal numbers of the "ours" cell, in order (e.g. `.6789`). */
  readonly numbers: string[];
  /** The measure cell split on `/` (e.g. `["nDCG@10", "R@100"]`). */
  readonly measures: string[];
}

/** Splits a markdown table line into cells, ignoring `|` inside code spans; the outer pipes are dropped. */
export function splitTableLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "\\" && body[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (ch === "`") {
      inCode = !inCode;
      cell += ch;
    } else if (ch === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** The code spans of a cell, in order, without their backticks. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The printed decimal numbers of a cell (`.6789`, `0.6789`), in order. */
export function printedNumbers(cell: string): string[] {
  return [...cell.matchAll(/(?<![\w.])0?\.\d+(?![\w.])/g)].map((m) => m[0]);
}

const REQUIRED_COLUMNS = ["measure", "ours", "command"] as const;

/**
 * Parses the first markdown table after {@link README_SECTION}. Throws, naming `file` and the
 * line, when the section, the table or one of the columns "measure", "ours", "command" is missing.
 */
export function parseReadmeTable(markdown: string, file = "README.md"): ReadmeRow[] {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.findIndex((l) => l.trim() === README_SECTION);
  if (heading < 0) throw new Error(`${file}: no "${README_SECTION}" section`);
  let i = heading + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith("|")) {
    if (/^#{1,2} /.test(lines[i]!)) throw new Error(`${file}:${heading + 1}: the "${README_SECTION}" section has no table`);
    i++;
  }
  if (i >= lines.length) throw new Error(`${file}:${heading + 1}: the "${README_SECTION}" section has no table`);
  const header = splitTableLine(lines[i]!).map((h) => h.toLowerCase());
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) throw new Error(`${file}:${i + 1}: the table has no "${column}" column (columns: ${header.join(", ")})`);
  }
  const rows: ReadmeRow[] = [];
  for (i += 2; i < lines.length && lines[i]!.trim().startsWith("|"); i++) {
    const values = splitTableLine(lines[i]!);
    if (values.length !== header.length) throw new Error(`${file}:${i + 1}: ${values.length} cells, the header has ${header.length}`);
    const cells = Object.fromEntries(header.map((h, k) => [h, values[k]!]));
    rows.push({
      line: i + 1,
      cells,
      commands: codeSpans(cells["command"]!),
      numbers: printedNumbers(cells["ours"]!),
      measures: cells["measure"]!.split("/").map((m) => m.trim()).filter((m) => m !== ""),
    });
  }
  return rows;
}

/** The measures of a list row in order of first appearance (what its README measure cell names). */
export function rowMeasures(row: ReproRow): string[] {
  return [...new Set(row.values.map((v) => v.measure))];
}

/**
 * Where the README table and the row list disagree, one line each naming the README line (empty
 * when they agree): the row count, and per row (in order) the commands, the printed numbers and
 * the measures.
 */
export function readmeMismatches(readme: readonly ReadmeRow[], rows: readonly ReproRow[], file = "README.md"): string[] {
  const problems: string[] = [];
  if (readme.length !== rows.length) {
    problems.push(`${file}: the table has ${readme.length} rows, repro/rows.ts lists ${rows.length}`);
  }
  const n = Math.min(readme.length, rows.length);
  for (let k = 0; k < n; k++) {
    const r = readme[k]!;
    const row = rows[k]!;
    const where = `${file}:${r.line} (repro row ${row.id})`;
    if (JSON.stringify(r.commands) !== JSON.stringify(row.commands)) {
      problems.push(`${where}: command cell has ${JSON.stringify(r.commands)}, the list has ${JSON.stringify(row.commands)}`);
    }
    const published = row.values.map((v) => v.published);
    if (JSON.stringify(r.numbers) !== JSON.stringify(published)) {
      problems.push(`${where}: "ours" cell prints ${r.numbers.join(" ")}, the list has ${published.join(" ")}`);
    }
    if (JSON.stringify(r.measures) !== JSON.stringify(rowMeasures(row))) {
      problems.push(`${where}: measure cell names ${r.measures.join(" / ")}, the list has ${rowMeasures(row).join(" / ")}`);
    }
  }
  return problems;
}
