/**
 * trec_eval's text output (`trec_eval -q`, relational layout): one line per measure and query,
 * `printf("%-22s\t%s\t%.4f\n", name, qid, value)`, then the same for `all` (the aggregate).
 * Count measures print as integers (`%ld`). Names are printed as the user gave them.
 * Source: trec_eval 9.0.x `meas_print_single.c`, `meas_print_final.c`.
 */
import type { Evaluation } from "./evaluate.js";

/**
 * C `printf("%.<digits>f", x)`: like `Number#toFixed`, except that an exact tie (the double's
 * exact decimal value ends in 5 right after the last printed digit) rounds to even, as glibc
 * does, where `toFixed` rounds away from zero (e.g. 0.03125 -> C "0.0312", toFixed "0.0313").
 */
export function formatFixed(x: number, digits = 4): string {
  const rounded = x.toFixed(digits);
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return rounded;
  // Doubles near a tie are >= 1 ulp (> 1e-21 for |x| >= 5e-5) away from it, so 60 digits show it.
  const exact = Math.abs(x).toFixed(60);
  const dot = exact.indexOf(".");
  const tail = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(tail)) return rounded;
  const truncated = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 === 1) return rounded; // rounding up lands on an even digit, as toFixed did
  return (x < 0 ? "-" : "") + truncated;
}

/** One output line: `name` left-justified to 22 characters, a tab, the query id, a tab, the value. */
export function formatLine(name: string, qid: string, value: number, integer: boolean): string {
  const text = integer ? String(Math.round(value)) : formatFixed(value, 4);
  return `${name.padEnd(22)}\t${qid}\t${text}`;
}

/** Options of {@link formatTrecEval}. */
export interface FormatOptions {
  /** Print per-query lines before the aggregate (trec_eval `-q`; default true). */
  perQuery?: boolean;
  /** When set, print a `runid  all  <runId>` line first in the aggregate, as trec_eval does. */
  runId?: string;
}

/**
 * Formats an evaluation as trec_eval prints it: per-query blocks in query order (queries missing
 * from the run and the NumQ measure are printed only in the aggregate, like trec_eval), then the
 * `all` block. Returns the text with a trailing newline.
 */
export function formatTrecEval(evaluation: Evaluation, options: FormatOptions = {}): string {
  const lines: string[] = [];
  const { measures, queries, values, aggregate, missing } = evaluation;
  if (options.perQuery ?? true) {
    queries.forEach((qid, qi) => {
      if (missing.has(qid)) return;
      for (const m of measures) {
        if (m.family.name === "NumQ") continue;
        lines.push(formatLine(m.name, qid, values.get(m.name)![qi]!, m.family.integer));
      }
    });
  }
  if (options.runId !== undefined) lines.push(`${"runid".padEnd(22)}\tall\t${options.runId}`);
  for (const m of measures) lines.push(formatLine(m.name, "all", aggregate.get(m.name)!, m.family.integer));
  return lines.join("\n") + "\n";
}
