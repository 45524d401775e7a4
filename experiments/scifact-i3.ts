/**
 * BM25, the dual-encoder (baseline) and I3 on BEIR SciFact: trained from scratch on the train
 * split (809 queries), evaluated on the 300 test queries (BEIR's nDCG@10 over every judged
 * query). The budget is the default collection's (experiments/i3.ts) with SciFact's own
 * WordPiece vocabulary; passages are cut to 64 word pieces (title and the abstract's start) to
 * keep the ablation sweep within an hour on two CPU cores.
 *
 *   npx i3 run experiments/scifact-i3.ts
 *
 * Needs SciFact in BEIR layout: datasets/beir/scifact (downloaded there at first use) or a
 * scifact/ folder in one of the folders of $I3_DATASETS_PATH (see datasets/README.md).
 */
import { defineExperiment } from "@i3/experiments";
import base from "./i3.js";

export default defineExperiment({
  ...base,
  name: "scifact-i3",
  description: "I3 vs the dual-encoder (baseline) and BM25 on BEIR SciFact, trained on train, evaluated on test",
  dataset: "beir/scifact",
  splits: { train: "train", dev: "dev", test: "test" },
});
