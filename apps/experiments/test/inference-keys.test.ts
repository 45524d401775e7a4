/**
 * The run's `inference` setting in the stage keys: `tfjs` keeps the keys of the index, retrieve
 * and re-rank stages computed before the setting existed (pinned below, recorded at commit
 * f0fa79a), so those cached tfjs results stay valid as tfjs results; `auto` (the default,
 * absent from the config) and `onnxruntime` give those stages keys of their own; no train stage
 * key moves; and LTRe trains against (and searches) its start system's index built on tfjs, the
 * stage of the old key, whatever `inference` says (a training input).
 */
import { stableHash } from "@i3/core";
import { describe, expect, it } from "vitest";
import { configHash, parseExperiment } from "../src/config/define.js";
import type { ExperimentInput } from "../src/config/schema.js";
import { planExperiment } from "../src/runner/plan.js";
import { stageLabel, type RunServices, type StageSpec } from "../src/runner/stage.js";
import defaultExperiment from "../../../experiments/default.js";
import scifactDistillExperiment from "../../../experiments/scifact-distill.js";
import scifactLtreExperiment from "../../../experiments/scifact-ltre.js";

type Inference = "auto" | "onnxruntime" | "tfjs" | undefined;

function plan(input: ExperimentInput, inference: Inference) {
  return planExperiment(parseExperiment(inference === undefined ? input : { ...input, inference }));
}

/** sha256 of each stage's key by label, for the stages that run or train a model. */
async function modelStageKeys(input: ExperimentInput, inference: Inference): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const spec of plan(input, inference).stages) {
    if (["train", "index", "retrieve", "rerank"].includes(spec.ref.stage)) keys[stageLabel(spec.ref)] = stableHash(await spec.key({} as RunServices));
  }
  return keys;
}

const PINNED_AT_F0FA79A = {
  default: {
    "dual-encoder/index": "2b529a43bcab5f43bc3a0204dad09400f59382c56123915872e5c25520e6e7c7",
    "dual-encoder/retrieve:test": "9d3c7055fa857945bb04b372470194a25952916e13e30eeb571b16273e2b1322",
  },
  ltre: {
    "dual-encoder@1/index": "2b529a43bcab5f43bc3a0204dad09400f59382c56123915872e5c25520e6e7c7",
    "i3@2/retrieve:test": "b6121617f391eada2e3dad563d2549478c95874047e7a1d2792993f7f0dbd85e",
    "de-ltre@1/retrieve:test": "648dbd7ce51b754e89786a9970f20fd52b95292d93b3ef23b3dbd0d95c9de0bd",
    "i3-ltre-pq@3/retrieve:test": "afd214033c58059a4fae0f9f5ef0ad05b922f77ef76f1be1d3845a2a1dacf659",
  },
  distill: {
    "cross-encoder@1/rerank:test": "40e2c9660444d1c7a6c8d288c38d3048f54d091c16924fa79afb23da9e3c1d7c",
    "i3-kd-ce@1/index": "037bf5a81ea56fb6eba3a0621a7570f7fcd767bd255baac0d13cec8524591a1b",
  },
};

describe("the inference setting in the stage keys", () => {
  it("tfjs keeps the published index, retrieve and re-rank keys; auto and onnxruntime key those stages apart; train keys never move", async () => {
    for (const [input, pinned] of [
      [defaultExperiment, PINNED_AT_F0FA79A.default],
      [scifactLtreExperiment, PINNED_AT_F0FA79A.ltre],
      [scifactDistillExperiment, PINNED_AT_F0FA79A.distill],
    ] as const) {
      const [tfjs, absent, auto, onnx] = await Promise.all([modelStageKeys(input, "tfjs"), modelStageKeys(input, undefined), modelStageKeys(input, "auto"), modelStageKeys(input, "onnxruntime")]);
      expect(tfjs).toMatchObject(pinned);
      expect(absent).toEqual(auto);
      for (const [label, key] of Object.entries(tfjs)) {
        if (/^bm25(@\d+)?\//.test(label)) continue; // runs no model
        if (label.includes("/train")) {
          expect([auto[label], onnx[label]]).toEqual([key, key]);
        } else {
          expect(auto[label], label).not.toBe(key);
          expect(onnx[label]).not.toBe(key);
          expect(onnx[label]).not.toBe(auto[label]);
        }
      }
    }
  });

  it("LTRe needs its start system's tfjs index (the old key) in training and retrieval; only its query encoding follows inference", async () => {
    for (const inference of ["auto", "onnxruntime", "tfjs"] as const) {
      const stages = plan(scifactLtreExperiment, inference).stages;
      const byLabel = new Map(stages.map((s) => [stageLabel(s.ref), s]));
      const fixed = [byLabel.get("de-ltre@1/train")!.needs["index"], byLabel.get("de-ltre@1/retrieve:test")!.needs["index"]] as StageSpec[];
      expect(fixed[0]).toBe(fixed[1]);
      expect(stableHash(await fixed[0]!.key({} as RunServices))).toBe(PINNED_AT_F0FA79A.ltre["dual-encoder@1/index"]);
      // The dual-encoder's own run searches the index of the run's engine: one index stage with tfjs, two otherwise.
      const searched = byLabel.get("dual-encoder@1/retrieve:test")!.needs["index"];
      expect(searched === fixed[0]).toBe(inference === "tfjs");
      expect(stageLabel(fixed[0]!.ref)).toBe(inference === "tfjs" ? "dual-encoder@1/index" : "dual-encoder@1[tfjs]/index");
    }
  });

  it("is absent from a parsed config that does not write it (config hashes hold), and a bad value is a config error", () => {
    const parsed = parseExperiment(defaultExperiment);
    expect("inference" in parsed).toBe(false);
    expect(configHash(parseExperiment({ ...defaultExperiment, inference: "tfjs" }))).not.toBe(configHash(parsed));
    expect(() => parseExperiment({ ...defaultExperiment, inference: "torch" } as unknown as ExperimentInput)).toThrow(/inference/);
  });
});
