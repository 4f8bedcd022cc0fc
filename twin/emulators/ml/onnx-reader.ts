// Decodes an ONNX ModelProto (onnx/onnx.proto) into the twin's Model: the header, the opsets, the
// main graph's nodes and attributes, initializers (raw_data or the typed *_data fields, packed or
// not), inputs and outputs with their element types and shapes. Unknown fields are skipped, as any
// protobuf reader does. Tensors whose data lives in an external file, sparse initializers and
// subgraph attributes are refused with a message that says so.
import {
  type AttributeValue,
  DataType,
  type Dimension,
  type Graph,
  type Model,
  type Node,
  OnnxFormatError,
  type OperatorSetId,
  type Tensor,
  type ValueInfo,
  dataTypeName,
} from './onnx-types';
import {
  ProtobufError,
  type ProtoField,
  WIRE_LENGTH_DELIMITED,
  WIRE_FIXED32,
  fieldInt,
  fieldString,
  readFields,
  repeatedFloats,
  repeatedInts,
} from './protobuf';

type Fields = ProtoField[];

function all(fields: Fields, n: number): Fields {
  return fields.filter((f) => f.field === n);
}

function last(fields: Fields, n: number): ProtoField | undefined {
  // Protobuf: the last occurrence of a non-repeated field wins.
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i].field === n) return fields[i];
  return undefined;
}

function str(fields: Fields, n: number, what: string): string {
  const f = last(fields, n);
  return f ? fieldString(f, what) : '';
}

function int(fields: Fields, n: number, what: string): number | undefined {
  const f = last(fields, n);
  return f ? fieldInt(f, what) : undefined;
}

function sub(f: ProtoField, what: string): Fields {
  if (f.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`${what}: expected a message, got wire type ${f.wireType}`);
  return readFields(f.bytes, what, f.offset);
}

const BYTES_PER_ELEMENT: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.DOUBLE]: 8,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.BOOL]: 1,
  [DataType.INT16]: 2,
  [DataType.UINT16]: 2,
  [DataType.FLOAT16]: 2,
  [DataType.INT32]: 4,
  [DataType.UINT32]: 4,
  [DataType.INT64]: 8,
  [DataType.UINT64]: 8,
};

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Element `i` of little-endian raw_data of the given type. */
function rawElement(view: DataView, type: number, i: number): number {
  switch (type) {
    case DataType.FLOAT:
      return view.getFloat32(i * 4, true);
    case DataType.DOUBLE:
      return view.getFloat64(i * 8, true);
    case DataType.INT8:
      return view.getInt8(i);
    case DataType.UINT8:
    case DataType.BOOL:
      return view.getUint8(i);
    case DataType.INT16:
      return view.getInt16(i * 2, true);
    case DataType.UINT16:
      return view.getUint16(i * 2, true);
    case DataType.FLOAT16:
      return halfToFloat(view.getUint16(i * 2, true));
    case DataType.INT32:
      return view.getInt32(i * 4, true);
    case DataType.UINT32:
      return view.getUint32(i * 4, true);
    case DataType.INT64:
      return Number(view.getBigInt64(i * 8, true));
    case DataType.UINT64:
      return Number(view.getBigUint64(i * 8, true));
    default:
      throw new OnnxFormatError(`cannot read ${dataTypeName(type)} tensor data`);
  }
}

