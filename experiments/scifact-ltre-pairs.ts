/**
 * The paired tests of experiments/scifact-ltre.ts that its report does not make (it tests every
 * row against the dual-encoder): each LTRe row against the model it started from (DE + LTRe vs
 * DE, I3 + LTRe vs I3, at every index precision) and each compressed LTRe row against float32
 * LTRe from the same start. Reads the latest complete `scifact-ltre` run folder (per-query values
 * averaged over seeds) and prints the mean difference and the p-values of `@i3/metrics`' paired
 * t-test and randomization test (10,000 permutations, seed 42), unadjusted and Holm-adjusted over
 * the ten pairs of each measure and test.
 *
 *   node --conditions=@i3/source --import tsx experiments/scifact-ltre-pairs.ts [RUNS_DIR]   # default runs/
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunMetrics } from "@i3/experiments";
import { compareToBaseline, holm } from "@i3/metrics";

const runsDir = process.argv[2] ?? "runs";
const dir = join(runsDir, "scifact-ltre");
const ids = readdirSync(dir)
  .filter((id) => readdirSync(join(dir, id)).includes("metrics.json"))
  .sort();
if (ids.length === 0) throw new Error(`${dir}: no complete run; run npx i3 run experiments/scifact-ltre.ts first`);
const systems = (JSON.parse(readFileSync(join(dir, ids.at(-1)!, "metrics.json"), "utf8")) as RunMetrics).splits["test"]!.systems;

const pairs: [string, string][] = [];
for (const start of ["dual-encoder", "i3"]) {
  const prefix = start === "dual-encoder" ? "de-ltre" : "i3-ltre";
  for (const suffix of ["", "-fp16", "-pq"]) pairs.push([start, `${prefix}${suffix}`]);
  for (const suffix of ["-fp16", "-pq"]) pairs.push([prefix, `${prefix}${suffix}`]);
}
for (const measure of ["RR@10", "nDCG@10"]) {
  const rows = pairs.map(([a, b]) => {
    const [sa, sb] = [systems[a]!, systems[b]!];
    if (sa.queries.join() !== sb.queries.join()) throw new Error(`${b} vs ${a}: evaluated on different queries`);
    const values = (s: typeof sa) => s.queries.map((q) => s.perQuery[q]![measure]!);
    const p = (test: "t" | "randomization") => compareToBaseline(values(sa), new Map([["b", values(sb)]]), { test, alpha: 0.05, trials: 10_000, seed: 42 })[0]!.pValue;
    return { a, b, diff: sb.aggregate[measure]! - sa.aggregate[measure]!, t: p("t"), randomization: p("randomization") };
  });
  const tHolm = holm(rows.map((r) => r.t));
  const randomizationHolm = holm(rows.map((r) => r.randomization));
  rows.forEach(({ a, b, diff, t, randomization }, i) => {
    console.log(
      `${measure}  ${b} - ${a}: ${diff >= 0 ? "+" : ""}${diff.toFixed(4)}  p(t) ${t.toFixed(4)} (Holm ${tHolm[i]!.toFixed(4)})  ` +
        `p(randomization) ${randomization.toFixed(4)} (Holm ${randomizationHolm[i]!.toFixed(4)})`,
    );
  });
}
