/**
 * BM25 alone on the embedded default collection (no neural package is loaded):
 *
 *   npx nx run experiments:run --config=experiments/bm25.ts
 */
import { defineExperiment } from "@i3/experiments";
import base from "./default.js";

export default defineExperiment({ ...base, name: "bm25-default", systems: { bm25: base.systems["bm25"]! }, baseline: "bm25" });
