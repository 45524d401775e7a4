/**
 * @i3/losses: retrieval losses on TensorFlow.js, one per file. Each returns a scalar
 * tensor and is differentiable on every backend (js, wasm, tensorflow).
 */
export { contrastiveLoss, contrastiveLossFromScores } from "./contrastive.js";
export type { ContrastiveOptions } from "./contrastive.js";
export { pairwiseSoftplusLoss } from "./pairwiseSoftplus.js";
export { marginMSELoss } from "./marginMse.js";
export { klDistillationLoss } from "./klDistillation.js";
export type { KlDistillationOptions } from "./klDistillation.js";
export { maskedTokenCrossEntropy } from "./maskedTokenCrossEntropy.js";
export type { MaskedTokenCrossEntropyOptions } from "./maskedTokenCrossEntropy.js";
export { ltrePairwiseLoss } from "./ltrePairwise.js";
export type { LtrePairwiseOptions } from "./ltrePairwise.js";
export { pickTargets } from "./util/pickTargets.js";
export { logSoftmaxLastAxis } from "./util/logSoftmax.js";
