/**
 * The learned doc2query loop end to end on a tiny synthetic task: each passage is four words
 * and its query is its 2nd and 4th word (a fixed function of the passage). A tiny
 * encoder-decoder trained with teacher forcing must then reproduce every target by greedy
 * decoding. Also: the causal bias (hand-checked values), that future decoder tokens cannot
 * change earlier logits, and seeded top-k sampling.
 */
import { SeededRandom } from "@i3/core";
import { trainWordPiece, type Passage } from "@i3/data";
import { initBackend, MASK_BIAS, tf } from "@i3/encoders";
import { beforeAll, describe, expect, it } from "vitest";
import { causalBias, doc2QuerySource, Doc2QueryModel, generateQueries, sampleTopK, trainDoc2Query } from "../src/index.js";

const WORDS = ["ant", "bee", "cat", "dog", "elk", "fox", "gnu", "hen", "ibis", "jay", "koi", "lynx"];

function toyPairs(n: number): { id: string; passage: string; query: string }[] {
  const rng = new SeededRandom(7);
  return Array.from({ length: n }, (_, i) => {
    const w = rng.sampleIndices(WORDS.length, 4).map((j) => WORDS[j]!);
    return { id: `p${i}`, passage: w.join(" "), query: `${w[1]} ${w[3]}` };
  });
}

beforeAll(async () => {
  await initBackend({ device: "js" });
});

describe("causal bias", () => {
  it("masks keys after the query position (hand-checked 3x3)", () => {
    const b = causalBias(3);
    expect(b.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(b.dataSync())).toEqual([0, MASK_BIAS, MASK_BIAS, 0, 0, MASK_BIAS, 0, 0, 0]);
    b.dispose();
  });

  it("makes position t's logits independent of later decoder tokens", () => {
    const model = new Doc2QueryModel({ encoder: { vocabSize: 20, hidden: 16, layers: 1, heads: 2, intermediate: 32, maxPositions: 16 } }, { seed: 3 });
    const passage = { inputIds: tf.tensor2d([[2, 5, 6, 3]], undefined, "int32"), attentionMask: tf.tensor2d([[1, 1, 1, 1]], undefined, "int32") };
    const mask = tf.tensor2d([[1, 1, 1]], undefined, "int32");
    const a = model.forward(passage, tf.tensor2d([[2, 7, 8]], undefined, "int32"), mask);
    const b = model.forward(passage, tf.tensor2d([[2, 7, 9]], undefined, "int32"), mask);
    const first = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0], [1, 2, -1]).dataSync());
    expect(first(a)).toEqual(first(b));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync())); // the last position does see its token
    model.dispose();
  });
});

describe("sampleTopK", () => {
  it("draws only among the k best, reproducibly for a seed", () => {
    const row = new Float32Array([0, 5, 1, 4, -2]);
    const draw = (seed: number) => Array.from({ length: 50 }, (_, i) => sampleTopK(row, 2, 1, SeededRandom.from(seed, i)));
    const a = draw(1);
    expect(new Set(a)).toEqual(new Set([1, 3]));
    expect(draw(1)).toEqual(a);
    // k = 1 is greedy
    expect(sampleTopK(row, 1, 1, new SeededRandom(0))).toBe(1);
  });
});

describe("doc2query training", () => {
  it("learns a fixed passage -> query function until greedy decoding reproduces every target", async () => {
    const pairs = toyPairs(24);
    const tokenizer = await trainWordPiece(
      pairs.map((p) => p.passage),
      { vocabSize: 200, minFrequency: 1 },
    );
    for (const w of WORDS) expect(tokenizer.tokens(w)).toEqual([w]); // whole-word tokens
    const model = new Doc2QueryModel(
      {
        encoder: { vocabSize: tokenizer.vocabSize, hidden: 32, layers: 1, heads: 2, intermediate: 64, maxPositions: 16, hiddenDropout: 0, attentionDropout: 0 },
        decoderLayers: 1,
      },
      { seed: 1 },
    );
    const result = await trainDoc2Query({ model, tokenizer, pairs, seed: 5, epochs: 40, batchSize: 8, lr: 1e-2, warmupSteps: 10, maxPassageLength: 16, maxQueryLength: 8 });
    const losses = result.history.map((r) => r.loss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);

    const generated = generateQueries(model, tokenizer, pairs.map((p) => ({ id: p.id, text: p.passage })), { maxLength: 6, maxPassageLength: 16 });
    expect(generated).toEqual(pairs.map((p) => p.query));

    // As a source: greedy output equals the targets; seeded top-k is reproducible.
    const passages: Passage[] = pairs.map((p) => ({ id: p.id, title: "", text: p.passage }));
    const collect = async (src: ReturnType<typeof doc2QuerySource>, seed: number) => {
      const out: [string, string][] = [];
      for await (const e of src.generate(passages, { seed })) out.push(e);
      return out;
    };
    const greedy = doc2QuerySource({ model, tokenizer, maxLength: 6, maxPassageLength: 16, batchSize: 5 });
    expect((await collect(greedy, 0)).map(([, t]) => t)).toEqual(pairs.map((p) => p.query));
    const sampled = doc2QuerySource({ model, tokenizer, decoding: { strategy: "top-k", k: 3, temperature: 2 }, maxLength: 6, maxPassageLength: 16, batchSize: 7 });
    const s1 = await collect(sampled, 11);
    expect(await collect(sampled, 11)).toEqual(s1);
    expect(sampled.params.model).toBe(greedy.params.model);
    model.dispose();
  });
});
