/**
 * The rows of the root README's "Reproduced numbers" table, as data: what `npm run repro` runs
 * and what it compares. This list and the README table are kept from drifting by a test
 * (`repro/test/readme-sync.test.ts`), in this direction: the README table stays hand-written
 * (its wording is free), and the test fails unless, row by row and in order, the table's command
 * cell holds exactly this list's commands, its "ours" cell prints exactly this list's published
 * values (in the same order), and its measure cell names this list's measures. A new row, a
 * changed command or a changed number must therefore be made in both places.
 */

/** A row's published value: the number the README prints in its "ours" cell, as printed. */
export interface PublishedValue {
  /** The measure, as `i3 eval` and metrics.json name it (ir_measures syntax, e.g. `nDCG@10`). */
  readonly measure: string;
  /** The printed value, e.g. `.6789`: the comparison is at this precision (its decimals). */
  readonly published: string;
}

/** A run's value: one system of an `i3 run` (or `npm start`) run folder. */
export interface PublishedSystemValue extends PublishedValue {
  /** The system's key in the experiment config (`systems: { key: {...} }`). */
  readonly system: string;
  /** `mean` (default): the aggregate, the mean over the run's seeds; `sd`: their standard deviation (runs with `seeds`). */
  readonly statistic?: "mean" | "sd";
}

/** What every row has. */
interface RowBase {
  /** Short unique key (`npm run repro -- --only <id>`). */
  readonly id: string;
  /** Short label of the system, for the printout (the README's cell may say more). */
  readonly system: string;
  /** Short label of the collection and split. */
  readonly collection: string;
  /** The README command cell's code spans, in order, exactly as printed; run one after the other from the repository root. */
  readonly commands: readonly string[];
  /** Registry names of the collections the commands need that cannot be built offline (`beir/scifact`): absent ones make the row SKIP. */
  readonly datasets: readonly string[];
  /** True for the rows `npm run repro` runs by default (seconds each); false for neural training rows (`--all`). */
  readonly fast: boolean;
  /** The running time the README states for the command, printed before a slow row starts. */
  readonly duration?: string;
}

/** A row whose numbers are read from `i3 eval`'s output (trec_eval layout, `MEASURE \t all \t VALUE`) on the commands' stdout. */
export interface EvalRow extends RowBase {
  readonly reads: "eval-output";
  /** In the order the README's "ours" cell prints them. */
  readonly values: readonly PublishedValue[];
}

/** A row whose numbers are read from the run folder the commands write: `<runs>/<experiment>/<run-id>/metrics.json`. */
export interface RunRow extends RowBase {
  readonly reads: "run-metrics";
  /** The experiment's `name` (the run folder's parent). */
  readonly experiment: string;
  /** The evaluation split key in metrics.json (`splits.<key>`). */
  readonly split: string;
  /** In the order the README's "ours" cell prints them. */
  readonly values: readonly PublishedSystemValue[];
}

/** One row of the table. */
export type ReproRow = EvalRow | RunRow;

const scifactBm25 = "npx i3 bm25 --dataset beir/scifact --split test --out runs/bm25-scifact.trec";
const scifactEval = "npx i3 eval datasets/beir/scifact/qrels/test.tsv runs/bm25-scifact.trec -m nDCG@10 -m R@100";
const cranfieldBm25 = "npx i3 bm25 --dataset beir/cranfield --split test --out runs/bm25-cranfield.trec";
const cranfieldEval = "npx i3 eval datasets/beir/cranfield/qrels/test.tsv runs/bm25-cranfield.trec -m nDCG@10 -m R@100";
const defaultBm25 = "npx i3 bm25 --dataset default --split test --out runs/bm25-default.trec";
const defaultEval = "npx i3 eval datasets/default/qrels/test.tsv runs/bm25-default.trec -c";

