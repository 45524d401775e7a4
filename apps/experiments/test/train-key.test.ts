/**
 * `train.checkpointEverySteps` stays out of the train stage's key: the keys of the published
 * configs are the ones computed before the setting existed (pinned below, recorded at commit
 * 984aa32), and changing the interval keeps every key, so it never invalidates a cached model.
 * The same pins hold after the reference-recipe switches (issue 18: all optional, absent = the
 * old behaviour) and the rename of `reconstructor.memory: "cls"` to `"pooled"` (the key keeps
 * the old name; the deprecated `"cls"` still parses, to `"pooled"`).
 */
import { stableHash } from "@i3/core";
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import type { RunServices } from "../src/runner/stage.js";
import defaultExperiment from "../../../experiments/default.js";
import i3Experiment from "../../../experiments/i3.js";
import scifactDistillExperiment from "../../../experiments/scifact-distill.js";
import scifactI3Experiment from "../../../experiments/scifact-i3.js";
import scifactLtreExperiment from "../../../experiments/scifact-ltre.js";

/** sha256 of each train stage's key, by system. */
async function trainKeys(input: ExperimentInput): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const spec of planExperiment(parseExperiment(input)).stages) {
    if (spec.ref.stage === "train") keys[spec.ref.system!] = stableHash(await spec.key({} as RunServices));
  }
  return keys;
}

/** `input` with `train.checkpointEverySteps` set on every trained system (not BM25's or RRF's). */
function withInterval(input: ExperimentInput, everySteps: number): ExperimentInput {
  const systems = Object.fromEntries(
    Object.entries(input.systems ?? {}).map(([key, s]) => {
      const system = s as { kind: string; train?: object };
      return [key, system.kind === "bm25" || system.kind === "rrf" ? system : { ...system, train: { ...system.train, checkpointEverySteps: everySteps } }];
    }),
  );
  return { ...input, systems } as ExperimentInput;
}

