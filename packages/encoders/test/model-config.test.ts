/** EncoderConfig: defaults, validation, presets. */
import { describe, expect, it } from "vitest";
import { EncoderConfigError, encoderConfig, headDim, presetConfig } from "../src/model/config.js";

describe("encoderConfig", () => {
  it("fills BERT's defaults", () => {
    const c = encoderConfig({ vocabSize: 10, hidden: 8, layers: 1, heads: 2, intermediate: 16, maxPositions: 4 });
    expect(c).toMatchObject({ typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: 0.1, attentionDropout: 0.1, pooling: "cls", initializerRange: 0.02 });
    expect(headDim(c)).toBe(4);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("rejects hidden not divisible by heads, listing every problem", () => {
    let err: unknown;
    try {
      encoderConfig({ vocabSize: 0, hidden: 10, layers: 1, heads: 3, intermediate: 16, maxPositions: 4, hiddenDropout: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EncoderConfigError);
    const problems = (err as EncoderConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/divisible by heads/);
    expect(problems.join("\n")).toMatch(/vocabSize/);
    expect(problems.join("\n")).toMatch(/hiddenDropout/);
  });

  it("rejects a bad pooling mode", () => {
    expect(() => encoderConfig({ vocabSize: 10, hidden: 8, layers: 1, heads: 2, intermediate: 16, maxPositions: 4, pooling: "max" as "cls" })).toThrow(/pooling/);
  });
});

describe("presets", () => {
  it("tiny, small and base have the documented shapes", () => {
    expect(presetConfig("tiny")).toMatchObject({ layers: 2, hidden: 128, heads: 2, intermediate: 512, vocabSize: 30522, maxPositions: 512 });
    expect(presetConfig("small")).toMatchObject({ layers: 4, hidden: 256, heads: 4, intermediate: 1024 });
    expect(presetConfig("base")).toMatchObject({ layers: 12, hidden: 768, heads: 12, intermediate: 3072 });
  });

  it("takes overrides and still validates", () => {
    expect(presetConfig("tiny", { vocabSize: 100, pooling: "mean" })).toMatchObject({ vocabSize: 100, pooling: "mean", hidden: 128 });
    expect(() => presetConfig("tiny", { heads: 3 })).toThrow(EncoderConfigError);
    expect(() => presetConfig("huge" as "tiny")).toThrow(/unknown preset/);
  });
});
