/**
 * Re-running rows of the README table and judging them: per row, the commands run (each distinct
 * command once per invocation, so two rows of one run share it), the produced numbers are read
 * and compared with the published ones at the printed precision, and the row is OK, FAIL or SKIP
 * (a collection it needs is absent; FAIL under `strict`). Running is injected, so the logic is
 * tested on synthetic outputs.
 */
import { dirname, join, resolve } from "node:path";
import { compareValue, formatCheck, type ValueCheck } from "./compare.js";
import { rewriteCommand, type CommandOutput, type RewriteContext } from "./commands.js";
import type { ReproRow } from "./rows.js";
import { parseEvalOutput, readRunMetrics } from "./values.js";

/** The printed reason of a row whose collection is absent. */
export const DATASET_MISSING = "dataset missing: set I3_DATASETS_PATH";

/** One compared value. */
export interface ValueResult {
  /** `nDCG@10`, or `dual-encoder nDCG@10` for a run row. */
  readonly label: string;
  readonly check: ValueCheck;
}

/** The verdict on one row. */
export interface RowResult {
  readonly row: ReproRow;
  readonly status: "OK" | "FAIL" | "SKIP";
  readonly values: readonly ValueResult[];
  /** Why a row is SKIP, or FAIL without values (a command failed, a number was not found). */
  readonly reason?: string;
}

/** How rows are run and reported. */
export interface ReproduceOptions extends RewriteContext {
  /** A collection missing is a FAIL, not a SKIP. */
  readonly strict?: boolean;
  /** Runs one rewritten command (see commands.ts `runShellCommand`). */
  readonly execute: (command: string) => Promise<CommandOutput>;
  /** Receives each output line. */
  readonly print: (line: string) => void;
  /** Also print each command as rewritten. */
  readonly verbose?: boolean;
}

/** The per-invocation memo of commands already run (rewritten command -> its output). */
export type CommandMemo = Map<string, CommandOutput>;

function label(row: ReproRow, k: number): string {
  const v = row.values[k]!;
  return row.reads === "run-metrics" ? `${row.values[k]!.system} ${v.measure}${row.values[k]!.statistic === "sd" ? " sd" : ""}` : v.measure;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The row's numbers in value order (undefined where one was not produced), or a reason why none can be read. */
async function producedValues(row: ReproRow, outputs: readonly CommandOutput[], runsDir: string): Promise<(number | undefined)[]> {
  if (row.reads === "eval-output") {
    const printed = parseEvalOutput(outputs.map((o) => o.stdout).join("\n"));
    return row.values.map((v) => printed.get(v.measure));
  }
  const experimentDir = resolve(runsDir, row.experiment);
  const dirs = [...new Set(outputs.flatMap((o) => o.newRunDirs))].filter((d) => resolve(dirname(d)) === experimentDir);
  if (dirs.length !== 1) {
    throw new Error(`expected one new run folder with metrics.json in ${join(runsDir, row.experiment)}, found ${dirs.length}`);
  }
  const systems = await readRunMetrics(dirs[0]!, row.split);
  return row.values.map((v) => systems.get(v.system)?.[v.statistic ?? "mean"].get(v.measure));
}

/** Runs one row (reusing outputs of commands already in `memo`), prints its lines and returns the verdict. */
export async function reproduceRow(row: ReproRow, options: ReproduceOptions, memo: CommandMemo = new Map()): Promise<RowResult> {
  const { print } = options;
  const missing = row.datasets.filter((name) => options.datasetFolder(name) === undefined);
  if (missing.length > 0) {
    const status = options.strict ? "FAIL" : "SKIP";
    print(`${status.padEnd(5)} ${row.id} (${DATASET_MISSING}; not found: ${missing.join(", ")})`);
    return { row, status, values: [], reason: `${DATASET_MISSING}; not found: ${missing.join(", ")}` };
  }
  if (!row.fast && row.duration) print(`      expected duration: ${row.duration}`);

  const outputs: CommandOutput[] = [];
  for (const command of row.commands) {
    const rewritten = rewriteCommand(command, options);
    let output = memo.get(rewritten);
    if (output) print(`      $ ${command}   [output of the run above]`);
    else {
      if (options.verbose && rewritten !== command) print(`      (runs as: ${rewritten})`);
      const started = Date.now();
      output = await options.execute(rewritten);
      memo.set(rewritten, output);
      print(`      $ ${command}   [${seconds(Date.now() - started)}]`);
    }
    outputs.push(output);
    if (output.exitCode !== 0) {
      const reason = `command failed (exit ${output.exitCode}): ${command}\n${output.stderrTail.trimEnd()}`;
      print(`FAIL  ${row.id}: ${reason}`);
      return { row, status: "FAIL", values: [], reason };
    }
  }

  let produced: (number | undefined)[];
  try {
    produced = await producedValues(row, outputs, options.runsDir);
  } catch (error) {
    const reason = (error as Error).message;
    print(`FAIL  ${row.id}: ${reason}`);
    return { row, status: "FAIL", values: [], reason };
  }
  const values: ValueResult[] = [];
  const notProduced: string[] = [];
  row.values.forEach((v, k) => {
    const got = produced[k];
    if (got === undefined) {
      notProduced.push(label(row, k));
      print(`      ${label(row, k).padEnd(24)} FAIL (not produced by the commands; published ${v.published})`);
      return;
    }
    const check = compareValue(got, v.published);
    values.push({ label: label(row, k), check });
    print(`      ${label(row, k).padEnd(24)} ${formatCheck(check)}`);
  });
  const ok = notProduced.length === 0 && values.every((v) => v.check.ok);
  print(`${ok ? "OK   " : "FAIL "} ${row.id}`);
  return { row, status: ok ? "OK" : "FAIL", values, ...(notProduced.length > 0 ? { reason: `not produced: ${notProduced.join(", ")}` } : {}) };
}

/** Runs the rows in order, printing a header per row; the commands of one invocation are memoised. */
export async function reproduceRows(rows: readonly ReproRow[], options: ReproduceOptions): Promise<RowResult[]> {
  const memo: CommandMemo = new Map();
  const results: RowResult[] = [];
  for (const [k, row] of rows.entries()) {
    options.print(`[${k + 1}/${rows.length}] ${row.id}: ${row.system}, ${row.collection}`);
    results.push(await reproduceRow(row, options, memo));
  }
  return results;
}

/** The closing line: counts per verdict, and the neural rows left out. */
export function summaryLine(results: readonly RowResult[], leftOut: number): string {
  const count = (s: RowResult["status"]) => results.filter((r) => r.status === s).length;
  const tail = leftOut > 0 ? ` (${leftOut} neural row${leftOut === 1 ? "" : "s"} not run: npm run repro -- --all)` : "";
  return `repro: ${count("OK")} OK, ${count("FAIL")} FAIL, ${count("SKIP")} SKIP of ${results.length} row${results.length === 1 ? "" : "s"}${tail}`;
}

/** The exit code: 1 when a row failed, else 0. */
export function exitCode(results: readonly RowResult[]): number {
  return results.some((r) => r.status === "FAIL") ? 1 : 0;
}
