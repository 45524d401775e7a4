/**
 * `npm run repro`: re-runs every number of the root README's "Reproduced numbers" table from the
 * command the table prints, and says per row OK, FAIL (with the difference) or SKIP.
 *
 * The rows are `repro/rows.ts`; a test (repro/test/readme-sync.test.ts) fails when the README
 * table's commands, printed numbers or measures differ from that list, so the two cannot drift
 * (the README is not generated: its wording stays free).
 *
 *   npm run repro                       # the fast rows (BM25; seconds each)
 *   npm run repro -- --all              # also the neural rows (minutes to an hour each)
 *   npm run repro -- --only i3-default  # the named rows (repeatable)
 *
 * Commands run from the repository root with their outputs in a temporary runs folder (removed
 * at the end unless --keep); see commands.ts for the exact rewriting. Exit codes: 0 every row OK
 * or SKIP, 1 a row failed, 2 usage error.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { datasetFolder, defaultDatasetsDir } from "@i3/data";
import { runShellCommand } from "./commands.js";
import { exitCode, reproduceRows, summaryLine } from "./reproduce.js";
import { REPRO_ROWS, type ReproRow } from "./rows.js";

const USAGE = `usage: npm run repro -- [--all] [--only ID]... [--strict] [--keep] [--verbose] [--list]
  --all       also run the neural rows (each trains models: minutes to an hour)
  --only ID   run only the row ID (repeatable; neural rows too); see --list
  --strict    a row whose collection is missing FAILs instead of SKIP
  --keep      keep the temporary runs folder (printed) instead of removing it
  --verbose   print each command as rewritten and pass its stderr through
  --list      print the rows and their commands, run nothing`;

/** The parsed command line, or a usage error message. */
export interface ReproArgs {
  readonly rows: readonly ReproRow[];
  readonly leftOut: number;
  readonly strict: boolean;
  readonly keep: boolean;
  readonly verbose: boolean;
  readonly list: boolean;
  readonly help: boolean;
}

/** Parses the flags and selects the rows; throws with a one-line message on a usage error. */
export function parseReproArgs(argv: readonly string[], rows: readonly ReproRow[] = REPRO_ROWS): ReproArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      all: { type: "boolean", default: false },
      only: { type: "string", multiple: true, default: [] },
      strict: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const only = values.only.flatMap((o) => o.split(",")).map((o) => o.trim()).filter((o) => o !== "");
  const unknown = only.filter((id) => !rows.some((r) => r.id === id));
  if (unknown.length > 0) throw new Error(`unknown row ${unknown.join(", ")}; rows: ${rows.map((r) => r.id).join(", ")}`);
  const selected = only.length > 0 ? rows.filter((r) => only.includes(r.id)) : values.all ? rows : rows.filter((r) => r.fast);
  return {
    rows: selected,
    leftOut: only.length > 0 ? 0 : rows.length - selected.length,
    strict: values.strict,
    keep: values.keep,
    verbose: values.verbose,
    list: values.list,
    help: values.help,
  };
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ReproArgs;
  try {
    args = parseReproArgs(argv);
  } catch (error) {
    process.stderr.write(`repro: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  if (args.help) {
    print(USAGE);
    return 0;
  }
  if (args.list) {
    for (const row of REPRO_ROWS) {
      print(`${row.id.padEnd(16)} ${row.fast ? "fast  " : "neural"} ${row.system}, ${row.collection}`);
      for (const c of row.commands) print(`${"".padEnd(24)}$ ${c}`);
    }
    return 0;
  }

  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const work = await mkdtemp(join(tmpdir(), "i3-repro-"));
  const runsDir = join(work, "runs");
  await mkdir(runsDir);
  const neural = args.rows.filter((r) => !r.fast);
  print(`repro: ${args.rows.length} row${args.rows.length === 1 ? "" : "s"}; outputs in ${runsDir} (${args.keep ? "kept" : "removed at the end; --keep keeps them"})`);
  if (neural.length > 0) {
    print(`neural rows train models; expected durations (the README's):`);
    for (const r of neural) print(`  ${r.id}: ${r.duration ?? "not stated"}`);
  }
  try {
    const results = await reproduceRows(args.rows, {
      runsDir,
      datasetsDir: defaultDatasetsDir(repo),
      datasetFolder: (name) => datasetFolder(name, { cwd: repo }),
      strict: args.strict,
      verbose: args.verbose,
      print,
      execute: (command) => runShellCommand(command, { cwd: repo, runsDir, echoStderr: args.verbose }),
    });
    print(summaryLine(results, args.leftOut));
    return exitCode(results);
  } finally {
    if (!args.keep) await rm(work, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
