/**
 * MICE (Vast et al., arXiv 2602.16299): config, the model (shared bottom layers, interaction
 * layers over stored document states), batches of document states. See docs/mice.md.
 */
export { miceConfig, MiceConfigError } from "./config.js";
export type { MiceConfig, MiceConfigInput, MiceHeadInput } from "./config.js";
export { Mice } from "./model.js";
export type { MiceOptions, FromCrossEncoderOptions } from "./model.js";
export { batchDocumentStates, padDocumentStates, unbatchDocumentStates, disposeDocumentStates } from "./document-states.js";
export type { DocumentStates, LayerStates, PaddedDocumentStates } from "./document-states.js";
