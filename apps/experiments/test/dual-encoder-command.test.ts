/**
 * `i3 dual-encoder` is `i3 run` on a default config: BM25 and a dual-encoder at the settings'
 * defaults, each flag setting exactly one config field.
 */
import { describe, expect, it } from "vitest";
import { dualEncoderCommandConfig } from "../src/cli/dual-encoder-command.js";
import { defineExperiment } from "../src/config/define.js";

describe("i3 dual-encoder", () => {
  it("runs BM25 and a dual-encoder at the schema defaults when no flag is given", () => {
    const config = dualEncoderCommandConfig({ dataset: "beir/scifact", trainSplit: "train", evalSplit: "test" });
    const expected = defineExperiment({
      name: "dual-encoder-beir_scifact",
      dataset: "beir/scifact",
      splits: { train: "train", test: "test" },
      systems: { bm25: { kind: "bm25" }, "dual-encoder": { kind: "dual-encoder" } },
      baseline: "bm25",
      evaluation: { splits: ["test"] },
    });
    expect(config).toEqual(expected);
  });

  it("maps each flag onto its config field", () => {
    const config = dualEncoderCommandConfig({
      dataset: "default",
      trainSplit: "train",
      evalSplit: "dev",
      preset: "small",
      epochs: 3,
      batchSize: 8,
      negatives: 4,
      lr: 2e-5,
      passageMaxLength: 96,
      seed: 7,
      device: "wasm",
    });
    expect(config.splits).toMatchObject({ train: "train", test: "dev" });
    expect([config.seed, config.device]).toEqual([7, "wasm"]);
    expect(config.systems["dual-encoder"]).toMatchObject({
      model: { preset: "small", passageMaxLength: 96 },
      train: { epochs: 3, batchSize: 8 },
      negatives: { perQuery: 4, from: "bm25" },
      optimizer: { lr: 2e-5 },
    });
  });

  it("refuses a preset that does not exist, naming the config field", () => {
    expect(() => dualEncoderCommandConfig({ dataset: "default", trainSplit: "train", evalSplit: "test", preset: "huge" })).toThrow(
      /config error at systems\.dual-encoder\.model\.preset/,
    );
  });
});
