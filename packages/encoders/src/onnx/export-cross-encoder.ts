/**
 * The cross-encoder to ONNX (monoBERT, Nogueira & Cho 2019; model/cross-encoder.ts):
 * pair tokens [CLS] q [SEP] p [SEP] (segment ids 0/1 in `token_type_ids`) -> `logits`
 * [batch, 1] = w . h + b with h = BERT(pair)[CLS], or h = tanh(W h_cls + b) with the pooler:
 * `CrossEncoder.forward`'s score per pair. config.json says `BertForSequenceClassification`
 * with `num_labels` 1, so transformers.js' AutoModelForSequenceClassification runs it.
 */
import type { CrossEncoder } from "../model/cross-encoder.js";
import { BertGraph } from "./bert-graph.js";
import { exportConfig, LOGITS_OUTPUT, ONNX_OPSET, ONNX_PRODUCER, type OnnxExport } from "./onnx-export.js";

/** A cross-encoder as one ONNX `model` graph (see the module comment). */
export function crossEncoderToOnnx(model: CrossEncoder): OnnxExport {
  const graph = new BertGraph("cross-encoder", model.namedParameters());
  const inputs = graph.tokenInputs();
  let h = graph.clsPool(graph.encoder(model.encoder, inputs));
  if (model.pooler !== undefined) h = graph.g.op("Tanh", [graph.linear(model.pooler.dense, h)]);
  graph.g.output(LOGITS_OUTPUT, graph.linear(model.head.linear, h), "float", ["batch", 1]);
  const bytes = graph.g.toBytes({ opset: ONNX_OPSET, producer: ONNX_PRODUCER, docString: "cross-encoder: relevance logit per pair" });
  const extra = { num_labels: 1, id2label: { 0: "LABEL_0" }, label2id: { LABEL_0: 0 }, i3_head_input: model.pooler === undefined ? "cls" : "pooler" };
  const config = exportConfig("cross-encoder", model.config, ["model"], LOGITS_OUTPUT, ["BertForSequenceClassification"], extra);
  return { kind: "cross-encoder", files: { model: bytes }, config };
}
