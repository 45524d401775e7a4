/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto, IR version 8, proto2) the exporter
 * writes, as a protobufjs JSON descriptor: ModelProto, OperatorSetIdProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto (tensor types only) and
 * TensorShapeProto. Field numbers are the spec's; fields the exporter never writes are left out
 * (a protobuf reader skips what it does not know, and nothing here is read back by ONNX tools).
 * Field names are protobufjs' camelCase of the spec's snake_case names.
 */
import protobuf from "protobufjs";

/** ONNX `TensorProto.DataType` values used by the exporter. */
export const ONNX_DTYPE = { float: 1, int64: 7 } as const;
/** An element type the exporter writes. */
export type OnnxElementType = keyof typeof ONNX_DTYPE;

/** ONNX `AttributeProto.AttributeType` values used by the exporter. */
export const ONNX_ATTRIBUTE_TYPE = { float: 1, int: 2, tensor: 4, ints: 7 } as const;

/** IR version written to `ModelProto.ir_version` (8: ONNX 1.10+, onnxruntime >= 1.10). */
export const ONNX_IR_VERSION = 8;

const repeated = (type: string, id: number) => ({ rule: "repeated", type, id });

/** The protobufjs JSON descriptor (package `onnx`). */
export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            opsetImport: repeated("OperatorSetIdProto", 8),
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        GraphProto: {
          fields: {
            node: repeated("NodeProto", 1),
            name: { type: "string", id: 2 },
            initializer: repeated("TensorProto", 5),
            docString: { type: "string", id: 10 },
            input: repeated("ValueInfoProto", 11),
            output: repeated("ValueInfoProto", 12),
            valueInfo: repeated("ValueInfoProto", 13),
          },
        },
        NodeProto: {
          fields: {
            input: repeated("string", 1),
            output: repeated("string", 2),
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            attribute: repeated("AttributeProto", 5),
            docString: { type: "string", id: 6 },
            domain: { type: "string", id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            floats: repeated("float", 7),
            ints: repeated("int64", 8),
            docString: { type: "string", id: 13 },
            type: { type: "int32", id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: repeated("int64", 1),
            dataType: { type: "int32", id: 2 },
            floatData: repeated("float", 4),
            int64Data: repeated("int64", 7),
            name: { type: "string", id: 8 },
            rawData: { type: "bytes", id: 9 },
            docString: { type: "string", id: 12 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 }, docString: { type: "string", id: 3 } },
        },
        TypeProto: {
          fields: { tensorType: { type: "TypeProto.Tensor", id: 1 }, denotation: { type: "string", id: 6 } },
          nested: {
            Tensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated("TensorShapeProto.Dimension", 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 }, denotation: { type: "string", id: 3 } },
            },
          },
        },
      },
    },
  },
} as const;

let root: protobuf.Root | undefined;

/** The `onnx.ModelProto` message type (schema parsed once). */
export function modelProtoType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace);
  return root.lookupType("onnx.ModelProto");
}
