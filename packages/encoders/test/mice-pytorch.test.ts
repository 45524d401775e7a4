/**
 * `Mice` against a MICE written in plain PyTorch from the paper's description
 * (test/fixtures/tiny-mice, made by scripts/make_mice_fixture.py; float64 expected values):
 * initialisation from a cross-encoder, layer-l document states, scores with and without the
 * reference masks, gradients of every parameter and of the stored document states.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { assignWeights, collectWeights, loadCrossEncoder, loadMice, parseSafetensors, readCheckpoint, toFloat32 } from "../src/checkpoint/index.js";
import { Mice } from "../src/mice/model.js";
import type { EncoderInputs } from "../src/model/encoder.js";

const DIR = fileURLToPath(new URL("./fixtures/tiny-mice", import.meta.url));

interface Expected {
  loss_weights: number[];
  query_ids: number[][];
  query_mask: number[][];
  doc_ids: number[][];
  doc_mask: number[][];
  doc_states: number[][][];
  scores: number[];
  scores_no_masks: number[];
  doc_states_grad: number[][][];
}
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8")) as Expected;

function safetensors(file: string): Map<string, Float32Array> {
  const buf = readFileSync(`${DIR}/${file}`);
  const parsed = parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  return new Map([...parsed.tensors].map(([name, t]) => [name, toFloat32(t)]));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function inputs(ids: number[][], mask: number[][]): EncoderInputs {
  return { inputIds: tf.tensor2d(ids, undefined, "int32"), attentionMask: tf.tensor2d(mask, undefined, "int32") };
}

/** Values of `t` [B, S, H] at the positions where mask = 1, and the same of the expected array. */
function realPositions(t: number[][][], want: number[][][], mask: number[][]): [number[], number[]] {
  const got: number[] = [];
  const exp: number[] = [];
  mask.forEach((row, b) => row.forEach((m, s) => m === 1 && (got.push(...t[b]![s]!), exp.push(...want[b]![s]!))));
  return [got, exp];
}

describe.each(["js", "wasm"] as const)("MICE vs the PyTorch fixture on the %s backend", (device) => {
  it("initialises from a cross-encoder exactly as the PyTorch MICE (copies, cross-attention seeded from self-attention)", async () => {
    await initBackend({ device });
    const ce = await loadCrossEncoder(`${DIR}/cross-encoder`);
    const mice = Mice.fromCrossEncoder(ce, { split: 2, seedLayers: [3, 2] });
    expect(mice.config.headInput).toBe("pooler");
    const want = safetensors("init.safetensors");
    const got = collectWeights(mice.namedParameters().filter((p) => !p.name.startsWith("classifier.")));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, entry] of got) expect(maxAbsDiff(entry.data, want.get(name)!), name).toBe(0);
    ce.dispose();
    mice.dispose();
  });

  it("matches document states, scores (reference masks and none) and every gradient to 1e-5", async () => {
    await initBackend({ device });
    const mice = await loadMice(`${DIR}/mice`);
    expect(mice.config).toMatchObject({ split: 2, interactionLayers: 2, seedLayers: [3, 2], maskClsToDocument: true, maskQueryToCls: true });
    const q = inputs(expected.query_ids, expected.query_mask);
    const d = inputs(expected.doc_ids, expected.doc_mask);
    const docs = mice.encodeDocuments(d);
    const [states, wantStates] = realPositions((await docs.states.array()) as number[][][], expected.doc_states, expected.doc_mask);
    expect(maxAbsDiff(states, wantStates)).toBeLessThan(1e-5);
    const scores = mice.score(q, docs);
    expect(maxAbsDiff(await scores.data(), expected.scores)).toBeLessThan(1e-5);

    // The same weights with both masks off: plain cross-attention for [CLS], [CLS] visible to all.
    const plain = new Mice(mice.encoder, { ...mice.config, maskClsToDocument: false, maskQueryToCls: false });
    assignWeights(plain.namedParameters(), (await readCheckpoint(`${DIR}/mice`)).weights.tensors, { ignore: [] });
    const plainScores = plain.score(q, docs);
    expect(maxAbsDiff(await plainScores.data(), expected.scores_no_masks)).toBeLessThan(1e-5);
    expect(maxAbsDiff(expected.scores, expected.scores_no_masks)).toBeGreaterThan(1e-2); // the masks matter

    // Gradients of loss = sum(c * scores) through the training forward (eval mode), every parameter.
    const c = tf.tensor1d(expected.loss_weights);
    const params = mice.namedParameters();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(c, mice.forward(q, d))) as tf.Scalar, params.map((p) => p.variable));
    const wantGrads = safetensors("grads.safetensors");
    expect(wantGrads.size).toBe(params.length);
    let worst = 0;
    for (const p of params) {
      const g = grads[p.variable.name]!;
      const data = tf.tidy(() => (p.linearWeight ? tf.transpose(g) : g).dataSync());
      worst = Math.max(worst, maxAbsDiff(data, wantGrads.get(p.name)!));
    }
    expect(worst).toBeLessThan(1e-5);

    // Gradient with respect to the stored document states (the score path alone).
    const g = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(c, mice.score(q, { states: s as tf.Tensor3D, mask: docs.mask }))))(docs.states);
    const [gs, wantGs] = realPositions((await g.array()) as number[][][], expected.doc_states_grad, expected.doc_mask);
    expect(maxAbsDiff(gs, wantGs)).toBeLessThan(1e-5);
    tf.dispose([value, ...Object.values(grads), g, c, scores, plainScores, docs.states, docs.mask, ...Object.values(q), ...Object.values(d)]);
    mice.dispose();
    plain.dispose();
  });
});
