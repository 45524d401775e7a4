/**
 * Parses measure names into {@link Measure} definitions. Accepted spellings:
 * - ir_measures syntax: `Family[(rel=N)][@k]`, e.g. `nDCG@10`, `RR(rel=2)@10`, `AP(rel=2)`,
 *   `P@5`, `R@1000`, `Judged@10` (family names are matched case-insensitively; `MAP` and `MRR`
 *   are aliases of AP and RR);
 * - trec_eval names: `map`, `map_cut_10`, `P_5`, `recall_1000`, `ndcg`, `ndcg_cut_10`,
 *   `recip_rank`, `Rprec`, `bpref`, `success_10`, `num_ret`, `num_rel`, `num_rel_ret`, `num_q`
 *   (a `.` may replace the `_` before the cutoff, as in `trec_eval -m P.5`).
 */
import type { Measure, MeasureFamily } from "./measures/index.js";
import { AP, Bpref, FAMILIES, nDCG, NumQ, NumRel, NumRelRet, NumRet, P, R, Rprec, RR, Success } from "./measures/index.js";

const BY_LOWER_NAME = new Map<string, MeasureFamily>(FAMILIES.map((f) => [f.name.toLowerCase(), f]));
BY_LOWER_NAME.set("map", AP);
BY_LOWER_NAME.set("mrr", RR);

/** trec_eval names without a cutoff. */
const TREC_PLAIN = new Map<string, MeasureFamily>([
  ["map", AP], ["ndcg", nDCG], ["recip_rank", RR], ["Rprec", Rprec], ["bpref", Bpref],
  ["num_ret", NumRet], ["num_rel", NumRel], ["num_rel_ret", NumRelRet], ["num_q", NumQ],
]);
/** trec_eval names that take a cutoff suffix `_k` / `.k`. */
const TREC_CUT = new Map<string, MeasureFamily>([
  ["map_cut", AP], ["P", P], ["recall", R], ["ndcg_cut", nDCG], ["success", Success],
]);

const IR_MEASURES = /^([A-Za-z]+)(?:\(([^)]*)\))?(?:@(\d+))?$/;
const TREC_CUT_NAME = /^([A-Za-z_]+?)[_.](\d+)$/;

/** Canonical ir_measures spelling of a family with its parameters. */
export function canonicalName(family: MeasureFamily, cutoff?: number, rel?: number): string {
  return `${family.name}${rel === undefined ? "" : `(rel=${rel})`}${cutoff === undefined ? "" : `@${cutoff}`}`;
}

function fail(name: string, why: string): never {
  throw new Error(`measure "${name}": ${why}`);
}

function build(name: string, family: MeasureFamily, cutoff: number | undefined, rel: number | undefined): Measure {
  if (cutoff !== undefined && (!Number.isSafeInteger(cutoff) || cutoff < 1)) fail(name, "the cutoff must be a positive integer");
  if (family.cutoff === "none" && cutoff !== undefined) fail(name, `${family.name} takes no @cutoff`);
  if (family.cutoff === "required" && cutoff === undefined) fail(name, `${family.name} needs a cutoff, e.g. ${family.name}@10`);
  if (rel !== undefined && !family.usesRel) {
    fail(name, `${family.name} takes no rel= parameter${family === nDCG ? " (nDCG uses the raw grades)" : ""}`);
  }
  const measure: Measure = { name, canonical: canonicalName(family, cutoff, rel), family };
  return { ...measure, ...(cutoff === undefined ? {} : { cutoff }), ...(rel === undefined ? {} : { rel }) };
}

function parseParams(name: string, text: string): number | undefined {
  let rel: number | undefined;
  for (const part of text.split(",")) {
    const m = /^\s*(\w+)\s*=\s*(-?\d+)\s*$/.exec(part);
    if (m === null) fail(name, `cannot read parameter "${part.trim()}" (expected rel=N)`);
    if (m[1] !== "rel") fail(name, `unknown parameter "${m[1]}" (supported: rel)`);
    if (rel !== undefined) fail(name, "rel= given twice");
    rel = Number(m[2]);
    if (rel < 0) fail(name, "rel must be >= 0");
  }
  return rel;
}

/** Parses one measure name; throws an error naming the measure on unknown or malformed names. */
export function parseMeasure(name: string): Measure {
  const trimmed = name.trim();
  const plain = TREC_PLAIN.get(trimmed);
  if (plain !== undefined) return build(name, plain, undefined, undefined);
  const cut = TREC_CUT_NAME.exec(trimmed);
  if (cut !== null) {
    const family = TREC_CUT.get(cut[1]!);
    if (family !== undefined) return build(name, family, Number(cut[2]), undefined);
  }
  const m = IR_MEASURES.exec(trimmed);
  if (m === null) fail(name, "cannot parse; expected e.g. nDCG@10, RR(rel=2)@10, AP(rel=2), P@5 or a trec_eval name like map");
  const family = BY_LOWER_NAME.get(m[1]!.toLowerCase());
  if (family === undefined) {
    fail(name, `unknown measure family "${m[1]}"; known: ${FAMILIES.map((f) => f.name).join(", ")}`);
  }
  const rel = m[2] === undefined ? undefined : parseParams(name, m[2]);
  const cutoff = m[3] === undefined ? undefined : Number(m[3]);
  return build(name, family, cutoff, rel);
}

/** Parses several names; throws on duplicates (results are keyed by name). */
export function parseMeasures(names: readonly string[]): Measure[] {
  const seen = new Set<string>();
  return names.map((n) => {
    if (seen.has(n)) throw new Error(`measure "${n}" is listed twice`);
    seen.add(n);
    return parseMeasure(n);
  });
}
