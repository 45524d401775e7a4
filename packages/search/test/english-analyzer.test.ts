import { describe, expect, it } from "vitest";
import {
  LUCENE_ENGLISH_STOP_WORDS,
  createEnglishAnalyzer,
  lowerCaseLikeJava,
  porterStem,
  stripPossessive,
  validateAnalyzerSettings,
} from "../src/analysis/index.js";

describe("EnglishPossessiveFilter", () => {
  it("strips 's and 'S with the three apostrophes Lucene knows", () => {
    expect(["John's", "JOHN'S", "John\u2019s", "John\uff07s"].map(stripPossessive)).toEqual(["John", "JOHN", "John", "John"]);
  });
  it("leaves other endings alone", () => {
    expect(["James", "s", "'s", "it's'", "o's'"].map(stripPossessive)).toEqual(["James", "s", "", "it's'", "o's'"]);
  });
});

describe("LowerCaseFilter", () => {
  it("lower-cases each code point like Java's Character.toLowerCase", () => {
    expect(lowerCaseLikeJava("HeLLo")).toBe("hello");
    // Context-free: a final capital sigma becomes σ, not the final form ς.
    expect(lowerCaseLikeJava("ΣΊΣΥΦΟΣ")).toBe("σίσυφοσ");
    // U+0130 maps to a plain i (JavaScript's toLowerCase would add a combining dot).
    expect(lowerCaseLikeJava("\u0130STANBUL")).toBe("istanbul");
  });
});

describe("stopwords", () => {
  it("are Lucene's 33 English stopwords", () => {
    expect(LUCENE_ENGLISH_STOP_WORDS).toHaveLength(33);
    expect(new Set(LUCENE_ENGLISH_STOP_WORDS).size).toBe(33);
    for (const w of ["a", "the", "with", "will", "such", "into", "no", "not", "their"]) {
      expect(LUCENE_ENGLISH_STOP_WORDS).toContain(w);
    }
    // Common words that are NOT in Lucene's list (they are in larger lists such as NLTK's).
    for (const w of ["i", "you", "we", "from", "have", "has", "had", "which"]) {
      expect(LUCENE_ENGLISH_STOP_WORDS).not.toContain(w);
    }
  });
});

describe("Porter stemmer", () => {
  // Input/output pairs from Porter (1980), "An algorithm for suffix stripping", steps 1a-5b.
  it.each([
    ["caresses", "caress"], ["ponies", "poni"], ["ties", "ti"], ["caress", "caress"], ["cats", "cat"],
    ["feed", "feed"], ["agreed", "agre"], ["plastered", "plaster"], ["bled", "bled"], ["motoring", "motor"],
    ["sing", "sing"], ["conflated", "conflat"], ["troubled", "troubl"], ["sized", "size"], ["hopping", "hop"],
    ["tanned", "tan"], ["falling", "fall"], ["hissing", "hiss"], ["fizzed", "fizz"], ["failing", "fail"],
    ["filing", "file"], ["happy", "happi"], ["sky", "sky"], ["relational", "relat"], ["conditional", "condit"],
    ["rational", "ration"], ["valenci", "valenc"], ["digitizer", "digit"], ["radicalli", "radic"],
    ["differentli", "differ"], ["vileli", "vile"], ["analogousli", "analog"], ["vietnamization", "vietnam"],
    ["predication", "predic"], ["operator", "oper"], ["feudalism", "feudal"], ["decisiveness", "decis"],
    ["hopefulness", "hope"], ["callousness", "callous"], ["formaliti", "formal"], ["sensitiviti", "sensit"],
    ["sensibiliti", "sensibl"], ["triplicate", "triplic"], ["formative", "form"], ["formalize", "formal"],
    ["electriciti", "electr"], ["electrical", "electr"], ["hopeful", "hope"], ["goodness", "good"],
    ["revival", "reviv"], ["allowance", "allow"], ["inference", "infer"], ["airliner", "airlin"],
    ["gyroscopic", "gyroscop"], ["adjustable", "adjust"], ["defensible", "defens"], ["irritant", "irrit"],
    ["replacement", "replac"], ["adjustment", "adjust"], ["dependent", "depend"], ["adoption", "adopt"],
    ["homologou", "homolog"], ["communism", "commun"], ["activate", "activ"], ["angulariti", "angular"],
    ["homologous", "homolog"], ["effective", "effect"], ["bowdlerize", "bowdler"], ["probate", "probat"],
    ["rate", "rate"], ["cease", "ceas"], ["controll", "control"], ["roll", "roll"],
  ])("%s -> %s", (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it("applies the reference C version's extra rules that Lucene's PorterStemmer has", () => {
    // "logi" -> "log" and "bli" -> "ble" (the 1980 paper has neither).
    expect(porterStem("apology")).toBe("apolog");
    expect(porterStem("possibly")).toBe("possibl");
  });

  it("leaves words of one or two letters alone", () => {
    expect(["is", "as", "us", "y"].map(porterStem)).toEqual(["is", "as", "us", "y"]);
  });
});

describe("createEnglishAnalyzer (Anserini DefaultEnglishAnalyzer)", () => {
  const analyzer = createEnglishAnalyzer();

  it("chains tokenizer, possessive, lower case, stopwords and Porter", () => {
    expect(analyzer.analyze("The quick brown foxes are jumping over the lazy dog's houses")).toEqual([
      "quick", "brown", "fox", "jump", "over", "lazi", "dog", "hous",
    ]);
    // "U.S." -> "U.S" -> "u.s" -> Porter step 1a drops the final s (the letter before it is not
    // an s) -> "u.", as Lucene's PorterStemmer does.
    expect(analyzer.analyze("Relational generalizations of IL-6R in U.S. patients' cells")).toEqual([
      "relat", "gener", "il", "6r", "u.", "patient", "cell",
    ]);
  });

  it("removes stopwords after lower-casing and before stemming", () => {
    // "THE" is a stopword once lower-cased; "thes" is not one and is stemmed to "the".
    expect(analyzer.analyze("THE This thes")).toEqual(["the"]);
  });

  it("can be configured and reports its settings", () => {
    const plain = createEnglishAnalyzer({ stemmer: "none", stopwords: [] });
    expect(plain.analyze("The cats")).toEqual(["the", "cats"]);
    expect(plain.settings.stemmer).toBe("none");
    expect(analyzer.settings.stopwords).toHaveLength(33);
  });

  it("rejects bad settings naming the field", () => {
    expect(() => validateAnalyzerSettings({ ...analyzer.settings, stemmer: "snowball" }, "manifest.json")).toThrow(
      /manifest\.json: field "stemmer"/,
    );
    expect(() => createEnglishAnalyzer({ maxTokenLength: 0 })).toThrow(/maxTokenLength/);
  });
});
