/**
 * MICE to ONNX (Vast et al., arXiv 2602.16299; mice/model.ts, docs/mice.md): two graphs, the
 * document side stored once per passage and the query side run per query.
 *
 *   passage  tokens [batch, sequence] -> `document_states` [batch, sequence, H]
 *              = `Mice.encodeDocuments(...).states`: embeddings + the first l layers
 *   query    tokens [q_batch, query_sequence] + `document_states` [batch, document_sequence, H]
 *            + `document_mask` float [batch, document_sequence] (1 real token, 0 padding)
 *            -> `logits` [batch, 1] = `Mice.score` / `Mice.scoreEncoded`:
 *              Q_0 = BERT_{1..l}(query), broadcast over the document batch (q_batch 1 or batch)
 *              k interaction layers, each
 *                A   = LN(Q + SelfAttn(Q, Q; query mask [+ rows >= 1 do not see [CLS]]))
 *                C_i = LN(A_i + CrossAttn(A_i, D; document mask))        i >= 1
 *                C_0 = LN(A_0 + CrossAttn(A_0, mean_t D_t))              [CLS], maskClsToDocument
 *                      (every row attends to D when maskClsToDocument is off)
 *                Q   = LN(C + FFN(C))
 *              logits = w . h + b, h = Q[CLS] (or tanh(W Q[CLS] + b') with the pooler)
 *
 * One query against B candidates feeds the query once (q_batch 1): its l layers and the first
 * interaction layer's self-attention (A of layer 1 depends on the query only) run once and are
 * broadcast (`Expand`) to the B stored documents, as `scoreEncoded` tiles the query. The query
 * needs at least two tokens ([CLS] q [SEP]); the mean of D is the attention-masked mean
 * sum_t m_t D_t / max(sum_t m_t, 1e-9) (pooling.ts `meanPool`).
 */
import type { Mice } from "../mice/model.js";
import { MASK_BIAS } from "../model/layers/attention.js";
import { BertGraph } from "./bert-graph.js";
import { exportConfig, LOGITS_OUTPUT, ONNX_OPSET, ONNX_PRODUCER, type OnnxExport } from "./onnx-export.js";

/** Output of the MICE passage graph: the layer-l token states. */
export const DOCUMENT_STATES_OUTPUT = "document_states";
/** Inputs the MICE query graph takes besides the three token inputs. */
export const MICE_DOCUMENT_INPUTS = { states: "document_states", mask: "document_mask" } as const;

/** Slice end meaning "to the end of the axis" (Slice clamps it). */
const TO_END = 2 ** 31 - 1;

/** The document side of MICE: tokens -> layer-l states [batch, sequence, H] (`encodeDocuments`). */
export function micePassageToOnnx(model: Mice): Uint8Array {
  const graph = new BertGraph("mice-passage", model.namedParameters());
  const states = graph.encoder(model.bottom, graph.tokenInputs());
  graph.g.output(DOCUMENT_STATES_OUTPUT, states, "float", ["batch", "sequence", model.encoder.hidden]);
  return graph.g.toBytes({ opset: ONNX_OPSET, producer: ONNX_PRODUCER, docString: `mice-passage: layer-${model.config.split} document token states` });
}

/**
 * The self-attention bias of the interaction layers without the padding part: [1, 1, Sq, Sq],
 * MASK_BIAS where row i >= 1 meets key 0 (`maskQueryToCls`), 0 elsewhere.
 */
function clsColumnBias(graph: BertGraph, ids: string): string {
  const g = graph.g;
  const length = g.op("Squeeze", [g.op("Shape", [ids], { start: { int: 1 }, end: { int: 2 } })], {}, "query_len"); // scalar
  const positions = g.op("Range", [g.int64s([0], []), length, g.int64s([1], [])], {}, "query_positions"); // [Sq]
  const zero = g.int64s([0], []);
  const rows = g.op("Cast", [g.op("Greater", [positions, zero])], { to: { int: 1 } }); // [Sq]: i >= 1
  const cols = g.op("Cast", [g.op("Equal", [positions, zero])], { to: { int: 1 } }); // [Sq]: key 0
  const outer = g.op("Mul", [g.op("Unsqueeze", [rows, g.int64s([1])]), g.op("Unsqueeze", [cols, g.int64s([0])])]); // [Sq, Sq]
  return g.op("Unsqueeze", [g.op("Mul", [outer, g.scalar(MASK_BIAS)]), g.int64s([0, 1])], {}, "cls_column_bias");
}

