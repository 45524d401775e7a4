/**
 * MICE's ONNX export against the TensorFlow.js `Mice` on real text (SciFact queries and
 * abstracts, padded batches), run by onnxruntime-node: the passage graph gives
 * `encodeDocuments`' layer-l states, the query graph `score`'s logits for (query b, document b)
 * pairs and `scoreEncoded`'s for one query fed once against every document; for each mask
 * setting and both head inputs, with every weight moved off its init value. The graphs follow
 * their model's settings (an export of one mask setting does not match the other's scores).
 */
import { encodeBatch, type EncodedBatch, type I3Tokenizer } from "@i3/data";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import type { FromCrossEncoderOptions } from "../src/mice/model.js";
import { Mice } from "../src/mice/model.js";
import { encoderConfig } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";
import { miceToOnnx } from "../src/onnx/index.js";
import { disposeInputs, fixtureTokenizer, maxAbsDiff, ortFeeds, perturb, TEXTS, tfInputs } from "./onnx-helpers.js";

let tok: I3Tokenizer;
beforeAll(async () => {
  await initBackend({ device: "js" });
  tok = await fixtureTokenizer();
});

/** A MICE from a perturbed random 4 x 32 cross-encoder. */
function miceOf(pooler: boolean, opts: FromCrossEncoderOptions, seed: number): Mice {
  const ce = new CrossEncoder(encoderConfig({ vocabSize: tok.vocabSize, hidden: 32, layers: 4, heads: 4, intermediate: 64, maxPositions: 64 }), { seed, pooler });
  perturb(ce.namedParameters(), seed * 10);
  const mice = Mice.fromCrossEncoder(ce, { ...opts, seed });
  ce.dispose();
  perturb(mice.namedParameters().filter((p) => /^(classifier|top_layers)\./.test(p.name)), seed * 10 + 5);
  return mice;
}

/** Document states as onnxruntime feeds (states [B, Sd, H], float mask [B, Sd]). */
function docFeeds(states: tf.Tensor3D, mask: tf.Tensor2D): Record<string, ort.Tensor> {
  return {
    document_states: new ort.Tensor("float32", Float32Array.from(states.dataSync()), states.shape),
    document_mask: new ort.Tensor("float32", Float32Array.from(mask.dataSync()), mask.shape),
  };
}

/** The query graph's logits for `queries` against the documents of `docBatch` (states from tfjs `encodeDocuments`), and tfjs' `score`/`scoreEncoded`. */
async function scores(session: ort.InferenceSession, mice: Mice, queries: EncodedBatch, docBatch: EncodedBatch): Promise<{ onnx: Float32Array; tfjs: Float32Array; dims: readonly number[] }> {
  const q = tfInputs(queries);
  const d = tfInputs(docBatch);
  const docs = mice.encodeDocuments(d);
  const out = (await session.run({ ...ortFeeds(queries), ...docFeeds(docs.states, docs.mask) })).logits!;
  const expected = tf.tidy(() => (queries.batchSize === 1 ? mice.scoreEncoded(mice.encodeQueries(q), docs) : mice.score(q, docs)));
  const tfjs = expected.dataSync() as Float32Array;
  tf.dispose([expected, docs.states, docs.mask]);
  disposeInputs(q);
  disposeInputs(d);
  return { onnx: out.data as Float32Array, tfjs, dims: out.dims };
}

const variants: [string, boolean, FromCrossEncoderOptions][] = [
  ["MICE-l2+2, reference masks, cls head", false, { split: 2, interactionLayers: 2 }],
  ["MICE-l3+1, reference masks, pooler head, seed layer 1", true, { split: 3, interactionLayers: 1, seedLayers: [1] }],
  ["MICE-l1+2, both masks off", false, { split: 1, interactionLayers: 2, maskClsToDocument: false, maskQueryToCls: false }],
  ["MICE-l2+1, only [CLS]-to-document masked", true, { split: 2, interactionLayers: 1, maskQueryToCls: false }],
];

