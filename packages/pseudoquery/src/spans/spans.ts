/**
 * Sampled word spans as pseudo-queries, the corpus pre-training target of the I3 reference
 * (passages' own spans stand in for queries) with span-masking lengths: each span's length is
 * Poisson(lambda) clipped to [minLength, maxLength] (Poisson lambda = 3 as BART's text
 * infilling, Lewis et al. 2020; clipped at 10 as SpanBERT, Joshi et al. 2020), its start
 * uniform over the positions where it fits. k spans per passage, sampled independently, then
 * ordered by start (ties: sampling order) and joined by a space.
 *
 * Determinism: each passage draws from `SeededRandom.from(seed, pid)`, so a pid's spans depend
 * on (seed, pid) only, not on batching or on the other passages. Per span, the draws are: the
 * Poisson uniforms (Knuth's method), then one `int(n - L + 1)` for the start.
 */
import { SeededRandom } from "@i3/core";
import type { Passage } from "@i3/data";
import { oneLine, sourceText, whitespaceWords } from "../text.js";
import type { PseudoQuerySource, SourceGenerateOptions } from "../types.js";
import { clippedPoisson } from "./poisson.js";

/** Options of {@link sampleSpans} and {@link spanSource}. */
export interface SpanOptions {
  /** Spans per passage. Default 3. */
  k?: number;
  /** Poisson mean of a span's length in words. Default 3. */
  lambda?: number;
  /** Shortest span. Default 1. */
  minLength?: number;
  /** Longest span. Default 10. */
  maxLength?: number;
  /** Lowercase the output. Default false (words verbatim). */
  lowercase?: boolean;
}

/** A sampled span: word positions [start, start + length). */
export interface Span {
  start: number;
  length: number;
}

function resolve(options: SpanOptions): Required<SpanOptions> {
  const o = { k: 3, lambda: 3, minLength: 1, maxLength: 10, lowercase: false, ...options };
  if (!(Number.isInteger(o.k) && o.k >= 1)) throw new RangeError(`spans: k must be an integer >= 1, got ${o.k}`);
  return o;
}

/**
 * `k` spans over a text of `n` words (see the module comment), drawn from `rng`, ordered by
 * start. A span never exceeds the text; an empty text gives no spans.
 */
export function sampleSpans(n: number, rng: SeededRandom, options: SpanOptions = {}): Span[] {
  const o = resolve(options);
  if (n === 0) return [];
  const spans: Span[] = [];
  for (let i = 0; i < o.k; i++) {
    const length = Math.min(n, clippedPoisson(rng, o.lambda, o.minLength, o.maxLength));
    const start = rng.int(n - length + 1);
    spans.push({ start, length });
  }
  return spans.sort((a, b) => a.start - b.start); // stable: ties keep sampling order
}

/** The pseudo-query text of one passage: its sampled spans joined by a space. */
export function spanText(passage: Passage, seed: number, options: SpanOptions = {}): string {
  const o = resolve(options);
  const words = whitespaceWords(sourceText(passage));
  const rng = SeededRandom.from(seed, passage.id);
  const text = sampleSpans(words.length, rng, o)
    .map((s) => words.slice(s.start, s.start + s.length).join(" "))
    .join(" ");
  return oneLine(o.lowercase ? text.toLowerCase() : text);
}

/** A {@link PseudoQuerySource} of Poisson-length word spans, seeded per (seed, pid). */
export function spanSource(options: SpanOptions = {}): PseudoQuerySource {
  const o = resolve(options);
  clippedPoisson(SeededRandom.from(0), o.lambda, o.minLength, o.maxLength); // validate eagerly
  return {
    name: "spans",
    params: { ...o },
    async *generate(passages: Iterable<Passage> | AsyncIterable<Passage>, { seed, onProgress }: SourceGenerateOptions) {
      let done = 0;
      for await (const p of passages) {
        yield [p.id, spanText(p, seed, o)] as [string, string];
        onProgress?.(++done);
      }
    },
  };
}
