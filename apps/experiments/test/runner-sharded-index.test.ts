/**
 * A dense system with `index.shardSize` on the tiny collection: its index stage writes an
 * `@i3/search` sharded folder (shards of `shardSize` passages), its retrieve stage searches it
 * shard by shard within `index.maxMemoryMB`, and the run equals the single-array index's of the
 * same trained checkpoint (trained once: the train stage's key does not see `index`) when the
 * shard size is a multiple of the encoding batch. The memory
 * bound is in no key; config errors name the field.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTrecRun } from "@i3/data";
import { ShardedDenseIndex } from "@i3/search";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { stageLabel } from "../src/runner/stage.js";
import { TINY_NEURAL_BUDGET, tempDir, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

function config(sharded: Record<string, unknown>, extra: Record<string, unknown> = {}): ExperimentInput {
  return {
    name: "tiny-sharded",
    dataset: `local:${collectionDir}`,
    systems: {
      bm25: { kind: "bm25" },
      "dual-encoder": { kind: "dual-encoder", ...TINY_NEURAL_BUDGET, index: { batchSize: 3 } },
      "de-sharded": { kind: "dual-encoder", ...TINY_NEURAL_BUDGET, index: { batchSize: 3, ...sharded } },
      ...extra,
    },
    device: "wasm",
    evaluation: { measures: ["nDCG@10"], significance: { permutations: 50 } },
  } as ExperimentInput;
}

const stage = (result: RunResult, id: string) => result.stages.find((s) => s.id === id)!;
const stageDir = (result: RunResult, id: string) => join(opts.runsDir!, ".cache", stage(result, id).stage, stage(result, id).hash);
const output = async (result: RunResult, id: string) => (JSON.parse(await readFile(join(stageDir(result, id), "manifest.json"), "utf8")) as { output: Record<string, unknown> }).output;

describe("runner: a sharded dense index (index.shardSize)", () => {
  it("builds shards, searches them within the memory bound and gives the single-array index's run", async () => {
    const first = await runExperiment(config({ shardSize: 6, maxMemoryMB: 4 }), opts);
    expect(stage(first, "de-sharded/train").hash).toBe(stage(first, "dual-encoder/train").hash);
    expect(await output(first, "de-sharded/index")).toMatchObject({ index: "index", sharded: true });
    expect((await output(first, "dual-encoder/index"))["sharded"]).toBeUndefined();

    const passages = (await readFile(join(collectionDir, "corpus.jsonl"), "utf8")).trim().split("\n").length;
    const index = await ShardedDenseIndex.open(join(stageDir(first, "de-sharded/index"), "index"));
    expect(index.manifest.count).toBe(passages);
    expect(index.manifest.shards.map((s) => s.count)).toEqual(Array.from({ length: Math.ceil(passages / 6) }, (_, i) => Math.min(6, passages - 6 * i)));

    // The same checkpoint, the same encoding batches (shardSize a multiple of batchSize), searched whole or shard by shard: the same documents with the same scores.
    const whole = await loadTrecRun(join(stageDir(first, "dual-encoder/retrieve:test"), "run.trec"));
    const sharded = await loadTrecRun(join(stageDir(first, "de-sharded/retrieve:test"), "run.trec"));
    expect(sharded.size).toBeGreaterThan(0);
    const sorted = (run: typeof whole) => [...run].map(([q, docs]) => [q, [...docs].sort()]);
    expect(sorted(sharded)).toEqual(sorted(whole));
    const m = first.metrics.splits["test"]!.systems;
    expect(m["de-sharded"]!.aggregate).toEqual(m["dual-encoder"]!.aggregate);

    // Another memory bound: no stage to recompute.
    const again = await runExperiment(config({ shardSize: 6, maxMemoryMB: 64 }), opts);
    expect(again.stages.filter((s) => !s.cached).map((s) => s.id)).toEqual([]);
    expect(stage(again, "de-sharded/index").hash).toBe(stage(first, "de-sharded/index").hash);
    expect(stage(again, "de-sharded/retrieve:test").hash).toBe(stage(first, "de-sharded/retrieve:test").hash);
  }, 600_000);

  it("keeps the index key of configs without shards, and names the field of bad settings", async () => {
    // Without shardSize the index stage's key is what it was before shards existed.
    const plan = planExperiment(parseExperiment(config({ shardSize: 6, maxMemoryMB: 4 })));
    const indexKeyOf = async (label: string) => ((await plan.stages.find((s) => stageLabel(s.ref) === label)!.key({} as never)) as { index: unknown }).index;
    expect(await indexKeyOf("dual-encoder/index")).toEqual({ batchSize: 3 });
    expect(await indexKeyOf("de-sharded/index")).toEqual({ batchSize: 3, shardSize: 6 });

    const parse = (input: ExperimentInput) => () => parseExperiment(input);
    expect(parse(config({ maxMemoryMB: 64 }))).toThrow(/systems\.de-sharded\.index\.maxMemoryMB.*set index\.shardSize too/s);
    expect(parse(config({ shardSize: 0 }))).toThrow(/systems\.de-sharded\.index\.shardSize/);
    expect(parse(config({ shardSize: 3 }, { ltre: { kind: "ltre", from: "de-sharded" } }))).toThrow(/systems\.ltre\.from.*sharded index.*remove index\.shardSize/s);
    expect(parse(config({ shardSize: 3 }, { ltre: { kind: "ltre", from: "dual-encoder" } }))).not.toThrow();
  });
});
