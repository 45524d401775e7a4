/**
 * `pseudoQueries.kind: "onnx"`: the runner's pseudo-queries stage runs `@i3/pseudoquery`'s local
 * ONNX seq2seq source on the tiny `copy-t5` fixture (greedy output = the input's in-vocabulary
 * words), I3 trains on those targets, and the stage key reads the model files' content, not
 * their folder.
 */
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { readGeneratedTsv } from "@i3/pseudoquery";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { runExperiment } from "../src/runner/run-experiment.js";
import { pseudoQueriesKey } from "../src/systems/i3/pseudo-queries-stage.js";
import { pseudoQueriesSettingsSchema } from "../src/systems/i3/settings.js";
import { tempDir } from "./runner-fixtures.js";

const fixture = fileURLToPath(new URL("../../../packages/pseudoquery/test/fixtures/copy-t5", import.meta.url));

/** Six passages in the fixture's vocabulary (plus words it does not know), two train queries. */
async function writeCollection(): Promise<string> {
  const dir = await tempDir("i3-onnx-collection-");
  await mkdir(join(dir, "qrels"));
  const texts = [
    "dense retrieval encodes queries into vectors",
    "keyword extraction finds phrases in text",
    "sampled spans of words make pseudo queries",
    "the retriever finds passages for queries",
    "lobster dense vectors and text",
    "phrases of the keyword retriever",
  ];
  await writeFile(join(dir, "corpus.jsonl"), texts.map((text, i) => JSON.stringify({ _id: `p${i}`, title: "", text })).join("\n") + "\n");
  const queries = [["t0", "dense vectors"], ["t1", "keyword phrases"], ["s0", "pseudo queries"], ["s1", "retriever passages"]];
  await writeFile(join(dir, "queries.jsonl"), queries.map(([id, text]) => JSON.stringify({ _id: id, text })).join("\n") + "\n");
  await writeFile(join(dir, "qrels", "train.tsv"), "query-id\tcorpus-id\tscore\nt0\tp0\t1\nt1\tp1\t1\n");
  await writeFile(join(dir, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\ns0\tp2\t1\ns1\tp3\t1\n");
  return dir;
}

let collectionDir: string;
beforeAll(async () => {
  collectionDir = await writeCollection();
});

describe('pseudoQueries.kind "onnx"', () => {
  it("needs onnx.model, and onnx only with that kind", () => {
    expect(pseudoQueriesSettingsSchema.safeParse({ kind: "onnx" }).error?.issues[0]?.message).toMatch(/needs onnx\.model/);
    expect(pseudoQueriesSettingsSchema.safeParse({ kind: "rake", onnx: { model: fixture } }).error?.issues[0]?.message).toMatch(/read only with kind "onnx"/);
    expect(pseudoQueriesSettingsSchema.parse({}).onnx).toBeUndefined();
    // the reference's targets need a pseudo-query source
    const config = { name: "x", systems: { bm25: { kind: "bm25" }, i3: { kind: "i3", losses: { reconstruction: { targets: "pseudo-queries" } } } } } as ExperimentInput;
    expect(() => parseExperiment(config)).toThrow(/losses\.reconstruction\.targets.*set pseudoQueries\.kind/s);
  });

  it("is keyed by the model files' sha256: a moved copy keeps the key, a changed file changes it", async () => {
    const copy = join(await tempDir("i3-onnx-model-"), "copy-t5");
    await cp(fixture, copy, { recursive: true });
    const key = (model: string) => pseudoQueriesKey(pseudoQueriesSettingsSchema.parse({ kind: "onnx", onnx: { model, maxNewTokens: 8 } }));
    const original = await key(fixture);
    expect(original).toMatchObject({ kind: "onnx", onnx: { maxNewTokens: 8, model: { "config.json": expect.stringMatching(/^[0-9a-f]{64}$/), "onnx/encoder_model.onnx": expect.any(String) } } });
    expect(await key(copy)).toEqual(original);
    await writeFile(join(copy, "generation_config.json"), "{}\n");
    expect(await key(copy)).not.toEqual(original);
  });

  it("generates generated.tsv with the local model in the runner, and I3 trains on it", async () => {
    const config: ExperimentInput = {
      name: "tiny-onnx",
      dataset: `local:${collectionDir}`,
      splits: { train: "train", dev: "test", test: "test" },
      systems: {
        bm25: { kind: "bm25" },
        i3: {
          kind: "i3",
          tokenizer: { vocabSize: 80 },
          model: { preset: { layers: 1, hidden: 8, heads: 2, intermediate: 16 }, queryMaxLength: 8, passageMaxLength: 12 },
          negatives: { toRank: 5 },
          train: { epochs: 1, warmupEpochs: 0, batchSize: 2 },
          i3: { slots: 4 },
          pseudoQueries: { kind: "onnx", onnx: { model: fixture, maxNewTokens: 10, batchSize: 4 } },
          losses: { reconstruction: { weight: 1, targets: "pseudo-queries" } },
        },
      },
      device: "wasm",
      evaluation: { measures: ["nDCG@10"], significance: { permutations: 10 } },
      baseline: "bm25",
    } as ExperimentInput;
    expect(() => parseExperiment(config)).not.toThrow();
    const opts = { runsDir: await tempDir(), datasetsDir: await tempDir("i3-datasets-"), quiet: true };
    const result = await runExperiment(config, opts);
    const stage = result.stages.find((s) => s.id === "i3/pseudo-queries")!;
    const generated = await readGeneratedTsv(join(opts.runsDir, ".cache", stage.stage, stage.hash, "generated.tsv"));
    expect(generated.get("p0")).toBe("dense retrieval encodes queries into vectors");
    expect(generated.get("p4")).toBe("dense vectors and text"); // "lobster" is not in the model's vocabulary
    expect(generated.size).toBe(6);
    expect(result.stages.find((s) => s.id === "i3/train")).toBeDefined();
    expect(result.metrics).toBeDefined();
  }, 300_000);
});
