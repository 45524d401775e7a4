// Tokenizers: loading Hugging Face folders, WordPiece training, batch encoding, token caches.
// See ../../docs/tokenizer.md.
export { I3Tokenizer, type EncodedIds, type SpecialTokenIds } from "./i3Tokenizer.js";
export { loadTokenizer } from "./loadTokenizer.js";
export { saveTokenizer } from "./saveTokenizer.js";
export {
  trainWordPiece,
  trainWordPieceVocab,
  countWords,
  DEFAULT_SPECIAL_TOKENS,
  type TrainWordPieceOptions,
  type WordPieceVocabOptions,
} from "./wordPieceTrainer.js";
export {
  bertTokenizerJson,
  bertTokenizerConfig,
  BERT_SPECIAL_TOKENS,
  type TokenizerJson,
  type AddedTokenJson,
  type BertSpecialTokens,
  type BertTokenizerJsonOptions,
} from "./bertTokenizerJson.js";
export { bertNormalize, bertPreTokenize, type BertNormalizerOptions } from "./bertText.js";
export { ReferenceWordPieceEncoder, wordPieceSplit, type WordPieceOptions } from "./wordPiece.js";
export { parseVocabTxt, readVocabTxt, formatVocabTxt } from "./vocabFile.js";
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
} from "./batchEncoding.js";
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
} from "./tokenCache.js";
export { buildTokenLookup } from "./tokenLookup.js";