/** The query side of MICE: query tokens + stored document states -> logits [batch, 1] (see the module comment). */
export function miceQueryToOnnx(model: Mice): Uint8Array {
  const graph = new BertGraph("mice-query", model.namedParameters());
  const g = graph.g;
  const H = model.encoder.hidden;
  const inputs = graph.tokenInputs();
  const docs = g.input(MICE_DOCUMENT_INPUTS.states, "float", ["batch", "document_sequence", H]);
  const docMask = g.input(MICE_DOCUMENT_INPUTS.mask, "float", ["batch", "document_sequence"]);

  let selfBias = graph.maskBias(inputs.attentionMask); // [q_batch, 1, 1, Sq]
  if (model.config.maskQueryToCls) selfBias = g.op("Add", [selfBias, clsColumnBias(graph, inputs.inputIds)], {}, "self_bias");
  // Q_0 and the first interaction layer's self-attention depend on the query only: computed on
  // the q_batch rows, then broadcast to the document batch.
  const q0 = graph.encoder(model.bottom, inputs);
  const batch = g.op("Shape", [docs], { start: { int: 0 }, end: { int: 1 } }, "batch"); // [1]
  const firstSelf = graph.attention(model.interaction[0]!.attention, q0, q0, selfBias);
  let h = g.op("Expand", [firstSelf, g.op("Concat", [batch, g.int64s([1, 1])], { axis: { int: 0 } })], {}, "query_states");
  const docBias = graph.maskBias(docMask, true);
  const docMean = model.config.maskClsToDocument ? g.op("Unsqueeze", [graph.pool("mean", docs, docMask, true), g.int64s([1])], {}, "document_mean") : undefined; // [B, 1, H]

  const first = [g.int64s([0]), g.int64s([1]), g.int64s([1])] as const;
  const rest = [g.int64s([1]), g.int64s([TO_END]), g.int64s([1])] as const;
  for (const [j, layer] of model.interaction.entries()) {
    const a = j === 0 ? h : graph.attention(layer.attention, h, h, selfBias);
    let c: string;
    if (docMean === undefined) c = graph.attention(layer.crossAttention, a, docs, docBias);
    else {
      const cls = graph.attention(layer.crossAttention, g.op("Slice", [a, ...first], {}, "cls_row"), docMean, undefined);
      const others = graph.attention(layer.crossAttention, g.op("Slice", [a, ...rest], {}, "query_rows"), docs, docBias);
      c = g.op("Concat", [cls, others], { axis: { int: 1 } });
    }
    h = graph.feedForward(layer.ffn, c);
  }
  let pooled = graph.clsPool(h);
  if (model.pooler !== undefined) pooled = g.op("Tanh", [graph.linear(model.pooler.dense, pooled)]);
  g.output(LOGITS_OUTPUT, graph.linear(model.head.linear, pooled), "float", ["batch", 1]);
  return g.toBytes({ opset: ONNX_OPSET, producer: ONNX_PRODUCER, docString: `mice-query: MICE-l${model.config.split}+${model.config.interactionLayers} logit per (query, stored document)` });
}

/**
 * MICE as ONNX: `passage` (the document states to store) and `query` (the score against stored
 * states) graphs; config.json adds `mice` (the resolved MiceConfig) and `i3_mice` (each graph's
 * inputs and output).
 */
export function miceToOnnx(model: Mice): OnnxExport {
  const files = { passage: micePassageToOnnx(model), query: miceQueryToOnnx(model) };
  const tokens = ["input_ids", "attention_mask", "token_type_ids"];
  const extra = {
    mice: model.config,
    i3_mice: {
      passage: { inputs: tokens, output: DOCUMENT_STATES_OUTPUT, layers: model.config.split },
      query: { inputs: [...tokens, MICE_DOCUMENT_INPUTS.states, MICE_DOCUMENT_INPUTS.mask], output: LOGITS_OUTPUT },
    },
  };
  const config = exportConfig("mice", model.encoder, Object.keys(files), LOGITS_OUTPUT, ["MiceCrossEncoder"], extra);
  return { kind: "mice", files, config };
}
