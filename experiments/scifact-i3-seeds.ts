/**
 * BM25, the dual-encoder (baseline) and I3 on BEIR SciFact (experiments/scifact-i3.ts) over
 * three seeds: each measure as the mean over seeds 1, 2, 3 ± their standard deviation, tested
 * against the dual-encoder on per-query values averaged over the seeds. The base of the
 * three-seed ablation sweep (scifact-i3-seeds-ablation.ts).
 *
 *   npx i3 run experiments/scifact-i3-seeds.ts
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineExperiment } from "@i3/experiments";
import base from "./scifact-i3.js";

export default defineExperiment({ ...base, name: "scifact-i3-seeds", seeds: [1, 2, 3] });
