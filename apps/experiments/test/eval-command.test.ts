/**
 * `i3 eval` end to end: the command's flags must mean what trec_eval's mean. Checked against
 * trec_eval 9.0.8's own output on the small golden case (plain, -c, -l 2, -M 10), the fixtures of
 * @i3/metrics' golden test (packages/metrics/test/golden/).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");
const golden = resolve(repo, "packages/metrics/test/golden");
const bin = join(repo, "apps/experiments/bin/i3.js");

/** Runs the `i3` bin (compiled when `dist/` is current, else the sources; `fromSource` forces the sources). */
function i3(args: string[], fromSource = false): { stdout: string; stderr: string; status: number | null } {
  const env = fromSource ? { ...process.env, I3_FROM_SOURCE: "1" } : process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** trec_eval output -> measure -> qid -> printed value. */
function readGolden(file: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [name, qid, value] = line.split("\t").map((s) => s.trim());
    if (!name || !qid || value === undefined) continue;
    if (!out.has(name)) out.set(name, new Map());
    out.get(name)!.set(qid, value);
  }
  return out;
}

const ours = ["AP", "nDCG@10", "P@5", "RR", "R@10", "Rprec", "Bpref", "NumRelRet"];
const theirs = ["map", "ndcg_cut_10", "P_5", "recip_rank", "recall_10", "Rprec", "bpref", "num_rel_ret"];

describe("i3 eval against trec_eval 9.0.8", () => {
  const cases: [string, string[]][] = [
    ["plain", []],
    ["c", ["-c"]],
    ["l2", ["-l", "2"]],
    ["M10", ["-M", "10"]],
  ];
  for (const [name, flags] of cases) {
    it(`--json -q ${flags.join(" ") || "(no flags)"} matches small.${name}.out`, () => {
      const args = ["eval", join(golden, "small.qrels"), join(golden, "small.run"), "--json", "-q", ...flags];
      for (const m of ours) args.push("-m", m);
      const r = i3(args);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const json = JSON.parse(r.stdout) as { all: Record<string, number>; queries: Record<string, Record<string, number>> };
      const want = readGolden(join(golden, `small.${name}.out`));
      ours.forEach((m, i) => {
        const ref = want.get(theirs[i]!)!;
        const fmt = (v: number) => (m === "NumRelRet" ? String(v) : v.toFixed(4));
        expect(fmt(json.all[m]!), `${m} all`).toBe(ref.get("all"));
        for (const [qid, value] of ref) if (qid !== "all") expect(fmt(json.queries[qid]![m]!), `${m} ${qid}`).toBe(value);
        expect(Object.keys(json.queries).sort()).toEqual([...ref.keys()].filter((q) => q !== "all").sort());
      });
    });
  }

  it("prints trec_eval's three-column layout without --json", () => {
    const r = i3(["eval", join(golden, "small.qrels"), join(golden, "small.run"), "-m", "map", "-m", "P_5"]);
    expect(r.status).toBe(0);
    const want = readGolden(join(golden, "small.plain.out"));
    expect(r.stdout).toBe(
      `${"map".padEnd(22)}\tall\t${want.get("map")!.get("all")}\n${"P_5".padEnd(22)}\tall\t${want.get("P_5")!.get("all")}\n`,
    );
  });
});

describe("i3 eval input handling", () => {
  const dir = mkdtempSync(join(tmpdir(), "i3-eval-"));
  const qrels = join(dir, "qrels.tsv");
  writeFileSync(qrels, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\nq2\td3\t2\n");

  it("reads BEIR qrels and an MS MARCO run, with the default measures", () => {
    const run = join(dir, "run.msmarco");
    writeFileSync(run, "q1\td2\t1\nq1\td1\t2\nq2\td3\t1\n");
    const r = i3(["eval", qrels, run, "--json"]);
    expect(r.stderr).toBe("");
    const json = JSON.parse(r.stdout) as { all: Record<string, number> };
    // q1: relevant d1 at rank 2 -> AP 0.5, RR 0.5; q2: d3 at rank 1 -> 1. Means over 2 queries.
    expect(Object.keys(json.all)).toEqual(["AP", "nDCG@10", "RR@10", "R@100", "R@1000", "P@10"]);
    expect(json.all["AP"]).toBeCloseTo(0.75, 12);
    expect(json.all["RR@10"]).toBeCloseTo(0.75, 12);
    expect(json.all["P@10"]).toBeCloseTo((0.1 + 0.1) / 2, 12);
    // nDCG@10 q1 = (1/log2 3) / 1; q2 = 1.
    expect(json.all["nDCG@10"]).toBeCloseTo((1 / Math.log2(3) + 1) / 2, 12);
  });

  it("names the file, line and field of a malformed run", () => {
    const run = join(dir, "bad.trec");
    writeFileSync(run, "q1 Q0 d1 1 1.5 t\nq1 Q0 d2 2 abc t\n");
    const r = i3(["eval", qrels, run]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bad.trec:2");
    expect(r.stderr).toContain("score");
  });

  it("names the line and query of a duplicate document, also across a query's two places (TREC runs load packed)", () => {
    const run = join(dir, "dup.trec");
    writeFileSync(run, "q1 Q0 d1 1 3 t\nq2 Q0 d1 1 3 t\n\nq1 Q0 d2 2 2 t\nq1 Q0 d1 3 1 t\n");
    const r = i3(["eval", qrels, run]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`i3: ${run}:5: field "docid": duplicate document "d1" for query "q1"\n`);
  });

  it("prints the same from the sources (tsx) as by default (compiled dist/ when current)", () => {
    const run = join(dir, "split.trec");
    writeFileSync(run, "q1 Q0 d2 1 3 t\nq2 Q0 d3 1 1 t\nq1 Q0 d1 2 3 t\nq3 Q0 d1 1 1 t\n");
    const args = ["eval", qrels, run, "-q", "-c", "-m", "AP", "-m", "nDCG@10", "-m", "NumRet"];
    const byDefault = i3(args);
    expect(byDefault.stderr).toBe("");
    expect(i3(args, true)).toEqual(byDefault);
    // q1: d2 (grade 0) and d1 (grade 1) tie at 3: d2 ranks first (id descending), so AP = 1/2.
    expect(byDefault.stdout).toContain(`${"AP".padEnd(22)}\tq1\t0.5000\n`);
  });

  it("rejects an unknown measure with the family list", () => {
    const run = join(dir, "ok.trec");
    writeFileSync(run, "q1 Q0 d1 1 1.5 t\n");
    const r = i3(["eval", qrels, run, "-m", "nDGC@10"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nDGC@10/);
  });
});
