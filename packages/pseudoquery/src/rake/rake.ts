/**
 * RAKE, Rapid Automatic Keyword Extraction (Rose, Engel, Cramer, Cowley 2010, "Automatic
 * keyword extraction from individual documents", in Text Mining: Applications and Theory,
 * sec. 1.2):
 *
 * 1. Candidates: the lowercased text is split into words; runs of words are cut at phrase
 *    delimiters (punctuation) and at stop words; each remaining run is a candidate keyword.
 * 2. Word scores from the co-occurrence of words within candidates: freq(w) = occurrences of
 *    w in candidates; deg(w) = sum of the lengths (in words) of the candidates containing w,
 *    counted per occurrence; score(w) = deg(w) / freq(w) (the paper's recommended metric).
 * 3. Candidate score = sum of its word scores. Distinct candidates are ranked by score
 *    (ties: first occurrence first) and the top T kept; the paper takes T = one third of the
 *    number of distinct content words ("third").
 *
 * Words: maximal runs of letters, digits, apostrophes and inner hyphens; any other
 * non-space character is a phrase delimiter. Pure numbers are delimiters unless `keepNumbers`
 * (as in the reference Python implementation). Not implemented: the paper's "adjoining
 * keywords" step (candidates with interior stop words seen twice in the same order).
 */
import { RAKE_STOP_WORDS } from "./stop-words.js";

/** Options of {@link rakeKeywords}. */
export interface RakeOptions {
  /** Stop list (lowercase). Default {@link RAKE_STOP_WORDS}. */
  stopWords?: ReadonlySet<string>;
  /** Candidates longer than this many words are dropped. Default: no limit. */
  maxWords?: number;
  /** Keep pure numbers as words (default false: they split candidates). */
  keepNumbers?: boolean;
}

/** A scored keyword. */
export interface RakeKeyword {
  /** The candidate, lowercased, words joined by one space. */
  phrase: string;
  score: number;
}

/** Detailed output of {@link rakeAnalyze}. */
export interface RakeAnalysis {
  /** Every candidate occurrence, in text order (lowercased words). */
  candidates: string[][];
  /** Per distinct content word: degree, frequency and deg/freq. */
  words: Map<string, { degree: number; frequency: number; score: number }>;
  /** Distinct candidates, best first. */
  keywords: RakeKeyword[];
}

/** A token: a word, or a phrase delimiter (`null`). */
type Token = string | null;

const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
const NUMBER = /^[\p{N}.,'’-]+$/u;

function tokenize(text: string, keepNumbers: boolean): Token[] {
  const out: Token[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    const t = m[0].replace(/’/gu, "'");
    const isWord = /[\p{L}\p{N}]/u.test(t);
    out.push(isWord && (keepNumbers || !NUMBER.test(t)) ? t : null);
  }
  return out;
}

/** Candidates, word scores and ranked keywords of `text` (Rose et al. 2010; see the module comment). */
export function rakeAnalyze(text: string, options: RakeOptions = {}): RakeAnalysis {
  const stop = options.stopWords ?? RAKE_STOP_WORDS;
  const maxWords = options.maxWords ?? Infinity;
  const candidates: string[][] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0 && run.length <= maxWords) candidates.push(run);
    run = [];
  };
  for (const token of tokenize(text, options.keepNumbers ?? false)) {
    if (token === null || stop.has(token)) flush();
    else run.push(token);
  }
  flush();

  const words = new Map<string, { degree: number; frequency: number; score: number }>();
  for (const phrase of candidates) {
    for (const w of phrase) {
      const s = words.get(w) ?? { degree: 0, frequency: 0, score: 0 };
      s.degree += phrase.length;
      s.frequency += 1;
      words.set(w, s);
    }
  }
  for (const s of words.values()) s.score = s.degree / s.frequency;

  const seen = new Set<string>();
  const keywords: RakeKeyword[] = [];
  for (const phrase of candidates) {
    const key = phrase.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    let score = 0;
    for (const w of phrase) score += words.get(w)!.score;
    keywords.push({ phrase: key, score });
  }
  // Stable sort: equal scores keep first-occurrence order.
  keywords.sort((a, b) => b.score - a.score);
  return { candidates, words, keywords };
}

/**
 * The top `topK` RAKE keywords of `text` (Rose et al. 2010), best first. `"third"`: the
 * paper's T = floor(distinct content words / 3).
 */
export function rakeKeywords(text: string, topK: number | "third" = "third", options: RakeOptions = {}): RakeKeyword[] {
  const analysis = rakeAnalyze(text, options);
  const k = topK === "third" ? Math.floor(analysis.words.size / 3) : topK;
  if (!(Number.isInteger(k) && k >= 0)) throw new RangeError(`rakeKeywords: topK must be a non-negative integer or "third", got ${topK}`);
  return analysis.keywords.slice(0, k);
}
