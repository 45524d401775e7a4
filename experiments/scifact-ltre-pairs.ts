/**
 * The paired tests of experiments/scifact-ltre.ts that its report does not make (it tests every
 * row against the dual-encoder): each LTRe row against the model it started from (DE + LTRe vs
 * DE, I3 + LTRe vs I3, at every index precision) and each compressed LTRe row against float32
 * LTRe from the same start. Reads the latest finished `scifact-ltre` run folder (per-query values
 * averaged over seeds) and prints the mean difference and the p-values of `@i3/metrics`' paired
 * t-test and randomization test (10,000 permutations, seed 42), unadjusted and Holm-adjusted over
 * the ten pairs of each measure and test.
 *
 *   node --conditions=@i3/source --import tsx experiments/scifact-ltre-pairs.ts [RUNS_DIR]   # default runs/
 */
import { compareSystemPairs, formatComparisons, latestRunMetrics, type SystemPair } from "@i3/experiments";

const systems = (await latestRunMetrics(process.argv[2] ?? "runs", "scifact-ltre")).splits["test"]!.systems;
const pairs = new Map<string, SystemPair>();
const pair = (reference: string, system: string) => pairs.set(`${system} - ${reference}`, { reference: systems[reference]!, system: systems[system]! });
for (const start of ["dual-encoder", "i3"]) {
  const prefix = start === "dual-encoder" ? "de-ltre" : "i3-ltre";
  for (const suffix of ["", "-fp16", "-pq"]) pair(start, `${prefix}${suffix}`);
  for (const suffix of ["-fp16", "-pq"]) pair(prefix, `${prefix}${suffix}`);
}
for (const line of formatComparisons(compareSystemPairs(pairs, ["RR@10", "nDCG@10"]))) console.log(line);
