/**
 * Paired tests the sweep report does not make (it tests every row against the dual-encoder of
 * the base run, and each variant against the same system of the base run): on SciFact over
 * three seeds, I3 against the dual-encoder at contrastive temperature 0.25, the control for
 * I3's output scale. Reads the run folders `npx i3 sweep experiments/scifact-i3-seeds-ablation.ts` wrote
 * (per-query values averaged over seeds) and prints the mean difference and the p-values of
 * `@i3/metrics`' paired t-test and randomization test (10,000 permutations, seed 42), unadjusted
 * and Holm-adjusted over the two pairs of each measure and test.
 *
 *   node --conditions=@i3/source --import tsx experiments/scifact-i3-seeds-pairs.ts [RUNS_DIR]   # default runs/
 */
import { compareSystemPairs, formatComparisons, latestRunMetrics } from "@i3/experiments";

const runsDir = process.argv[2] ?? "runs";
const control = (await latestRunMetrics(runsDir, "scifact-i3-seeds--temperature=0.25")).splits["test"]!.systems;
const base = (await latestRunMetrics(runsDir, "scifact-i3-seeds")).splits["test"]!.systems;
const pairs = new Map([
  ["I3 (temperature 0.25) - dual-encoder (temperature 0.25)", { reference: control["dual-encoder"]!, system: control["i3"]! }],
  ["I3 (base, temperature 1) - dual-encoder (temperature 0.25)", { reference: control["dual-encoder"]!, system: base["i3"]! }],
]);
for (const line of formatComparisons(compareSystemPairs(pairs, ["nDCG@10", "R@100"]))) console.log(line);
