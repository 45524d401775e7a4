/**
 * @i3/losses: retrieval losses on TensorFlow.js, one per file. Each returns a scalar
 * tensor and is differentiable on every backend (js, wasm, tensorflow).
 */
export { contrastiveLoss, contrastiveLossFromScores } from "./contrastive.js";
export type { ContrastiveOptions } from "./contrastive.js";
export { pairwiseSoftplusLoss } from "./pairwise-softplus.js";
export { marginMSELoss } from "./margin-mse.js";
export { klDistillationLoss } from "./kl-distillation.js";
export type { KlDistillationOptions } from "./kl-distillation.js";
export { maskedTokenCrossEntropy } from "./masked-token-cross-entropy.js";
export type { MaskedTokenCrossEntropyOptions } from "./masked-token-cross-entropy.js";
export { ltrePairwiseLoss } from "./ltre-pairwise.js";
export type { LtrePairwiseOptions } from "./ltre-pairwise.js";
export { pickTargets } from "./util/pick-targets.js";
export { logSoftmaxLastAxis } from "./util/log-softmax.js";
