/**
 * `evaluate(qrels, run, measures, options)`: trec_eval 9.0.x semantics on in-memory inputs.
 *
 * - Each query's documents are ranked by score descending, ties by doc id descending (`strcmp`);
 *   see `ranking.ts`. `depth` keeps the first `depth` ranks (`-M`).
 * - Default query set: queries present in both the run and the qrels (run queries without qrels
 *   are ignored, as trec_eval does). `allQueries` (`-c`): every qrels query; a query missing
 *   from the run is valued on an empty ranking (0 for every mean measure, its R for NumRel).
 * - Means divide by the number of queries in that set; NumRet/NumRel/NumRelRet/NumQ are sums.
 * - `relevanceLevel` (`-l`, default 1) is the minimum relevant grade for binary measures whose
 *   name gives no `rel=`; nDCG always uses the raw grades.
 * - `removeSelfHits` (BEIR): drop a retrieved document whose id equals the query id.
 *
 * The run is a Map run or a {@link PackedRun} (large files, as `@i3/data` loads them); both give
 * the same values.
 */
import { RankedQuery } from "./judgments.js";
import type { Measure } from "./measures/index.js";
import { parseMeasure } from "./parse.js";
import { isPackedRun, PackedQueries } from "./packed-run.js";
import { compareIds, Ranker } from "./ranking.js";
import type { PackedRun, QrelsLike, RunLike } from "./types.js";

/** Evaluation switches; the trec_eval flag each one mirrors is in brackets. */
export interface EvaluateOptions {
  /** [-c] Average over all qrels queries; queries missing from the run count as empty rankings. */
  allQueries?: boolean;
  /** [-l] Minimum grade counted relevant by binary measures without `rel=` (default 1). */
  relevanceLevel?: number;
  /** [-M] Evaluate only the first `depth` ranked documents of each query. */
  depth?: number;
  /** BEIR mode: drop retrieved documents whose id equals the query id. */
  removeSelfHits?: boolean;
}

/** Result of {@link evaluate}. Everything is keyed by the measure name as given. */
export interface Evaluation {
  /** The measures, in the order given. */
  readonly measures: readonly Measure[];
  /** Queries in the average, in trec_eval order (`strcmp` of the ids). */
  readonly queries: readonly string[];
  /** Queries of `queries` absent from the run (only with `allQueries`); trec_eval -q does not print them. */
  readonly missing: ReadonlySet<string>;
  /** Measure name -> per-query values aligned with `queries` (input for significance tests). */
  readonly values: ReadonlyMap<string, Float64Array>;
  /** Query id -> measure name -> value (the pytrec_eval shape). */
  readonly perQuery: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Measure name -> mean over `queries` (sum for the count measures). */
  readonly aggregate: ReadonlyMap<string, number>;
}

function checkOptions(options: EvaluateOptions): { level: number; depth: number } {
  const level = options.relevanceLevel ?? 1;
  if (!Number.isSafeInteger(level) || level < 0) {
    throw new Error(`evaluate: relevanceLevel must be an integer >= 0, got ${String(options.relevanceLevel)}`);
  }
  const depth = options.depth ?? Infinity;
  if (options.depth !== undefined && (!Number.isSafeInteger(depth) || depth < 1)) {
    throw new Error(`evaluate: depth must be a positive integer, got ${String(options.depth)}`);
  }
  return { level, depth };
}

function checkQrels(qrels: QrelsLike): void {
  for (const [qid, docs] of qrels) {
    for (const [docid, grade] of docs) {
      if (!Number.isInteger(grade)) {
        throw new Error(`qrels: query ${qid}, document ${docid}: grade must be an integer, got ${grade}`);
      }
    }
  }
}

/** The query ids to average over, sorted in trec_eval order. */
function querySet(qrels: QrelsLike, runQids: readonly string[], allQueries: boolean): string[] {
  const ids = allQueries ? [...qrels.keys()] : runQids.filter((q) => qrels.has(q));
  return ids.sort(compareIds);
}

const EMPTY_RUN: ReadonlyMap<string, number> = new Map();

/**
 * Evaluates `run` (a Map run or a {@link PackedRun}) against `qrels` for `measures` (names such
 * as `nDCG@10`, or parsed {@link Measure}s). Throws when no query is in both the run and the
 * qrels (outside `allQueries`), which usually means mismatched query ids.
 */
export function evaluate(
  qrels: QrelsLike,
  run: RunLike | PackedRun,
  measures: readonly (string | Measure)[],
  options: EvaluateOptions = {},
): Evaluation {
  const { level, depth } = checkOptions(options);
  const parsed = measures.map((m) => (typeof m === "string" ? parseMeasure(m) : m));
  const names = new Set<string>();
  for (const m of parsed) {
    if (names.has(m.name)) throw new Error(`evaluate: measure "${m.name}" is listed twice`);
    names.add(m.name);
  }
  checkQrels(qrels);
  const allQueries = options.allQueries ?? false;
  const packed = isPackedRun(run) ? new PackedQueries(run) : undefined;
  const mapRun = isPackedRun(run) ? undefined : run;
  const runQids = mapRun === undefined ? packed!.run.qids : [...mapRun.keys()];
  const queries = querySet(qrels, runQids, allQueries);
  if (queries.length === 0 && !allQueries && runQids.length > 0) {
    throw new Error(
      `evaluate: no query is in both the run (${runQids.length} queries, e.g. "${runQids[0]}") ` +
        `and the qrels (${qrels.size} queries, e.g. "${[...qrels.keys()][0] ?? ""}")`,
    );
  }

  const columns = parsed.map(() => new Float64Array(queries.length));
  const levels = parsed.map((m) => m.rel ?? level);
  const missing = new Set<string>();
  const ranker = new Ranker();
  const ranked = new RankedQuery();
  for (let qi = 0; qi < queries.length; qi++) {
    const qid = queries[qi]!;
    if (packed !== undefined && packed.has(qid)) {
      packed.rankInto(qid, options.removeSelfHits ?? false, depth, qrels.get(qid), ranked);
    } else {
      let docs = mapRun?.get(qid);
      if (docs === undefined) {
        missing.add(qid);
        docs = EMPTY_RUN;
      }
      const n = ranker.rank(docs, options.removeSelfHits ? qid : undefined, depth, qid);
      ranked.fill(n, ranker, docs, qrels.get(qid));
    }
    for (let mi = 0; mi < parsed.length; mi++) {
      const m = parsed[mi]!;
      columns[mi]![qi] = m.family.compute(ranked, m.cutoff, levels[mi]!);
    }
  }

  const values = new Map<string, Float64Array>();
  const aggregate = new Map<string, number>();
  parsed.forEach((m, mi) => {
    const col = columns[mi]!;
    values.set(m.name, col);
    let sum = 0;
    for (let i = 0; i < col.length; i++) sum += col[i]!;
    aggregate.set(m.name, m.family.aggregate === "sum" || col.length === 0 ? sum : sum / col.length);
  });
  const perQuery = new Map<string, Map<string, number>>();
  queries.forEach((qid, qi) => {
    const row = new Map<string, number>();
    parsed.forEach((m, mi) => row.set(m.name, columns[mi]![qi]!));
    perQuery.set(qid, row);
  });
  return { measures: parsed, queries, missing, values, perQuery, aggregate };
}
