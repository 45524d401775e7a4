/**
 * Anserini's default English analyzer (`DefaultEnglishAnalyzer.newDefaultInstance()`, the one used
 * for every BEIR and MS MARCO BM25 baseline): Lucene `StandardTokenizer` -> `EnglishPossessiveFilter`
 * -> `LowerCaseFilter` -> `StopFilter(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)` -> `PorterStemFilter`.
 */
import { DEFAULT_MAX_TOKEN_LENGTH, standardTokenize } from "./standard-tokenizer.js";
import { LUCENE_ENGLISH_STOP_WORDS } from "./stop-words.js";
import { lowerCaseLikeJava, porterStem, stripPossessive } from "./token-filters.js";

/** Everything that determines the analyzer's output; stored in persisted indexes. */
export interface AnalyzerSettings {
  /** Only `standard` (Lucene StandardTokenizer, UAX#29) exists. */
  readonly tokenizer: "standard";
  /** Longer tokens are split into pieces of this many UTF-16 code units (Lucene default 255). */
  readonly maxTokenLength: number;
  /** Strip a trailing `'s` (EnglishPossessiveFilter). */
  readonly possessive: boolean;
  /** Lower-case each code point (LowerCaseFilter). */
  readonly lowercase: boolean;
  /** Tokens equal to one of these (after lower-casing) are dropped (StopFilter). */
  readonly stopwords: readonly string[];
  /** `porter` = PorterStemFilter (Porter 1980); `none` keeps tokens unstemmed. */
  readonly stemmer: "porter" | "none";
}

/** Turns text into index terms. */
export interface Analyzer {
  readonly settings: AnalyzerSettings;
  /** The terms of `text`, in order, repeated terms repeated. */
  analyze(text: string): string[];
}

/** Anserini's defaults: standard tokenizer, possessives, lower case, Lucene's 33 stopwords, Porter. */
export const DEFAULT_ANALYZER_SETTINGS: AnalyzerSettings = Object.freeze({
  tokenizer: "standard",
  maxTokenLength: DEFAULT_MAX_TOKEN_LENGTH,
  possessive: true,
  lowercase: true,
  stopwords: LUCENE_ENGLISH_STOP_WORDS,
  stemmer: "porter",
});

/** Filtering the same raw token again is the main analysis cost; results are memoised up to this size. */
const TOKEN_CACHE_LIMIT = 1 << 19;

/** Checks analyzer settings (e.g. read from a manifest) and throws naming `source` and the field. */
export function validateAnalyzerSettings(value: unknown, source = "analyzer settings"): AnalyzerSettings {
  const s = value as Partial<Record<keyof AnalyzerSettings, unknown>> | null;
  if (typeof s !== "object" || s === null) throw new Error(`${source}: expected an object`);
  if (s.tokenizer !== "standard") throw new Error(`${source}: field "tokenizer" must be "standard"`);
  if (typeof s.maxTokenLength !== "number" || !Number.isInteger(s.maxTokenLength) || s.maxTokenLength < 1) {
    throw new Error(`${source}: field "maxTokenLength" must be a positive integer`);
  }
  if (typeof s.possessive !== "boolean") throw new Error(`${source}: field "possessive" must be a boolean`);
  if (typeof s.lowercase !== "boolean") throw new Error(`${source}: field "lowercase" must be a boolean`);
  if (!Array.isArray(s.stopwords) || !s.stopwords.every((w) => typeof w === "string")) {
    throw new Error(`${source}: field "stopwords" must be an array of strings`);
  }
  if (s.stemmer !== "porter" && s.stemmer !== "none") {
    throw new Error(`${source}: field "stemmer" must be "porter" or "none"`);
  }
  return {
    tokenizer: "standard",
    maxTokenLength: s.maxTokenLength,
    possessive: s.possessive,
    lowercase: s.lowercase,
    stopwords: [...(s.stopwords as string[])],
    stemmer: s.stemmer,
  };
}

/** Whether two settings produce the same terms (stopword order does not matter). */
export function sameAnalyzerSettings(a: AnalyzerSettings, b: AnalyzerSettings): boolean {
  const stopA = [...a.stopwords].sort().join("\n");
  const stopB = [...b.stopwords].sort().join("\n");
  return (
    a.tokenizer === b.tokenizer &&
    a.maxTokenLength === b.maxTokenLength &&
    a.possessive === b.possessive &&
    a.lowercase === b.lowercase &&
    a.stemmer === b.stemmer &&
    stopA === stopB
  );
}

/**
 * Creates the English analyzer; with no argument it is Anserini's default (see
 * {@link DEFAULT_ANALYZER_SETTINGS}). Override single settings, e.g. `{ stemmer: "none" }`.
 */
export function createEnglishAnalyzer(overrides: Partial<AnalyzerSettings> = {}): Analyzer {
  const settings = validateAnalyzerSettings({ ...DEFAULT_ANALYZER_SETTINGS, ...overrides });
  const stop = new Set(settings.stopwords);
  const stem = settings.stemmer === "porter";
  /** The filter chain for one raw token: the term, or null when it is a stopword. */
  const filter = (raw: string): string | null => {
    let token = settings.possessive ? stripPossessive(raw) : raw;
    if (settings.lowercase) token = lowerCaseLikeJava(token);
    if (stop.has(token)) return null;
    return stem ? porterStem(token) : token;
  };
  // Raw token -> term (null = dropped); cleared when full, so memory stays bounded.
  const cache = new Map<string, string | null>();
  return {
    settings,
    analyze(text: string): string[] {
      const out: string[] = [];
      for (const raw of standardTokenize(text, settings.maxTokenLength)) {
        let term = cache.get(raw);
        if (term === undefined) {
          term = filter(raw);
          if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
          cache.set(raw, term);
        }
        if (term !== null) out.push(term);
      }
      return out;
    },
  };
}
