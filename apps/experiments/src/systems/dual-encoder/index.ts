/**
 * System `dual-encoder`: the vanilla dual-encoder (DPR, Karpukhin et al. 2020), s(q, p) =
 * E_q(q) . E_p(p), trained from scratch or from a Hugging Face BERT folder with the in-batch +
 * hard-negative contrastive loss (`@i3/retrievers`), then indexed and searched exactly. Hard
 * negatives come from another first-stage system's train-split run (`negatives.from`, BM25 by
 * default).
 */
import { trainingSettings } from "../dense/model-code.js";
import { teacherReferences } from "../dense/distillation-settings.js";
import { denseSystemStages } from "../dense/stages.js";
import { modelKey, tokenizerKey, trainKey } from "../dense/keys.js";
import { defineSystem } from "../system.js";
import { dualEncoderSettings } from "./settings.js";

/** The dual-encoder system. */
export const dualEncoderSystem = defineSystem({
  kind: "dual-encoder",
  role: "first-stage",
  description: "dual-encoder (shared or separate towers), contrastive training on hard negatives, exact dense search",
  settings: dualEncoderSettings,
  references: (settings) => [{ field: "negatives.from", system: settings.negatives.from, roles: ["first-stage"] }, ...teacherReferences(settings)],
  plan(ctx) {
    const training = trainingSettings(ctx.settings);
    return denseSystemStages(ctx, {
      kind: "dual-encoder",
      trainVersion: 4,
      extra: {},
      trainingKey: async () => ({ ...training, train: trainKey(training.train), tokenizer: await tokenizerKey(training), model: await modelKey(training) }),
      code: async () => (await import("./model.js")).dualEncoderCode,
    });
  },
});
