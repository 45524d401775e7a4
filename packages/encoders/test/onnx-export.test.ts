/**
 * ONNX export: the protobuf writer's graphs load in onnxruntime with the declared names, types
 * and dynamic axes; and every exported model (dual-encoder towers, cross-encoder, I3 query side
 * and p*) run by onnxruntime-node's InferenceSession equals the TensorFlow.js forward pass to
 * 1e-4 on real text (SciFact queries and abstracts, padded batches of three shapes).
 */
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { EncodedBatch, I3Tokenizer } from "@i3/data";
import { initBackend } from "../src/backend/index.js";
import { tf } from "../src/backend/tf.js";
import { I3Retriever } from "../src/i3/retriever.js";
import type { I3ConfigInput } from "../src/i3/config.js";
import { encoderConfig, type EncoderConfig, type Pooling } from "../src/model/config.js";
import { CrossEncoder } from "../src/model/cross-encoder.js";
import { DualEncoder } from "../src/model/dual-encoder.js";
import type { EncoderInputs } from "../src/model/encoder.js";
import { crossEncoderToOnnx, dualEncoderToOnnx, i3RetrieverToOnnx, modelProtoType, OnnxGraphBuilder } from "../src/onnx/index.js";
import { disposeInputs, fixtureTokenizer, maxAbsDiff, ortFeeds, pairBatches, perturb, textBatches, tfInputs } from "./onnx-helpers.js";

let tok: I3Tokenizer;

beforeAll(async () => {
  await initBackend({ device: "js" });
  tok = await fixtureTokenizer();
});

function config(pooling: Pooling): EncoderConfig {
  return encoderConfig({ vocabSize: tok.vocabSize, hidden: 32, layers: 2, heads: 4, intermediate: 64, maxPositions: 64, pooling });
}

/** Runs `bytes` on each batch and compares `output` with `reference(batch)`; returns the largest difference. */
async function parity(bytes: Uint8Array, output: string, batches: EncodedBatch[], reference: (x: EncoderInputs) => tf.Tensor): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  let worst = 0;
  for (const b of batches) {
    const onnx = (await session.run(ortFeeds(b)))[output]!;
    const x = tfInputs(b);
    const expected = tf.tidy(() => reference(x));
    expect(onnx.dims.slice(0, 1)).toEqual([b.batchSize]);
    worst = Math.max(worst, maxAbsDiff(onnx.data as Float32Array, expected.dataSync()));
    expected.dispose();
    disposeInputs(x);
  }
  await session.release();
  return worst;
}

function report(what: string, diff: number): void {
  process.stdout.write(`onnx parity ${what}: max |onnx - tfjs| = ${diff.toExponential(2)}\n`);
  expect(diff).toBeLessThan(1e-4);
}

describe("ONNX protobuf writer", () => {
  it("writes a graph onnxruntime runs: inputs, dynamic dims, initializers, attributes", async () => {
    const g = new OnnxGraphBuilder("tiny");
    const x = g.input("x", "float", ["batch", 3]);
    const w = g.weight("w", Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    const y = g.op("Add", [g.op("MatMul", [x, w]), g.floats([0.5, -1])]);
    g.output("y", g.op("Softmax", [y], { axis: { int: -1 } }), "float", ["batch", 2]);
    const session = await ort.InferenceSession.create(g.toBytes({ opset: 17, producer: "test" }));
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["y"]);
    expect(session.inputMetadata[0]).toMatchObject({ name: "x", isTensor: true, type: "float32", shape: ["batch", 3] });
    expect(session.outputMetadata[0]).toMatchObject({ name: "y", shape: ["batch", 2] });
    // rows [1, 0, 1] and [0, 2, 0]: logits [1 + 5 + 0.5, 2 + 6 - 1] = [6.5, 7] and [6.5, 7]
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from([1, 0, 1, 0, 2, 0]), [2, 3]) });
    const p1 = 1 / (1 + Math.exp(-0.5));
    expect([...(out.y!.data as Float32Array)].map((v) => +v.toFixed(6))).toEqual([1 - p1, p1, 1 - p1, p1].map((v) => +v.toFixed(6)));
    await session.release();
  });

  it("refuses a duplicate value name and a weight whose size does not match its dims", () => {
    const g = new OnnxGraphBuilder("bad");
    g.input("x", "float", [1]);
    expect(() => g.input("x", "int64", [1])).toThrow(/duplicate value name "x"/);
    expect(() => g.weight("w", new Float32Array(5), [2, 3])).toThrow(/onnx weight w: 5 values for dims \[2, 3\]/);
  });

  it("exports a tower with the BERT input names, int64 [batch, sequence] inputs and checkpoint-named initializers", async () => {
    const de = new DualEncoder(config("cls"), { seed: 1 });
    const bytes = dualEncoderToOnnx(de).files.model!;
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    for (const meta of session.inputMetadata) expect(meta).toMatchObject({ type: "int64", shape: ["batch", "sequence"] });
    expect(session.outputMetadata).toEqual([expect.objectContaining({ name: "sentence_embedding", type: "float32", shape: ["batch", 32] })]);
    await session.release();
    const decoded = modelProtoType().toObject(modelProtoType().decode(bytes), { longs: Number }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { initializer: { name: string }[] };
    };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport[0]!.version).toBe(17);
    const names = decoded.graph.initializer.map((t) => t.name);
    for (const p of de.namedParameters()) expect(names).toContain(p.name);
    de.dispose();
  });
});

