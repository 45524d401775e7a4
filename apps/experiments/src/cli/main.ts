/**
 * The `i3` command: one entry point for evaluation, data preparation, first-stage retrieval and
 * (later) experiment runs. Each subcommand lives in its own module and is imported only when
 * used, so `i3 eval` never loads TensorFlow.js. Argument parsing: commander.
 */
import { Command, InvalidArgumentError } from "commander";

/** Parses a non-negative integer option value, or explains why it is not one. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Parses an integer option value (may be negative, as trec_eval's -l allows). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Builds the `i3` program (exported so tests can drive it without a process). */
export function buildProgram(): Command {
  const program = new Command("i3")
    .description("I3 toolkit: neural passage retrieval research in TypeScript")
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });

  program
    .command("eval")
    .description("evaluate a run against qrels exactly as trec_eval 9.0.x does")
    .argument("<qrels>", "qrels file: TREC (qid iter docid rel) or BEIR tsv (query-id corpus-id score)")
    .argument("<run>", "run file: TREC (qid Q0 docid rank score tag) or MS MARCO (qid pid rank)")
    .option("-m, --measure <name>", "measure in ir_measures syntax, repeatable (e.g. nDCG@10, RR(rel=2)@10)", collect, [])
    .option("-c, --complete", "average over all qrels queries (missing queries score 0), as trec_eval -c")
    .option("-l, --level <level>", "relevance level for binary measures, as trec_eval -l", parseInteger)
    .option("-M, --depth <depth>", "truncate each ranking to DEPTH before measuring, as trec_eval -M", parseCount)
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
    .option("--k <k>", "documents per query", parseCount, 1000)
    .option("--k1 <k1>", "BM25 k1", parseFloat, 0.9)
    .option("--b <b>", "BM25 b", parseFloat, 0.4)
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
    .option("--concurrency <n>", "runs at once (default: the sweep's, 1 unless set)", parseCount)
    .option("--runs-dir <dir>", "runs folder (default: the workspace's runs/)")
    .option("--cache-dir <dir>", "stage cache (default: <runs-dir>/.cache)")
    .option("--datasets-dir <dir>", "datasets folder (default: the workspace's datasets/, or $I3_DATASETS_DIR)")
    .action(async (config: string | undefined, options) => {
      const { sweepCommand } = await import("./sweep-command.js");
      await sweepCommand(config, options);
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
    .description("train a dual-encoder (@i3/retrievers' default settings) on BM25 hard negatives; evaluate it beside BM25")
    .requiredOption("--dataset <name>", "default | msmarco-passage | beir/<name> | local:<dir>")
    .option("--train-split <split>", "training queries", "train")
    .option("--eval-split <split>", "evaluation queries", "test")
    .option("--out <dir>", "output folder (default runs/dual-encoder/<dataset>)")
    .option("--preset <name>", "model.preset: tiny | small | base")
    .option("--epochs <n>", "train.epochs", parseCount)
    .option("--batch-size <n>", "train.batchSize", parseCount)
    .option("--negatives <n>", "negatives.perQuery (BM25 hard negatives per query)", parseCount)
    .option("--lr <lr>", "optimizer.lr", parseFloat)
    .option("--passage-max-length <n>", "model.passageMaxLength", parseCount)
    .option("--seed <n>", "seed (as a config's default)", parseCount, 42)
    .option("--device <device>", "auto | gpu | cpu | wasm | js", "auto")
    .option("--datasets-dir <dir>", "datasets folder")
    .action(async (options) => {
      const { dualEncoderCommand } = await import("./dual-encoder-command.js");
      const defined = <T>(entries: [string, T | undefined][]) => Object.fromEntries(entries.filter(([, v]) => v !== undefined));
      await dualEncoderCommand({
        dataset: options.dataset,
        trainSplit: options.trainSplit,
        evalSplit: options.evalSplit,
        out: options.out,
        datasetsDir: options.datasetsDir,
        settings: {
          model: defined([
            ["preset", options.preset],
            ["passageMaxLength", options.passageMaxLength],
          ]),
          train: defined([
            ["epochs", options.epochs],
            ["batchSize", options.batchSize],
          ]),
          negatives: defined([["perQuery", options.negatives]]),
          optimizer: defined([["lr", options.lr]]),
        },
        seed: options.seed,
        device: options.device,
      });
    });

  return program;
}

/** Runs the CLI; user errors print one line to stderr and exit with code 2. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`i3: ${message}\n`);
    if (process.env["I3_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) await main(process.argv);
