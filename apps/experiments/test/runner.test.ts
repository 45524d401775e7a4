import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadQrels, loadTrecRun, readNegativesTsv } from "@i3/data";
import { evaluate } from "@i3/metrics";
import { defineExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { createRunDir } from "../src/runner/run-dir.js";
import { parseLog } from "../src/runner/run-log.js";
import { runExperiment, type RunOptions } from "../src/runner/run-experiment.js";
import { fakeDenseSystem, tempDir, writeTinyCollection, type FakeNeuralCalls } from "./runner-fixtures.js";

let collectionDir: string;
let datasetsDir: string;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  datasetsDir = await tempDir("i3-datasets-");
});

function tiny(input: Partial<ExperimentInput> = {}): ExperimentInput {
  return { name: "tiny", dataset: `local:${collectionDir}`, evaluation: { measures: ["nDCG@10", "RR@10", "R@100", "AP"] }, ...input };
}

async function options(extra: Partial<RunOptions> = {}): Promise<RunOptions> {
  return { runsDir: await tempDir(), datasetsDir, quiet: true, ...extra };
}

describe("runExperiment", () => {
  it("writes a complete run folder whose metrics match trec_eval-exact evaluation of its run file", async () => {
    const opts = await options();
    const result = await runExperiment(tiny(), opts);
    expect(result.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(result.runDir).toBe(join(opts.runsDir!, "tiny", result.runId));
    const files = (await readdir(result.runDir)).sort();
    expect(files).toEqual(["config.json", "environment.json", "log.jsonl", "metrics.json", "report.html", "report.md", "run.json", "runs"]);
    expect(await readdir(join(result.runDir, "runs"))).toEqual(["bm25-test.trec"]);

    expect(JSON.parse(await readFile(join(result.runDir, "config.json"), "utf8"))).toEqual(defineExperiment(tiny()));
    const env = JSON.parse(await readFile(join(result.runDir, "environment.json"), "utf8"));
    expect(env.node).toBe(process.version);
    expect(env.tfjsBackend).toBe("none");
    expect(env.packages["@i3/metrics"]).toBeDefined();
    expect(env.cpu.cores).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(result.runDir, "run.json"), "utf8")).status).toBe("complete");

    // Independent check: evaluate the copied run file against the collection's own qrels.
    const qrels = await loadQrels(join(collectionDir, "qrels", "test.tsv"));
    const run = await loadTrecRun(join(result.runDir, "runs", "bm25-test.trec"));
    const expected = evaluate(qrels, run, ["nDCG@10", "RR@10", "R@100", "AP"]);
    const metrics = JSON.parse(await readFile(join(result.runDir, "metrics.json"), "utf8"));
    const bm25 = metrics.splits.test.systems.bm25;
    for (const [measure, value] of expected.aggregate) expect(bm25.aggregate[measure]).toBeCloseTo(value, 12);
    expect(bm25.queries).toEqual([...expected.queries]);
    expect(Object.keys(bm25.perQuery)).toHaveLength(12);
    expect(bm25.perQuery["te3"]["RR@10"]).toBe(expected.perQuery.get("te3")!.get("RR@10"));
    expect(bm25.ci["nDCG@10"].low).toBeLessThanOrEqual(bm25.aggregate["nDCG@10"]);
    // Only the baseline: its rows hold its means, nothing is tested.
    expect(metrics.splits.test.comparison.rows.map((r: { system: string; delta: unknown }) => [r.system, r.delta])).toEqual(expected.measures.map(() => ["bm25", null]));
  });

  it("reuses every cached stage output on a second run, in a new run folder", async () => {
    const opts = await options();
    const first = await runExperiment(tiny(), opts);
    const second = await runExperiment(tiny(), opts);
    expect(first.stages.map((s) => [s.id, s.cached])).toEqual([
      ["data", false],
      ["bm25/retrieve:test", false],
      ["bm25/evaluate:test", false],
    ]);
    expect(second.stages.every((s) => s.cached)).toBe(true);
    expect(second.stages.map((s) => s.hash)).toEqual(first.stages.map((s) => s.hash));
    expect(second.runDir).not.toBe(first.runDir);
    expect(second.metrics.splits).toEqual(first.metrics.splits);
    const log = parseLog(await readFile(join(second.runDir, "log.jsonl"), "utf8"));
    expect(log.filter((r) => r.event === "stage-cached").map((r) => r.stage)).toEqual(["data", "bm25/retrieve:test", "bm25/evaluate:test"]);
    expect(log.some((r) => r.event === "stage-start")).toBe(false);
    // A changed evaluation option re-evaluates only.
    const third = await runExperiment(tiny({ evaluation: { measures: ["nDCG@10", "RR@10", "R@100", "AP"], allQueries: true } }), opts);
    expect(third.stages.map((s) => [s.id, s.cached])).toEqual([
      ["data", true],
      ["bm25/retrieve:test", true],
      ["bm25/evaluate:test", false],
    ]);
  });

  it("never reuses a run folder: the same second gets a suffixed id", async () => {
    const dir = await tempDir();
    const date = new Date("2026-01-02T03:04:05Z");
    const a = await createRunDir(dir, "abcdef0123456789", date);
    const b = await createRunDir(dir, "abcdef0123456789", date);
    expect(a.runId).toBe("20260102-030405-abcdef01");
    expect(b.runId).toBe("20260102-030405-abcdef01-2");
  });

  it("resumes a run killed mid-stage and reaches the metrics of an uninterrupted run", async () => {
    const opts = await options();
    let crash = true;
    const hooks = {
      beforeCommit: async (id: string, tempDir: string) => {
        if (id === "bm25/evaluate:test" && crash) {
          await writeFile(join(tempDir, "evaluation.json"), '{"half": '); // a half-written output
          throw new Error("simulated crash");
        }
      },
    };
    await expect(runExperiment(tiny(), { ...opts, hooks })).rejects.toThrow("stage bm25/evaluate:test failed: simulated crash");
    const [runId] = await readdir(join(opts.runsDir!, "tiny"));
    const runDir = join(opts.runsDir!, "tiny", runId!);
    const status = JSON.parse(await readFile(join(runDir, "run.json"), "utf8"));
    expect(status).toMatchObject({ status: "failed", error: "stage bm25/evaluate:test failed: simulated crash" });
    // The half-written stage was not committed.
    await expect(stat(join(opts.runsDir!, ".cache", "evaluate"))).resolves.toBeDefined();
    expect((await readdir(join(opts.runsDir!, ".cache", "evaluate"))).filter((n) => !n.startsWith("."))).toEqual([]);

    crash = false;
    const resumed = await runExperiment(tiny(), { ...opts, hooks, resume: true });
    expect(resumed.runDir).toBe(runDir);
    expect(resumed.stages.map((s) => [s.id, s.cached])).toEqual([
      ["data", true],
      ["bm25/retrieve:test", true],
      ["bm25/evaluate:test", false],
    ]);
    const log = parseLog(await readFile(join(runDir, "log.jsonl"), "utf8"));
    expect(log.map((r) => r.event).filter((e) => ["start", "failed", "resume", "complete"].includes(e))).toEqual(["start", "failed", "resume", "complete"]);

    const clean = await runExperiment(tiny(), await options());
    expect(resumed.metrics.splits).toEqual(clean.metrics.splits);
    expect(await readFile(join(runDir, "runs", "bm25-test.trec"), "utf8")).toBe(await readFile(join(clean.runDir, "runs", "bm25-test.trec"), "utf8"));
  });

  it("ignores and cleans temp folders left by a dead process, and refuses to resume with a changed config", async () => {
    const opts = await options();
    const first = await runExperiment(tiny(), opts);
    const stale = join(opts.runsDir!, ".cache", "retrieve", `.${"0".repeat(64)}.999999999.abcd1234.tmp`);
    await mkdir(stale, { recursive: true });
    await runExperiment(tiny({ systems: { bm25: { kind: "bm25", k1: 1.2 } } }), opts);
    await expect(stat(stale)).rejects.toThrow();
    await expect(runExperiment(tiny({ seed: 1 }), { ...opts, resume: first.runDir })).rejects.toThrow(/the config changed since that run started/);
  });

  it("runs a dense system's stages (negatives, train, index, retrieve) and compares with the baseline", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options({ systems: [fakeDenseSystem("dual-encoder", calls)] });
    const dualEncoder = { kind: "dual-encoder", negatives: { toRank: 20, perQuery: 2 } } as const;
    const config = tiny({ systems: { bm25: { kind: "bm25" }, "dual-encoder": dualEncoder } });
    const result = await runExperiment(config, opts);
    expect(result.stages.map((s) => s.id)).toEqual([
      "data",
      "bm25/retrieve:test",
      "bm25/evaluate:test",
      "bm25/retrieve:train",
      "dual-encoder/negatives",
      "dual-encoder/train",
      "dual-encoder/index",
      "dual-encoder/retrieve:test",
      "dual-encoder/evaluate:test",
    ]);
    expect(calls).toEqual({ train: 1, index: 1, retrieve: 1 });
    // Negatives in the reference format, mined from the BM25 train run (positives removed).
    const negatives = await readNegativesTsv(join(opts.runsDir!, ".cache", "negatives", result.stages[4]!.hash, "negatives.tsv"));
    expect(negatives.size).toBeGreaterThan(0);
    for (const [qid, pids] of negatives) {
      expect(pids).not.toContain(`d${qid.slice(2)}-0`);
      expect(pids.length).toBeLessThanOrEqual(20);
    }
    const env = JSON.parse(await readFile(join(result.runDir, "environment.json"), "utf8"));
    expect(env.tfjsBackend).toBe("fake-js");
    expect((await readdir(result.runDir)).sort()).toContain("training-log-dual-encoder.jsonl");
    expect((await readdir(join(result.runDir, "runs"))).sort()).toEqual(["bm25-test.trec", "dual-encoder-test.trec"]);
    const comparison = result.metrics.splits["test"]!.comparison!;
    const compared = comparison.rows.filter((r) => r.system !== "bm25");
    expect(compared.map((c) => [c.system, c.measure])).toEqual([
      ["dual-encoder", "nDCG@10"],
      ["dual-encoder", "RR@10"],
      ["dual-encoder", "R@100"],
      ["dual-encoder", "AP"],
    ]);
    expect(compared[0]!.p.t).toBeGreaterThanOrEqual(0);
    expect(compared[0]!.pAdjusted.randomization).toBeLessThanOrEqual(1);
    expect(compared[0]!.ciLow).toBeLessThanOrEqual(compared[0]!.delta!);

    // Changing only the dual-encoder's loss reuses data, BM25 and the negatives.
    const second = await runExperiment(tiny({ systems: { bm25: { kind: "bm25" }, "dual-encoder": { ...dualEncoder, losses: { contrastive: { temperature: 0.05 } } } } }), opts);
    const cached = Object.fromEntries(second.stages.map((s) => [s.id, s.cached]));
    expect(cached).toMatchObject({
      data: true,
      "bm25/retrieve:train": true,
      "bm25/retrieve:test": true,
      "dual-encoder/negatives": true,
      "dual-encoder/train": false,
      "bm25/evaluate:test": true,
    });
    expect(calls.train).toBe(2);
  });

  it("names the failing stage and records no backend when a system's training fails", async () => {
    const broken = fakeDenseSystem("dual-encoder", undefined, { failTraining: "out of memory in the test system" });
    const opts = await options({ systems: [broken] });
    const config = tiny({ systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20 } } } });
    await expect(runExperiment(config, opts)).rejects.toThrow(/^stage dual-encoder\/train failed: out of memory in the test system/);
    const [runId] = await readdir(join(opts.runsDir!, "tiny"));
    const env = JSON.parse(await readFile(join(opts.runsDir!, "tiny", runId!, "environment.json"), "utf8"));
    expect(env.tfjsBackend).toBe("none");
  });
});

