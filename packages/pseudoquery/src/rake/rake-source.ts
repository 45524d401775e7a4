/**
 * RAKE keywords as pseudo-queries (Rose et al. 2010): the passage's top-k keywords joined by a
 * separator, best first. The I3 paper (Dong et al. 2023) names RAKE keywords as an alternative
 * reconstruction target to generated queries. Deterministic: no randomness (the seed is ignored).
 */
import type { Passage } from "@i3/data";
import { oneLine, sourceText } from "../text.js";
import type { PseudoQuerySource, SourceGenerateOptions } from "../types.js";
import { rakeKeywords, type RakeOptions } from "./rake.js";
import { RAKE_STOP_WORDS } from "./stop-words.js";

/** Options of {@link rakeSource}. */
export interface RakeSourceOptions extends RakeOptions {
  /** Keywords per passage, or the paper's `"third"`. Default 5. */
  topK?: number | "third";
  /** Joins the keywords. Default one space. */
  separator?: string;
}

/** A {@link PseudoQuerySource} of RAKE keywords (Rose et al. 2010). */
export function rakeSource(options: RakeSourceOptions = {}): PseudoQuerySource {
  const topK = options.topK ?? 5;
  const separator = options.separator ?? " ";
  if (topK !== "third" && !(Number.isInteger(topK) && topK >= 1)) throw new RangeError(`rakeSource: topK must be an integer >= 1 or "third", got ${topK}`);
  const stop = options.stopWords ?? RAKE_STOP_WORDS;
  return {
    name: "rake",
    params: {
      topK,
      separator,
      maxWords: options.maxWords ?? null,
      keepNumbers: options.keepNumbers ?? false,
      // the list itself when custom, so a changed list invalidates caches
      stopWords: options.stopWords === undefined ? "default-v1" : [...stop].sort(),
    },
    async *generate(passages: Iterable<Passage> | AsyncIterable<Passage>, { onProgress }: SourceGenerateOptions) {
      let done = 0;
      for await (const p of passages) {
        const keywords = rakeKeywords(sourceText(p), topK, options);
        yield [p.id, oneLine(keywords.map((k) => k.phrase).join(separator))] as [string, string];
        onProgress?.(++done);
      }
    },
  };
}
