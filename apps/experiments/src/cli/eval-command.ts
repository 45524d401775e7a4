/**
 * `i3 eval QRELS RUN`: trec_eval-compatible evaluation from the command line. Reading files is
 * `@i3/data`'s job, measuring is `@i3/metrics`'; this module only maps flags and prints.
 */
import { loadQrels, loadRunForEvaluation, STDIN_PATH, type QrelsFormat, type Run, type RunFormat } from "@i3/data/formats";
import { evaluate, formatTrecEval, isPackedRun, msmarcoMrr10, parseMeasures, qrelsPairs, type Evaluation } from "@i3/metrics";

/** Measures reported when no `-m` is given. */
export const DEFAULT_EVAL_MEASURES = ["AP", "nDCG@10", "RR@10", "R@100", "R@1000", "P@10"] as const;

/** Flags of `i3 eval`, as commander parses them. */
export interface EvalCommandOptions {
  measure: string[];
  complete?: boolean;
  level?: number;
  depth?: number;
  perQuery?: boolean;
  json?: boolean;
  runFormat: string;
  qrelsFormat: string;
  beir?: boolean;
  msmarcoOfficial?: boolean;
}

function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new Error(`${flag} must be one of ${choices.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** The `--json` shape: `{all: {measure: value}, queries?: {qid: {measure: value}}}`. */
export function evaluationToJson(evaluation: Evaluation, perQuery: boolean): Record<string, unknown> {
  const all: Record<string, number> = {};
  for (const [name, value] of evaluation.aggregate) all[name] = value;
  if (!perQuery) return { all };
  const queries: Record<string, Record<string, number>> = {};
  for (const qid of evaluation.queries) {
    if (evaluation.missing.has(qid)) continue; // as trec_eval -q: queries absent from the run are only in `all`
    queries[qid] = Object.fromEntries(evaluation.perQuery.get(qid)!);
  }
  return { all, queries };
}

/** An MS MARCO run loaded as a Run (score = -rank) back to its submitted ranks. */
function submittedRanks(run: Run): Map<string, Map<string, number>> {
  return new Map([...run].map(([qid, docs]) => [qid, new Map([...docs].map(([pid, score]) => [pid, -score]))]));
}

/** Runs `i3 eval` and writes the result to stdout. Each input is read once (so `-`, stdin, works). */
export async function evalCommand(qrelsPath: string, runPath: string, options: EvalCommandOptions): Promise<void> {
  const runFormat = checkChoice<RunFormat | "auto">("--run-format", options.runFormat, ["trec", "msmarco", "auto"]);
  const qrelsFormat = checkChoice<QrelsFormat | "auto">("--qrels-format", options.qrelsFormat, ["trec", "beir", "auto"]);
  if (qrelsPath === STDIN_PATH && runPath === STDIN_PATH) throw new Error("the qrels and the run cannot both be read from standard input (-)");
  // Checked before reading the files, which can be large.
  const measures = parseMeasures(options.measure.length > 0 ? options.measure : [...DEFAULT_EVAL_MEASURES]);
  const [qrels, { run, format }] = await Promise.all([
    loadQrels(qrelsPath, { format: qrelsFormat }),
    loadRunForEvaluation(runPath, { format: runFormat }),
  ]);
  const runQids = isPackedRun(run) ? run.qids : [...run.keys()];
  if (!options.complete && !runQids.some((qid) => qrels.has(qid))) {
    throw new Error(
      `no query of the run ${runPath} (${runQids.length} queries, e.g. "${runQids[0]}") is in the qrels ${qrelsPath} ` +
        `(${qrels.size} queries, e.g. "${[...qrels.keys()][0]}"): mismatched files?`,
    );
  }
  const evaluation = evaluate(qrels, run, measures, {
    allQueries: options.complete ?? false,
    ...(options.level !== undefined ? { relevanceLevel: options.level } : {}),
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
    removeSelfHits: options.beir ?? false,
  });

  let official: number | undefined;
  if (options.msmarcoOfficial) {
    if (format !== "msmarco" || isPackedRun(run)) throw new Error(`--msmarco-official needs an MS MARCO run (qid<TAB>pid<TAB>rank): ${runPath}`);
    official = msmarcoMrr10(qrelsPairs(qrels), submittedRanks(run)).mrr10;
  }

  if (options.json) {
    const out = evaluationToJson(evaluation, options.perQuery ?? false);
    if (official !== undefined) (out["all"] as Record<string, number>)["MRR@10 (MS MARCO official)"] = official;
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  process.stdout.write(formatTrecEval(evaluation, { perQuery: options.perQuery ?? false }));
  if (official !== undefined) process.stdout.write(`${"MRR@10 (MS MARCO)".padEnd(22)}\tall\t${official.toFixed(4)}\n`);
}
