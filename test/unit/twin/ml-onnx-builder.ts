// Hand-assembled ONNX bytes for the tests, written field by field from onnx/onnx.proto (the field
// numbers are in the comments) and independent of the twin's ProtoWriter, so that the readers are
// checked against the spec rather than against the writer that shares their assumptions.

type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  for (;;) {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    if (v === 0n) return [...out, low];
    out.push(low | 0x80);
  }
}

const key = (field: number, wire: number) => varint(field * 8 + wire);
/** An int32/int64/enum field. */
export const int = (field: number, value: number | bigint): Bytes => [...key(field, 0), ...varint(value)];
/** A length-delimited field (bytes, string, message, packed values). */
export const ld = (field: number, ...parts: Bytes[]): Bytes => {
  const body = parts.flat();
  return [...key(field, 2), ...varint(body.length), ...body];
};
export const str = (field: number, s: string): Bytes => ld(field, [...Buffer.from(s, 'utf8')]);
export const f32le = (...values: number[]): Bytes => [...Buffer.from(Float32Array.from(values).buffer)];
export const i64le = (...values: number[]): Bytes => [...Buffer.from(BigInt64Array.from(values.map(BigInt)).buffer)];
/** A float field (fixed32). */
export const float = (field: number, value: number): Bytes => [...key(field, 5), ...f32le(value)];

// TensorProto: dims = 1 (repeated int64, one field per value as proto2 writes it), data_type = 2,
// float_data = 4 (packed), int64_data = 7 (packed), name = 8, raw_data = 9.
export const FLOAT = 1;
export const INT64 = 7;
const dims = (shape: number[]) => shape.flatMap((d) => int(1, d));
export const rawFloatTensor = (name: string, shape: number[], values: number[]) => [
  ...dims(shape),
  ...int(2, FLOAT),
  ...str(8, name),
  ...ld(9, f32le(...values)),
];
export const floatDataTensor = (name: string, shape: number[], values: number[]) => [
  ...dims(shape),
  ...int(2, FLOAT),
  ...ld(4, f32le(...values)),
  ...str(8, name),
];
export const rawInt64Tensor = (name: string, shape: number[], values: number[]) => [
  ...dims(shape),
  ...int(2, INT64),
  ...str(8, name),
  ...ld(9, i64le(...values)),
];
export const int64DataTensor = (name: string, shape: number[], values: number[]) => [
  ...dims(shape),
  ...int(2, INT64),
  ...ld(
    7,
    values.flatMap((v) => varint(v)),
  ),
  ...str(8, name),
];

// ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 → elem_type = 1, shape = 2 →
// TensorShapeProto.dim = 1 → dim_value = 1 | dim_param = 2.
export const valueInfo = (name: string, elemType: number, shape: (number | string)[]) => [
  ...str(1, name),
  ...ld(2, ld(1, int(1, elemType), ld(2, ...shape.map((d) => ld(1, typeof d === 'number' ? int(1, d) : str(2, d)))))),
];

// AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20
// (FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7).
export const attrInt = (name: string, value: number) => [...str(1, name), ...int(20, 2), ...int(3, value)];
export const attrFloat = (name: string, value: number) => [...str(1, name), ...int(20, 1), ...float(2, value)];
export const attrInts = (name: string, values: number[]) => [...str(1, name), ...int(20, 7), ...values.flatMap((v) => int(8, v))];
export const attrTensor = (name: string, tensor: Bytes) => [...str(1, name), ...int(20, 4), ...ld(5, tensor)];
export const attrGraph = (name: string) => [...str(1, name), ...int(20, 5), ...ld(6, str(2, 'body'))];

// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7.
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  options: { name?: string; domain?: string; attributes?: Bytes[] } = {},
): Bytes {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...(options.name ? str(3, options.name) : []),
    ...str(4, opType),
    ...(options.attributes ?? []).flatMap((a) => ld(5, a)),
    ...(options.domain ? str(7, options.domain) : []),
  ];
}

// GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
export function graph(parts: { nodes: Bytes[]; name?: string; initializers?: Bytes[]; inputs: Bytes[]; outputs: Bytes[] }): Bytes {
  return [
    ...parts.nodes.flatMap((n) => ld(1, n)),
    ...str(2, parts.name ?? 'test'),
    ...(parts.initializers ?? []).flatMap((t) => ld(5, t)),
    ...parts.inputs.flatMap((i) => ld(11, i)),
    ...parts.outputs.flatMap((o) => ld(12, o)),
  ];
}

// ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8
// (OperatorSetIdProto: domain = 1, version = 2).
export function model(graphBytes: Bytes, options: { irVersion?: number; opsets?: [string, number][]; producer?: string } = {}): Uint8Array {
  return Uint8Array.from([
    ...int(1, options.irVersion ?? 7),
    ...str(2, options.producer ?? 'tf2onnx'),
    ...str(3, '1.13.0 2c1db5'),
    ...ld(7, graphBytes),
    ...(options.opsets ?? [['', 13]]).flatMap(([domain, version]) => ld(8, domain ? str(1, domain) : [], int(2, version))),
  ]);
}
