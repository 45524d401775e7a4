/**
 * Contrastive temperature ablation of the dual-encoder. Only the train, index and retrieve
 * stages rerun per variant: data, BM25 and negatives come from the cache.
 *
 *   npx nx run experiments:sweep --config=experiments/temperature-sweep.ts
 */
import { defineSweep } from "@i3/experiments";
import base from "./default.js";

export default defineSweep(base, {
  name: "default-temperature",
  grid: { "systems.dual-encoder.losses.contrastive.temperature": [0.05, 1] },
});
