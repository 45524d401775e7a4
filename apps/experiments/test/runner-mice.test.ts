/**
 * The MICE system on the tiny collection: made from a cross-encoder of the config and distilled
 * from its cached scores, it re-ranks BM25's top k from its stored document states (the run holds
 * exactly those documents, each scored as `Mice.score` scores the pair with the document encoded
 * directly, to float16 precision); a second run reuses every stage, the state store untouched;
 * another split l builds another store. Config errors name the field.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { loadTokenizer, loadTrecRun, passageText, rankDocuments, resolveDataset } from "@i3/data";
import { loadMice, tf } from "@i3/encoders";
import { encodeAlone, presetEncoderConfig, toTensors } from "@i3/retrievers";
import { TokenStateStore } from "@i3/search";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment, type RunOptions, type RunResult } from "../src/runner/run-experiment.js";
import { crossEncoderLayers } from "../src/systems/mice/settings.js";
import { tempDir, tinyCrossEncoder, tinyRerankerConfig, writeTinyCollection } from "./runner-fixtures.js";

let collectionDir: string;
let opts: RunOptions;

beforeAll(async () => {
  collectionDir = await writeTinyCollection();
  opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
});

const ce = tinyCrossEncoder(3, 1);

const mice = {
  kind: "mice",
  from: "ce",
  rerank: { from: "bm25", depth: 5 },
  split: 1,
  interactionLayers: 1,
  negatives: { depth: 10, perQuery: 3 },
  model: { queryMaxLength: 8, passageMaxLength: 16 },
  train: { epochs: 2, batchSize: 4 },
  score: { batchSize: 3 },
} as const;

function config(systems: Record<string, unknown>): ExperimentInput {
  return tinyRerankerConfig("tiny-mice", collectionDir, { ce, ...systems });
}

const stageOf = (result: RunResult, id: string) => result.stages.find((s) => s.id === id)!;
const cacheDir = (result: RunResult, id: string) => {
  const stage = stageOf(result, id);
  return join(opts.runsDir!, ".cache", stage.stage, stage.hash);
};

describe("runner: the mice system", () => {
  it("distils the cross-encoder, re-ranks BM25's top k from stored states, and reuses the store", async () => {
    const input = config({ mice });
    const first = await runExperiment(input, opts);
    const ids = first.stages.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(["ce/train", "mice/teacher-scores", "mice/train", "mice/states", "mice/rerank:test", "mice/evaluate:test"]));
    expect(ids.indexOf("mice/teacher-scores")).toBeGreaterThan(ids.indexOf("ce/train"));
    expect(ids.indexOf("mice/rerank:test")).toBeGreaterThan(ids.indexOf("mice/states"));

    // The states stage's output: float16 states of every passage, bytes per passage as the store says.
    const statesDir = cacheDir(first, "mice/states");
    const store = await TokenStateStore.open(join(statesDir, "store"));
    expect(store.manifest).toMatchObject({ layer: 1, hidden: 16, dtype: "float16", count: 36 });
    expect(store.bytesPerPassage()).toBe((store.manifest.tokens * 16 * 2) / 36);
    await store.close();

    // The run: BM25's top 5 of each test query, each scored as Mice.score scores the pair without the store.
    const reranked = await loadTrecRun(join(cacheDir(first, "mice/rerank:test"), "run.trec"));
    const bm25 = await loadTrecRun(join(cacheDir(first, "bm25/retrieve:test"), "run.trec"));
    expect(reranked.size).toBe(bm25.size);
    const checkpoint = join(cacheDir(first, "mice/train"), "checkpoint");
    const model = await loadMice(checkpoint, { configOverrides: { hiddenDropout: 0, attentionDropout: 0 } });
    expect(model.config).toMatchObject({ split: 1, interactionLayers: 1, seedLayers: [1] });
    const tokenizer = await loadTokenizer(checkpoint);
    const collection = await resolveDataset(`local:${collectionDir}`, { datasetsDir: opts.datasetsDir! });
    const passages = new Map<string, string>();
    for await (const p of collection.corpus()) passages.set(p.id, passageText(p));
    const queries = new Map((await collection.queries("test")).map((q) => [q.id, q.text]));
    for (const [qid, docs] of reranked) {
      const top = rankDocuments(bm25.get(qid)!).slice(0, 5).map(([id]) => id);
      expect([...docs.keys()].sort()).toEqual([...top].sort());
      const direct = top.map((id) =>
        tf.tidy(() => {
          const q = toTensors(encodeAlone(tokenizer, [queries.get(qid)!], 8));
          return model.score(q, model.encodeDocuments(toTensors(encodeAlone(tokenizer, [passages.get(id)!], 16)))).dataSync()[0]!;
        }),
      );
      top.forEach((id, i) => expect(Math.abs(docs.get(id)! - direct[i]!), `${qid} ${id}`).toBeLessThan(5e-3 * (1 + Math.abs(direct[i]!))));
    }
    model.dispose();

    // A second run: every stage cached, the store's files untouched.
    const storeFiles = ["manifest.json", "states.bin", "lengths.bin", "ids.txt"];
    const mtimes = async (dir: string) => Promise.all(storeFiles.map(async (f) => (await stat(join(dir, "store", f))).mtimeMs));
    const before = await mtimes(statesDir);
    const second = await runExperiment(input, opts);
    for (const id of ["mice/teacher-scores", "mice/train", "mice/states", "mice/rerank:test"]) expect(stageOf(second, id).cached, id).toBe(true);
    expect(stageOf(second, "mice/states").hash).toBe(stageOf(first, "mice/states").hash);
    expect(await mtimes(statesDir)).toEqual(before);

    // Another l: another store (built, not cached), the teacher's scores shared.
    const third = await runExperiment(config({ mice: { ...mice, split: 2 } }), opts);
    expect(stageOf(third, "mice/teacher-scores").cached).toBe(true);
    expect(stageOf(third, "mice/states").cached).toBe(false);
    expect(stageOf(third, "mice/states").hash).not.toBe(stageOf(first, "mice/states").hash);
    const other = await TokenStateStore.open(join(cacheDir(third, "mice/states"), "store"));
    expect(other.manifest.layer).toBe(2);
    await other.close();
    expect(await mtimes(statesDir)).toEqual(before);
  }, 900_000);

  it("config errors name the field", () => {
    const parse = (settings: Record<string, unknown>) => () => parseExperiment(config({ mice: { ...mice, ...settings } }));
    expect(parse({ from: "bm25" })).toThrow(/systems\.mice\.from.*expected a re-ranker system/s);
    expect(parse({ from: "nope" })).toThrow(/systems\.mice\.from.*not one of systems/s);
    expect(parse({ split: 3 })).toThrow(/systems\.mice\.split.*split 3 must be below the 3 layers/s);
    expect(parse({ split: 2, interactionLayers: 2 })).toThrow(/systems\.mice\.interactionLayers.*2 \+ 2 > 3 layers/s);
    expect(parse({ split: 1, interactionLayers: 2, seedLayers: [1, 5] })).toThrow(/systems\.mice\.seedLayers.*\[0, 2\], got 5/s);
    expect(parse({ model: { passageMaxLength: 600 } })).toThrow(/systems\.mice\.model\.passageMaxLength.*512 positions/s);
    expect(parse({ objective: {} })).toThrow(/systems\.mice\.objective.*marginMse and\/or kl/s);
    expect(parse({ rerank: { from: "ce" } })).toThrow(/systems\.mice\.rerank\.from/);
    // With explicit seed layers, k may exceed L - l (layers reused).
    expect(parse({ split: 2, interactionLayers: 2, seedLayers: [2, 2] })).not.toThrow();
    // The defaults: MarginMSE weight 1, float16 states.
    const parsed = parseExperiment(config({ mice }));
    expect(parsed.systems["mice"]).toMatchObject({ objective: { marginMse: { weight: 1 } }, states: { dtype: "float16" }, copyHead: false });
  });

  it("reads the cross-encoder's layers as the cross-encoder system builds its encoder (presetEncoderConfig)", () => {
    const size = { layers: 7, hidden: 8, heads: 2, intermediate: 16, dropout: 0.1 };
    for (const preset of ["tiny", "small", "base", size] as const) {
      expect(crossEncoderLayers({ kind: "cross-encoder", model: { preset } })).toBe(presetEncoderConfig({ preset, pooling: "cls" }, 100).layers);
    }
    expect(crossEncoderLayers({ kind: "cross-encoder" })).toBe(presetEncoderConfig({ preset: "tiny", pooling: "cls" }, 100).layers);
    expect(crossEncoderLayers({ kind: "cross-encoder", model: { init: "/x" } })).toBeUndefined();
  });
});
