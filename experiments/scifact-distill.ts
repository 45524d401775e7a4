/**
 * Distillation on BEIR SciFact (train -> test) over seeds 1, 2, 3 (issue 12): the systems of
 * ./distill-systems.ts on experiments/scifact-i3-seeds.ts (its BM25, dual-encoder and I3 with the
 * same settings, so their train stages are that experiment's cached ones). Neural rows: mean ± sd
 * over the seeds, tested against the dual-encoder on per-query values averaged over the seeds;
 * the other pairs (distilled vs undistilled, teacher vs teacher, RRF vs its parts):
 * experiments/distill-pairs.ts.
 *
 *   npx i3 run experiments/scifact-distill.ts
 *   node --conditions=@i3/source --import tsx experiments/distill-pairs.ts
 *
 * Needs SciFact (datasets/beir/scifact, or I3_DATASETS_PATH).
 */
import { defineExperiment } from "@i3/experiments";
import { distillationSystems } from "./distill-systems.js";
import seeded from "./scifact-i3-seeds.js";

export default defineExperiment({
  ...seeded,
  name: "scifact-distill",
  description: "Distillation on BEIR SciFact: BM25, a cross-encoder re-ranker, the DE and I3 with and without KD (BM25 or cross-encoder teacher), RRF; seeds 1-3",
  systems: distillationSystems(seeded),
  baseline: "dual-encoder",
});
