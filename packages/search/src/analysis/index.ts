/** Text analysis: Lucene's StandardTokenizer and the English filter chain Anserini uses. */
export { standardTokenize, DEFAULT_MAX_TOKEN_LENGTH } from "./standardTokenizer.js";
export { stripPossessive, lowerCaseLikeJava, porterStem } from "./tokenFilters.js";
export { LUCENE_ENGLISH_STOP_WORDS } from "./stopWords.js";
export {
  createEnglishAnalyzer,
  validateAnalyzerSettings,
  sameAnalyzerSettings,
  DEFAULT_ANALYZER_SETTINGS,
  type Analyzer,
  type AnalyzerSettings,
} from "./englishAnalyzer.js";
