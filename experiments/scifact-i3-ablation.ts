/**
 * The I3 ablation sweep on BEIR SciFact (experiments/scifact-i3.ts), compared with the
 * dual-encoder: the base and the first five ablations of experiments/i3-ablations.ts (the most
 * telling; SciFact runs cost about twice the default collection's on two CPU cores).
 *
 *   npx i3 sweep experiments/scifact-i3-ablation.ts
 */
import { defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablations.js";
import base from "./scifact-i3.js";

export default defineSweep(base, { name: "scifact-i3-ablation", includeBase: true, variants: I3_ABLATIONS.slice(0, 5) });
