/**
 * Every I3 ablation of experiments/i3-ablation-variants.ts on BEIR SciFact over three seeds
 * (experiments/scifact-i3-seeds.ts: scifact-i3.ts with `seeds: [1, 2, 3]`), each as mean ± sd
 * over seeds, tested against the dual-encoder and, for the variants, against the same system of
 * the base run (paired tests on per-query values averaged over seeds, Holm over the variants).
 * The table of experiments/README.md.
 *
 *   npx i3 sweep experiments/scifact-i3-seeds-ablation.ts
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablation-variants.js";
import seeded from "./scifact-i3-seeds.js";

export default defineSweep(seeded, { name: "scifact-i3-seeds-ablation", includeBase: true, variants: I3_ABLATIONS });
