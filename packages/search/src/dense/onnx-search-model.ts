/**
 * The ONNX model of one exact-search step, written by hand as protobuf bytes (a few hundred
 * bytes; no ONNX library needed): scores = queries · passagesᵀ (`Gemm` with `transB = 1`, so
 * the row-major passage block is read in place), optionally followed by `TopK` along the
 * passages. A float16 passage block is `Cast` to float32 inside the graph.
 *
 * Inputs: `queries` float32 `[nq, dim]`, `passages` float32 or float16 `[np, dim]`, and with
 * top-k `k` int64 `[1]`. Outputs: `scores` float32 `[nq, np]`, or with top-k `values` float32
 * `[nq, k]` and `indices` int64 `[nq, k]` (ONNX TopK: equal values by lower index first).
 */

/** What the graph computes after the product. */
export interface SearchModelSpec {
  /** Element type of the `passages` input. */
  passages: "float32" | "float16";
  /** `true`: outputs `values`/`indices` of an in-graph `TopK`; `false`: the `scores` matrix. */
  topK: boolean;
}

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const ONNX_FLOAT16 = 10;
const ATTRIBUTE_INT = 2;

/** Little protobuf writer: fields are appended as encoded byte arrays. */
class Message {
  private readonly parts: number[] = [];

  private varint(value: number): void {
    let v = value;
    while (v > 0x7f) {
      this.parts.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
  }

  /** A varint field (int32/int64/enum, non-negative). */
  int(field: number, value: number): this {
    this.varint(field << 3);
    this.varint(value);
    return this;
  }

  /** A length-delimited field: a string or an embedded message. */
  bytes(field: number, value: string | Message): this {
    const data = typeof value === "string" ? Array.from(new TextEncoder().encode(value)) : value.parts;
    this.varint((field << 3) | 2);
    this.varint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** ValueInfoProto of a tensor; a string dimension is symbolic. */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): Message {
  const shape = new Message();
  for (const d of dims) shape.bytes(1, typeof d === "string" ? new Message().bytes(2, d) : new Message().int(1, d));
  const tensor = new Message().int(1, elemType).bytes(2, shape);
  return new Message().bytes(1, name).bytes(2, new Message().bytes(1, tensor));
}

/** NodeProto with integer attributes. */
function node(op: string, inputs: string[], outputs: string[], attributes: Record<string, number> = {}): Message {
  const m = new Message();
  for (const i of inputs) m.bytes(1, i);
  for (const o of outputs) m.bytes(2, o);
  m.bytes(3, `${op.toLowerCase()}_${outputs[0]}`).bytes(4, op);
  for (const [name, value] of Object.entries(attributes)) m.bytes(5, new Message().bytes(1, name).int(3, value).int(20, ATTRIBUTE_INT));
  return m;
}

/** The serialized ModelProto (IR version 8, default opset 17) of {@link SearchModelSpec}. */
export function searchModelBytes(spec: SearchModelSpec): Uint8Array {
  const graph = new Message();
  let passages = "passages";
  if (spec.passages === "float16") {
    graph.bytes(1, node("Cast", ["passages"], ["passages_f32"], { to: ONNX_FLOAT }));
    passages = "passages_f32";
  }
  graph.bytes(1, node("Gemm", ["queries", passages], ["scores"], { transB: 1 }));
  if (spec.topK) graph.bytes(1, node("TopK", ["scores", "k"], ["values", "indices"], { axis: 1, largest: 1, sorted: 1 }));
  graph.bytes(2, "i3_exact_search");
  graph.bytes(11, valueInfo("queries", ONNX_FLOAT, ["nq", "dim"]));
  graph.bytes(11, valueInfo("passages", spec.passages === "float16" ? ONNX_FLOAT16 : ONNX_FLOAT, ["np", "dim"]));
  if (spec.topK) {
    graph.bytes(11, valueInfo("k", ONNX_INT64, [1]));
    graph.bytes(12, valueInfo("values", ONNX_FLOAT, ["nq", "kk"]));
    graph.bytes(12, valueInfo("indices", ONNX_INT64, ["nq", "kk"]));
  } else {
    graph.bytes(12, valueInfo("scores", ONNX_FLOAT, ["nq", "np"]));
  }
  return new Message()
    .int(1, 8)
    .bytes(2, "@i3/search")
    .bytes(7, graph)
    .bytes(8, new Message().bytes(1, "").int(2, 17))
    .toBytes();
}
