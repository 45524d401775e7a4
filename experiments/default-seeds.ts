/**
 * The main job (experiments/default.ts) over three seeds: BM25 and the dual-encoder, each
 * measure as the mean over seeds 1, 2, 3 ± their standard deviation, tested on per-query values
 * averaged over the seeds.
 *
 *   npx i3 run experiments/default-seeds.ts
 */
import { defineExperiment } from "@i3/experiments";
import base from "./default.js";

export default defineExperiment({ ...base, name: "default-seeds", seeds: [1, 2, 3] });
