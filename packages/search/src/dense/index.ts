/**
 * Dense retrieval: encode a corpus to an index folder, load it, exact inner-product top-k
 * (plain JavaScript, or `tf.matMul` with a caller-provided TensorFlow.js namespace).
 */
export { encodeCorpus, type EncodeCorpusOptions } from "./encodeCorpus.js";
export { DenseIndex, type DenseResult, type LoadDenseIndexOptions } from "./denseIndex.js";
export { exactSearch, type ExactSearchOptions } from "./exactSearch.js";
export { writeDenseRun, type WriteDenseRunOptions } from "./writeRun.js";
export {
  DENSE_FILES,
  DENSE_FORMAT,
  DENSE_FORMAT_VERSION,
  DenseIndexError,
  readManifest,
  validateManifest,
  type DenseDtype,
  type DenseManifest,
  type EncoderDescription,
} from "./manifest.js";
export { float32ToFloat16Bits, float16BitsToFloat32, toFloat16, fromFloat16 } from "./float16.js";
export { MultiTopK, type DenseHits } from "./topK.js";
export { scoreBlockJs } from "./jsKernel.js";
export type { TfLike, TfTensorLike } from "./tfKernel.js";
export { Float32Store, Float16Store, type VectorStore } from "./vectorStore.js";
