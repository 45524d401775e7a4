/**
 * Out-of-domain (zero-shot) evaluation (`outOfDomain`): systems trained on tiny collection A,
 * evaluated on A's test split and on collection B, whose passage and query ids differ from A's.
 * The neural system is the fake dense system of ./runner-fixtures.ts (train -> index -> retrieve
 * with the real negatives stage, no TensorFlow.js); the real systems' plans are checked without
 * running them, and the real I3 (TensorFlow.js, a tiny budget) is run on B once.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadQrels, loadTrecRun } from "@i3/data";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { DenseIndex } from "@i3/search";
import { evaluate } from "@i3/metrics";
import { configHash, parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planRunStatus } from "../src/runner/dry-run.js";
import { planExperiment } from "../src/runner/plan.js";
import { runExperiment, type RunOptions } from "../src/runner/run-experiment.js";
import { defineStage, stageHash, stageLabel, type RunFileOutput, type StageSpec } from "../src/runner/stage.js";
import { systemDefinition } from "../src/systems/registry.js";
import { defineSystem } from "../src/systems/system.js";
import { TINY_NEURAL_BUDGET, fakeDenseSystem, tempDir, writeOutOfDomainCollection, writeTinyCollection, type FakeNeuralCalls } from "./runner-fixtures.js";

let dirA: string;
let dirB: string;
let datasetsDir: string;
const MEASURES = ["nDCG@10", "RR@10", "R@100", "AP"];

beforeAll(async () => {
  dirA = await writeTinyCollection();
  dirB = await writeOutOfDomainCollection();
  datasetsDir = await tempDir("i3-datasets-");
});

const dualEncoder = { kind: "dual-encoder", negatives: { toRank: 20, perQuery: 2 } } as const;

function config(input: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: "ood",
    dataset: `local:${dirA}`,
    evaluation: { measures: MEASURES },
    systems: { bm25: { kind: "bm25" }, "dual-encoder": dualEncoder, rrf: { kind: "rrf", fuse: ["bm25", "dual-encoder"] } },
    ...input,
  };
}

async function options(calls: FakeNeuralCalls, extra: Partial<RunOptions> = {}): Promise<RunOptions> {
  return { runsDir: await tempDir(), datasetsDir, quiet: true, systems: [fakeDenseSystem("dual-encoder", calls)], ...extra };
}

describe("out-of-domain evaluation", () => {
  it("trains on A once, runs every system on B's corpus and evaluates B's runs as @i3/metrics does", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options(calls);
    const b = `local:${dirB}`;
    const result = await runExperiment(config({ outOfDomain: [b] }), opts);

    // Training stages once, on A (no dataset in their label); every evaluation stage once per dataset.
    const ids = result.stages.map((s) => s.id);
    expect(ids.filter((id) => id.includes("train") || id.includes("negatives"))).toEqual(["bm25/retrieve:train", "dual-encoder/negatives", "dual-encoder/train"]);
    expect(ids.filter((id) => id.endsWith(`[${b}]`)).sort()).toEqual(
      [
        `data[${b}]`,
        `bm25/retrieve:test[${b}]`,
        `bm25/evaluate:test[${b}]`,
        `dual-encoder/index[${b}]`,
        `dual-encoder/retrieve:test[${b}]`,
        `dual-encoder/evaluate:test[${b}]`,
        `rrf/fuse:test[${b}]`,
        `rrf/evaluate:test[${b}]`,
      ].sort(),
    );
    // Both data stages come before any training.
    expect(ids.indexOf(`data[${b}]`)).toBeLessThan(ids.indexOf("bm25/retrieve:train"));
    expect(calls).toEqual({ train: 1, index: 2, retrieve: 2 });

    // B's run files hold B's queries and passages only.
    const files = (await readdir(join(result.runDir, "runs"))).sort();
    const slug = `local-${dirB.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")}`;
    expect(files).toEqual(["bm25", "dual-encoder", "rrf"].flatMap((s) => [`${s}-test.trec`, `${s}-${slug}-test.trec`]).sort());
    const qrelsB = await loadQrels(join(dirB, "qrels", "test.tsv"));
    const metrics = JSON.parse(await readFile(join(result.runDir, "metrics.json"), "utf8"));
    const splitB = metrics.splits[`${b}:test`];
    expect(splitB).toMatchObject({ dataset: b, outOfDomain: true, split: "test" });
    expect(metrics.splits.test).toMatchObject({ dataset: `local:${dirA}`, split: "test" });
    expect(metrics.splits.test.outOfDomain).toBeUndefined();
    for (const system of ["bm25", "dual-encoder", "rrf"]) {
      const run = await loadTrecRun(join(result.runDir, "runs", `${system}-${slug}-test.trec`));
      expect([...run.keys()].sort()).toEqual(["bq0", "bq1", "bq2", "bq3"]);
      const docs = new Set([...run.values()].flatMap((scores) => [...scores.keys()]));
      expect([...docs].every((d) => /^b[0-7]$/.test(d))).toBe(true);
      // Independent check: the run file evaluated against B's own qrels file.
      const expected = evaluate(qrelsB, run, MEASURES);
      for (const [measure, value] of expected.aggregate) expect(splitB.systems[system].aggregate[measure]).toBeCloseTo(value, 12);
      expect(splitB.systems[system].queries).toEqual([...expected.queries]);
    }
    // Its own comparison with the baseline (bm25), on B's queries.
    expect(splitB.comparison.systems).toEqual(["bm25", "dual-encoder", "rrf"]);
    expect(splitB.comparison.rows.find((r: { system: string; measure: string }) => r.system === "bm25" && r.measure === "AP").mean).toBeCloseTo(splitB.systems.bm25.aggregate.AP, 12);
    const report = await readFile(join(result.runDir, "report.md"), "utf8");
    expect(report).toContain(`Out of domain: ${b}, test`);
    expect(report).toContain(`every model was trained on local:${dirA}; nothing was trained on ${b}`);

    // A second run: everything cached, nothing trained again.
    const second = await runExperiment(config({ outOfDomain: [b] }), { ...opts, runsDir: opts.runsDir! });
    expect(second.stages.every((s) => s.cached)).toBe(true);
    expect(calls.train).toBe(1);
    expect(second.metrics.splits).toEqual(result.metrics.splits);
  });

  it("evaluates every seed's models on the out-of-domain dataset (mean over seeds, one run file per seed)", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options(calls);
    const b = `local:${dirB}`;
    const result = await runExperiment(config({ outOfDomain: [b], seeds: [1, 2], evaluation: { measures: MEASURES, allQueries: true } }), opts);
    expect(calls).toEqual({ train: 2, index: 4, retrieve: 4 });
    const files = await readdir(join(result.runDir, "runs"));
    const slug = `local-${dirB.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")}`;
    expect(files.filter((f) => f.startsWith(`dual-encoder-${slug}`)).sort()).toEqual([`dual-encoder-${slug}-test-seed1.trec`, `dual-encoder-${slug}-test-seed2.trec`]);
    const qrelsB = await loadQrels(join(dirB, "qrels", "test.tsv"));
    const perSeed = await Promise.all([1, 2].map(async (seed) => evaluate(qrelsB, await loadTrecRun(join(result.runDir, "runs", `dual-encoder-${slug}-test-seed${seed}.trec`)), ["AP"], { allQueries: true }).aggregate.get("AP")!));
    const de = result.metrics.splits[`${b}:test`]!.systems["dual-encoder"]!;
    expect(de.seeds!.seeds).toEqual([1, 2]);
    expect(de.aggregate["AP"]).toBeCloseTo((perSeed[0]! + perSeed[1]!) / 2, 12);
  });

  it("leaves the stage keys of the experiment's own dataset unchanged", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options(calls);
    const plain = await planRunStatus(config(), opts);
    const ood = await planRunStatus(config({ outOfDomain: [`local:${dirB}`] }), opts);
    const byId = new Map(ood.map((s) => [s.id, s.hash]));
    for (const stage of plain) expect(byId.get(stage.id)).toBe(stage.hash);
    expect(ood.length).toBe(plain.length + 8);
    // Pinned before out-of-domain evaluation existed: a stage's hash and a config's hash.
    const spec = { ref: { stage: "retrieve", system: "bm25", split: "test" }, version: 1 } as StageSpec;
    const key = { kind: "bm25", split: "test", k1: 0.9, b: 0.4, depth: 1000 };
    expect(stageHash(spec, key, { data: "0".repeat(64) })).toBe("72b9f528ac6d1905e143f20d0c5d39d6093f76f4639d13e8a1c6e61673f13281");
    expect(configHash(parseExperiment({ name: "pinned", dataset: "beir/scifact", systems: { bm25: { kind: "bm25" } } }))).toBe(
      "59b400968261486f8a866f5562c77e94d9a9fe599d4adffb887cc17a95d9ef23",
    );
    // The same stage on another dataset never shares the hash, even when its key does not name the corpus.
    expect(stageHash({ ...spec, ref: { ...spec.ref, dataset: "beir/cranfield" } }, key, { data: "0".repeat(64) })).not.toBe(stageHash(spec, key, { data: "0".repeat(64) }));
  });

  it("rejects bad outOfDomain entries when the config loads, naming the field", () => {
    expect(() => parseExperiment(config({ outOfDomain: ["scifactt"] }))).toThrow(/outOfDomain\[0\]: unknown dataset "scifactt"/);
    expect(() => parseExperiment(config({ outOfDomain: [`local:${dirA}`] }))).toThrow(/outOfDomain\[0\]: .* is the training dataset/);
    expect(() => parseExperiment(config({ outOfDomain: [`local:${dirB}`, { dataset: `local:${dirB}`, split: "dev" }] }))).toThrow(/outOfDomain\[1\]: .* is listed twice/);
    expect(() => parseExperiment(config({ outOfDomain: [{ dataset: `local:${dirB}`, split: "test", extra: 1 } as never] }))).toThrow(/outOfDomain\[0\]/);
    expect(() => parseExperiment(config({ outOfDomain: [] }))).toThrow(/outOfDomain/);
    expect(parseExperiment(config({ outOfDomain: ["default", { dataset: `local:${dirB}` }] })).outOfDomain).toEqual([
      { dataset: "default", split: "test" },
      { dataset: `local:${dirB}`, split: "test" },
    ]);
  });

  it("fails on a split the out-of-domain dataset lacks before anything is trained", async () => {
    const calls: FakeNeuralCalls = { train: 0, index: 0, retrieve: 0 };
    const opts = await options(calls);
    await expect(runExperiment(config({ outOfDomain: [{ dataset: `local:${dirB}`, split: "dev" }] }), opts)).rejects.toThrow(
      /outOfDomain\[0\]\.split: dataset local:.* has no split "dev"; it has: test/,
    );
    expect(calls.train).toBe(0);
  });

  it("plans the real systems' evaluation stages on the new corpus with their training stages of the experiment's dataset", () => {
    const b = `local:${dirB}`;
    const neural = { tokenizer: { kind: "wordpiece-trained", vocabSize: 200 }, negatives: { toRank: 20 } } as const;
    const parsed = parseExperiment(
      config({
        outOfDomain: [b],
        systems: {
          bm25: { kind: "bm25" },
          de: { kind: "dual-encoder", ...neural },
          i3: { kind: "i3", ...neural, pseudoQueries: { kind: "rake" } },
          ltre: { kind: "ltre", from: "de" },
          ce: { kind: "cross-encoder", tokenizer: neural.tokenizer, rerank: { from: "bm25", depth: 10 } },
          mice: { kind: "mice", from: "ce", split: 1, interactionLayers: 1, rerank: { from: "bm25", depth: 10 } },
        },
      }),
    );
    const plan = planExperiment(parsed);
    const labels = plan.stages.map((s) => stageLabel(s.ref));
    expect(new Set(labels).size).toBe(labels.length);
    // Training-side stages exist once, on the experiment's dataset.
    for (const id of ["de/train", "de/negatives", "i3/train", "i3/pseudo-queries", "ltre/train", "ce/train", "mice/train", "mice/teacher-scores"]) expect(labels.filter((l) => l.startsWith(id))).toEqual([id]);
    const byLabel = new Map(plan.stages.map((s) => [stageLabel(s.ref), s]));
    const needs = (label: string) => Object.fromEntries(Object.entries(byLabel.get(label)!.needs).map(([role, s]) => [role, stageLabel((s as StageSpec).ref)]));
    const data = `data[${b}]`;
    expect(needs(`de/index[${b}]`)).toEqual({ trained: "de/train", data });
    expect(needs(`de/retrieve:test[${b}]`)).toEqual({ data, trained: "de/train", index: `de/index[${b}]` });
    expect(needs(`i3/index[${b}]`)).toEqual({ trained: "i3/train", data });
    // LTRe searches `from`'s tfjs index of B's corpus with its query tower trained on A.
    expect(needs(`ltre/retrieve:test[${b}]`)).toEqual({ data, trained: "ltre/train", index: `de[tfjs]/index[${b}]` });
    expect(needs(`de[tfjs]/index[${b}]`)).toEqual({ trained: "de/train", data });
    // The cross-encoder trained on A re-ranks BM25's run on B.
    expect(needs(`ce/rerank:test[${b}]`)).toEqual({ data, trained: "ce/train", firstStage: `bm25/retrieve:test[${b}]` });
    expect(needs(`ce/evaluate:test[${b}]`)).toEqual({ data, run: `ce/rerank:test[${b}]` });
    // MICE trained on A stores B's passages' states and re-ranks BM25's run on B from them; A's store stays A's.
    expect(needs(`mice/states[${b}]`)).toEqual({ trained: "mice/train", data });
    expect(needs("mice/states")).toEqual({ trained: "mice/train" });
    expect(needs(`mice/rerank:test[${b}]`)).toEqual({ data, trained: "mice/train", states: `mice/states[${b}]`, firstStage: `bm25/retrieve:test[${b}]` });
  });

  it("indexes B's corpus with the real I3 trained on A (its pseudo-queries are training targets: generated for A only)", async () => {
    const b = `local:${dirB}`;
    const runsDir = await tempDir();
    const i3 = {
      kind: "i3",
      ...TINY_NEURAL_BUDGET,
      pseudoQueries: { kind: "rake" },
      i3: { slots: 6 },
      losses: { contrastive: { temperature: 1 }, reconstruction: { weight: 1 } },
      optimizer: { lr: 1e-3, headLrMultiplier: 10 },
    } as const;
    const input = config({ systems: { bm25: { kind: "bm25" }, i3 }, outOfDomain: [b], device: "wasm", inference: "tfjs", evaluation: { measures: ["nDCG@10"], significance: { permutations: 100 } } });
    const result = await runExperiment(input, { runsDir, datasetsDir, quiet: true });
    const stage = (id: string) => result.stages.find((s) => s.id === id)!;
    const folder = (id: string) => join(runsDir, ".cache", stage(id).stage, stage(id).hash);
    expect(result.stages.filter((s) => s.id.startsWith("i3/pseudo-queries") || s.id.startsWith("i3/train")).map((s) => s.id)).toEqual(["i3/pseudo-queries", "i3/train"]);
    expect((await readGeneratedTsv(join(folder("i3/pseudo-queries"), "generated.tsv"))).size).toBe(36);
    const home = await DenseIndex.load(join(folder("i3/index"), "index"));
    const other = await DenseIndex.load(join(folder(`i3/index[${b}]`), "index"));
    expect([home.ids.length, home.dim]).toEqual([36, 16]);
    expect([[...other.ids].sort(), other.dim]).toEqual([["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"], 16]);
    const run = await loadTrecRun(join(folder(`i3/retrieve:test[${b}]`), "run.trec"));
    expect([...run.keys()].sort()).toEqual(["bq0", "bq1", "bq2", "bq3"]);
    expect(result.metrics.splits[`${b}:test`]!.systems["i3"]!.aggregate["nDCG@10"]).toBeCloseTo(evaluate(await loadQrels(join(dirB, "qrels", "test.tsv")), run, ["nDCG@10"]).aggregate.get("nDCG@10")!, 12);
  }, 600_000);

  it("rejects a system that does not plan its stages on the out-of-domain dataset", () => {
    const real = systemDefinition("bm25");
    const blind = defineSystem({
      ...real,
      plan: ({ key, data }) => ({
        run: (split) => defineStage({ ref: { stage: "retrieve", system: key, split }, version: 1, needs: { data }, key: () => ({}), run: async (): Promise<RunFileOutput> => ({ run: "run.trec", queries: 0 }) }),
      }),
    });
    const parsed = parseExperiment(config({ systems: { bm25: { kind: "bm25" } }, outOfDomain: [`local:${dirB}`] }));
    expect(() => planExperiment(parsed, [blind])).toThrow(/system "bm25" \(bm25\) planned bm25\/retrieve:test when asked for local:.*: it does not support out-of-domain evaluation/);
    expect(() => planExperiment(parseExperiment(config({ systems: { bm25: { kind: "bm25" } } })), [blind])).not.toThrow();
  });
});
