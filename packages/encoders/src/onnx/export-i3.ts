/**
 * The I3 retriever to ONNX (Dong et al., CIKM 2023; i3/retriever.ts): two graphs.
 *
 *   query    tokens -> E_q(q) pooled [batch, H]            (as a dual-encoder tower)
 *   passage  tokens -> p* [batch, H], `I3Retriever.encodePassages`:
 *              H_p = E_p(p), p0 = pool(H_p)
 *              Z   = Reconstructor(Emb_p(slots), H_p | p0)      (i3/reconstructor.ts)
 *              p*  = Interactor([p0 ; H_p[1:] ; Z] | [p0 ; mean Z])[0]   (i3/interactor.ts)
 *            (p* = p0 when the interactor is disabled).
 *
 * The slot embeddings Emb_p([CLS] [MASK]^(m-2) [SEP]) do not depend on the input, so they are
 * computed once with the model's own embedding layer (eval mode) and stored as a [1, m, H]
 * initializer, broadcast over the batch.
 */
import { tf } from "../backend/tf.js";
import type { I3Retriever } from "../i3/retriever.js";
import { slotIds } from "../i3/slots.js";
import { RunContext } from "../model/context.js";
import { BertGraph } from "./bert-graph.js";
import { encoderTowerToOnnx } from "./export-dual-encoder.js";
import { EMBEDDING_OUTPUT, exportConfig, ONNX_OPSET, ONNX_PRODUCER, type OnnxExport } from "./onnx-export.js";

/** Slice end meaning "to the end of the axis" (Slice clamps it). */
const TO_END = 2 ** 31 - 1;

/** Emb_p(slots) [1, m, H], computed by the model's embedding layer in eval mode. */
function slotEmbeddings(model: I3Retriever): { data: Float32Array; dims: number[] } {
  const m = model.config.slots;
  const ids = slotIds(m, model.config.specialTokens);
  const data = tf.tidy(() => model.passageEncoder.embeddings.apply(tf.tensor2d(ids, [1, m], "int32"), undefined, RunContext.of(undefined)).dataSync() as Float32Array);
  return { data, dims: [1, m, model.encoder.hidden] };
}

/** The passage side of I3 as one ONNX graph: tokens -> p* (see the module comment). */
export function i3PassageToOnnx(model: I3Retriever): Uint8Array {
  const interactor = model.interactor;
  if (interactor === undefined) return encoderTowerToOnnx(model.passageEncoder, "i3-passage");
  const graph = new BertGraph("i3-passage", model.namedParameters());
  const g = graph.g;
  const { hidden, pooling } = model.passageEncoder.config;
  const m = model.config.slots;
  const inputs = graph.tokenInputs();
  const states = graph.encoder(model.passageEncoder, inputs);
  const p0 = graph.pool(pooling, states, inputs.attentionMask);
  const p0Row = g.op("Unsqueeze", [p0, g.int64s([1])], {}, "p0_row"); // [B, 1, H]
  const batch = g.op("Shape", [inputs.inputIds], { start: { int: 0 }, end: { int: 1 } }, "batch"); // [1]

  const slots = slotEmbeddings(model);
  const slotTable = g.weight("i3.slot_embeddings", slots.data, slots.dims);
  let z = g.op("Expand", [slotTable, g.op("Concat", [batch, g.int64s([m, hidden])], { axis: { int: 0 } })], {}, "slots");
  const byTokens = model.reconstructor.memory === "tokens";
  const memory = byTokens ? states : p0Row;
  const memoryBias = byTokens ? graph.maskBias(inputs.attentionMask) : undefined;
  for (const layer of model.reconstructor.layers) z = graph.decoderStyleLayer(layer, z, undefined, memory, memoryBias);

  let x: string;
  let bias: string | undefined;
  if (interactor.input === "pooled") {
    const meanZ = g.op("ReduceMean", [z], { axes: { ints: [1] }, keepdims: { int: 1 } }, "mean_z"); // [B, 1, H]
    x = g.op("Concat", [p0Row, meanZ], { axis: { int: 1 } });
  } else {
    const rest = g.op("Slice", [states, g.int64s([1]), g.int64s([TO_END]), g.int64s([1])], {}, "passage_rest");
    x = g.op("Concat", [p0Row, rest, z], { axis: { int: 1 } });
    const ones = g.op("Expand", [g.floats(new Array<number>(m).fill(1), [1, m]), g.op("Concat", [batch, g.int64s([m])], { axis: { int: 0 } })]);
    const mask = g.op("Concat", [g.op("Cast", [inputs.attentionMask], { to: { int: 1 } }), ones], { axis: { int: 1 } });
    bias = graph.maskBias(mask, true);
  }
  for (const layer of interactor.layers) x = graph.encoderLayer(layer, x, bias);
  g.output(EMBEDDING_OUTPUT, graph.clsPool(x), "float", ["batch", hidden]);
  return g.toBytes({ opset: ONNX_OPSET, producer: ONNX_PRODUCER, docString: "i3-passage: the query-aware passage vector p*" });
}

/**
 * An I3 retriever as ONNX: `query` (E_q) and `passage` (p*) graphs; config.json adds `i3` (the
 * full I3Config) and `shared_towers`.
 */
export function i3RetrieverToOnnx(model: I3Retriever): OnnxExport {
  const files = { query: encoderTowerToOnnx(model.queryEncoder, "i3-query"), passage: i3PassageToOnnx(model) };
  const config = exportConfig("i3", model.encoder, Object.keys(files), EMBEDDING_OUTPUT, ["I3Retriever"], { i3: model.config, shared_towers: model.shared });
  return { kind: "i3", files, config };
}
