/**
 * A small ONNX graph builder: named inputs and outputs with dynamic (named) or fixed dims,
 * float32 weight and int64/float constant initializers, nodes with typed attributes, serialized
 * to `ModelProto` bytes with protobufjs (schema: onnx-schema.ts). Values are referred to by name;
 * `op` returns the name of its node's single output.
 */
import { modelProtoType, ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE, ONNX_IR_VERSION, type OnnxElementType } from "./onnx-schema.js";

/** A tensor dimension: a fixed size or a named dynamic axis (`"batch"`, `"sequence"`). */
export type Dim = number | string;

/** A typed node attribute. */
export type Attr = { int: number } | { float: number } | { ints: readonly number[] };

/** Options of {@link OnnxGraphBuilder.toBytes}. */
export interface ModelOptions {
  /** Default-domain opset version (the exporter uses 17, for LayerNormalization). */
  opset: number;
  /** `ModelProto.producer_name`. */
  producer: string;
  /** `ModelProto.doc_string`. */
  docString?: string;
}

interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

function valueInfo(name: string, type: OnnxElementType, dims: readonly Dim[]): ValueInfo {
  const dim = dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ONNX_DTYPE[type], shape: { dim } } } };
}

function attribute(name: string, value: Attr): Record<string, unknown> {
  if ("int" in value) return { name, type: ONNX_ATTRIBUTE_TYPE.int, i: value.int };
  if ("float" in value) return { name, type: ONNX_ATTRIBUTE_TYPE.float, f: value.float };
  return { name, type: ONNX_ATTRIBUTE_TYPE.ints, ints: [...value.ints] };
}

/** True when this machine stores numbers little-endian (then typed-array bytes are ONNX's as they are). */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a typed array (ONNX `raw_data` is little-endian); a copy. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  else data.forEach((x, i) => view.setBigInt64(i * 8, x, true));
  return out;
}

/** Builds one ONNX graph; see the module comment. */
export class OnnxGraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;
  private usesContribOps = false;

  /** An empty graph named `graphName` (`GraphProto.name`, and the prefix of its error messages). */
  constructor(readonly graphName: string) {}

  /** Declares a graph input; returns its name. */
  input(name: string, type: OnnxElementType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` as the graph output `name` (through an Identity node when named differently). */
  output(name: string, value: string, type: OnnxElementType, dims: readonly Dim[]): void {
    if (value !== name) {
      this.claim(name);
      this.nodes.push({ opType: "Identity", input: [value], output: [name], name: `${name}/Identity` });
    }
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float32 initializer named `name` (a weight); returns its name. */
  weight(name: string, data: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`onnx weight ${name}: ${data.length} values for dims [${dims.join(", ")}]`);
    this.claim(name);
    this.initializers.push({ name, dataType: ONNX_DTYPE.float, dims: [...dims], rawData: littleEndianBytes(data) });
    return name;
  }

  /** An int64 constant initializer (deduplicated by value); returns its name. */
  int64s(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant("int64", values, dims, () => littleEndianBytes(BigInt64Array.from(values, (v) => BigInt(v))));
  }

  /** A float32 constant initializer (deduplicated by value); `dims` [] is a scalar. */
  floats(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant("float", values, dims, () => littleEndianBytes(Float32Array.from(values)));
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.floats([value], []);
  }

  /** Adds a node with one output (named after `hint`); returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, hint: string = opType): string {
    const output = this.fresh(hint);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      name: `${output}/${opType}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /**
   * Adds a node of onnxruntime's contrib domain `com.microsoft` (e.g. `FusedMatMul`), imported at
   * version 1; returns the output's name. Such a graph runs in onnxruntime only.
   */
  contribOp(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, hint: string = opType): string {
    const output = this.op(opType, inputs, attrs, hint);
    (this.nodes.at(-1) as { domain?: string }).domain = "com.microsoft";
    this.usesContribOps = true;
    return output;
  }

  /** Serializes the graph as an ONNX `ModelProto`. */
  toBytes(opts: ModelOptions): Uint8Array {
    const type = modelProtoType();
    const model = {
      irVersion: ONNX_IR_VERSION,
      producerName: opts.producer,
      docString: opts.docString ?? "",
      opsetImport: [{ domain: "", version: opts.opset }, ...(this.usesContribOps ? [{ domain: "com.microsoft", version: 1 }] : [])],
      graph: { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
    const problem = type.verify(model);
    if (problem !== null) throw new Error(`onnx model ${this.graphName}: ${problem}`);
    return type.encode(type.fromObject(model)).finish();
  }

  private constant(type: OnnxElementType, values: readonly number[], dims: readonly number[], bytes: () => Uint8Array): string {
    const key = `${type}:${dims.join("x")}:${values.join(",")}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(`const_${type}`);
    this.initializers.push({ name, dataType: ONNX_DTYPE[type], dims: [...dims], rawData: bytes() });
    this.constants.set(key, name);
    return name;
  }

  private fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`onnx graph ${this.graphName}: duplicate value name "${name}"`);
    this.names.add(name);
  }
}
