/**
 * System `i3`: the I3 retriever (Dong et al., CIKM 2023, arXiv 2306.02371; reference code
 * Deriq-Qian-Dong/III-Retriever): a dual-encoder whose passage side reconstructs a pseudo-query
 * and lets the passage interact with it, so the index still holds one vector per passage
 * (`@i3/retrievers`' `trainI3`, `@i3/encoders`' I3Retriever). Its stages are the dense ones
 * plus `pseudo-queries`, the reconstruction targets (`@i3/pseudoquery`).
 */
import { trainingSettings } from "../dense/model-code.js";
import { teacherReferences } from "../dense/distillation-settings.js";
import { denseSystemStages } from "../dense/stages.js";
import { i3HeadsKey, lossesKey, modelKey, tokenizerKey, trainKey } from "../dense/keys.js";
import { defineSystem } from "../system.js";
import { pseudoQueriesStage } from "./pseudo-queries-stage.js";
import { i3Settings } from "./settings.js";

/** The I3 system. */
export const i3System = defineSystem({
  kind: "i3",
  role: "first-stage",
  description: "I3 retriever: dual-encoder with pseudo-query reconstruction and a query-passage interactor on the passage side",
  settings: i3Settings,
  references: (settings) => [{ field: "negatives.from", system: settings.negatives.from, roles: ["first-stage"] }, ...teacherReferences(settings)],
  plan(ctx) {
    const training = trainingSettings(ctx.settings);
    const pseudoQueries = pseudoQueriesStage({ system: ctx.key, settings: ctx.settings, run: ctx.run, data: ctx.data });
    return denseSystemStages(ctx, {
      kind: "i3",
      // 4: settings keyed as the system's own section (the registry).
      trainVersion: 4,
      extra: { pseudoQueries },
      trainingKey: async () => ({
        ...training,
        losses: lossesKey(training.losses),
        train: trainKey(training.train),
        tokenizer: await tokenizerKey(training),
        model: await modelKey(training),
        i3: i3HeadsKey(training.i3),
      }),
      code: async () => (await import("./model.js")).i3Code,
    });
  },
});
