// Training batches: (query, positive, n negatives) groups, per-epoch order, teacher scores, padding.
export {
  TrainingBatcher,
  trainingBatches,
  type TrainingBatcherOptions,
  type TrainingBatch,
  type BatchStats,
} from "./trainingBatches.js";
export { choosePositive, type PositivePolicy } from "./choosePositive.js";
export { queryOrder } from "./queryOrder.js";
export { alignTeacherScores, type TeacherScores } from "./teacherScores.js";
export { padTrainingBatch, type PadTrainingBatchOptions } from "./padTrainingBatch.js";
