// Training batches: (query, positive, n negatives) groups, per-epoch order, teacher scores, padding.
export {
  TrainingBatcher,
  trainingBatches,
  type TrainingBatcherOptions,
  type TrainingBatch,
  type BatchStats,
} from "./training-batches.js";
export { choosePositive, type PositivePolicy } from "./choose-positive.js";
export { queryOrder } from "./query-order.js";
export { alignTeacherScores, type TeacherScores } from "./teacher-scores.js";
export { padTrainingBatch, type PadTrainingBatchOptions } from "./pad-training-batch.js";