describe("MICE ONNX export parity with TensorFlow.js (real text, padded batches)", () => {
  variants.forEach(([name, pooler, opts], v) => {
    it(`${name}: document states, paired scores, one query against many documents`, async () => {
      const mice = miceOf(pooler, opts, v + 1);
      const exported = miceToOnnx(mice);
      expect(Object.keys(exported.files).sort()).toEqual(["passage", "query"]);
      expect(exported.config).toMatchObject({ architectures: ["MiceCrossEncoder"], mice: mice.config, i3_onnx: { kind: "mice", files: { passage: "onnx/passage.onnx", query: "onnx/query.onnx" } } });

      // Passage graph: layer-l states of padded passage batches.
      const passage = await ort.InferenceSession.create(exported.files.passage!);
      let worstStates = 0;
      for (const [texts, maxLength] of [[TEXTS.passages.slice(0, 4), 48], [TEXTS.passages.slice(4, 7), 20]] as const) {
        const b = encodeBatch(tok, texts, { maxLength });
        const out = (await passage.run(ortFeeds(b))).document_states!;
        const x = tfInputs(b);
        const docs = mice.encodeDocuments({ inputIds: x.inputIds, attentionMask: x.attentionMask });
        expect(out.dims).toEqual(docs.states.shape);
        worstStates = Math.max(worstStates, maxAbsDiff(out.data as Float32Array, docs.states.dataSync()));
        tf.dispose([docs.states, docs.mask]);
        disposeInputs(x);
      }
      await passage.release();

      // Query graph: 4 (query b, document b) pairs; then 1 query against 5 documents.
      const query = await ort.InferenceSession.create(exported.files.query!);
      const paired = await scores(query, mice, encodeBatch(tok, TEXTS.queries.slice(0, 4), { maxLength: 32 }), encodeBatch(tok, TEXTS.passages.slice(0, 4), { maxLength: 40 }));
      expect(paired.dims).toEqual([4, 1]);
      const one = await scores(query, mice, encodeBatch(tok, TEXTS.queries.slice(4, 5), { maxLength: 32 }), encodeBatch(tok, TEXTS.passages.slice(2, 7), { maxLength: 56 }));
      expect(one.dims).toEqual([5, 1]);
      await query.release();
      const worstScores = Math.max(maxAbsDiff(paired.onnx, paired.tfjs), maxAbsDiff(one.onnx, one.tfjs));
      process.stdout.write(`onnx parity ${name}: states ${worstStates.toExponential(2)}, scores ${worstScores.toExponential(2)}\n`);
      expect(worstStates).toBeLessThan(1e-5);
      expect(worstScores).toBeLessThan(1e-5);
      // Scores that do not vary would make the comparison vacuous.
      expect(Math.max(...one.tfjs) - Math.min(...one.tfjs)).toBeGreaterThan(1e-3);
      mice.dispose();
    });
  });

  it("follows the model's mask settings: the reference-mask export does not give the unmasked model's scores", async () => {
    const masked = miceOf(false, { split: 2, interactionLayers: 2 }, 7);
    const unmasked = miceOf(false, { split: 2, interactionLayers: 2, maskClsToDocument: false, maskQueryToCls: false }, 7);
    const session = await ort.InferenceSession.create(miceToOnnx(masked).files.query!);
    const queries = encodeBatch(tok, TEXTS.queries.slice(0, 4), { maxLength: 32 });
    const docBatch = encodeBatch(tok, TEXTS.passages.slice(0, 4), { maxLength: 40 });
    const own = await scores(session, masked, queries, docBatch);
    const other = await scores(session, unmasked, queries, docBatch);
    expect(maxAbsDiff(own.onnx, own.tfjs)).toBeLessThan(1e-5);
    expect(maxAbsDiff(other.onnx, other.tfjs)).toBeGreaterThan(1e-3); // same weights, other masks
    await session.release();
    masked.dispose();
    unmasked.dispose();
  });
});
