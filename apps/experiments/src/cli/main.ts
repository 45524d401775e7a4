/**
 * The `i3` command: one entry point for evaluation, data preparation, BM25 runs, experiment
 * runs, sweeps, reports and ONNX export. Each subcommand lives in its own module and is imported only when
 * used, so `i3 eval` never loads TensorFlow.js. Argument parsing: commander.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";

/** Exit status of a command that failed because of its input: bad options, files or names. */
export const USER_ERROR_EXIT_CODE = 2;

const EXIT_CODES_HELP = `
Exit status: 0 on success; ${USER_ERROR_EXIT_CODE} on a user error (a bad option, file, dataset or config: one
line on stderr names the option, or the file, line and field); 1 when i3 sweep finished with
failed runs. I3_DEBUG=1 adds the stack trace to an error.`;

/** Parses a non-negative integer option value, or explains why it is not one. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Parses a positive integer option value (a count that cannot be 0, e.g. documents per query). */
export function parsePositive(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return Number(value);
}

/** Parses a finite decimal option value (`0.9`, `1e-4`; not `abc`, `Infinity`, `0x10`). */
export function parseDecimal(value: string): number {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(value) || !Number.isFinite(Number(value))) {
    throw new InvalidArgumentError(`expected a finite decimal number, got "${value}"`);
  }
  return Number(value);
}

