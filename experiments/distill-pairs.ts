/**
 * The paired tests of experiments/scifact-distill.ts (and distill.ts) that its report does not make (it tests
 * every row against the dual-encoder): the re-ranker against the run it re-ranks, each distilled
 * model against its undistilled twin, the two teachers against each other, and each RRF run
 * against both runs it fuses. Reads the latest finished run folder of `scifact-distill` (or of the
 * experiment named second: `distill`, the same table on the default collection; per-query values
 * averaged over seeds) and prints the mean difference and the p-values of `@i3/metrics`'
 * paired t-test and randomization test (10,000 permutations, seed 42), unadjusted and
 * Holm-adjusted over the pairs of each measure and test.
 *
 *   node --conditions=@i3/source --import tsx experiments/distill-pairs.ts [RUNS_DIR [EXPERIMENT]]   # default runs/ scifact-distill
 */
import { compareSystemPairs, formatComparisons, latestRunMetrics, type SystemPair } from "@i3/experiments";

const systems = (await latestRunMetrics(process.argv[2] ?? "runs", process.argv[3] ?? "scifact-distill")).splits["test"]!.systems;
const pairs = new Map<string, SystemPair>();
const pair = (reference: string, system: string) => pairs.set(`${system} - ${reference}`, { reference: systems[reference]!, system: systems[system]! });
pair("bm25", "cross-encoder");
pair("dual-encoder", "de-kd-bm25");
pair("dual-encoder", "de-kd-ce");
pair("de-kd-bm25", "de-kd-ce");
pair("i3", "i3-kd-bm25");
pair("i3", "i3-kd-ce");
pair("i3-kd-bm25", "i3-kd-ce");
for (const dense of ["i3", "i3-kd-bm25", "i3-kd-ce"]) {
  pair("bm25", `rrf-${dense}`);
  pair(dense, `rrf-${dense}`);
}
for (const line of formatComparisons(compareSystemPairs(pairs, ["RR@10", "nDCG@10"]))) console.log(line);
