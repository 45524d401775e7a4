/**
 * Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET` (the 33 words also used by Anserini's
 * `DefaultEnglishAnalyzer`), in Lucene's source order.
 */
export const LUCENE_ENGLISH_STOP_WORDS: readonly string[] = Object.freeze([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
  "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
  "this", "to", "was", "will", "with",
]);
