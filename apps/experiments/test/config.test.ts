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
    expect(config.model).toMatchObject({ kind: "dual-encoder", preset: "tiny", sharedTowers: true, pooling: "cls" });
    expect(config.losses).toEqual({ contrastive: { weight: 1, temperature: 1, inBatchNegatives: true } });
    expect(config.optimizer).toMatchObject({ kind: "adamw", lr: 2e-5, weightDecay: 0.01, headLrMultiplier: 1 });
    expect(config.firstStage).toEqual({ kind: "bm25", k1: 0.9, b: 0.4, depth: 1000 });
    expect(config.systems).toEqual(["bm25"]);
    expect(config.baseline).toBe("bm25");
    expect(config.device).toBe("auto");
    // A resolved config is a valid input that resolves to itself.
    expect(parseExperiment(config)).toEqual(config);
  });

  it("fills defaults inside partially given objects", () => {
    const config = defineExperiment({ name: "x", losses: { contrastive: { temperature: 0.05 } }, model: { preset: { layers: 2, hidden: 64, heads: 2, intermediate: 128 } } });
    expect(config.losses.contrastive).toEqual({ weight: 1, temperature: 0.05, inBatchNegatives: true });
    expect(config.model.preset).toEqual({ layers: 2, hidden: 64, heads: 2, intermediate: 128, dropout: 0.1 });
    expect(config.model.pooling).toBe("cls");
  });

  it("rejects a wrong enum value with the path, the choices and the value", () => {
    expect(errorOf({ name: "x", model: { pooling: "max" } })).toBe('config error at model.pooling: expected "cls" | "mean", got "max"');
  });

  it("rejects unknown fields (strict objects), at any depth", () => {
    expect(errorOf({ name: "x", model: { poolng: "cls" } })).toBe("config error at model.poolng: unknown field");
    expect(errorOf({ name: "x", lr: 1e-4 })).toBe("config error at lr: unknown field");
    expect(errorOf({ name: "x", losses: { contrastive: { temprature: 1 } } })).toBe("config error at losses.contrastive.temprature: unknown field");
  });

  it("rejects wrong types and bad values, one line per problem", () => {
    expect(errorOf({ name: "x", seed: "1" })).toBe('config error at seed: expected number, got string "1"');
    expect(errorOf({ name: "x", train: { epochs: 0 } })).toBe("config error at train.epochs: Too small: expected number to be >0, got 0");
    expect(errorOf({ name: "x", systems: ["bm25", "colbert"] })).toBe('config error at systems[1]: expected "bm25" | "dual-encoder" | "i3", got "colbert"');
    expect(errorOf({ name: "x", device: "tpu", seed: -1 }).split("\n")).toEqual([
      'config error at device: expected "auto" | "gpu" | "cpu" | "wasm" | "js", got "tpu"',
      "config error at seed: Too small: expected number to be >=0, got -1",
    ]);
    expect(errorOf({})).toBe("config error at name: required string is missing");
  });

  it("checks cross-field rules", () => {
    expect(errorOf({ name: "x", systems: ["bm25"], baseline: "dual-encoder" })).toBe('config error at baseline: baseline "dual-encoder" is not one of systems [bm25]');
    expect(errorOf({ name: "x", evaluation: { mainMeasure: "P@5" } })).toBe('config error at evaluation.mainMeasure: "P@5" is not one of evaluation.measures');
    expect(errorOf({ name: "x", negatives: { fromRank: 10, toRank: 5 } })).toBe("config error at negatives.toRank: must be >= negatives.fromRank (10)");
  });

  it("loads a config file and names it in errors", async () => {
    const dir = await tempDir("i3-config-");
    const bad = join(dir, "bad.ts");
    await writeFile(bad, 'export default { name: "x", model: { pooling: "max" } };\n');
    await expect(loadConfigFile(bad)).rejects.toThrow(`${bad}: config error at model.pooling: expected "cls" | "mean", got "max"`);
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