describe("ONNX export parity with TensorFlow.js (real text, padded batches)", () => {
  it("dual-encoder, shared towers, cls pooling", async () => {
    const de = new DualEncoder(config("cls"), { seed: 2 });
    perturb(de.namedParameters(), 20);
    const exported = dualEncoderToOnnx(de);
    expect(Object.keys(exported.files)).toEqual(["model"]);
    report("dual-encoder shared cls", await parity(exported.files.model!, "sentence_embedding", textBatches(tok), (x) => de.encodePassages(x)));
    de.dispose();
  });

  it("dual-encoder, separate towers, mean pooling: each tower its own file", async () => {
    const de = new DualEncoder(config("mean"), { shared: false, seed: 3 });
    perturb(de.namedParameters(), 30);
    const exported = dualEncoderToOnnx(de);
    expect(Object.keys(exported.files).sort()).toEqual(["passage", "query"]);
    const batches = textBatches(tok);
    report("dual-encoder query tower mean", await parity(exported.files.query!, "sentence_embedding", batches, (x) => de.encodeQueries(x)));
    report("dual-encoder passage tower mean", await parity(exported.files.passage!, "sentence_embedding", batches, (x) => de.encodePassages(x)));
    // The towers differ, so each file must be its own tower's.
    const q = await parity(exported.files.query!, "sentence_embedding", batches.slice(0, 1), (x) => de.encodePassages(x));
    expect(q).toBeGreaterThan(1e-2);
    de.dispose();
  });

  for (const pooler of [false, true]) {
    it(`cross-encoder ${pooler ? "with" : "without"} the pooler: one logit per pair`, async () => {
      const ce = new CrossEncoder(config("cls"), { seed: 4, pooler });
      perturb(ce.namedParameters(), 40);
      const exported = crossEncoderToOnnx(ce);
      expect(exported.config).toMatchObject({ architectures: ["BertForSequenceClassification"], num_labels: 1 });
      report(`cross-encoder pooler=${pooler}`, await parity(exported.files.model!, "logits", pairBatches(tok), (x) => ce.forward(x)));
      ce.dispose();
    });
  }

  const special = () => ({ cls: tok.special.cls!, sep: tok.special.sep!, mask: tok.special.mask! });
  const variants: [string, Pooling, Omit<I3ConfigInput, "specialTokens">, boolean][] = [
    ["reference default (pooled memory, pooled interactor)", "cls", {}, true],
    ["paper (tokens memory, tokens interactor), 2+2 layers", "cls", { reconstructor: { memory: "tokens", layers: 2 }, interactor: { input: "tokens", layers: 2 } }, true],
    ["tokens memory, pooled interactor, mean pooling", "mean", { reconstructor: { memory: "tokens" } }, false],
    ["pooled memory, tokens interactor, mean pooling", "mean", { interactor: { input: "tokens" } }, true],
    ["interactor disabled (p* = p0)", "cls", { interactor: { enabled: false } }, true],
  ];
  for (const [name, pooling, i3, shared] of variants) {
    it(`I3 ${name}: query vectors and p*`, async () => {
      const model = new I3Retriever(config(pooling), { slots: 8, specialTokens: special(), ...i3 }, { seed: 5, shared });
      perturb(model.namedParameters(), 50);
      const exported = i3RetrieverToOnnx(model);
      const batches = textBatches(tok);
      report(`i3 ${name} query`, await parity(exported.files.query!, "sentence_embedding", batches, (x) => model.encodeQueries(x)));
      report(`i3 ${name} p*`, await parity(exported.files.passage!, "sentence_embedding", batches, (x) => model.encodePassages(x)));
      model.dispose();
    });
  }
});
