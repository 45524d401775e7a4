/**
 * Out-of-domain (zero-shot) evaluation, a demonstration (issue 15, item 5): BM25 and a
 * cross-encoder re-ranking BM25's top 100 (the cross-encoder of ./distill-systems.ts), trained on
 * BEIR SciFact's training queries and evaluated on SciFact test (in domain), on Cranfield's test
 * queries and on the embedded default collection's test queries (out of domain, never trained on).
 * One seed (1, the first replicate of experiments/scifact-distill.ts, so its cross-encoder train
 * stage has the same key).
 *
 *   npx i3 run experiments/scifact-transfer.ts
 *
 * Needs SciFact and Cranfield (datasets/beir/, or I3_DATASETS_PATH).
 */
import { defineExperiment } from "@i3/experiments";
import { crossEncoder } from "./distill-systems.js";
import base from "./scifact-i3.js";

export default defineExperiment({
  ...base,
  name: "scifact-transfer",
  description: "BM25 and a cross-encoder re-ranker trained on SciFact, evaluated on SciFact test, Cranfield and the default collection (zero-shot)",
  outOfDomain: ["beir/cranfield", "default"],
  systems: { bm25: base.systems["bm25"]!, "cross-encoder": crossEncoder },
  baseline: "bm25",
  seed: 1,
});