describe("seeds as replicates", () => {
  it("runs each system once per seed and reports the mean over seeds with its sd; tests pair per-query means", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options({ systems: [fakeDenseSystem("dual-encoder", calls)] });
    const config = tiny({ seeds: [1, 2, 3], evaluation: { measures: ["nDCG@10", "AP"], allQueries: true }, systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20 } } } });
    const result = await runExperiment(config, opts);
    expect(calls.train).toBe(3);
    const ids = result.stages.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["dual-encoder@1/train", "dual-encoder@2/train", "dual-encoder@3/train", "bm25@2/retrieve:train"]));
    // BM25 does not depend on the seed: its run is computed once and reused from the cache.
    expect(result.stages.filter((s) => s.stage === "retrieve" && s.id.startsWith("bm25@") && s.id.endsWith(":test") && !s.cached)).toHaveLength(1);
    expect((await readdir(join(result.runDir, "runs"))).sort()).toEqual(["bm25-test-seed1.trec", "bm25-test-seed2.trec", "bm25-test-seed3.trec", "dual-encoder-test-seed1.trec", "dual-encoder-test-seed2.trec", "dual-encoder-test-seed3.trec"]);

    // Independent: evaluate each seed's run file, then average by hand.
    const qrels = await loadQrels(join(collectionDir, "qrels", "test.tsv"));
    const perSeed = await Promise.all([1, 2, 3].map(async (s) => evaluate(qrels, await loadTrecRun(join(result.runDir, "runs", `dual-encoder-test-seed${s}.trec`)), ["nDCG@10", "AP"], { allQueries: true })));
    const de = result.metrics.splits["test"]!.systems["dual-encoder"]!;
    const aps = perSeed.map((e) => e.aggregate.get("AP")!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(de.aggregate["AP"]).toBeCloseTo(mean(aps), 12);
    const sd = Math.sqrt(aps.reduce((a, v) => a + (v - mean(aps)) ** 2, 0) / 2);
    expect(de.seeds!.sd["AP"]).toBeCloseTo(sd, 12);
    expect(sd).toBeGreaterThan(0); // the fake's tie-breaker depends on the seed
    expect(de.seeds!.seeds).toEqual([1, 2, 3]);
    expect(de.perQuery["te3"]!["AP"]).toBeCloseTo(mean(perSeed.map((e) => e.perQuery.get("te3")!.get("AP")!)), 12);
    expect(result.metrics.splits["test"]!.systems["bm25"]!.seeds!.sd["AP"]).toBe(0);
    const md = await readFile(join(result.runDir, "report.md"), "utf8");
    expect(md).toMatch(/\|dual-encoder\|12\|\s*0\.\d{4} ± 0\.\d{4}/);
    expect(md).toContain("over seeds 1, 2, 3");
  });

  it("refuses repeated seeds", () => {
    expect(() => defineExperiment(tiny({ seeds: [1, 1] }))).toThrow("config error at seeds: seeds repeat a value: [1, 1]");
  });
});
