/**
 * A trained {@link Doc2QueryModel} as a pseudo-query source (doc2query, Nogueira et al. 2019):
 * passages are decoded in batches with greedy or seeded top-k decoding (decode.ts). `params`
 * include a SHA-256 of the model's weights and the tokenizer's fingerprint, so retraining
 * invalidates caches.
 */
import { createHash } from "node:crypto";
import type { I3Tokenizer, Passage } from "@i3/data";
import { oneLine, sourceText } from "../text.js";
import type { PseudoQuerySource, SourceGenerateOptions } from "../types.js";
import { generateQueries, type Decoding } from "./decode.js";
import type { Doc2QueryModel } from "./model.js";

/** Options of {@link doc2QuerySource}. */
export interface Doc2QuerySourceOptions {
  model: Doc2QueryModel;
  tokenizer: I3Tokenizer;
  /** Default greedy. */
  decoding?: Decoding;
  /** Generated tokens at most. Default 32. */
  maxLength?: number;
  /** Passage tokens. Default 128. */
  maxPassageLength?: number;
  /** Passages decoded together. Default 32. */
  batchSize?: number;
  /** Source name. Default `doc2query`. */
  name?: string;
}

/** SHA-256 of the model's parameter names, shapes and float32 values. */
export function modelFingerprint(model: Doc2QueryModel): string {
  const h = createHash("sha256");
  for (const p of model.namedParameters()) {
    h.update(`${p.name}:${p.variable.shape.join("x")};`);
    const data = p.variable.dataSync() as Float32Array;
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest("hex");
}

/** A {@link PseudoQuerySource} decoding a trained doc2query model. */
export function doc2QuerySource(options: Doc2QuerySourceOptions): PseudoQuerySource {
  const decoding = options.decoding ?? { strategy: "greedy" };
  const maxLength = options.maxLength ?? 32;
  const maxPassageLength = options.maxPassageLength ?? 128;
  const batchSize = options.batchSize ?? 32;
  return {
    name: options.name ?? "doc2query",
    params: { decoding, maxLength, maxPassageLength, model: modelFingerprint(options.model), tokenizer: options.tokenizer.fingerprint },
    async *generate(passages: Iterable<Passage> | AsyncIterable<Passage>, { seed, onProgress }: SourceGenerateOptions) {
      let batch: Passage[] = [];
      let done = 0;
      const run = (): [string, string][] => {
        const texts = generateQueries(
          options.model,
          options.tokenizer,
          batch.map((p) => ({ id: p.id, text: sourceText(p) })),
          { decoding, maxLength, maxPassageLength, seed },
        );
        const out = batch.map((p, i) => [p.id, oneLine(texts[i]!)] as [string, string]);
        done += batch.length;
        batch = [];
        onProgress?.(done);
        return out;
      };
      for await (const p of passages) {
        batch.push(p);
        if (batch.length >= batchSize) yield* run();
      }
      if (batch.length > 0) yield* run();
    },
  };
}