/** Decodes a TensorProto (with its name, '' when it has none). */
export function decodeTensor(fields: Fields, what: string): Tensor & { name: string } {
  const name = str(fields, 8, `${what}.name`);
  const label = name ? `${what} "${name}"` : what;
  const dims = repeatedInts(all(fields, 1), `${label}.dims`);
  if (dims.some((d) => d < 0)) throw new OnnxFormatError(`${label}: negative dimension in dims [${dims.join(', ')}]`);
  const dataType = int(fields, 2, `${label}.data_type`) ?? DataType.UNDEFINED;
  if (int(fields, 14, `${label}.data_location`) === 1 || all(fields, 13).length > 0) {
    throw new OnnxFormatError(
      `${label} keeps its data in an external file (external_data); only tensors stored inside the model are supported`,
    );
  }
  if (last(fields, 3)) throw new OnnxFormatError(`${label} is a segment of a larger tensor (segment); segmented tensors are not supported`);
  const count = dims.reduce((a, b) => a * b, 1);
  let values: ArrayLike<number>;
  const raw = last(fields, 9);
  if (raw) {
    if (raw.wireType !== WIRE_LENGTH_DELIMITED) throw new OnnxFormatError(`${label}.raw_data is not bytes`);
    const width = BYTES_PER_ELEMENT[dataType];
    if (width === undefined) throw new OnnxFormatError(`${label}: ${dataTypeName(dataType)} tensors are not supported`);
    if (raw.bytes.length !== count * width) {
      throw new OnnxFormatError(
        `${label}: raw_data has ${raw.bytes.length} bytes, but dims [${dims.join(', ')}] of ${dataTypeName(dataType)} need ${count * width}`,
      );
    }
    const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = rawElement(view, dataType, i);
    values = out;
  } else {
    switch (dataType) {
      case DataType.FLOAT:
        values = repeatedFloats(all(fields, 4), 4, `${label}.float_data`);
        break;
      case DataType.DOUBLE:
        values = repeatedFloats(all(fields, 10), 8, `${label}.double_data`);
        break;
      case DataType.INT64:
        values = repeatedInts(all(fields, 7), `${label}.int64_data`);
        break;
      case DataType.UINT32:
      case DataType.UINT64:
        values = repeatedInts(all(fields, 11), `${label}.uint64_data`);
        break;
      case DataType.FLOAT16:
        values = repeatedInts(all(fields, 5), `${label}.int32_data`).map(halfToFloat);
        break;
      case DataType.INT32:
      case DataType.INT16:
      case DataType.INT8:
      case DataType.UINT16:
      case DataType.UINT8:
      case DataType.BOOL:
        values = repeatedInts(all(fields, 5), `${label}.int32_data`);
        break;
      default:
        throw new OnnxFormatError(`${label}: ${dataTypeName(dataType)} tensors are not supported`);
    }
    if (values.length !== count) {
      throw new OnnxFormatError(`${label}: holds ${values.length} values, but dims [${dims.join(', ')}] need ${count}`);
    }
  }
  return { name, dataType, dims, data: dataType === DataType.FLOAT ? Float32Array.from(values) : Float64Array.from(values) };
}

function decodeValueInfo(fields: Fields, what: string): ValueInfo {
  const name = str(fields, 1, `${what}.name`);
  if (!name) throw new OnnxFormatError(`${what} has no name`);
  const label = `${what} "${name}"`;
  const type = last(fields, 2);
  if (!type) return { name };
  const typeFields = sub(type, `${label}.type`);
  const tensorType = last(typeFields, 1);
  if (!tensorType) return { name }; // a sequence, map, optional or sparse tensor
  const tensorFields = sub(tensorType, `${label}.type.tensor_type`);
  const info: ValueInfo = { name, elemType: int(tensorFields, 1, `${label}.elem_type`) ?? DataType.UNDEFINED };
  const shape = last(tensorFields, 2);
  if (shape) {
    info.shape = all(sub(shape, `${label}.shape`), 1).map((d, i): Dimension => {
      const dim = sub(d, `${label}.shape.dim[${i}]`);
      const value = int(dim, 1, `${label}.shape.dim[${i}].dim_value`);
      if (value !== undefined) return value;
      const param = str(dim, 2, `${label}.shape.dim[${i}].dim_param`);
      return param || null;
    });
  }
  return info;
}

function decodeAttribute(fields: Fields, what: string): [string, AttributeValue] {
  const name = str(fields, 1, `${what}.name`);
  if (!name) throw new OnnxFormatError(`${what} has no name`);
  const label = `${what} "${name}"`;
  const type = int(fields, 20, `${label}.type`);
  const f = last(fields, 2);
  const has = (n: number) => all(fields, n).length > 0;
  // IR version 1 files carry no type: the field that is present says it.
  const kind = type ?? (f ? 1 : has(3) ? 2 : has(4) ? 3 : has(5) ? 4 : has(6) ? 5 : has(7) ? 6 : has(8) ? 7 : has(9) ? 8 : 0);
  switch (kind) {
    case 1: {
      if (!f || f.wireType !== WIRE_FIXED32) throw new OnnxFormatError(`${label}: FLOAT attribute without a float`);
      return [name, new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true)];
    }
    case 2:
      return [name, int(fields, 3, `${label}.i`) ?? 0];
    case 3: {
      const s = last(fields, 4);
      return [name, s ? fieldString(s, `${label}.s`) : ''];
    }
    case 4: {
      const t = last(fields, 5);
      if (!t) throw new OnnxFormatError(`${label}: TENSOR attribute without a tensor`);
      const { name: _, ...tensor } = decodeTensor(sub(t, `${label}.t`), `${label}.t`);
      return [name, tensor];
    }
    case 6:
      return [name, repeatedFloats(all(fields, 7), 4, `${label}.floats`)];
    case 7:
      return [name, repeatedInts(all(fields, 8), `${label}.ints`)];
    case 8:
      return [name, all(fields, 9).map((s, i) => fieldString(s, `${label}.strings[${i}]`))];
    case 5:
    case 10:
      throw new OnnxFormatError(`${label} holds a subgraph (control flow: If, Loop, Scan); models with subgraphs are not supported`);
    default:
      throw new OnnxFormatError(`${label} has attribute type ${kind}, which is not supported`);
  }
}

