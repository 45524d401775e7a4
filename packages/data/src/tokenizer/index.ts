// Tokenizers: loading Hugging Face folders, WordPiece training, batch encoding, token caches.
// See ../../docs/tokenizer.md.
export { I3Tokenizer, type EncodedIds, type SpecialTokenIds } from "./i3-tokenizer.js";
export { loadTokenizer } from "./load-tokenizer.js";
export { saveTokenizer } from "./save-tokenizer.js";
export {
  trainWordPiece,
  trainWordPieceVocab,
  countWords,
  DEFAULT_SPECIAL_TOKENS,
  type TrainWordPieceOptions,
  type WordPieceVocabOptions,
} from "./word-piece-trainer.js";
export {
  bertTokenizerJson,
  bertTokenizerConfig,
  BERT_SPECIAL_TOKENS,
  type TokenizerJson,
  type AddedTokenJson,
  type BertSpecialTokens,
  type BertTokenizerJsonOptions,
} from "./bert-tokenizer-json.js";
export { bertNormalize, bertPreTokenize, type BertNormalizerOptions } from "./bert-text.js";
export { ReferenceWordPieceEncoder, wordPieceSplit, type WordPieceOptions } from "./word-piece.js";
export { parseVocabTxt, readVocabTxt, formatVocabTxt } from "./vocab-file.js";
export { longestFirstLengths } from "./truncation.js";
export {
  encodeBatch,
  encodeQueries,
  encodePassages,
  encodePairs,
  padBatch,
  passageText,
  DEFAULT_ENCODING_CONFIG,
  type EncodedBatch,
  type EncodingConfig,
  type BatchEncodingOptions,
  type Padding,
} from "./batch-encoding.js";
export {
  buildTokenCache,
  openTokenCache,
  ensureTokenCache,
  TokenCacheMismatchError,
  type TokenIdLookup,
  type TokenCache,
  type TokenCacheHeader,
  type TokenCacheExpectation,
  type BuildTokenCacheOptions,
} from "./token-cache.js";
export { buildTokenLookup } from "./token-lookup.js";
