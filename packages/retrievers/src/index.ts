/**
 * @i3/retrievers: training and retrieval recipes for first-stage retrievers, the dual-encoder
 * and I3, and the cross-encoder re-ranker. Settings (`settings.ts`, the defaults), where training
 * starts (`start.ts`, `hf-files.ts`), phased training (`phases.ts`) and its resumable checkpoints
 * (`training-checkpoints.ts`), the trainers (`dual-encoder.ts`, `i3.ts`, `cross-encoder.ts`,
 * `ltre.ts`, MICE's distillation and re-ranking in `mice.ts`), batched encoding (`encode.ts`, `token-batches.ts`; texts: `encode-texts.ts`), inference through
 * onnxruntime-node with a tfjs fallback (`inference.ts`, `onnxruntime.ts`), MICE's stored document
 * states (`mice-states.ts`), dense indexing and retrieval (`retrieve.ts`) and checkpoints with
 * their tokenizer (`checkpoint.ts`). See README.md.
 */
export * from "./settings.js";
export { startBackend } from "./backend.js";
export { initFolderFiles, initFolderKind, hfTokenizerFiles, tokenizerSourceOf, type InitFolderFiles, type HfTokenizerSource } from "./hf-files.js";
export {
  loadHfTokenizer,
  startTokenizer,
  presetEncoderConfig,
  startEncoderConfig,
  loadStartTowers,
  copyEncoder,
  type StartSettings,
  type StartTowers,
} from "./start.js";
export {
  cropPhase,
  queryPhase,
  positivesAndNegatives,
  trainPhase,
  trainPhaseLoop,
  phaseOptimizer,
  phaseSchedule,
  type NegativesSource,
  type Phase,
  type PhaseStep,
} from "./phases.js";
export { prepareTraining, type PreparedTraining } from "./prepare.js";
export {
  openTrainingCheckpoints,
  findResumePoint,
  phaseCheckpointDir,
  phaseStepsFromLog,
  resumeMessage,
  trainingIdentity,
  parametersDigest,
  type PhaseCheckpoints,
  type ResumePoint,
  type TrainingCheckpointOptions,
} from "./training-checkpoints.js";
export { trainDualEncoder, type TrainDualEncoderInputs, type TrainedDualEncoder } from "./dual-encoder.js";
export { trainI3, REFERENCE_FALLBACK_TARGET, type TrainI3Inputs, type TrainedI3 } from "./i3.js";
export {
  trainCrossEncoder,
  localizedContrastiveLoss,
  sampleRerankerGroup,
  type TrainCrossEncoderInputs,
  type TrainedCrossEncoder,
  type CrossEncoderTrainingGroup,
} from "./cross-encoder.js";
export type { RerankerTrainingOptions, TrainedReranker } from "./reranker-training.js";
export { distillationSetup, distillationPhase, distillationTerm, type DistillationSetup, type TeacherScoredLists } from "./distillation.js";
export { buildMiceStateStore, miceStatesFingerprint, readDocumentStates, type BuildMiceStateStoreOptions } from "./mice-states.js";
export {
  trainMice,
  rerankWithMice,
  rerankCandidates,
  miceLoss,
  checkMiceObjective,
  encodeAlone,
  DEFAULT_MICE_OBJECTIVE,
  type MiceObjective,
  type TrainMiceInputs,
  type TrainedMice,
  type RerankWithMiceOptions,
} from "./mice.js";
export { encodeTokenRows, encodeRows, encodeCorpusVectors, type BiEncoderModel, type DenseRetriever } from "./encode.js";
export { toTensors, paddedRowBatches } from "./token-batches.js";
export { encodeTexts, textEncoder, type EncodeTextsOptions, type EncodeProgress, type EncodeSide, type TextEncoder, type TextVectors } from "./encode-texts.js";
export {
  describeInference,
  openDenseInference,
  openCrossEncoderInference,
  DenseInference,
  CrossEncoderInference,
  type InferenceEngineInfo,
  type InferenceOptions,
  type CrossEncoderInferenceOptions,
  type DenseInferenceModel,
} from "./inference.js";
export { openMiceInference, scoreMiceCandidates, MiceInference, type MiceInferenceOptions } from "./mice-inference.js";
export { loadOnnxRuntime, defaultInferenceThreads, type OnnxRuntimeLoad, type FloatFeed } from "./onnxruntime.js";
export {
  retrieveDense,
  indexAndRetrieve,
  buildDenseIndex,
  buildShardedDenseIndex,
  type BuildDenseIndexOptions,
  type BuildShardedDenseIndexOptions,
} from "./retrieve.js";
export {
  saveDualEncoderCheckpoint,
  saveI3Checkpoint,
  loadDualEncoderCheckpoint,
  loadI3Checkpoint,
  saveQueryTowerCheckpoint,
  loadQueryTowerCheckpoint,
} from "./checkpoint.js";
export {
  trainLtre,
  retrieveLtre,
  ltreList,
  indexAtPrecision,
  queryTowerRetriever,
  type LtreList,
  type LtreStepRetrieval,
  type TrainLtreInputs,
  type TrainedLtre,
} from "./ltre.js";