/** A decimal option parser that also requires `min <= x <= max` (`what` says the range in errors). */
export function decimalIn(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const x = parseDecimal(value);
    if (x < min || x > max) throw new InvalidArgumentError(`expected ${what}, got "${value}"`);
    return x;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Builds the `i3` program (exported so tests can drive it without a process). */
export function buildProgram(): Command {
  const program = new Command("i3")
    .description("I3 toolkit: neural passage retrieval research in TypeScript")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ outputError: (text, write) => write(`i3: ${text.replace(/^error: /, "")}`) })
    .exitOverride() // commander's own errors (unknown option, bad value) throw, and exit 2 like every user error
    .configureHelp({ sortSubcommands: true });

  program
    .command("eval")
    .description("evaluate a run against qrels exactly as trec_eval 9.0.x does")
    .argument("<qrels>", "qrels file: TREC (qid iter docid rel) or BEIR tsv (query-id corpus-id score); - reads stdin")
    .argument("<run>", "run file: TREC (qid Q0 docid rank score tag [ignored...]) or MS MARCO (qid pid rank); - reads stdin")
    .option("-m, --measure <name>", "measure in ir_measures syntax, repeatable (e.g. nDCG@10, RR(rel=2)@10)", collect, [])
    .option("-c, --complete", "average over all qrels queries (missing queries score 0), as trec_eval -c")
    .option("-l, --level <level>", "relevance level for binary measures, as trec_eval -l (an integer >= 0)", parseCount)
    .option("-M, --depth <depth>", "truncate each ranking to DEPTH (>= 1) before measuring, as trec_eval -M", parsePositive)
    .option("-q, --per-query", "also print per-query values, as trec_eval -q")
    .option("--json", "print one JSON object {all, queries?} instead of trec_eval's layout")
    .option("--run-format <format>", "trec | msmarco | auto", "auto")
    .option("--qrels-format <format>", "trec | beir | auto", "auto")
    .option("--beir", "BEIR mode: drop retrieved documents whose id equals the query id")
    .option("--msmarco-official", "also report the official MS MARCO MRR@10 (rank column, every qrels pair relevant)")
    .action(async (qrels: string, run: string, options) => {
      const { evalCommand } = await import("./eval-command.js");
      await evalCommand(qrels, run, options);
    });

  const data = program.command("data").description("prepare collections");
  data
    .command("build")
    .description("build a collection into the datasets folder and print its folder")
    .argument("<dataset>", "dataset name: default")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .option("--force", "rebuild even when a current build exists")
    .action(async (dataset: string, options) => {
      const { dataBuildCommand } = await import("./data-command.js");
      await dataBuildCommand(dataset, options);
    });

  program
    .command("bm25")
    .description("BM25 (Lucene/Anserini-style, k1=0.9 b=0.4) over a collection; writes a TREC run")
    .requiredOption("--dataset <name>", "default | msmarco-passage | beir/<name> | local:<dir>")
    .requiredOption("--split <split>", "query split, e.g. test")
    .requiredOption("--out <file>", "output TREC run")
    .option("--k <k>", "documents per query (>= 1)", parsePositive, 1000)
    .option("--k1 <k1>", "BM25 k1 (>= 0)", decimalIn(0, Number.MAX_VALUE, "a number >= 0"), 0.9)
    .option("--b <b>", "BM25 b (0..1)", decimalIn(0, 1, "a number from 0 to 1"), 0.4)
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .action(async (options) => {
      const { bm25Command } = await import("./bm25-command.js");
      await bm25Command(options);
    });

  program
    .command("run")
    .description("run (or resume) the experiment of a config file (experiments/*.ts); writes runs/<name>/<run-id>/")
    .argument("[config]", "config file declaring defineExperiment({...})")
    .option("--config <file>", "the config file (alternative to the argument; used by nx run experiments:run)")
    .option("--resume [run-dir]", "continue the latest unfinished run of this config, or the given run folder")
    .option("--runs-dir <dir>", "runs folder (default: the workspace's runs/)")
    .option("--cache-dir <dir>", "stage cache (default: <runs-dir>/.cache)")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .option("--verify", "hash every file of each reused cache entry (default: sizes, and hashes of files changed since)")
    .option("--dry-run", "list every stage of the plan as cached or to run, with its hash; run nothing, write nothing")
    .action(async (config: string | undefined, options) => {
      const { runCommand } = await import("./run-command.js");
      await runCommand(config, options);
    });

  program
    .command("sweep")
    .description("run every run of a sweep config (defineSweep) and write the sweep report")
    .argument("[config]", "config file declaring defineSweep(base, {...})")
    .option("--config <file>", "the config file (alternative to the argument; used by nx run experiments:sweep)")
    .option("--resume", "reuse complete runs of the same configs and continue unfinished ones")
    .option("--concurrency <n>", "runs at once (default: the sweep's, 1 unless set)", parsePositive)
    .option("--runs-dir <dir>", "runs folder (default: the workspace's runs/)")
    .option("--cache-dir <dir>", "stage cache (default: <runs-dir>/.cache)")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .option("--verify", "hash every file of each reused cache entry (default: sizes, and hashes of files changed since)")
    .option("--dry-run", "per run, how many stages are cached and which would run; run nothing, write nothing")
    .option("--queue <url>", "enqueue the runs on Redis (redis://[:password@]host[:port], rediss:// for TLS) for i3 worker processes, wait, write the report")
    .option("--status", "with --queue: print every run's state and each worker's progress, then exit")
    .option("--collect", "with --queue: write the sweep folder from the finished jobs, run nothing")
    .option("--detach", "with --queue: enqueue and exit without waiting")
    .option("--rerun", "with --queue: drop this sweep's earlier jobs and results and run every run again")
    .action(async (config: string | undefined, options) => {
      const { sweepCommand } = await import("./sweep-command.js");
      await sweepCommand(config, options);
    });

  program
    .command("worker")
    .description("run sweep jobs from a Redis queue (i3 sweep --queue) with this checkout's code, until stopped")
    .requiredOption("--queue <url>", "redis://[:password@]host[:port][/db], or rediss:// for TLS")
    .option("--name <name>", "worker name shown by i3 sweep --status (default: <host>-<pid>)")
    .option("--concurrency <n>", "jobs at once in this worker's one run process (default 1; start more workers to use more cores)", parsePositive)
    .option("--stall-timeout <seconds>", "a job whose worker has not renewed its lock for this long goes back to the queue (default 30)", decimalIn(0.5, 86_400, "seconds from 0.5 to 86400"))
    .option("--runs-dir <dir>", "runs folder (default: the workspace's runs/)")
    .option("--cache-dir <dir>", "stage cache, e.g. on a shared folder (default: <runs-dir>/.cache)")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .option("--verify", "hash every file of each reused cache entry")
    .action(async (options) => {
      const { workerCommand } = await import("./worker-command.js");
      await workerCommand(options);
    });

  program
    .command("report")
    .description("re-render report.md and report.html of a run folder or a sweep folder")
    .argument("<dir>", "runs/<experiment>/<run-id> or runs/<sweep>/<sweep-id>")
    .action(async (dir: string) => {
      const { reportCommand } = await import("./report-command.js");
      await reportCommand(dir);
    });

  program
    .command("dual-encoder")
    .description("i3 run on the default dual-encoder config: BM25 and a dual-encoder trained on BM25 hard negatives, evaluated against BM25")
    .requiredOption("--dataset <name>", "default | msmarco-passage | beir/<name> | local:<dir>")
    .option("--train-split <split>", "training queries", "train")
    .option("--eval-split <split>", "evaluation queries", "test")
    .option("--preset <name>", "encoder size (model.preset): tiny | small | base")
    .option("--epochs <n>", "training epochs on the real queries (train.epochs)", parseCount)
    .option("--batch-size <n>", "queries per batch (train.batchSize)", parsePositive)
    .option("--negatives <n>", "BM25 hard negatives per query (negatives.perQuery)", parsePositive)
    .option("--lr <lr>", "AdamW learning rate (optimizer.lr)", decimalIn(Number.MIN_VALUE, Number.MAX_VALUE, "a number > 0"))
    .option("--passage-max-length <n>", "passage tokens (model.passageMaxLength)", parsePositive)
    .option("--seed <n>", "seed", parseCount)
    .option("--device <device>", "auto | gpu | cpu | wasm | js")
    .option("--inference <engine>", "index and retrieval engine: auto | onnxruntime | tfjs (default auto)")
    .option("--runs-dir <dir>", "runs folder (default: the workspace's runs/)")
    .option("--cache-dir <dir>", "stage cache (default: <runs-dir>/.cache)")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .action(async (options) => {
      const { dualEncoderCommand } = await import("./dual-encoder-command.js");
      await dualEncoderCommand(options);
    });

  program
    .command("export")
    .description("export a trained dual-encoder, I3 retriever or cross-encoder to ONNX (onnxruntime, transformers.js); prints the folder")
    .requiredOption("--onnx <path>", "a run folder (its trained system's checkpoint) or a checkpoint folder")
    .option("--out <dir>", "output folder, replaced atomically (default: <run>/onnx-<system>, or <checkpoint>-onnx beside a checkpoint)")
    .option("--system <key>", "the system of a run folder that trained several (e.g. i3, or i3@2 with seeds)")
    .option("--cache-dir <dir>", "stage cache of the run (default: <runs-dir>/.cache, the run folder's grandparent's)")
    .action(async (options) => {
      const { exportCommand } = await import("./export-command.js");
      await exportCommand(options);
    });

  addExitStatusHelp(program);
  return program;
}

/** Adds the exit-status paragraph to the help of every subcommand, at every depth. */
function addExitStatusHelp(parent: Command): void {
  for (const command of parent.commands) {
    command.addHelpText("after", EXIT_CODES_HELP);
    addExitStatusHelp(command);
  }
}

/**
 * Runs the CLI; errors print one line to stderr and exit with {@link USER_ERROR_EXIT_CODE}
 * (commander has already printed its own: unknown options, bad values, missing arguments).
 * `--help` and `--version` exit 0.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : USER_ERROR_EXIT_CODE;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`i3: ${message}\n`);
    if (process.env["I3_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = USER_ERROR_EXIT_CODE;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) await main(process.argv);