describe("the train stage's key", () => {
  it("is unchanged by train.checkpointEverySteps (published configs keep their keys)", async () => {
    const pinned = {
      default: { "dual-encoder": "bace2706e065b2b060855dddb1e07dec509441c2939ceb49b7ea56a19cc51476" },
      i3: {
        "dual-encoder": "afda9caba23de88301da4c983e635d3af2eb26652beaea4e43808c9f1c5ee9d9",
        i3: "673411a4d5b008eeef696f5d4187bc7b4cadfe5c005c2879d359c8bca23e787c",
      },
    };
    for (const [name, input] of [["default", defaultExperiment], ["i3", i3Experiment]] as const) {
      expect(await trainKeys(input)).toEqual(pinned[name]);
      expect(await trainKeys(withInterval(input, 7))).toEqual(pinned[name]);
    }
  });

  it('keeps the published I3 keys with memory "pooled" or the deprecated "cls"; a new switch set changes the key', async () => {
    const i3 = i3Experiment.systems["i3"] as { i3: { reconstructor: object } };
    const withMemory = (memory: string, over: object = {}) =>
      ({ ...i3Experiment, systems: { ...i3Experiment.systems, i3: { ...i3, i3: { ...i3.i3, reconstructor: { ...i3.i3.reconstructor, memory } }, ...over } } }) as unknown as ExperimentInput;
    const published = "673411a4d5b008eeef696f5d4187bc7b4cadfe5c005c2879d359c8bca23e787c";
    expect((await trainKeys(withMemory("pooled"))).i3).toBe(published);
    expect((await trainKeys(withMemory("cls"))).i3).toBe(published);
    expect(parseExperiment(withMemory("cls")).systems["i3"]).toMatchObject({ i3: { reconstructor: { memory: "pooled" } } });
    const lamb = await trainKeys(withMemory("pooled", { optimizer: { ...(i3Experiment.systems["i3"] as { optimizer: object }).optimizer, kind: "lamb" } }));
    expect(lamb.i3).not.toBe(published);
    // SciFact (its train keys equal the default collection's: the key holds settings, the data is upstream)
    const scifact = await trainKeys(scifactI3Experiment);
    expect([scifact["dual-encoder"]!.slice(0, 16), scifact["i3"]!.slice(0, 16)]).toEqual(["afda9caba23de883", "673411a4d5b008ee"]);
  });

  it("keeps the cross-encoder's keys through the shared optimizer settings and checkpoints; a new optimizer setting changes the key", async () => {
    const pinned = {
      "cross-encoder@1": "da933f1a63d59d7c29cfe5ed20fe84b6c082f0dcd89f820d47cc90c719162104",
      "cross-encoder@2": "b926820d4de86254612a0395baaabe23bd6bf6f4d32a86df938ecfa2d8819220",
      "cross-encoder@3": "7a74bca10995c8a6d0c27ec7b1fc519b70136fae3f03450d03418df5140ee0cf",
    };
    const crossEncoderKeys = (keys: Record<string, string>) => Object.fromEntries(Object.entries(keys).filter(([system]) => system.startsWith("cross-encoder")));
    expect(crossEncoderKeys(await trainKeys(scifactDistillExperiment))).toEqual(pinned);
    expect(crossEncoderKeys(await trainKeys(withInterval(scifactDistillExperiment, 7)))).toEqual(pinned);
    // The parsed settings gain no field (so the config hash of a running experiment holds too).
    expect(parseExperiment(scifactDistillExperiment).systems["cross-encoder"]).toStrictEqual({
      kind: "cross-encoder",
      rerank: { from: "bm25", depth: 100 },
      negatives: { depth: 100, perQuery: 7 },
      tokenizer: { kind: "wordpiece-trained", vocabSize: 8192, lowercase: true },
      model: { preset: { layers: 1, hidden: 128, heads: 2, intermediate: 512, dropout: 0.1 }, maxLength: 96 },
      optimizer: { lr: 0.001, weightDecay: 0.01, warmupRatio: 0.1 },
      train: { epochs: 4, batchSize: 8 },
      score: { batchSize: 64 },
    });
    // A config with every cross-encoder default.
    const defaults = { name: "ce-defaults", systems: { bm25: { kind: "bm25" }, ce: { kind: "cross-encoder" } } } as ExperimentInput;
    expect((await trainKeys(defaults)).ce).toBe("8c9806cf9091a83c6b5adac8d570df6f893e70fd510553671f04b9898148e0a9");
    // A setting written changes the key (LAMB, the constant schedule, clipping, a beta).
    const ce = scifactDistillExperiment.systems["cross-encoder"] as { kind: "cross-encoder"; optimizer: object };
    const withOptimizer = async (over: object) =>
      (await trainKeys({ ...defaults, systems: { bm25: { kind: "bm25" }, ce: { ...ce, optimizer: { ...ce.optimizer, ...over } } } } as ExperimentInput)).ce;
    const base = await withOptimizer({});
    for (const over of [{ kind: "lamb" }, { schedule: "constant" }, { clipNorm: 1 }, { beta2: 0.98 }]) expect(await withOptimizer(over)).not.toBe(base);
    expect(await withOptimizer({ kind: "lamb" })).not.toBe(await withOptimizer({ kind: "lamb", schedule: "constant" }));
  });

  it("keeps LTRe's keys (experiments/scifact-ltre.ts) through its checkpoints, whatever train.checkpointEverySteps says", async () => {
    const pinned = {
      "de-ltre@1": "c52ea8b48569d0ddee824e8026f50ed99deb7af09b36aa72d1f50e97325a38c0",
      "i3-ltre@1": "6dcb97b532890b36598e3e8e074665d3c35b3d4a26e29f2dac4245ca06d4a4b6",
      "de-ltre-fp16@1": "1f44ce0519be9e2e32b321331c7f4237573ad510a74452842298cfbdde572aef",
      "de-ltre-pq@1": "7927e12e7ec9676c69585fad787ac5abf50e7aac6b22f3d61818f1ca26baeadf",
      "i3-ltre-fp16@1": "708af2da0d7142674fc0897bf54b66ef0e85194b42e861010f33eb43fa392567",
      "i3-ltre-pq@1": "4312e607f7c320597893cc67a73cfce63709cb7c00a227a5654a71baa745a2f6",
      "de-ltre@3": "5249bd69f337c061296a8fd356e46e32eab6d7264eb7bf86de8868d9727420eb",
      "i3-ltre-pq@3": "6f15fa5005023a7f5c279d5a20ac0d194111c44be94b4ee70ddf42dcffbe55ad",
    };
    const ltreKeys = (keys: Record<string, string>) => Object.fromEntries(Object.entries(keys).filter(([system]) => system in pinned));
    expect(ltreKeys(await trainKeys(scifactLtreExperiment))).toEqual(pinned);
    expect(ltreKeys(await trainKeys(withInterval(scifactLtreExperiment, 7)))).toEqual(pinned);
    // The parsed settings gain no field.
    expect(parseExperiment(scifactLtreExperiment).systems["de-ltre"]).toStrictEqual({
      kind: "ltre",
      from: "dual-encoder",
      ltre: { depth: 200, appendRelevant: "when-none-retrieved" },
      index: { precision: "float32", pq: { subspaces: 16, centroids: 256, iterations: 20, sample: 65_536 } },
      optimizer: { lr: 1e-4, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupRatio: 0.1, clipNorm: 1 },
      train: { epochs: 6, batchSize: 32 },
      retrieve: { depth: 1000 },
    });
  });
});
