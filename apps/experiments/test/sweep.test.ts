import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defineExperiment } from "../src/config/define.js";
import { describeChanges } from "../src/report/sweep-metrics.js";
import { defineSweep, expandSweep } from "../src/sweep/define.js";
import { mapWithConcurrency, runSweep } from "../src/sweep/run-sweep.js";
import { fakeDenseSystem, tempDir, writeOutOfDomainCollection, writeTinyCollection, type FakeNeuralCalls } from "./runner-fixtures.js";

let collectionDir: string;
beforeAll(async () => {
  collectionDir = await writeTinyCollection();
});

describe("defineSweep / expandSweep", () => {
  const base = defineExperiment({ name: "base", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder" } } });

  it("expands a grid to the cartesian product with readable names", () => {
    const sweep = defineSweep(base, { grid: { "systems.de.losses.contrastive.temperature": [0.05, 1], "systems.de.optimizer.lr": [1e-4, 3e-5] } });
    const runs = expandSweep(sweep);
    expect(sweep.name).toBe("base-sweep");
    expect(runs.map((r) => r.name)).toEqual([
      "base--temperature=0.05--lr=0.0001",
      "base--temperature=0.05--lr=0.00003",
      "base--temperature=1--lr=0.0001",
      "base--temperature=1--lr=0.00003",
    ]);
    expect(runs[1]!.config!.systems["de"]).toMatchObject({ losses: { contrastive: { temperature: 0.05 } }, optimizer: { lr: 3e-5 } });
    expect(runs[1]!.config!.name).toBe("base--temperature=0.05--lr=0.00003");
    expect(runs[1]!.changes).toEqual({ "systems.de.losses.contrastive.temperature": 0.05, "systems.de.optimizer.lr": 3e-5 });
  });

  it("lengthens short names that would clash, and expands variants with nested or dotted patches", () => {
    const sweep = defineSweep(base, {
      name: "s",
      includeBase: true,
      grid: { "systems.de.negatives.perQuery": [3], "systems.bm25.depth": [100] },
      variants: [
        { name: "mean-pooling", patch: { systems: { de: { model: { pooling: "mean" } } } } },
        { name: "deeper", patch: { "systems.de.negatives.toRank": 200 } },
      ],
    });
    const runs = expandSweep(sweep);
    expect(runs.map((r) => r.name)).toEqual(["base", "base--perQuery=3--depth=100", "base--mean-pooling", "base--deeper"]);
    expect(runs[2]!.config!.systems["de"]).toMatchObject({ kind: "dual-encoder", model: { pooling: "mean", preset: "tiny" } });
    expect(runs[3]!.config!.systems["de"]).toMatchObject({ negatives: { toRank: 200 } });
  });

  it("describes nested, dotted and deleting patches as dotted paths", () => {
    expect(describeChanges({ losses: { reconstruction: undefined }, "i3.slots": 8, model: { pooling: "mean", preset: { layers: 2 } } })).toBe(
      "losses.reconstruction=(removed); i3.slots=8; model.pooling=mean; model.preset.layers=2",
    );
    expect(describeChanges({ "evaluation.measures": ["AP"], negatives: {} })).toBe('evaluation.measures=["AP"]; negatives={}');
  });

  it("turns an invalid variant into a run error instead of throwing", () => {
    const runs = expandSweep(defineSweep(base, { variants: [{ name: "bad", patch: { "systems.de.model.pooling": "max" } }, { name: "typo", patch: { "systems.de.model.poolng": "cls" } }] }));
    expect(runs[0]!.config).toBeUndefined();
    expect(runs[0]!.error!.message).toBe('sweep run base--bad: config error at systems.de.model.pooling: expected "cls" | "mean", got "max"');
    // A mistyped sweep key is caught when the sweep is expanded (before any run), like a config error.
    expect(runs[1]!.error!.message).toBe("sweep run base--typo: config error at systems.de.model.poolng: unknown field");
  });

  it("rejects empty sweeps, empty grids and duplicate names", () => {
    expect(() => defineSweep(base, {})).toThrow("sweep: give a grid, variants, or includeBase: true");
    expect(() => defineSweep(base, { grid: { seed: [] } })).toThrow('sweep grid "seed": expected a non-empty array of values');
    expect(() => defineSweep(base, { variants: [{ name: "a", patch: {} }, { name: "a", patch: {} }] })).toThrow('variant name "a" is used twice');
    expect(() => defineSweep(base, { name: base.name, includeBase: true })).toThrow(`name "${base.name}" is the base experiment's name`);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps at most `limit` tasks in flight and the input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (x) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, x));
      inFlight--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

/** BM25 and the fake dual-encoder trained on the tiny collection, also evaluated zero-shot on a second one (`outOfDomain`, returned). */
async function zeroShotBase(name: string, measures: string[]) {
  const outOfDomain = `local:${await writeOutOfDomainCollection()}`;
  const base = defineExperiment({
    name,
    dataset: `local:${collectionDir}`,
    outOfDomain: [outOfDomain],
    systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20, perQuery: 2 } } },
    evaluation: { measures, allQueries: true, significance: { permutations: 2000 } },
  });
  return { base, outOfDomain };
}

describe("runSweep", () => {
  it("survives failing runs, reports them, and tests the others against the baseline", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const base = defineExperiment({
      name: "tiny",
      dataset: `local:${collectionDir}`,
      systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20, perQuery: 2 } } },
      evaluation: { measures: ["nDCG@10", "RR@10", "AP"], significance: { permutations: 2000 } },
    });
    const sweep = defineSweep(base, {
      name: "tiny-temperature",
      grid: { "systems.dual-encoder.losses.contrastive.temperature": [0.05, 1] },
      variants: [
        { name: "bad-config", patch: { "systems.bm25.k1": -1 } },
        { name: "no-such-split", patch: { splits: { test: "nope" } } },
      ],
    });
    const runsDir = await tempDir();
    const result = await runSweep(sweep, { runsDir, datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder", calls)], concurrency: 2 });

    expect(result.runs.map((r) => [r.name, r.status])).toEqual([
      ["tiny--temperature=0.05", "ok"],
      ["tiny--temperature=1", "ok"],
      ["tiny--bad-config", "failed"],
      ["tiny--no-such-split", "failed"],
    ]);
    expect(result.runs[2]!.error).toBe("sweep run tiny--bad-config: config error at systems.bm25.k1: Too small: expected number to be >0, got -1");
    expect(result.runs[3]!.error).toMatch(/has no split "nope" \(splits\.test\); it has: [a-z, ]*test/);
    expect(calls.train).toBe(2); // data, BM25 and negatives were shared through the cache

    const m = result.metrics;
    expect(m.baseline).toEqual({ run: "tiny--temperature=0.05", system: "bm25" });
    expect(m.rows.map((r) => [r.label, r.role])).toEqual([
      ["tiny--temperature=0.05 / bm25", "baseline"],
      ["tiny--temperature=0.05 / dual-encoder", "compared"],
      ["tiny--temperature=1 / bm25", "same-as-baseline"],
      ["tiny--temperature=1 / dual-encoder", "compared"],
      ["tiny--bad-config", "failed"],
      ["tiny--no-such-split", "failed"],
    ]);
    // Holm across the two compared rows: each adjusted p-value is >= its raw p-value.
    const nd = m.comparison!.rows.filter((c) => c.measure === "nDCG@10" && c.delta !== null);
    expect(m.comparison!.settings.baseline).toBe("tiny--temperature=0.05 / bm25");
    expect(nd.map((c) => c.system)).toEqual(["tiny--temperature=0.05 / dual-encoder", "tiny--temperature=1 / dual-encoder"]);
    for (const c of nd) {
      expect(c.pAdjusted.t).toBeGreaterThanOrEqual(c.p.t!);
      expect(c.n).toBe(12);
    }
    // The temperature-0.05 fake ranks by negated overlap: far worse than BM25, significant on both tests.
    const bad = m.rows[1]!;
    expect(bad.aggregate["nDCG@10"]).toBeLessThan(m.rows[0]!.aggregate["nDCG@10"]!);
    expect(bad.markers["nDCG@10"]).toBe("▼†‡");

    const table = result.table;
    expect(table.numRows()).toBe(6);
    const perMeasure = (x: string) => [x, `${x} delta`, `${x} ci low`, `${x} ci high`, `${x} p t`, `${x} p t holm`, `${x} p randomization`, `${x} p randomization holm`, `${x} sig`];
    const columns = ["run", "system", "split", "role", "changes", ...["nDCG@10", "RR@10", "AP"].flatMap(perMeasure), "error"];
    expect(table.columnNames()).toEqual(columns);
    const badRow = table.objects()[1] as Record<string, number | string>;
    expect(badRow["nDCG@10 delta"]).toBeCloseTo(nd[0]!.delta!, 15);
    expect(badRow["nDCG@10 p t holm"]).toBe(nd[0]!.pAdjusted.t);
    expect(badRow["nDCG@10 sig"]).toBe("▼†‡");
    expect((table.objects()[0] as Record<string, unknown>)["nDCG@10 delta"]).toBeNull(); // the baseline row
    const sweepJson = JSON.parse(await readFile(join(result.sweepDir, "sweep.json"), "utf8"));
    expect(sweepJson.runs.filter((r: { status: string }) => r.status === "failed")).toHaveLength(2);
    const md = await readFile(join(result.sweepDir, "report.md"), "utf8");
    expect(md).toContain("## Failed runs");
    expect(md).toContain("tiny--bad-config");
    expect(md).toMatch(/\|tiny--temperature=0\.05\|dual-encoder\|[^\n]*▼†‡/);
    expect(md).toContain("## Against the baseline");
    expect(md).toMatch(/\|tiny--temperature=0\.05 \/ dual-encoder\|nDCG@10\|12\|0\.\d{4}\|-0\.\d{4}\|\[-\d\.\d{4}, -0\.\d{4}\]\|[^\n]*\|▼†‡\|/);
    const csv = await readFile(join(result.sweepDir, "results.csv"), "utf8");
    expect(csv.split("\n")[0]).toBe(columns.join(","));

    // --resume reuses the complete runs instead of rerunning them.
    const again = await runSweep(sweep, { runsDir, datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder", calls)], resume: true });
    expect(again.runs.filter((r) => r.status === "ok").map((r) => r.runDir)).toEqual(result.runs.filter((r) => r.status === "ok").map((r) => r.runDir));
    expect(calls.train).toBe(2);
    expect(again.sweepDir).not.toBe(result.sweepDir);
  });

  it("tests each variant's system against the same system of the base run when the sweep includes it", async () => {
    const base = defineExperiment({
      name: "abl",
      dataset: `local:${collectionDir}`,
      systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder", negatives: { toRank: 20 } } },
      evaluation: { measures: ["nDCG@10", "AP"], significance: { permutations: 2000 } },
    });
    const sweep = defineSweep(base, { includeBase: true, variants: [{ name: "sharp", patch: { "systems.dual-encoder.losses.contrastive.temperature": 0.05 } }] });
    const result = await runSweep(sweep, { runsDir: await tempDir(), datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder")] });
    const versus = result.metrics.versusBase!;
    expect(versus.run).toBe("abl");
    // BM25 is the same in both runs (not tested); the variant's dual-encoder is tested against the base run's.
    expect(versus.comparisons.map((c) => [c.system, c.measure])).toEqual([
      ["abl--sharp / dual-encoder", "nDCG@10"],
      ["abl--sharp / dual-encoder", "AP"],
    ]);
    const nd = versus.comparisons[0]!;
    const baseDe = result.runs[0]!.metrics!.splits["test"]!.systems["dual-encoder"]!;
    const sharpDe = result.runs[1]!.metrics!.splits["test"]!.systems["dual-encoder"]!;
    expect(nd.meanDiff).toBeCloseTo(sharpDe.aggregate["nDCG@10"]! - baseDe.aggregate["nDCG@10"]!, 12);
    expect(nd.meanDiff).toBeLessThan(0);
    expect(nd.tests.t!.significant).toBe(true);
    const md = await readFile(join(result.sweepDir, "report.md"), "utf8");
    expect(md).toContain("## Against the base run");
    const csv = (await readFile(join(result.sweepDir, "results.csv"), "utf8")).split("\n")[0];
    expect(csv).toContain("nDCG@10 diff vs base,nDCG@10 sig vs base");
  });

  it("reports every evaluated split: the experiment's and each out-of-domain dataset's, each tested against the baseline there", async () => {
    const { base, outOfDomain } = await zeroShotBase("zs", ["nDCG@10", "AP"]);
    const sweep = defineSweep(base, { grid: { "systems.dual-encoder.losses.contrastive.temperature": [0.05, 1] } });
    const result = await runSweep(sweep, { runsDir: await tempDir(), datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder")] });
    expect(result.runs.map((r) => r.status)).toEqual(["ok", "ok"]);
    const m = result.metrics;
    const key = `${outOfDomain}:test`;
    expect(m.splitKey).toBe("test");
    expect(m.otherSplits!.map((s) => [s.splitKey, s.dataset, s.split, s.outOfDomain])).toEqual([[key, outOfDomain, "test", true]]);
    const zeroShot = m.otherSplits![0]!;
    expect(zeroShot.baseline).toEqual({ run: "zs--temperature=0.05", system: "bm25" });
    // Each row holds its run's own evaluation of that split; each delta is the compared system minus the baseline over the same queries.
    for (const row of zeroShot.rows) {
      const run = result.runs.find((r) => r.name === row.run)!;
      expect(row.aggregate).toEqual(run.metrics!.splits[key]!.systems[row.system]!.aggregate);
    }
    expect(zeroShot.rows.map((r) => r.role)).toEqual(["baseline", "compared", "same-as-baseline", "compared"]);
    const baselineB = zeroShot.rows[0]!.aggregate["nDCG@10"]!;
    const deltas = zeroShot.comparison!.rows.filter((c) => c.measure === "nDCG@10" && c.delta !== null);
    expect(deltas.map((c) => c.system)).toEqual(["zs--temperature=0.05 / dual-encoder", "zs--temperature=1 / dual-encoder"]);
    deltas.forEach((c, i) => expect(c.delta).toBeCloseTo(zeroShot.rows[2 * i + 1]!.aggregate["nDCG@10"]! - baselineB, 12));
    expect(zeroShot.rows[0]!.aggregate["nDCG@10"]).not.toBe(m.rows[0]!.aggregate["nDCG@10"]); // another collection, other values

    const csv = (await readFile(join(result.sweepDir, "results.csv"), "utf8")).trim().split("\n");
    expect(csv).toHaveLength(1 + 2 * 4);
    expect(csv.slice(1).map((line) => line.split(",")[2])).toEqual([...Array(4).fill("test"), ...Array(4).fill(key)]);
    const md = await readFile(join(result.sweepDir, "report.md"), "utf8");
    expect(md).toContain("## Results (test split)");
    expect(md).toContain(`## Out of domain: ${outOfDomain}, test`);
    expect(md).toContain(`Zero-shot: every model was trained on local:${collectionDir}; nothing was trained on ${outOfDomain}.`);
    expect(md).toContain(`## Against the baseline: ${outOfDomain}, test`);
    expect(md.indexOf("## Against the baseline\n")).toBeLessThan(md.indexOf("## Out of domain"));
  });

  it("tests each variant against the base run on every split, out of domain too", async () => {
    const { base, outOfDomain } = await zeroShotBase("zsb", ["nDCG@10"]);
    const sweep = defineSweep(base, { includeBase: true, variants: [{ name: "sharp", patch: { "systems.dual-encoder.losses.contrastive.temperature": 0.05 } }] });
    const result = await runSweep(sweep, { runsDir: await tempDir(), datasetsDir: await tempDir(), quiet: true, systems: [fakeDenseSystem("dual-encoder")] });
    const key = `${outOfDomain}:test`;
    const versus = result.metrics.otherSplits![0]!.versusBase!;
    expect(versus.run).toBe("zsb");
    expect(versus.comparisons.map((c) => c.system)).toEqual(["zsb--sharp / dual-encoder"]);
    const [baseRun, sharpRun] = [result.runs[0]!, result.runs[1]!];
    const diff = sharpRun.metrics!.splits[key]!.systems["dual-encoder"]!.aggregate["nDCG@10"]! - baseRun.metrics!.splits[key]!.systems["dual-encoder"]!.aggregate["nDCG@10"]!;
    expect(versus.comparisons[0]!.meanDiff).toBeCloseTo(diff, 12);
    expect(await readFile(join(result.sweepDir, "report.md"), "utf8")).toContain(`## Against the base run: ${outOfDomain}, test`);
  });
});
