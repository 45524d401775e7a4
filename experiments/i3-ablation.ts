/**
 * The I3 ablation sweep on the embedded default collection: the base (experiments/i3.ts: BM25,
 * the dual-encoder and I3) and each ablation of experiments/i3-ablation-variants.ts, compared with the
 * dual-encoder (paired t-test and randomization test, Holm-corrected). BM25 and the
 * dual-encoder are trained once and reused from the cache by every variant.
 *
 *   npx i3 sweep experiments/i3-ablation.ts
 */
import { defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablation-variants.js";
import base from "./i3.js";

export default defineSweep(base, { name: "i3-ablation", includeBase: true, variants: I3_ABLATIONS });
