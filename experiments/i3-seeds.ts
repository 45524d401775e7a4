/**
 * I3 beside the dual-encoder and BM25 on the embedded default collection (experiments/i3.ts)
 * over three seeds: each measure as the mean over seeds 1, 2, 3 ± their standard deviation,
 * tested against the dual-encoder on per-query values averaged over the seeds.
 *
 *   npx i3 run experiments/i3-seeds.ts
 */
import { defineExperiment } from "@i3/experiments";
import base from "./i3.js";

export default defineExperiment({ ...base, name: "i3-seeds", seeds: [1, 2, 3] });
