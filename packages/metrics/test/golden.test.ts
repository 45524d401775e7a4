/**
 * Golden tests against trec_eval 9.0.8 (`trec_eval -q -m all_trec [flags]`) outputs kept in
 * test/golden/ (see its README): every measure must print the same 4-decimal value per query and
 * in the aggregate, for the plain, -c, -l 2 and -M 10 flag sets.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { EvaluateOptions } from "../src/index.js";
import { evaluate, formatFixed, formatTrecEval } from "../src/index.js";
import { loadQrels, loadRun, loadTrecRunPacked } from "@i3/data";
import type { PackedRun, Qrels, Run } from "../src/index.js";

const GOLDEN = resolve(dirname(fileURLToPath(import.meta.url)), "golden");

const CUTS = [5, 10, 15, 20, 30, 100, 200, 500, 1000];
/** ir_measures name -> trec_eval name, for every measure trec_eval's all_trec prints. */
const MEASURES: [string, string][] = [
  ["NumRet", "num_ret"], ["NumRel", "num_rel"], ["NumRelRet", "num_rel_ret"], ["NumQ", "num_q"],
  ["AP", "map"], ["Rprec", "Rprec"], ["Bpref", "bpref"], ["RR", "recip_rank"], ["nDCG", "ndcg"],
  ...CUTS.flatMap((k): [string, string][] => [
    [`P@${k}`, `P_${k}`], [`R@${k}`, `recall_${k}`], [`nDCG@${k}`, `ndcg_cut_${k}`], [`AP@${k}`, `map_cut_${k}`],
  ]),
  ...[1, 5, 10].map((k): [string, string] => [`Success@${k}`, `success_${k}`]),
];

const FLAGS: Record<string, EvaluateOptions> = {
  plain: {},
  c: { allQueries: true },
  l2: { relevanceLevel: 2 },
  M10: { depth: 10 },
};

/** Each case's files; the large scifact-train ones are gzipped (`ext`). */
const CASES = {
  small: { qrels: resolve(GOLDEN, "small.qrels"), run: resolve(GOLDEN, "small.run"), ext: "" },
  "scifact-train": { qrels: resolve(GOLDEN, "scifact-train.qrels.gz"), run: resolve(GOLDEN, "scifact-train.run.gz"), ext: ".gz" },
};

/** The text of a golden file, gunzipped when its name ends in `.gz`. */
function readText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

/** Golden output -> trec measure name -> qid -> printed value. */
function readGolden(path: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const line of readText(path).split("\n")) {
    if (line === "") continue;
    const [name, qid, value] = line.split("\t");
    const key = name!.trim();
    let m = out.get(key);
    if (m === undefined) out.set(key, (m = new Map()));
    m.set(qid!, value!);
  }
  return out;
}

const inputs = new Map<string, { qrels: Qrels; run: Run; packed: PackedRun }>();
/** Loads a case's files once, through @i3/data's loaders: the run both as Maps and packed. */
async function load(name: keyof typeof CASES): Promise<{ qrels: Qrels; run: Run; packed: PackedRun }> {
  let v = inputs.get(name);
  if (v === undefined) {
    const path = CASES[name].run;
    v = { qrels: await loadQrels(CASES[name].qrels), run: await loadRun(path), packed: await loadTrecRunPacked(path) };
    inputs.set(name, v);
  }
  return v;
}

describe("trec_eval 9.0.8 golden outputs", () => {
  for (const caseName of Object.keys(CASES) as (keyof typeof CASES)[]) {
    for (const [flag, options] of Object.entries(FLAGS)) for (const layout of ["run", "packed"] as const) {
      it(`${caseName} ${flag}, ${layout === "run" ? "Map run" : "packed run"}: every measure, every query and the aggregate`, async () => {
        const { qrels, [layout]: run } = await load(caseName);
        const golden = readGolden(resolve(GOLDEN, `${caseName}.${flag}.out${CASES[caseName].ext}`));
        const ev = evaluate(qrels, run, MEASURES.map(([ir]) => ir), options);
        const mismatches: string[] = [];
        let compared = 0;
        for (const [ir, trec] of MEASURES) {
          const expected = golden.get(trec);
          if (expected === undefined) throw new Error(`golden file lacks ${trec}`);
          const m = ev.measures.find((x) => x.name === ir)!;
          const fmt = (v: number) => (m.family.integer ? String(Math.round(v)) : formatFixed(v, 4));
          const printedQids = ev.queries.filter((q) => !ev.missing.has(q));
          if (trec !== "num_q") {
            expect([...expected.keys()].filter((q) => q !== "all").sort()).toEqual([...printedQids].sort());
          }
          for (const [qid, want] of expected) {
            const got = qid === "all" ? ev.aggregate.get(ir)! : ev.perQuery.get(qid)!.get(ir)!;
            compared++;
            if (fmt(got) !== want) mismatches.push(`${ir} (${trec}) ${qid}: got ${fmt(got)} (${got}), want ${want}`);
          }
        }
        expect(mismatches).toEqual([]);
        expect(compared).toBeGreaterThan(MEASURES.length * 10);
      });
    }

    it(`${caseName}: RR@10, AP@10 and Judged@10 agree with the -M 10 output`, async () => {
      const { qrels, run } = await load(caseName);
      const m10 = readGolden(resolve(GOLDEN, `${caseName}.M10.out${CASES[caseName].ext}`));
      const ev = evaluate(qrels, run, ["RR@10", "AP@10", "Judged@10", "NumRet"]);
      for (const qid of ev.queries) {
        const row = ev.perQuery.get(qid)!;
        expect(formatFixed(row.get("RR@10")!)).toBe(m10.get("recip_rank")!.get(qid));
        expect(formatFixed(row.get("AP@10")!)).toBe(m10.get("map")!.get(qid));
        if (caseName === "scifact-train") {
          // SciFact grades are all 1 (no negative grades): judged = rel_ret + nonrel_judged_ret.
          const judged = Number(m10.get("num_rel_ret")!.get(qid)) + Number(m10.get("num_nonrel_judged_ret")!.get(qid));
          const n = Number(m10.get("num_ret")!.get(qid));
          expect(row.get("Judged@10")).toBeCloseTo(judged / n, 12);
        }
      }
    });
  }

  it("formatTrecEval reproduces trec_eval's lines byte for byte (trec_eval names as given)", async () => {
    const { qrels, run } = await load("small");
    const names = ["num_ret", "num_rel", "num_rel_ret", "map", "Rprec", "bpref", "recip_rank", "P_5", "P_1000",
      "recall_10", "ndcg", "ndcg_cut_10", "map_cut_5", "success_1", "success_10"];
    for (const flag of ["plain", "c", "l2", "M10"]) {
      const ev = evaluate(qrels, run, names, FLAGS[flag]);
      const wanted = new Set(names);
      const golden = readFileSync(resolve(GOLDEN, `small.${flag}.out`), "utf8")
        .split("\n")
        .filter((l) => wanted.has(l.split("\t")[0]!.trim()));
      expect(formatTrecEval(ev).split("\n").slice(0, -1)).toEqual(golden);
    }
  });
});
