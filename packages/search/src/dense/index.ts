/**
 * Dense retrieval: encode a corpus to an index folder, load it, exact inner-product top-k
 * (onnxruntime-node when it loads, `tf.matMul` with a caller-provided TensorFlow.js namespace,
 * or plain JavaScript); sharded indexes on disk searched shard by shard within a memory bound.
 */
export { encodeCorpus, type EncodeCorpusOptions } from "./encode-corpus.js";
export { DenseIndex, type DenseResult, type LoadDenseIndexOptions } from "./dense-index.js";
export { exactSearch, exactSearchWithKernel, type ExactSearchOptions, type ExactSearchResult } from "./exact-search.js";
export { kernelSetting, type SearchKernel, type SearchKernelReport } from "./search-kernel.js";
export { writeDenseRun, type WriteDenseRunOptions } from "./write-run.js";
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
export { MultiTopK, type DenseHits } from "./top-k.js";
export { scoreBlockJs } from "./js-kernel.js";
export type { TfLike, TfTensorLike } from "./tf-kernel.js";
export { Float32Store, Float16Store, type VectorStore } from "./vector-store.js";
export { ProductQuantizer, PqStore, type ProductQuantizerOptions } from "./product-quantizer.js";
export { compressIndex, type CompressIndexOptions, type IndexPrecision } from "./compress.js";
export {
  SHARDED_FORMAT,
  SHARDED_FORMAT_VERSION,
  readShardedManifest,
  validateShardedManifest,
  type ShardEntry,
  type ShardedManifest,
} from "./sharded-manifest.js";
export { ShardedIndexWriter, defaultShardSize, type ShardedWriterOptions } from "./sharded-writer.js";
export {
  ShardedDenseIndex,
  DEFAULT_MAX_MEMORY_BYTES,
  type OpenShardedIndexOptions,
  type ShardedSearchOptions,
  type ShardedSearchPlan,
} from "./sharded-index.js";
export { encodeCorpusSharded, type EncodeShardedOptions } from "./encode-sharded.js";
