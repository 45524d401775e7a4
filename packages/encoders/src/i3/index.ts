/**
 * The I3 retriever (Dong et al., CIKM 2023): config and variants, query reconstructor,
 * query-passage interactor, MLM head, `I3Retriever`, slot and target ids, the training objective
 * (`i3Loss`, `betaAt`). See docs/i3.md.
 */
export { i3Config, I3ConfigError, I3_DEFAULTS } from "./config.js";
export type { I3Config, I3ConfigInput, I3SpecialTokens, ReconstructorMemory, InteractorInput } from "./config.js";
export { QueryReconstructor } from "./reconstructor.js";
export type { PassageStates } from "./reconstructor.js";
export { QueryPassageInteractor } from "./interactor.js";
export { MlmHead } from "./mlm-head.js";
export { I3Retriever } from "./retriever.js";
export type { I3RetrieverOptions, I3PassageOutput } from "./retriever.js";
export { slotIds, reconstructionTargets, IGNORE_INDEX } from "./slots.js";
export { i3Loss, betaAt } from "./objective.js";
export type { I3LossTerms, ReconstructionSchedule } from "./objective.js";