function decodeNode(fields: Fields, what: string): Node {
  const opType = str(fields, 4, `${what}.op_type`);
  if (!opType) throw new OnnxFormatError(`${what} has no op_type`);
  const name = str(fields, 3, `${what}.name`);
  const label = `${what} (${opType}${name ? ` "${name}"` : ''})`;
  const attributes = new Map<string, AttributeValue>();
  all(fields, 5).forEach((a, i) => {
    const [key, value] = decodeAttribute(sub(a, `${label}.attribute[${i}]`), `${label}.attribute[${i}]`);
    attributes.set(key, value);
  });
  return {
    name,
    opType,
    domain: str(fields, 7, `${label}.domain`),
    inputs: all(fields, 1).map((f, i) => fieldString(f, `${label}.input[${i}]`)),
    outputs: all(fields, 2).map((f, i) => fieldString(f, `${label}.output[${i}]`)),
    attributes,
  };
}

function decodeGraph(fields: Fields, what: string): Graph {
  if (all(fields, 15).length > 0) throw new OnnxFormatError(`${what} has sparse initializers, which are not supported`);
  const initializers = new Map<string, Tensor>();
  all(fields, 5).forEach((t, i) => {
    const { name, ...tensor } = decodeTensor(sub(t, `${what}.initializer[${i}]`), `${what}.initializer[${i}]`);
    if (!name) throw new OnnxFormatError(`${what}.initializer[${i}] has no name`);
    initializers.set(name, tensor);
  });
  return {
    name: str(fields, 2, `${what}.name`),
    nodes: all(fields, 1).map((n, i) => decodeNode(sub(n, `${what}.node[${i}]`), `${what}.node[${i}]`)),
    initializers,
    inputs: all(fields, 11).map((v, i) => decodeValueInfo(sub(v, `${what}.input[${i}]`), `${what}.input[${i}]`)),
    outputs: all(fields, 12).map((v, i) => decodeValueInfo(sub(v, `${what}.output[${i}]`), `${what}.output[${i}]`)),
  };
}

/**
 * Decodes ONNX model bytes. Throws an OnnxFormatError that says what is wrong (and where, for
 * malformed protobuf) when the bytes are not a ModelProto with a graph.
 */
export function readOnnxModel(bytes: Uint8Array): Model {
  if (bytes.length === 0) throw new OnnxFormatError('not an ONNX model: the file is empty');
  try {
    const fields = readFields(bytes, 'ModelProto');
    const irVersion = int(fields, 1, 'ModelProto.ir_version');
    if (irVersion === undefined) throw new OnnxFormatError('not an ONNX model: ModelProto has no ir_version');
    if (irVersion < 1) throw new OnnxFormatError(`not an ONNX model: ir_version ${irVersion} is not a valid IR version`);
    const graph = last(fields, 7);
    if (!graph) throw new OnnxFormatError('not an ONNX model: ModelProto has no graph');
    const opsetImports: OperatorSetId[] = all(fields, 8).map((o, i) => {
      const f = sub(o, `ModelProto.opset_import[${i}]`);
      return {
        domain: str(f, 1, `ModelProto.opset_import[${i}].domain`),
        version: int(f, 2, `ModelProto.opset_import[${i}].version`) ?? 0,
      };
    });
    const metadata = new Map<string, string>();
    all(fields, 14).forEach((m, i) => {
      const f = sub(m, `ModelProto.metadata_props[${i}]`);
      metadata.set(str(f, 1, `ModelProto.metadata_props[${i}].key`), str(f, 2, `ModelProto.metadata_props[${i}].value`));
    });
    return {
      irVersion,
      opsetImports,
      producerName: str(fields, 2, 'ModelProto.producer_name'),
      producerVersion: str(fields, 3, 'ModelProto.producer_version'),
      domain: str(fields, 4, 'ModelProto.domain'),
      modelVersion: int(fields, 5, 'ModelProto.model_version') ?? 0,
      docString: str(fields, 6, 'ModelProto.doc_string'),
      graph: decodeGraph(sub(graph, 'ModelProto.graph'), 'ModelProto.graph'),
      metadata,
    };
  } catch (e) {
    if (e instanceof ProtobufError) throw new OnnxFormatError(`not an ONNX model: ${e.message}`);
    throw e;
  }
}