/** The table, in the README's order. */
export const REPRO_ROWS: readonly ReproRow[] = [
  {
    id: "bm25-scifact",
    system: "BM25 (k1=0.9, b=0.4, title+text)",
    collection: "BEIR SciFact test",
    commands: [`${scifactBm25} && ${scifactEval}`],
    datasets: ["beir/scifact"],
    fast: true,
    reads: "eval-output",
    values: [
      { measure: "nDCG@10", published: ".6789" },
      { measure: "R@100", published: ".9253" },
    ],
  },
  {
    id: "bm25-cranfield",
    system: "BM25 (same)",
    collection: "Cranfield test",
    commands: [`${cranfieldBm25} && ${cranfieldEval}`],
    datasets: ["beir/cranfield"],
    fast: true,
    reads: "eval-output",
    values: [
      { measure: "nDCG@10", published: ".5004" },
      { measure: "R@100", published: ".7415" },
    ],
  },
  {
    id: "bm25-default",
    system: "BM25 (same)",
    collection: "embedded default, test",
    commands: [`${defaultBm25} && ${defaultEval}`],
    datasets: [],
    fast: true,
    reads: "eval-output",
    values: [
      { measure: "nDCG@10", published: ".2724" },
      { measure: "R@100", published: ".4311" },
    ],
  },
  {
    id: "de-default",
    system: "dual-encoder from scratch (main job, seeds 1-3)",
    collection: "embedded default, test",
    commands: ["npx i3 run experiments/default-seeds.ts"],
    datasets: [],
    fast: false,
    duration: "10 min on 2 cores under load (2026-12-06)",
    reads: "run-metrics",
    experiment: "default-seeds",
    split: "test",
    values: [
      { system: "dual-encoder", measure: "nDCG@10", published: ".0583" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".0206", statistic: "sd" },
      { system: "dual-encoder", measure: "R@100", published: ".1803" },
      { system: "dual-encoder", measure: "R@100", published: ".0164", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".2724" },
      { system: "bm25", measure: "R@100", published: ".4311" },
    ],
  },
  {
    id: "de-scifact",
    system: "dual-encoder from scratch (seeds 1-3)",
    collection: "BEIR SciFact, train -> test",
    commands: ["npx i3 run experiments/scifact-i3-seeds.ts"],
    datasets: ["beir/scifact"],
    fast: false,
    duration: "about 30 min on 2 cores under load (2026-12-06)",
    reads: "run-metrics",
    experiment: "scifact-i3-seeds",
    split: "test",
    values: [
      { system: "dual-encoder", measure: "nDCG@10", published: ".3607" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".0079", statistic: "sd" },
      { system: "dual-encoder", measure: "R@100", published: ".6673" },
      { system: "dual-encoder", measure: "R@100", published: ".0035", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".6789" },
      { system: "bm25", measure: "R@100", published: ".9253" },
    ],
  },
  {
    id: "i3-scifact",
    system: "I3 from scratch (reference switches, RAKE pseudo-queries; seeds 1-3)",
    collection: "BEIR SciFact, train -> test",
    commands: ["npx i3 run experiments/scifact-i3-seeds.ts"],
    datasets: ["beir/scifact"],
    fast: false,
    duration: "the same run as de-scifact (run once for both rows)",
    reads: "run-metrics",
    experiment: "scifact-i3-seeds",
    split: "test",
    values: [
      { system: "i3", measure: "nDCG@10", published: ".5653" },
      { system: "i3", measure: "nDCG@10", published: ".0131", statistic: "sd" },
      { system: "i3", measure: "R@100", published: ".7688" },
      { system: "i3", measure: "R@100", published: ".0155", statistic: "sd" },
    ],
  },
  {
    id: "ltre-scifact",
    system: "DE + LTRe and I3 + LTRe (query tower vs the fixed index; seeds 1-3)",
    collection: "BEIR SciFact, train -> test",
    commands: ["npx i3 run experiments/scifact-ltre.ts"],
    datasets: ["beir/scifact"],
    fast: false,
    duration: "about 50 min on 2 cores from an empty cache (2026-12-06; 24 min with the scifact-i3-seeds train stages cached)",
    reads: "run-metrics",
    experiment: "scifact-ltre",
    split: "test",
    values: [
      { system: "de-ltre", measure: "nDCG@10", published: ".4298" },
      { system: "de-ltre", measure: "nDCG@10", published: ".0084", statistic: "sd" },
      { system: "de-ltre", measure: "RR@10", published: ".4117" },
      { system: "de-ltre", measure: "RR@10", published: ".0103", statistic: "sd" },
      { system: "i3-ltre", measure: "nDCG@10", published: ".6048" },
      { system: "i3-ltre", measure: "nDCG@10", published: ".0092", statistic: "sd" },
      { system: "i3-ltre", measure: "RR@10", published: ".5934" },
      { system: "i3-ltre", measure: "RR@10", published: ".0092", statistic: "sd" },
    ],
  },
  {
    id: "distill-scifact",
    system: "cross-encoder re-ranker and distillation into the DE and I3 (seeds 1-3)",
    collection: "BEIR SciFact, train -> test",
    commands: ["npx i3 run experiments/scifact-distill.ts"],
    datasets: ["beir/scifact"],
    fast: false,
    duration: "2 h wall from an empty cache on 2 cores shared with other runs (2026-12-06)",
    reads: "run-metrics",
    experiment: "scifact-distill",
    split: "test",
    values: [
      { system: "cross-encoder", measure: "nDCG@10", published: ".2684" },
      { system: "cross-encoder", measure: "nDCG@10", published: ".0119", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".6789" },
      { system: "de-kd-bm25", measure: "nDCG@10", published: ".3799" },
      { system: "de-kd-bm25", measure: "nDCG@10", published: ".0081", statistic: "sd" },
      { system: "de-kd-ce", measure: "nDCG@10", published: ".3596" },
      { system: "de-kd-ce", measure: "nDCG@10", published: ".0091", statistic: "sd" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".3607" },
      { system: "i3-kd-bm25", measure: "nDCG@10", published: ".5478" },
      { system: "i3-kd-bm25", measure: "nDCG@10", published: ".0157", statistic: "sd" },
      { system: "i3-kd-ce", measure: "nDCG@10", published: ".5679" },
      { system: "i3-kd-ce", measure: "nDCG@10", published: ".0262", statistic: "sd" },
      { system: "i3", measure: "nDCG@10", published: ".5653" },
      { system: "rrf-i3-kd-ce", measure: "nDCG@10", published: ".6791" },
      { system: "rrf-i3-kd-ce", measure: "nDCG@10", published: ".0010", statistic: "sd" },
    ],
  },
  {
    id: "i3-default",
    system: "I3 from scratch (same; seeds 1-3)",
    collection: "embedded default, test",
    commands: ["npx i3 run experiments/i3-seeds.ts"],
    datasets: [],
    fast: false,
    duration: "16 min on 2 cores under load (2026-12-06)",
    reads: "run-metrics",
    experiment: "i3-seeds",
    split: "test",
    values: [
      { system: "i3", measure: "nDCG@10", published: ".0581" },
      { system: "i3", measure: "nDCG@10", published: ".0120", statistic: "sd" },
      { system: "i3", measure: "R@100", published: ".1573" },
      { system: "i3", measure: "R@100", published: ".0300", statistic: "sd" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".0286" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".0151", statistic: "sd" },
      { system: "dual-encoder", measure: "R@100", published: ".1260" },
      { system: "dual-encoder", measure: "R@100", published: ".0210", statistic: "sd" },
    ],
  },
  {
    id: "distill-default",
    system: "the same distillation table (seeds 1-3)",
    collection: "embedded default, test",
    commands: ["npx i3 run experiments/distill.ts"],
    datasets: [],
    fast: false,
    duration: "75 min wall from an empty cache, shared (2026-12-06)",
    reads: "run-metrics",
    experiment: "distill",
    split: "test",
    values: [
      { system: "cross-encoder", measure: "nDCG@10", published: ".0566" },
      { system: "cross-encoder", measure: "nDCG@10", published: ".0197", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".2724" },
      { system: "de-kd-bm25", measure: "nDCG@10", published: ".0366" },
      { system: "de-kd-bm25", measure: "nDCG@10", published: ".0175", statistic: "sd" },
      { system: "dual-encoder", measure: "nDCG@10", published: ".0286" },
      { system: "i3-kd-bm25", measure: "nDCG@10", published: ".0682" },
      { system: "i3-kd-bm25", measure: "nDCG@10", published: ".0024", statistic: "sd" },
      { system: "i3-kd-ce", measure: "nDCG@10", published: ".0361" },
      { system: "i3-kd-ce", measure: "nDCG@10", published: ".0140", statistic: "sd" },
      { system: "i3", measure: "nDCG@10", published: ".0581" },
      { system: "rrf-i3-kd-bm25", measure: "nDCG@10", published: ".2227" },
      { system: "rrf-i3-kd-bm25", measure: "nDCG@10", published: ".0213", statistic: "sd" },
    ],
  },
  {
    id: "mice-scifact",
    system: "MICE 2+1 / 3+1 distilled from a 4x64 cross-encoder (seeds 1-3)",
    collection: "BEIR SciFact, train -> test",
    commands: ["npx i3 run experiments/mice.ts"],
    datasets: ["beir/scifact", "beir/cranfield"],
    fast: false,
    duration: "23 minutes from an empty cache on 2 cores (2026-12-06, a fresh clone)",
    reads: "run-metrics",
    experiment: "mice",
    split: "test",
    values: [
      { system: "cross-encoder", measure: "nDCG@10", published: ".1643" },
      { system: "cross-encoder", measure: "nDCG@10", published: ".0037", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".6789" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".1720" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".0064", statistic: "sd" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".1724" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".0052", statistic: "sd" },
    ],
  },
  {
    id: "mice-cranfield",
    system: "the same MICE models, zero-shot",
    collection: "Cranfield test",
    commands: ["npx i3 run experiments/mice.ts"],
    datasets: ["beir/scifact", "beir/cranfield"],
    fast: false,
    duration: "the same run",
    reads: "run-metrics",
    experiment: "mice",
    split: "beir/cranfield:test",
    values: [
      { system: "cross-encoder", measure: "nDCG@10", published: ".0656" },
      { system: "cross-encoder", measure: "nDCG@10", published: ".0044", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".5004" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".0624" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".0053", statistic: "sd" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".0626" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".0061", statistic: "sd" },
    ],
  },
  {
    id: "mice-default",
    system: "the same MICE models, zero-shot",
    collection: "embedded default, test",
    commands: ["npx i3 run experiments/mice.ts"],
    datasets: ["beir/scifact", "beir/cranfield"],
    fast: false,
    duration: "the same run",
    reads: "run-metrics",
    experiment: "mice",
    split: "default:test",
    values: [
      { system: "cross-encoder", measure: "nDCG@10", published: ".0356" },
      { system: "cross-encoder", measure: "nDCG@10", published: ".0084", statistic: "sd" },
      { system: "bm25", measure: "nDCG@10", published: ".2724" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".0404" },
      { system: "mice-2-1", measure: "nDCG@10", published: ".0087", statistic: "sd" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".0368" },
      { system: "mice-3-1", measure: "nDCG@10", published: ".0099", statistic: "sd" },
    ],
  },
];

/**
 * Checks the list itself: unique ids, at least one command and value per row, printed values of
 * the form `.dddd` (or `0.dddd`). Returns the problems, one line each (empty when none).
 */
export function rowListProblems(rows: readonly ReproRow[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(row.id)) problems.push(`row id ${JSON.stringify(row.id)}: use lower-case letters, digits and "-"`);
    if (seen.has(row.id)) problems.push(`row id ${JSON.stringify(row.id)} appears twice`);
    seen.add(row.id);
    if (row.commands.length === 0 || row.commands.some((c) => c.trim() === "")) problems.push(`row ${row.id}: commands must be non-empty`);
    if (row.values.length === 0) problems.push(`row ${row.id}: no values to check`);
    for (const v of row.values) {
      if (!/^0?\.\d+$/.test(v.published)) problems.push(`row ${row.id}: ${v.measure}: published value ${JSON.stringify(v.published)} is not a printed decimal like ".6789"`);
    }
  }
  return problems;
}
