/**
 * The settings schemas: `{}` parses to the documented defaults (I3's heads equal to
 * `@i3/encoders`' I3_DEFAULTS), every object is strict, and the cross-field checks name the field;
 * the settings can be imported without loading TensorFlow.js.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { I3_DEFAULTS } from "@i3/encoders";
import { dualEncoderSettingsSchema, i3SettingsSchema, parseSettings, reconstructionWeight, type I3SettingsInput } from "../src/settings.js";

const here = fileURLToPath(new URL(".", import.meta.url));

const DE_DEFAULTS = {
  tokenizer: { kind: "wordpiece-trained", vocabSize: 8192, lowercase: true },
  model: { preset: "tiny", sharedTowers: true, pooling: "cls", queryMaxLength: 32, passageMaxLength: 128 },
  negatives: { fromRank: 1, toRank: 100, perQuery: 1 },
  losses: { contrastive: { temperature: 1 } },
  optimizer: { lr: 1e-3, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, warmupRatio: 0.1 },
  train: { epochs: 2, warmupEpochs: 2, batchSize: 32, cropWords: [4, 12], checkpointEverySteps: 100 },
};

/** Issues of a failed parse as "path: message". */
function issues(schema: typeof dualEncoderSettingsSchema | typeof i3SettingsSchema, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected a parse error");
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("dual-encoder settings", () => {
  it("{} parses to the documented defaults (and undefined too, through parseSettings)", () => {
    expect(dualEncoderSettingsSchema.parse({})).toStrictEqual(DE_DEFAULTS);
    expect(parseSettings(dualEncoderSettingsSchema, undefined)).toStrictEqual(DE_DEFAULTS);
  });

  it("a nested partial keeps the other defaults of its object", () => {
    const s = dualEncoderSettingsSchema.parse({ optimizer: { lr: 5e-4 }, model: { preset: { layers: 1, hidden: 64, heads: 2, intermediate: 128 } } });
    expect(s.optimizer).toStrictEqual({ ...DE_DEFAULTS.optimizer, lr: 5e-4 });
    expect(s.model.preset).toStrictEqual({ layers: 1, hidden: 64, heads: 2, intermediate: 128, dropout: 0.1 });
    expect(s.train).toStrictEqual(DE_DEFAULTS.train);
  });

  it("is strict at every level: unknown and I3-only fields are errors naming their path", () => {
    expect(issues(dualEncoderSettingsSchema, { learningRate: 1e-3 })).toEqual([expect.stringMatching(/^: Unrecognized key: "learningRate"/)]);
    expect(issues(dualEncoderSettingsSchema, { optimizer: { gradClipNorm: 1 } })).toEqual([expect.stringMatching(/^optimizer: Unrecognized key: "gradClipNorm"/)]);
    expect(issues(dualEncoderSettingsSchema, { optimizer: { headLrMultiplier: 50 } })).toEqual([expect.stringMatching(/^optimizer: Unrecognized key/)]);
    expect(issues(dualEncoderSettingsSchema, { i3: {} })).toEqual([expect.stringMatching(/^: Unrecognized key: "i3"/)]);
    expect(issues(dualEncoderSettingsSchema, { model: { preset: { layers: 1, hidden: 8, heads: 2, intermediate: 16, extra: 1 } } })).toHaveLength(1);
    expect(issues(dualEncoderSettingsSchema, { train: { batchSize: 0 } })).toEqual([expect.stringMatching(/^train\.batchSize: /)]);
  });

  it("cross-field checks name the field: ranks, crop lengths, where the tokenizer comes from", () => {
    expect(issues(dualEncoderSettingsSchema, { negatives: { fromRank: 10, toRank: 5 } })).toEqual(["negatives.toRank: must be >= negatives.fromRank"]);
    expect(issues(dualEncoderSettingsSchema, { train: { cropWords: [8, 4] } })).toEqual(["train.cropWords: cropWords must be [min, max] with min <= max"]);
    expect(issues(dualEncoderSettingsSchema, { model: { init: "bert" } })).toEqual([expect.stringMatching(/^tokenizer\.kind: model\.init needs tokenizer\.kind "hf"/)]);
    expect(issues(dualEncoderSettingsSchema, { tokenizer: { kind: "hf" } })).toEqual([expect.stringMatching(/^tokenizer\.path: tokenizer\.kind "hf" needs tokenizer\.path/)]);
    expect(issues(dualEncoderSettingsSchema, { tokenizer: { path: "vocab.txt" } })).toEqual(['tokenizer.path: tokenizer.path is read only with tokenizer.kind "hf"']);
    // hf with either a path or model.init is fine
    expect(dualEncoderSettingsSchema.parse({ tokenizer: { kind: "hf" }, model: { init: "bert" } }).model.init).toBe("bert");
    expect(dualEncoderSettingsSchema.parse({ tokenizer: { kind: "hf", path: "tok" } }).tokenizer.path).toBe("tok");
  });

  it("parseSettings throws one message listing every issue with its path", () => {
    expect(() => parseSettings(dualEncoderSettingsSchema, { optimizer: { lr: -1 }, train: { epochs: 1.5 } })).toThrow(
      /^settings error at optimizer\.lr: .*\nsettings error at train\.epochs: /,
    );
  });
});

describe("I3 settings", () => {
  it("{} parses to the dual-encoder's defaults plus I3_DEFAULTS, L_rec on, heads at 1x lr", () => {
    const s = i3SettingsSchema.parse({});
    expect(s).toStrictEqual({
      ...DE_DEFAULTS,
      losses: { ...DE_DEFAULTS.losses, reconstruction: { schedule: "ten-power-minus-epoch" } },
      optimizer: { ...DE_DEFAULTS.optimizer, headLrMultiplier: 1 },
      i3: {
        slots: 32,
        reconstructor: { layers: 1, memory: "pooled" },
        interactor: { enabled: true, input: "pooled" },
        mlmHead: { tied: false },
        warmupFreezeBackbone: false,
      },
    });
    // the same values as the model's own defaults (interactor.layers absent = the model's 1)
    const { warmupFreezeBackbone: _, ...heads } = s.i3;
    expect({ ...heads, interactor: { ...heads.interactor, layers: 1 } }).toStrictEqual(I3_DEFAULTS);
    // L_rec on by default (the paper's objective), beta 1 with the reference's 10^-(epoch+1) decay
    expect(s.losses.reconstruction).toStrictEqual({ schedule: "ten-power-minus-epoch" });
  });

  it("losses.reconstruction defaults its schedule, and its weight to 1, or to the reference's 2e-4 while distilling; I3 fields are strict too", () => {
    const weightOf = (losses: I3SettingsInput["losses"]) => reconstructionWeight(i3SettingsSchema.parse({ losses }).losses);
    expect(i3SettingsSchema.parse({ losses: { reconstruction: {} } }).losses.reconstruction).toStrictEqual({ schedule: "ten-power-minus-epoch" });
    expect(weightOf({ reconstruction: {} })).toBe(1);
    expect(weightOf({})).toBe(1);
    expect(weightOf({ reconstruction: false })).toBe(0);
    expect(weightOf({ reconstruction: false, klDistillation: {} })).toBe(0);
    expect(weightOf({ klDistillation: {} })).toBe(2e-4);
    expect(weightOf({ reconstruction: {}, klDistillation: {} })).toBe(2e-4);
    expect(weightOf({ reconstruction: {}, marginMse: {} })).toBe(2e-4);
    expect(weightOf({ reconstruction: { weight: 0.5 }, klDistillation: {} })).toBe(0.5);
    expect(weightOf({ reconstruction: { weight: 0 }, klDistillation: {} })).toBe(0);
    // an object or false: zod reports the union (the config loader names the object's field, apps/experiments config tests)
    expect(issues(i3SettingsSchema, { losses: { reconstruction: { schedule: "decay10" } } })).toEqual(["losses.reconstruction: Invalid input"]);
    expect(issues(i3SettingsSchema, { losses: { reconstruction: true } })).toEqual(["losses.reconstruction: Invalid input"]);
    expect(issues(i3SettingsSchema, { i3: { reconstructor: { layers: 4 } } })).toEqual([expect.stringMatching(/^i3\.reconstructor\.layers: /)]);
    expect(issues(i3SettingsSchema, { i3: { interactor: "off" } })).toEqual([expect.stringMatching(/^i3\.interactor: /)]);
    expect(issues(i3SettingsSchema, { i3: { memory: "tokens" } })).toEqual([expect.stringMatching(/^i3: Unrecognized key: "memory"/)]);
    expect(issues(i3SettingsSchema, { model: { init: "bert" } })).toEqual([expect.stringMatching(/^tokenizer\.kind: model\.init needs/)]);
  });

  it("the reference-recipe switches are optional (absent = the behaviour before them, so {} parses as before) and validated", () => {
    const s = i3SettingsSchema.parse({});
    for (const absent of [s.negatives.schedule, s.optimizer.kind, s.optimizer.schedule, s.optimizer.mlmHeadLr, s.i3.interactor.layers]) expect(absent).toBeUndefined();
    expect(Object.keys(s.negatives)).not.toContain("schedule");
    const set = i3SettingsSchema.parse({
      negatives: { schedule: "strided" },
      optimizer: { kind: "lamb", schedule: "constant", mlmHeadLr: "backbone" },
      losses: { reconstruction: { targets: "pseudo-queries" } },
      i3: { interactor: { layers: 2 } },
    });
    expect([set.negatives.schedule, set.optimizer.kind, set.optimizer.schedule, set.optimizer.mlmHeadLr, set.losses.reconstruction !== false ? set.losses.reconstruction.targets : "off", set.i3.interactor.layers]).toEqual([
      "strided", "lamb", "constant", "backbone", "pseudo-queries", 2,
    ]);
    expect(issues(i3SettingsSchema, { optimizer: { kind: "sgd" } })).toEqual([expect.stringMatching(/^optimizer\.kind: /)]);
    expect(issues(i3SettingsSchema, { i3: { interactor: { layers: 4 } } })).toEqual([expect.stringMatching(/^i3\.interactor\.layers: /)]);
    expect(issues(dualEncoderSettingsSchema, { negatives: { schedule: "stride" } })).toEqual([expect.stringMatching(/^negatives\.schedule: /)]);
    expect(issues(dualEncoderSettingsSchema, { optimizer: { mlmHeadLr: "backbone" } })).toEqual([expect.stringMatching(/^optimizer: Unrecognized key: "mlmHeadLr"/)]);
  });

  it('reconstructor.memory "cls" is the deprecated name of "pooled"', () => {
    expect(i3SettingsSchema.parse({ i3: { reconstructor: { memory: "cls" } } }).i3.reconstructor.memory).toBe("pooled");
    expect(i3SettingsSchema.parse({ i3: { reconstructor: { memory: "tokens" } } }).i3.reconstructor.memory).toBe("tokens");
    expect(issues(i3SettingsSchema, { i3: { reconstructor: { memory: "all" } } })).toEqual([expect.stringMatching(/^i3\.reconstructor\.memory: /)]);
  });
});

describe("TensorFlow.js-free entry points", () => {
  it("@i3/retrievers/settings and @i3/retrievers/hf-files load no TensorFlow.js (the package index does)", () => {
    const probe = (spec: string) => {
      const code = `await import(${JSON.stringify(spec)}); console.log(typeof globalThis._tfengine);`;
      const r = spawnSync(process.execPath, ["--conditions=@i3/source", "--import", "tsx", "--input-type=module", "-e", code], { cwd: here, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(probe("@i3/retrievers/settings")).toBe("undefined");
    expect(probe("@i3/retrievers/hf-files")).toBe("undefined");
    expect(probe("@i3/retrievers")).toBe("object");
  }, 120_000);
});
