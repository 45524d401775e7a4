/**
 * The two most telling I3 ablations on BEIR SciFact over three seeds (experiments/scifact-i3.ts
 * with `seeds: [1, 2, 3]`): the base I3, I3 without the reconstruction loss, and I3 without the
 * interactor, each as mean ± sd over seeds, tested against the dual-encoder and, for the
 * variants, against the base run's I3 (paired tests on per-query values averaged over seeds).
 *
 *   npx i3 sweep experiments/scifact-i3-seeds.ts
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineExperiment, defineSweep } from "@i3/experiments";
import { I3_ABLATIONS } from "./i3-ablation-variants.js";
import base from "./scifact-i3.js";

const seeded = defineExperiment({ ...base, name: "scifact-i3-seeds", seeds: [1, 2, 3] });
const telling = I3_ABLATIONS.filter((v) => v.name === "no-reconstruction" || v.name === "interactor=off");

export default defineSweep(seeded, { name: "scifact-i3-seeds", includeBase: true, variants: telling });
