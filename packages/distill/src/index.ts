/**
 * @i3/distill: knowledge distillation for retrievers (DESIGN.md sec. 2, "Distillation").
 * Teachers behind one interface (`teachers/`: BM25, a score file, an ONNX cross-encoder through
 * transformers.js, a cross-encoder trained here), their scores in SimLM's `kd_train.jsonl`
 * (`kd/`), scoring jobs cached by content (`scoring/`), candidate lists of 1 positive + n
 * negatives (`candidates/`) and the KL / MarginMSE objectives over them (`objectives/`).
 * See README.md.
 */
export { readKdTrain, loadKdTrain, writeKdTrain, kdTrainLine, type KdRecord, type ScoredDoc, type IdSet, type ReadKdTrainOptions } from "./kd/kd-train-jsonl.js";
export { checkTeacherScores, type Teacher } from "./teachers/teacher.js";
export { bm25Teacher, bm25TeacherForCollection, type Bm25TeacherOptions, type Bm25CollectionTeacherOptions } from "./teachers/bm25-teacher.js";
export { readScoreFile, scoreFileTeacher, type ScoreFileOptions, type ScoreFileTeacherOptions } from "./teachers/score-file-teacher.js";
export { onnxCrossEncoderTeacher, type OnnxCrossEncoderOptions } from "./teachers/onnx-cross-encoder-teacher.js";
export { crossEncoderTeacher, loadCrossEncoderTeacher, type CrossEncoderTeacherOptions } from "./teachers/cross-encoder-teacher.js";
export { loadTeacher, type TeacherSpec, type LoadTeacherOptions } from "./teachers/teacher-spec.js";
export { teacherPools, type ScoringPool, type TeacherPoolOptions } from "./scoring/pools.js";
export {
  scoringJobKey,
  scoreWithTeacher,
  cachedTeacherScores,
  KD_JOB_FORMAT,
  type PassageLookup,
  type ScoringProgress,
  type CachedScoresOptions,
  type CachedScores,
} from "./scoring/score-job.js";
export { sampleCandidates, sampleCandidateLists, DEFAULT_KD_NEGATIVES, type CandidateList, type CandidateOptions } from "./candidates/candidate-list.js";
export { distillationLoss, groupScores, teacherScores, type DistillationObjective } from "./objectives/distillation-loss.js";
