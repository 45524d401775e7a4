/**
 * Dual-encoder towers to ONNX (DPR, Karpukhin et al. 2020; model/dual-encoder.ts): each tower
 * is one graph, input tokens -> `sentence_embedding` = pool(BERT(tokens)) [batch, H], the vector
 * `BertEncoder.encode` gives (cls or mean pooling as the tower's config says).
 */
import type { DualEncoder } from "../model/dual-encoder.js";
import type { BertEncoder } from "../model/encoder.js";
import { BertGraph } from "./bert-graph.js";
import { EMBEDDING_OUTPUT, exportConfig, ONNX_OPSET, ONNX_PRODUCER, type OnnxExport } from "./onnx-export.js";

/** One encoder tower as an ONNX model: tokens -> its pooled vector [batch, H]. */
export function encoderTowerToOnnx(encoder: BertEncoder, graphName: string): Uint8Array {
  const graph = new BertGraph(graphName, encoder.namedParameters());
  const inputs = graph.tokenInputs();
  const pooled = graph.pool(encoder.config.pooling, graph.encoder(encoder, inputs), inputs.attentionMask);
  graph.g.output(EMBEDDING_OUTPUT, pooled, "float", ["batch", encoder.config.hidden]);
  return graph.g.toBytes({ opset: ONNX_OPSET, producer: ONNX_PRODUCER, docString: `${graphName}: pooled (${encoder.config.pooling}) BERT vector` });
}

/**
 * A dual-encoder as ONNX: shared towers -> one `model` graph; separate towers -> `query` and
 * `passage` graphs. config.json is the tower's BERT config with `i3_onnx` and `shared_towers`.
 */
export function dualEncoderToOnnx(model: DualEncoder): OnnxExport {
  const files: Record<string, Uint8Array> = model.shared
    ? { model: encoderTowerToOnnx(model.queryEncoder, "dual-encoder") }
    : { query: encoderTowerToOnnx(model.queryEncoder, "dual-encoder-query"), passage: encoderTowerToOnnx(model.passageEncoder, "dual-encoder-passage") };
  const config = exportConfig("dual-encoder", model.queryEncoder.config, Object.keys(files), EMBEDDING_OUTPUT, ["BertModel"], { shared_towers: model.shared });
  return { kind: "dual-encoder", files, config };
}
