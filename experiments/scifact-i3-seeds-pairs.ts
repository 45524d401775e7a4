/**
 * Paired tests the sweep report does not make (it tests every row against the dual-encoder of
 * the base run, and each variant against the same system of the base run): on SciFact over
 * three seeds, I3 against the dual-encoder at contrastive temperature 0.25, the control for
 * I3's output scale. Reads the run folders `npx i3 sweep experiments/scifact-i3-seeds-ablation.ts` wrote
 * (per-query values averaged over seeds) and prints the mean difference and the p-values of
 * `@i3/metrics`' paired t-test and randomization test (10,000 permutations, seed 42), each pair
 * on its own (unadjusted; there are four).
 *
 *   node --conditions=@i3/source --import tsx experiments/scifact-i3-seeds-pairs.ts [RUNS_DIR]   # default runs/
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunMetrics } from "@i3/experiments";
import { compareToBaseline } from "@i3/metrics";

const runsDir = process.argv[2] ?? "runs";

/** metrics.json of the latest complete run named `name`. */
function latestRun(name: string): RunMetrics {
  const dir = join(runsDir, name);
  const ids = readdirSync(dir).filter((id) => readdirSync(join(dir, id)).includes("run.json")).sort();
  if (ids.length === 0) throw new Error(`${dir}: no run folder; run npx i3 sweep experiments/scifact-i3-seeds-ablation.ts first`);
  return JSON.parse(readFileSync(join(dir, ids.at(-1)!, "metrics.json"), "utf8")) as RunMetrics;
}

const control = latestRun("scifact-i3-seeds--temperature=0.25").splits["test"]!.systems;
const base = latestRun("scifact-i3-seeds").splits["test"]!.systems;
const pairs = [
  ["I3 (temperature 0.25) - dual-encoder (temperature 0.25)", control["dual-encoder"]!, control["i3"]!],
  ["I3 (base, temperature 1) - dual-encoder (temperature 0.25)", control["dual-encoder"]!, base["i3"]!],
] as const;
for (const measure of ["nDCG@10", "R@100"]) {
  for (const [label, a, b] of pairs) {
    const values = (s: typeof a) => s.queries.map((q) => s.perQuery[q]![measure]!);
    if (a.queries.join() !== b.queries.join()) throw new Error(`${label}: the two systems were evaluated on different queries`);
    const p = (test: "t" | "randomization") => compareToBaseline(values(a), new Map([["b", values(b)]]), { test, alpha: 0.05, trials: 10_000, seed: 42 })[0]!.pValue;
    const diff = b.aggregate[measure]! - a.aggregate[measure]!;
    console.log(`${measure}  ${label}: ${diff >= 0 ? "+" : ""}${diff.toFixed(4)}  p(t) ${p("t").toFixed(4)}  p(randomization) ${p("randomization").toFixed(4)}`);
  }
}
