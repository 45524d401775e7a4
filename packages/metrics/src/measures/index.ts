/** The registry of measure families, by ir_measures name. */
import { AP } from "./ap.js";
import { Bpref } from "./bpref.js";
import { NumQ, NumRel, NumRelRet, NumRet } from "./counts.js";
import type { MeasureFamily } from "./family.js";
import { Judged } from "./judged.js";
import { nDCG } from "./ndcg.js";
import { P } from "./precision.js";
import { R } from "./recall.js";
import { Rprec } from "./rprec.js";
import { RR } from "./rr.js";
import { Success } from "./success.js";

export type { CutoffRule, Measure, MeasureFamily } from "./family.js";
export { AP, Bpref, Judged, nDCG, NumQ, NumRel, NumRelRet, NumRet, P, R, Rprec, RR, Success };

/** Every supported family, in documentation order. */
export const FAMILIES: readonly MeasureFamily[] = [
  AP, P, R, RR, nDCG, Rprec, Bpref, Success, Judged, NumRet, NumRel, NumRelRet, NumQ,
];
