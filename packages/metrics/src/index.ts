/**
 * @i3/metrics: trec_eval-exact IR evaluation on in-memory qrels and runs, the official MS MARCO
 * MRR@10, trec_eval's text layout, significance tests, run comparisons (`compareRuns`) and fusion
 * (reciprocal rank, CombSUM, CombMNZ).
 */
export type { PackedRun, Qrels, QrelsLike, Run, RunLike } from "./types.js";
export { compareIds, compareRanked, rankDocuments, Ranker, type TieOrder } from "./ranking.js";
export { isPackedRun, packRun, PackedQueries } from "./packed-run.js";
export { NONPOOL, RankedQuery, UNJUDGED } from "./judgments.js";
export * from "./measures/index.js";
export { canonicalName, parseMeasure, parseMeasures } from "./parse.js";
export type { EvaluateOptions, Evaluation } from "./evaluate.js";
export { evaluate } from "./evaluate.js";
export type { FormatOptions } from "./format.js";
export { formatFixed, formatLine, formatTrecEval } from "./format.js";
export type { MsMarcoMrr } from "./msmarco.js";
export { MSMARCO_MAX_RANK, msmarcoMrr10, qrelsPairs } from "./msmarco.js";
export * from "./stats/index.js";
export * from "./compare/index.js";
export * from "./fusion/index.js";
