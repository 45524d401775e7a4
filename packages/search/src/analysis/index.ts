/** Text analysis: Lucene's StandardTokenizer and the English filter chain Anserini uses. */
export { standardTokenize, DEFAULT_MAX_TOKEN_LENGTH } from "./standard-tokenizer.js";
export { stripPossessive, lowerCaseLikeJava, porterStem } from "./token-filters.js";
export { LUCENE_ENGLISH_STOP_WORDS } from "./stop-words.js";
export {
  createEnglishAnalyzer,
  validateAnalyzerSettings,
  sameAnalyzerSettings,
  DEFAULT_ANALYZER_SETTINGS,
  type Analyzer,
  type AnalyzerSettings,
} from "./english-analyzer.js";
