/**
 * trec_eval 9.0.8's own test suite (fixtures/trec_eval-suite, copied from its source tree): every
 * value of every measure @i3/metrics names, per query and in the aggregate, must print as
 * trec_eval printed it, under the suite's flag sets (-c, -M100, -l2) and parameterised measures.
 * The inputs are read with @i3/data's loaders (results.trunc has text after the run tag).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadQrels, loadRun, loadTrecRunPacked } from "@i3/data";
import { evaluate, formatFixed, type EvaluateOptions } from "../src/index.js";
import { readTrecEvalOutput } from "./trec-eval-output.js";

const SUITE = join(import.meta.dirname, "fixtures", "trec_eval-suite");

/** trec_eval measure name -> our (ir_measures) name, for the measures the toolkit names; undefined otherwise. */
function irMeasuresName(trec: string): string | undefined {
  const fixed: Record<string, string> = {
    map: "AP", Rprec: "Rprec", bpref: "Bpref", recip_rank: "RR", ndcg: "nDCG",
    num_ret: "NumRet", num_rel: "NumRel", num_rel_ret: "NumRelRet", num_q: "NumQ",
  };
  if (fixed[trec] !== undefined) return fixed[trec];
  const m = /^(P|recall|ndcg_cut|map_cut|success)_(\d+)$/.exec(trec);
  if (m === null) return undefined;
  const family = { P: "P", recall: "R", ndcg_cut: "nDCG", map_cut: "AP", success: "Success" }[m[1]!]!;
  return `${family}@${m[2]}`;
}

interface SuiteCase {
  output: string;
  qrels: string;
  run: string;
  options: EvaluateOptions;
  /** Our measures that must be among the compared ones (guards against comparing nothing). */
  mustCompare: string[];
}

const ALL_TREC = ["AP", "Rprec", "Bpref", "RR", "nDCG", "NumRet", "NumRel", "NumRelRet", "NumQ", "P@5", "P@1000", "R@5", "R@1000", "nDCG@5", "nDCG@1000", "AP@5", "AP@1000", "Success@1", "Success@5", "Success@10"];

const CASES: Record<string, SuiteCase> = {
  "out.test": { output: "out.test", qrels: "qrels.test", run: "results.test", options: {}, mustCompare: ["AP", "Rprec", "Bpref", "RR", "P@5", "P@1000", "NumQ"] },
  "out.test.a (-m all_trec)": { output: "out.test.a", qrels: "qrels.test", run: "results.test", options: {}, mustCompare: ALL_TREC },
  "out.test.aq (-m all_trec -q)": { output: "out.test.aq", qrels: "qrels.test", run: "results.test", options: {}, mustCompare: ALL_TREC },
  "out.test.aqc (-q -c, results.trunc)": { output: "out.test.aqc", qrels: "qrels.test", run: "results.trunc", options: { allQueries: true }, mustCompare: ALL_TREC },
  "out.test.aqcM (-q -c -M100, results.trunc)": {
    output: "out.test.aqcM",
    qrels: "qrels.test",
    run: "results.trunc",
    options: { allQueries: true, depth: 100 },
    mustCompare: ALL_TREC,
  },
  "out.test.aql (-q -l2, graded qrels)": { output: "out.test.aql", qrels: "qrels.rel_level", run: "results.test", options: { relevanceLevel: 2 }, mustCompare: ALL_TREC },
  "out.test.meas_params (parameterised measures)": {
    output: "out.test.meas_params",
    qrels: "qrels.test",
    run: "results.test",
    options: {},
    mustCompare: ["P@3", "P@5", "P@7", "R@20", "R@2000", "nDCG@10", "nDCG@20", "Success@2", "Success@5", "Success@20"],
  },
};

describe("trec_eval 9.0.8 test suite", () => {
  for (const [name, c] of Object.entries(CASES)) for (const [layout, loader] of [["Map run", loadRun], ["packed run", loadTrecRunPacked]] as const) {
    it(`${name}, ${layout}: every value of every measure we name, per query and aggregate`, async () => {
      const golden = readTrecEvalOutput(join(SUITE, c.output));
      const pairs = [...golden.keys()].flatMap((trec) => {
        const ours = irMeasuresName(trec);
        return ours === undefined ? [] : [[trec, ours] as const];
      });
      expect(pairs.map(([, ours]) => ours)).toEqual(expect.arrayContaining(c.mustCompare));
      const [qrels, run] = await Promise.all([loadQrels(join(SUITE, c.qrels)), loader(join(SUITE, c.run))]);
      const ev = evaluate(qrels, run, pairs.map(([, ours]) => ours), c.options);
      const mismatches: string[] = [];
      let compared = 0;
      for (const [trec, ours] of pairs) {
        const integer = ev.measures.find((m) => m.name === ours)!.family.integer;
        const print = (v: number) => (integer ? String(v) : formatFixed(v, 4));
        for (const [qid, want] of golden.get(trec)!) {
          const got = qid === "all" ? ev.aggregate.get(ours) : ev.perQuery.get(qid)?.get(ours);
          compared++;
          if (got === undefined || print(got) !== want) mismatches.push(`${trec} (${ours}) ${qid}: got ${got === undefined ? "nothing" : print(got)}, want ${want}`);
        }
        // Queries trec_eval -q prints are exactly ours (minus those missing from the run under -c).
        const printed = [...golden.get(trec)!.keys()].filter((q) => q !== "all");
        if (printed.length > 0 && trec !== "num_q") expect(printed.sort(), trec).toEqual(ev.queries.filter((q) => !ev.missing.has(q)));
      }
      expect(mismatches).toEqual([]);
      expect(compared).toBeGreaterThanOrEqual(c.mustCompare.length);
    });
  }

  it("results.trunc's trailing text is ignored: it loads as the same run as without it", async () => {
    const run = await loadRun(join(SUITE, "results.trunc"));
    expect(run.get("301")!.get("FBIS3-27619")).toBe(2.138276);
    expect([...run.keys()].sort()).toEqual(["301", "303"]);
    expect([...run.values()].reduce((n, docs) => n + docs.size, 0)).toBe(584);
  });
});
