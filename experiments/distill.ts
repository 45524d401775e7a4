/**
 * Distillation on the embedded default collection (train -> test) over seeds 1, 2, 3 (issue 12):
 * the systems of ./distill-systems.ts on experiments/i3-seeds.ts (its BM25, dual-encoder and I3
 * with the same settings, so their train stages are that experiment's cached ones). Neural rows:
 * mean ± sd over the seeds, tested against the dual-encoder; the other pairs:
 * `experiments/distill-pairs.ts RUNS_DIR distill`.
 *
 *   npx i3 run experiments/distill.ts
 */
import { defineExperiment } from "@i3/experiments";
import { distillationSystems } from "./distill-systems.js";
import seeded from "./i3-seeds.js";

export default defineExperiment({
  ...seeded,
  name: "distill",
  description: "Distillation on the embedded default collection: BM25, a cross-encoder re-ranker, the DE and I3 with and without KD (BM25 or cross-encoder teacher), RRF; seeds 1-3",
  systems: distillationSystems(seeded),
  baseline: "dual-encoder",
});
