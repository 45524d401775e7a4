/**
 * The I3 ablation sweep (experiments/i3-ablation-variants.ts) on BEIR SciFact (experiments/scifact-i3.ts),
 * compared with the dual-encoder.
 *
 *   npx i3 sweep experiments/scifact-i3-ablation.ts
 */
import { defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablation-variants.js";
import base from "./scifact-i3.js";

export default defineSweep(base, { name: "scifact-i3-ablation", includeBase: true, variants: I3_ABLATIONS });
