import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineExperiment, parseExperiment } from "../src/config/define.js";
import { ConfigError } from "../src/config/errors.js";
import { loadConfigFile } from "../src/config/load.js";
import { mergePatch, setPath } from "../src/config/patch.js";
import { tempDir } from "./runner-fixtures.js";

function errorOf(input: unknown): string {
  try {
    parseExperiment(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a config error");
}

describe("experiment config", () => {
  it("fills every default", () => {
    const config = defineExperiment({ name: "x" });
    expect(config.dataset).toBe("default");
    expect(config.splits).toEqual({ train: "train", dev: "dev", test: "test" });
    expect(config.evaluation.measures).toEqual(["AP", "nDCG@10", "RR@10", "R@100", "R@1000", "P@10"]);
    expect(config.evaluation).toMatchObject({ splits: ["test"], allQueries: false, relevanceLevel: 1, mainMeasure: "nDCG@10" });
    expect(config.evaluation.significance).toEqual({ tests: ["t", "randomization"], alpha: 0.05, permutations: 10000 });
    // The Holm family is optional (absent = per measure), so configs that do not set it keep their hash.
    expect(defineExperiment({ name: "x", evaluation: { significance: { family: "all" } } }).evaluation.significance.family).toBe("all");
    expect(config.systems).toEqual({ bm25: { kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 } });
    expect(config.baseline).toBe("bm25");
    expect(config.device).toBe("auto");
    expect(config.seed).toBe(42);
    // A resolved config is a valid input that resolves to itself.
    expect(parseExperiment(config)).toEqual(config);
  });

  it("fills each system's own defaults, the package's for the dense ones, and takes the first system as the baseline", () => {
    const config = defineExperiment({ name: "x", systems: { de: { kind: "dual-encoder", negatives: { from: "lexical" } }, lexical: { kind: "bm25", k1: 1.2 } } });
    expect(Object.keys(config.systems)).toEqual(["de", "lexical"]);
    expect(config.baseline).toBe("de");
    const de = config.systems["de"]!;
    expect(de).toMatchObject({
      kind: "dual-encoder",
      tokenizer: { kind: "wordpiece-trained", vocabSize: 8192, lowercase: true },
      model: { preset: "tiny", sharedTowers: true, pooling: "cls", queryMaxLength: 32, passageMaxLength: 128 },
      negatives: { from: "lexical", fromRank: 1, toRank: 100, perQuery: 1 },
      losses: { contrastive: { temperature: 1 } },
      optimizer: { lr: 1e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupRatio: 0.1 },
      train: { epochs: 2, warmupEpochs: 2, batchSize: 32, cropWords: [4, 12], checkpointEverySteps: 100 },
      index: { batchSize: 64 },
      retrieve: { depth: 1000 },
    });
    expect(config.systems["lexical"]).toEqual({ kind: "bm25", k1: 1.2, b: 0.4, depth: 1000 });
  });

  it("fills defaults inside partially given objects", () => {
    const config = defineExperiment({
      name: "x",
      systems: { bm25: { kind: "bm25" }, i3: { kind: "i3", losses: { contrastive: { temperature: 0.05 } }, model: { preset: { layers: 2, hidden: 64, heads: 2, intermediate: 128 } } } },
    });
    const i3 = config.systems["i3"]!;
    if (i3.kind !== "i3") throw new Error("expected the i3 system");
    // L_rec on by default (`false` switches it off)
    expect(i3.losses).toEqual({ contrastive: { temperature: 0.05 }, reconstruction: { schedule: "ten-power-minus-epoch" } });
    expect(i3.model.preset).toEqual({ layers: 2, hidden: 64, heads: 2, intermediate: 128, dropout: 0.1 });
    expect(i3.i3).toEqual({ slots: 32, reconstructor: { layers: 1, memory: "pooled" }, interactor: { enabled: true, input: "pooled" }, mlmHead: { tied: false }, warmupFreezeBackbone: false });
    expect(i3.pseudoQueries).toEqual({ kind: "none", doc2queryEpochs: 10 });
    expect(i3.optimizer.headLrMultiplier).toBe(1);
  });

  it("rejects a wrong enum value with the path, the choices and the value", () => {
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", model: { pooling: "max" } } } })).toBe(
      'config error at systems.de.model.pooling: expected "cls" | "mean", got "max"',
    );
  });

  it("rejects unknown fields (strict objects), at any depth, for the system they are written for", () => {
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", model: { poolng: "cls" } } } })).toBe("config error at systems.de.model.poolng: unknown field");
    expect(errorOf({ name: "x", lr: 1e-4 })).toBe("config error at lr: unknown field");
    // inside `losses.reconstruction` (an object, or false = no L_rec) the object's own field is named
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, i3: { kind: "i3", losses: { reconstruction: { schedule: "decay10" } } } } })).toBe(
      'config error at systems.i3.losses.reconstruction.schedule: expected "constant" | "ten-power-minus-epoch", got "decay10"',
    );
    // An I3 switch on a dual-encoder is an error, not silently ignored.
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", i3: { slots: 8 } } } })).toBe("config error at systems.de.i3: unknown field");
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25", k: 10 } } })).toBe("config error at systems.bm25.k: unknown field");
  });

  it("rejects wrong types and bad values, one line per problem", () => {
    expect(errorOf({ name: "x", seed: "1" })).toBe('config error at seed: expected number, got string "1"');
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", train: { batchSize: 0 } } } })).toBe(
      "config error at systems.de.train.batchSize: Too small: expected number to be >0, got 0",
    );
    expect(errorOf({ name: "x", systems: { c: { kind: "colbert" } } })).toBe('config error at systems.c.kind: expected "bm25" | "dual-encoder" | "i3" | "ltre" | "rrf" | "cross-encoder" | "mice", got "colbert"');
    expect(errorOf({ name: "x", systems: {} })).toBe("config error at systems: list at least one system");
    expect(errorOf({ name: "x", systems: { "1st": { kind: "bm25" } } })).toMatch(/^config error at systems\.1st: expected a system key/);
    expect(errorOf({ name: "x", device: "tpu", seed: -1 }).split("\n")).toEqual([
      'config error at device: expected "auto" | "gpu" | "cpu" | "wasm" | "wasm+onnxruntime" | "js", got "tpu"',
      "config error at seed: Too small: expected number to be >=0, got -1",
    ]);
    expect(errorOf({})).toBe("config error at name: required string is missing");
  });

  it("checks measure names and cross-field rules when the config loads", () => {
    expect(errorOf({ name: "x", evaluation: { measures: ["nDCG@1O"] } })).toMatch(/^config error at evaluation\.measures\[0\]: unknown measure "nDCG@1O"/);
    expect(errorOf({ name: "x", baseline: "dual-encoder" })).toBe('config error at baseline: baseline "dual-encoder" is not one of systems [bm25]');
    expect(errorOf({ name: "x", evaluation: { mainMeasure: "P@5" } })).toBe('config error at evaluation.mainMeasure: "P@5" is not one of evaluation.measures');
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", negatives: { fromRank: 10, toRank: 5 } } } })).toBe(
      "config error at systems.de.negatives.toRank: must be >= negatives.fromRank",
    );
    expect(errorOf({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder", model: { init: "some/folder" } } } })).toMatch(/^config error at systems\.de\.tokenizer\.kind: model\.init needs tokenizer\.kind "hf"/);
  });

  it("checks that a system names systems of the config with the right role", () => {
    expect(errorOf({ name: "x", systems: { de: { kind: "dual-encoder" } } })).toBe(
      'config error at systems.de.negatives.from: names system "bm25", which is not one of systems [de]',
    );
    expect(defineExperiment({ name: "x", systems: { lexical: { kind: "bm25" }, de: { kind: "dual-encoder", negatives: { from: "lexical" } } } }).systems["de"]).toMatchObject({
      negatives: { from: "lexical" },
    });
    // A dense system may mine its negatives from another dense system's run.
    expect(() =>
      defineExperiment({ name: "x", systems: { bm25: { kind: "bm25" }, de: { kind: "dual-encoder" }, de2: { kind: "dual-encoder", negatives: { from: "de" } } } }),
    ).not.toThrow();
  });

  it("loads a config file and names it in errors", async () => {
    const dir = await tempDir("i3-config-");
    const bad = join(dir, "bad.ts");
    await writeFile(bad, 'export default { name: "x", systems: { b: { kind: "bm25", b: 2 } } };\n');
    await expect(loadConfigFile(bad)).rejects.toThrow(`${bad}: config error at systems.b.b: Too big: expected number to be <=1, got 2`);
    const good = join(dir, "good.ts");
    await writeFile(good, 'export default { name: "ok", seed: 7 };\n');
    const loaded = await loadConfigFile(good);
    expect(loaded.kind).toBe("experiment");
    expect(loaded.kind === "experiment" && loaded.config.seed).toBe(7);
    await expect(loadConfigFile(join(dir, "missing.ts"))).rejects.toThrow(/missing\.ts: config file not found/);
  });
});

describe("config patches", () => {
  it("sets dotted paths and merges nested patches without touching the base", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 2 };
    expect(setPath(base, "a.b", 5)).toEqual({ a: { b: 5, c: [1, 2] }, d: 2 });
    expect(setPath(base, "x.y", 1)).toEqual({ a: { b: 1, c: [1, 2] }, d: 2, x: { y: 1 } });
    expect(mergePatch(base, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 2 });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 2 });
    expect(() => setPath(base, "d.e", 1)).toThrow('config path "d.e": "d" is not an object');
  });
});
