// The decoded form of an ONNX ModelProto (onnx/onnx.proto, IR version 3 and later): what the
// reader produces and the runtime executes.

/** TensorProto.DataType. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES = new Map<number, string>(Object.entries(DataType).map(([name, code]) => [code, name]));

/** FLOAT, INT64, ... or `data type N` for codes this library does not know. */
export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES.get(code) ?? `data type ${code}`;
}

/** The KServe v2 / Open Inference Protocol datatype of an ONNX element type (FLOAT → FP32). */
export function v2Datatype(code: number): string {
  const names: Record<number, string> = {
    [DataType.FLOAT]: 'FP32',
    [DataType.DOUBLE]: 'FP64',
    [DataType.FLOAT16]: 'FP16',
    [DataType.BFLOAT16]: 'BF16',
    [DataType.INT8]: 'INT8',
    [DataType.INT16]: 'INT16',
    [DataType.INT32]: 'INT32',
    [DataType.INT64]: 'INT64',
    [DataType.UINT8]: 'UINT8',
    [DataType.UINT16]: 'UINT16',
    [DataType.UINT32]: 'UINT32',
    [DataType.UINT64]: 'UINT64',
    [DataType.BOOL]: 'BOOL',
    [DataType.STRING]: 'BYTES',
  };
  return names[code] ?? dataTypeName(code);
}

/**
 * A tensor value. FLOAT tensors hold a Float32Array; every other numeric type holds its values in a
 * Float64Array (integers of ONNX models here are shapes and axes, far inside 2^53).
 */
export interface Tensor {
  dataType: number;
  dims: number[];
  data: Float32Array | Float64Array;
}

/** One dimension of a declared shape: a size, a symbolic name (dim_param) or unknown. */
export type Dimension = number | string | null;

/** A graph input or output as ValueInfoProto declares it. */
export interface ValueInfo {
  name: string;
  /** The element type of a tensor value; undefined for sequence, map and other non-tensor types. */
  elemType?: number;
  /** undefined when the type declares no shape (any rank). */
  shape?: Dimension[];
}

export type AttributeValue = number | string | Uint8Array | Tensor | number[] | string[];

export interface Node {
  name: string;
  opType: string;
  /** '' for the default ONNX domain (also written 'ai.onnx'). */
  domain: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OperatorSetId {
  domain: string;
  version: number;
}

export interface Model {
  irVersion: number;
  opsetImports: OperatorSetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: Graph;
  metadata: Map<string, string>;
}

/** Bytes that are not an ONNX model this library can read; the message says what is wrong. */
export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}
