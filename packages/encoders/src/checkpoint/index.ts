/**
 * Hugging Face checkpoints: safetensors read/write, BertConfig mapping, parameter-name
 * mapping, and folder save/load for BertEncoder, DualEncoder, CrossEncoder, I3Retriever, Mice.
 * See docs/checkpoints.md.
 */
export { parseSafetensors, serializeSafetensors, toFloat32, f16ToF32, SafetensorsError } from "./safetensors.js";
export type { SafetensorsDtype, RawTensor, SafetensorsFile, Float32Entry } from "./safetensors.js";
export { toHfConfig, fromHfConfig, HfConfigError } from "./hf-config.js";
export type { HfBertConfig } from "./hf-config.js";
export { assignWeights, collectWeights, normalizeParamName, CheckpointMismatchError, DEFAULT_IGNORED } from "./weights.js";
export type { LoadReport, AssignOptions } from "./weights.js";
export {
  readCheckpoint,
  saveBertEncoder,
  loadBertEncoder,
  saveCrossEncoder,
  loadCrossEncoder,
  saveDualEncoder,
  loadDualEncoder,
  CONFIG_FILE,
  WEIGHTS_FILE,
  TOKENIZER_FILE,
} from "./folder.js";
export type { SaveOptions, LoadOptions, CheckpointContents, LoadedEncoder } from "./folder.js";
export { saveI3Retriever, loadI3Retriever } from "./i3-folder.js";
export { saveMice, loadMice } from "./mice-folder.js";
