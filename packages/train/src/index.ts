/**
 * @i3/train: a model-agnostic training engine on TensorFlow.js. Named `tf.Variable` groups
 * and a loss closure in; PyTorch-exact AdamW, torch_optimizer-exact LAMB, HF learning-rate schedules, global-norm
 * clipping, gradient accumulation, JSONL logs, atomic checkpoints and exact resume.
 */
export { AdamW } from "./optim/adamw.js";
export type { AdamWOptions, AdamWState, NamedGrads } from "./optim/adamw.js";
export { Lamb } from "./optim/lamb.js";
export type { LambOptions } from "./optim/lamb.js";
export { MomentOptimizer } from "./optim/moment-optimizer.js";
export type { MomentState, OptimizerKind } from "./optim/moment-optimizer.js";
export { resolveGroups, splitNoDecay, isNoDecayParam } from "./params/param-groups.js";
export type { NamedVariable, ParamGroup, ParamGroupSpec, GroupDefaults } from "./params/param-groups.js";
export { constantSchedule, constantScheduleWithWarmup, linearScheduleWithWarmup, makeSchedule } from "./schedule/schedules.js";
export type { LrSchedule, ScheduleSpec } from "./schedule/schedules.js";
export { clipGradsByGlobalNorm, globalGradNorm } from "./grad/clip-grad-norm.js";
export type { ClipResult } from "./grad/clip-grad-norm.js";
export { GradAccumulator } from "./grad/grad-accumulator.js";
export {
  saveCheckpoint,
  loadCheckpoint,
  restoreCheckpoint,
  applyCheckpoint,
  listCheckpoints,
  latestCheckpoint,
  pruneCheckpoints,
  checkpointName,
  RNG_SCHEME,
} from "./checkpoint/checkpoint.js";
export type { CheckpointManifest, LoadedCheckpoint, SaveCheckpointOptions, TrainPosition } from "./checkpoint/checkpoint.js";
export { JsonlLog, readJsonl } from "./log/jsonl-log.js";
export { createProgress } from "./progress/progress.js";
export type { ProgressMode, ProgressReporter, ProgressState } from "./progress/progress.js";
export { train } from "./loop/train.js";
export type { LossFn, StepContext, StepRecord, TrainOptimizerOptions, TrainOptions, TrainResult } from "./loop/types.js";
