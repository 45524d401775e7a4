/**
 * BM25 alone on the embedded default collection (what runs today, with no neural package):
 *
 *   npx nx run experiments:run --config=experiments/bm25.ts
 */
import { defineExperiment } from "@i3/experiments";
import base from "./default.js";

export default defineExperiment({ ...base, name: "bm25-default", systems: ["bm25"], baseline: "bm25" });
