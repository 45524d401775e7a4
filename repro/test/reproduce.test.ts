/**
 * The runner's logic on synthetic command outputs: rewriting, reading `i3 eval` output and
 * metrics.json, OK / FAIL / SKIP, one run for two rows sharing a command, exit codes and flags.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rewriteCommand, type CommandOutput, type RewriteContext } from "../commands.js";
import { parseReproArgs } from "../main.js";
import { DATASET_MISSING, exitCode, reproduceRow, reproduceRows, summaryLine, type ReproduceOptions } from "../reproduce.js";
import type { EvalRow, ReproRow, RunRow } from "../rows.js";
import { parseEvalOutput } from "../values.js";

const context: RewriteContext = {
  runsDir: "/tmp/r/runs",
  datasetsDir: "/repo/datasets",
  datasetFolder: (name) => ({ "beir/scifact": "/shared/scifact", "beir/cqadupstack/android": "/shared/cqa/android" })[name],
};

describe("rewriteCommand", () => {
  it("moves runs/ outputs and finds dataset paths through the registry", () => {
    expect(
      rewriteCommand(
        "npx i3 bm25 --dataset beir/scifact --split test --out runs/bm25-scifact.trec && npx i3 eval datasets/beir/scifact/qrels/test.tsv runs/bm25-scifact.trec -m nDCG@10",
        context,
      ),
    ).toBe(
      "npx i3 bm25 --dataset beir/scifact --split test --out /tmp/r/runs/bm25-scifact.trec && npx i3 eval /shared/scifact/qrels/test.tsv /tmp/r/runs/bm25-scifact.trec -m nDCG@10",
    );
    expect(rewriteCommand("npx i3 eval datasets/default/qrels/test.tsv x -c", context)).toBe("npx i3 eval /repo/datasets/default/qrels/test.tsv x -c");
    expect(rewriteCommand("cat datasets/beir/cqadupstack/android/qrels/test.tsv", context)).toBe("cat /shared/cqa/android/qrels/test.tsv");
    expect(rewriteCommand("cat datasets/beir/unknown/qrels/test.tsv", context)).toBe("cat datasets/beir/unknown/qrels/test.tsv");
  });

  it("gives the runner commands the runs folder, quoted when it needs quotes", () => {
    expect(rewriteCommand("npx i3 run experiments/i3.ts", context)).toBe("npx i3 run experiments/i3.ts --runs-dir /tmp/r/runs");
    expect(rewriteCommand("npm start", context)).toBe("npm start -- --runs-dir /tmp/r/runs");
    expect(rewriteCommand("npm start -- --resume", context)).toBe("npm start -- --resume --runs-dir /tmp/r/runs");
    expect(rewriteCommand("npx i3 run x.ts --runs-dir elsewhere", context)).toBe("npx i3 run x.ts --runs-dir elsewhere");
    expect(rewriteCommand("npx i3 sweep s.ts", { ...context, runsDir: "/tmp/my runs" })).toBe("npx i3 sweep s.ts --runs-dir '/tmp/my runs'");
  });
});

describe("parseEvalOutput", () => {
  it("reads the aggregate lines of trec_eval's layout only", () => {
    const out = "> i3-toolkit@0.1.0 start\nnDCG@10               \tq1\t0.5000\nnDCG@10               \tall\t0.6789\nR@100                 \tall\t0.9253\nrunid                 \tall\tbm25\n";
    expect([...parseEvalOutput(out)]).toEqual([["nDCG@10", 0.6789], ["R@100", 0.9253]]);
    expect(() => parseEvalOutput(`${out}${out}`)).toThrow(/printed nDCG@10 twice/);
  });
});

const evalRow: EvalRow = {
  id: "bm25-x",
  system: "BM25",
  collection: "x",
  commands: ["npx i3 bm25 --out runs/x.trec && npx i3 eval q runs/x.trec"],
  datasets: [],
  fast: true,
  reads: "eval-output",
  values: [
    { measure: "nDCG@10", published: ".2724" },
    { measure: "R@100", published: ".4311" },
  ],
};

function output(stdout: string, extra: Partial<CommandOutput> = {}): CommandOutput {
  return { exitCode: 0, stdout, stderrTail: "", newRunDirs: [], ...extra };
}

function options(execute: ReproduceOptions["execute"], lines: string[], extra: Partial<ReproduceOptions> = {}): ReproduceOptions {
  return { ...context, execute, print: (l) => lines.push(l), ...extra };
}

describe("reproduceRow", () => {
  it("OK when every value rounds to the published one; the command ran rewritten", async () => {
    const lines: string[] = [];
    const ran: string[] = [];
    const result = await reproduceRow(evalRow, options(async (c) => (ran.push(c), output("nDCG@10\tall\t0.2724\nR@100\tall\t0.43109\n")), lines));
    expect(result.status).toBe("OK");
    expect(ran).toEqual(["npx i3 bm25 --out /tmp/r/runs/x.trec && npx i3 eval q /tmp/r/runs/x.trec"]);
    expect(lines.at(-1)).toBe("OK    bm25-x");
    expect(lines).toContainEqual(expect.stringMatching(/^ {6}R@100 +OK \.4311$/));
  });

  it("FAIL with got, published and diff, and for a value the commands did not print", async () => {
    const lines: string[] = [];
    const result = await reproduceRow(evalRow, options(async () => output("nDCG@10\tall\t0.2757\n"), lines));
    expect(result.status).toBe("FAIL");
    expect(lines).toContainEqual(expect.stringMatching(/^ {6}nDCG@10 +FAIL \(got \.2757, published \.2724, diff \+\.0033\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/R@100 +FAIL \(not produced by the commands; published \.4311\)/));
    expect(result.reason).toBe("not produced: R@100");
    expect(exitCode([result])).toBe(1);
  });

  it("FAIL when a command fails, with its stderr", async () => {
    const lines: string[] = [];
    const result = await reproduceRow(evalRow, options(async () => output("", { exitCode: 2, stderrTail: "i3: boom\n" }), lines));
    expect(result).toMatchObject({ status: "FAIL", reason: expect.stringContaining("command failed (exit 2)") });
    expect(lines.at(-1)).toMatch(/i3: boom$/);
  });

  it("SKIP when a collection is missing, without running anything; FAIL under --strict", async () => {
    const row: ReproRow = { ...evalRow, datasets: ["beir/cranfield"] };
    const never = async (): Promise<CommandOutput> => {
      throw new Error("must not run");
    };
    const lines: string[] = [];
    const skipped = await reproduceRow(row, options(never, lines));
    expect(skipped.status).toBe("SKIP");
    expect(lines).toEqual([`SKIP  bm25-x (${DATASET_MISSING}; not found: beir/cranfield)`]);
    expect(exitCode([skipped])).toBe(0);
    const strict = await reproduceRow(row, options(never, [], { strict: true }));
    expect(strict.status).toBe("FAIL");
    expect(summaryLine([skipped, strict], 4)).toBe("repro: 0 OK, 1 FAIL, 1 SKIP of 2 rows (4 neural rows not run: npm run repro -- --all)");
  });
});

describe("run-metrics rows", () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "repro-test-"));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const runRow = (id: string, values: RunRow["values"]): RunRow => ({
    id,
    system: "s",
    collection: "c",
    commands: ["npx i3 run experiments/e.ts"],
    datasets: [],
    fast: false,
    reads: "run-metrics",
    experiment: "e",
    split: "test",
    values,
  });

  it("reads metrics.json of the new run folder, and runs a command shared by two rows once", async () => {
    const runsDir = join(work, "runs");
    const runDir = join(runsDir, "e", "20261204-000000-abcdef12");
    await mkdir(runDir, { recursive: true });
    const aggregate = (ndcg: number) => ({ aggregate: { "nDCG@10": ndcg, "R@100": 0.5 } });
    await writeFile(join(runDir, "metrics.json"), JSON.stringify({ splits: { test: { systems: { i3: aggregate(0.58474), "dual-encoder": aggregate(0.38) } } } }));
    const ran: string[] = [];
    const execute = async (c: string) => (ran.push(c), output("", { newRunDirs: [runDir] }));
    const lines: string[] = [];
    const results = await reproduceRows(
      [runRow("de", [{ system: "dual-encoder", measure: "nDCG@10", published: ".3815" }]), runRow("i3", [{ system: "i3", measure: "nDCG@10", published: ".5847" }, { system: "i3", measure: "R@100", published: ".5000" }])],
      options(execute, lines, { runsDir }),
    );
    expect(ran).toEqual([`npx i3 run experiments/e.ts --runs-dir ${runsDir}`]);
    expect(results.map((r) => r.status)).toEqual(["FAIL", "OK"]);
    expect(lines).toContainEqual(expect.stringMatching(/dual-encoder nDCG@10 +FAIL \(got \.3800, published \.3815, diff -\.0015\)/));
    expect(lines).toContainEqual(expect.stringContaining("[output of the run above]"));
  });

  it("reads the standard deviation over seeds for a value marked statistic sd, and fails a row whose run has none", async () => {
    const runDir = join(work, "e", "20261206-000000-0123abcd");
    await mkdir(runDir, { recursive: true });
    const seeded = { aggregate: { "nDCG@10": 0.56534 }, seeds: { seeds: [1, 2, 3], sd: { "nDCG@10": 0.01314 } } };
    await writeFile(join(runDir, "metrics.json"), JSON.stringify({ splits: { test: { systems: { i3: seeded, bm25: { aggregate: { "nDCG@10": 0.6789 } } } } } }));
    const run = async () => output("", { newRunDirs: [runDir] });
    const lines: string[] = [];
    const ok = await reproduceRow(
      runRow("i3", [{ system: "i3", measure: "nDCG@10", published: ".5653" }, { system: "i3", measure: "nDCG@10", published: ".0131", statistic: "sd" }]),
      options(run, lines, { runsDir: work }),
    );
    expect(ok.status).toBe("OK");
    expect(lines).toContainEqual(expect.stringMatching(/i3 nDCG@10 sd +OK/));
    const single = await reproduceRow(runRow("b", [{ system: "bm25", measure: "nDCG@10", published: ".0000", statistic: "sd" }]), options(run, [], { runsDir: work }));
    expect([single.status, single.reason]).toEqual(["FAIL", "not produced: bm25 nDCG@10 sd"]);
  });

  it("FAIL naming the folder when the command left no run folder, or the split is absent", async () => {
    const row = runRow("x", [{ system: "i3", measure: "nDCG@10", published: ".5847" }]);
    const none = await reproduceRow(row, options(async () => output(""), [], { runsDir: work }));
    expect(none.reason).toBe(`expected one new run folder with metrics.json in ${join(work, "e")}, found 0`);
    const runDir = join(work, "e", "r1");
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, "metrics.json"), JSON.stringify({ splits: { dev: { systems: {} } } }));
    const wrongSplit = await reproduceRow(row, options(async () => output("", { newRunDirs: [runDir] }), [], { runsDir: work }));
    expect(wrongSplit.reason).toBe(`${join(runDir, "metrics.json")}: no split "test" (has: dev)`);
  });
});

describe("parseReproArgs", () => {
  it("selects the fast rows by default, every row with --all, the named ones with --only", () => {
    const fast = parseReproArgs([]);
    expect(fast.rows.every((r) => r.fast)).toBe(true);
    expect(fast.leftOut).toBeGreaterThan(0);
    expect(parseReproArgs(["--all"]).leftOut).toBe(0);
    expect(parseReproArgs(["--only", "i3-default,bm25-default"]).rows.map((r) => r.id)).toEqual(["bm25-default", "i3-default"]);
  });

  it("rejects unknown flags, rows and arguments", () => {
    expect(() => parseReproArgs(["--fast"])).toThrow(/--fast/);
    expect(() => parseReproArgs(["--only", "nope"])).toThrow(/unknown row nope; rows: bm25-scifact/);
    expect(() => parseReproArgs(["extra"])).toThrow(/unexpected argument "extra"/);
  });
});
