/**
 * @i3/pseudoquery: pseudo-query texts for every passage of a collection (I3's reconstruction
 * targets), from pluggable sources (RAKE keywords, sampled spans, a learned doc2query model,
 * an ONNX seq2seq model through transformers.js, real training queries), cached on disk in
 * the I3 reference's `generated.tsv` format; and random crops as training queries (`cropQueries`,
 * the trainers' warm-up). See README.md.
 */
export type { PseudoQuerySource, SourceGenerateOptions } from "./types.js";
export { sourceText, oneLine, whitespaceWords } from "./text.js";
export { RAKE_STOP_WORDS } from "./rake/stop-words.js";
export { rakeAnalyze, rakeKeywords, type RakeOptions, type RakeKeyword, type RakeAnalysis } from "./rake/rake.js";
export { rakeSource, type RakeSourceOptions } from "./rake/rake-source.js";
export { samplePoisson, clippedPoisson } from "./spans/poisson.js";
export { sampleSpans, spanText, spanSource, type SpanOptions, type Span } from "./spans/spans.js";
export { cropQueries, type CropQueries } from "./crops/crop-queries.js";
export {
  trainingQuerySource,
  firstRelevantQueries,
  compareQids,
  type TrainingQuerySourceOptions,
} from "./training/training-query-source.js";
export { readGeneratedTsv, writeGeneratedTsv } from "./cache/generated-tsv.js";
export { CACHE_FORMAT, CACHE_VERSION, readSidecar, sidecarMatches, type CacheKey, type CacheSidecar } from "./cache/sidecar.js";
export {
  generatePseudoQueries,
  cachePaths,
  type GeneratePseudoQueriesOptions,
  type GenerateProgress,
} from "./generate.js";
export { causalBias, decoderSelfBias } from "./doc2query/causal-bias.js";
export { Doc2QueryModel, type Doc2QueryConfig, type EncodedMemory } from "./doc2query/model.js";
export {
  IGNORE_INDEX,
  encodePairs,
  encodePassage,
  makeBatch,
  padPassages,
  seq2seqSpecials,
  type Doc2QueryBatch,
  type EncodedPair,
} from "./doc2query/batches.js";
export { trainDoc2Query, doc2QueryLoss, type TrainDoc2QueryOptions } from "./doc2query/train-doc2-query.js";
export { generateQueries, sampleTopK, type Decoding, type GenerateQueriesOptions } from "./doc2query/decode.js";
export { trainingPairs, type Doc2QueryPair } from "./doc2query/pairs.js";
export { doc2QuerySource, modelFingerprint, type Doc2QuerySourceOptions } from "./doc2query/doc2query-source.js";
export {
  onnxSeq2SeqSource,
  loadOnnxSeq2Seq,
  type OnnxSeq2SeqOptions,
  type OnnxSeq2Seq,
} from "./onnx/onnx-seq2-seq-source.js";
