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
import scifactI3Experiment from "../../../experiments/scifact-i3.js";

/** sha256 of each train stage's key, by system. */
async function trainKeys(input: ExperimentInput): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const spec of planExperiment(parseExperiment(input)).stages) {
    if (spec.ref.stage === "train") keys[spec.ref.system!] = stableHash(await spec.key({} as RunServices));
  }
  return keys;
}

/** `input` with `train.checkpointEverySteps` set on every trained system. */
function withInterval(input: ExperimentInput, everySteps: number): ExperimentInput {
  const systems = Object.fromEntries(
    Object.entries(input.systems ?? {}).map(([key, s]) => {
      const system = s as { kind: string; train?: object };
      return [key, system.kind === "bm25" ? system : { ...system, train: { ...system.train, checkpointEverySteps: everySteps } }];
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
});
