// Is the stored object a valid ONNX model? Decodes the ModelProto with onnx-proto (the messages of
// onnx/onnx.proto as protobufjs generates them) and checks what every ONNX runtime needs: an IR
// version, an ai.onnx opset, a graph whose nodes read only values that exist, outputs something
// produces, initializers whose data fits their dims and stays in the file. Says what it found: IR
// version, opsets, producer, the graph's inputs and outputs with element types and shapes, the node
// operator types and the parameters. Bytes that are not a model get an InvalidOnnxModel error naming
// the object and what is wrong. It only inspects; running the model is the model server's part.
import { onnx } from 'onnx-proto';

/** The bytes are not a valid ONNX model; the message says what is wrong. */
export class InvalidOnnxModel extends Error {
  override name = 'InvalidOnnxModel';
}

/** A graph input or output. */
export interface OnnxTensorInfo {
  name: string;
  /** FLOAT, INT64, ...; 'non-tensor' for sequences, maps and optionals. */
  elemType: string;
  /** Sizes, dim_param names, or '?' for a dimension with neither; undefined when no shape is declared. */
  shape?: (number | string)[];
}

export interface OnnxSummary {
  bytes: number;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graphName: string;
  /** The inputs a caller feeds (graph inputs without an initializer). */
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Operator types of the nodes, in graph order. */
  opTypes: string[];
  initializerCount: number;
  /** Elements of all initializers together (the model's parameters). */
  parameterCount: number;
}

const DataType = onnx.TensorProto.DataType;

/** Bytes per element in raw_data of the fixed-width types (others: not checked). */
const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.COMPLEX64]: 8,
  [DataType.COMPLEX128]: 16,
  [DataType.BFLOAT16]: 2,
};

/** int64 fields decode as Long (or number): as a number. */
function num(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

function elementTypeName(code: number): string {
  return DataType[code] ?? `element type ${code}`;
}

function valueInfo(v: onnx.IValueInfoProto, path: string): OnnxTensorInfo {
  const name = v.name ?? '';
  if (!name) throw new InvalidOnnxModel(`${path} has no name`);
  if (!v.type) throw new InvalidOnnxModel(`${path} ("${name}") declares no element type`);
  const tensor = v.type.tensorType;
  if (!tensor) return { name, elemType: 'non-tensor' };
  const code = tensor.elemType ?? 0;
  if (code === DataType.UNDEFINED) throw new InvalidOnnxModel(`${path} ("${name}") declares no element type`);
  const shape = tensor.shape
    ? (tensor.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue) : '?'))
    : undefined;
  return { name, elemType: elementTypeName(code), shape };
}

/** Checks one initializer; returns its element count. */
function initializer(t: onnx.ITensorProto, path: string): number {
  const name = t.name ?? '';
  const label = `${path} ("${name || 'unnamed'}")`;
  if (!name) throw new InvalidOnnxModel(`${path} has no name`);
  const dataType = t.dataType ?? 0;
  if (dataType === DataType.UNDEFINED) throw new InvalidOnnxModel(`${label} has no data_type`);
  const dims = (t.dims ?? []).map(num);
  if (dims.some((d) => d < 0)) throw new InvalidOnnxModel(`${label} has a negative dimension: [${dims.join(', ')}]`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length)
    throw new InvalidOnnxModel(`${label} keeps its data in an external file, which is not stored with the model`);
  const elements = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData?.length ? t.rawData.length : undefined;
  if (raw !== undefined) {
    const width = ELEMENT_BYTES[dataType];
    if (width && raw !== elements * width)
      throw new InvalidOnnxModel(
        `${label}: raw_data holds ${raw} bytes, but ${elementTypeName(dataType)} [${dims.join(', ')}] needs ${elements * width}`,
      );
    return elements;
  }
  const typed =
    (t.floatData?.length ?? 0) +
    (t.int32Data?.length ?? 0) +
    (t.stringData?.length ?? 0) +
    (t.int64Data?.length ?? 0) +
    (t.doubleData?.length ?? 0) +
    (t.uint64Data?.length ?? 0);
  if (typed !== elements) throw new InvalidOnnxModel(`${label} holds ${typed} values, but [${dims.join(', ')}] needs ${elements}`);
  return elements;
}

function looksLikeText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 64);
  if (head.length === 0 || !head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return undefined;
  return new TextDecoder().decode(head.subarray(0, 40)).replace(/\s+/g, ' ');
}

/**
 * Inspects ONNX model bytes. `source` names them in errors (e.g. `s3://my-storage/models/fraud/1/model.onnx`).
 * Throws InvalidOnnxModel when the bytes are not a valid ONNX model.
 */
export function inspectOnnx(bytes: Uint8Array, source = 'the model'): OnnxSummary {
  try {
    return inspect(bytes);
  } catch (e) {
    if (!(e instanceof InvalidOnnxModel)) throw e;
    const text = looksLikeText(bytes);
    const hint = text !== undefined ? ` (the object is text, starting "${text}", not a protobuf ModelProto)` : '';
    throw new InvalidOnnxModel(`${source} is not a valid ONNX model: ${e.message}${hint}`);
  }
}

function decode(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.length === 0) throw new InvalidOnnxModel('it is empty (0 bytes)');
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new InvalidOnnxModel(`the bytes do not decode as an ONNX ModelProto (${(e as Error).message})`);
  }
}

function inspect(bytes: Uint8Array): OnnxSummary {
  const model = decode(bytes);
  if (!Object.hasOwn(model, 'irVersion')) throw new InvalidOnnxModel('ModelProto has no ir_version (field 1)');
  const irVersion = num(model.irVersion);
  if (irVersion < 1) throw new InvalidOnnxModel(`ModelProto.ir_version is ${irVersion}`);
  if (!model.graph) throw new InvalidOnnxModel('ModelProto has no graph (field 7)');
  const g = model.graph;
  const graph = { name: g.name ?? '', node: g.node ?? [], initializer: g.initializer ?? [], input: g.input ?? [], output: g.output ?? [] };
  const opsets = (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: num(o.version) }));
  const main = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (irVersion >= 3 && !main) throw new InvalidOnnxModel('ModelProto imports no ai.onnx operator set (opset_import)');
  if (main && main.version < 1) throw new InvalidOnnxModel(`ModelProto imports ai.onnx opset version ${main.version}`);

  const initializers = new Set<string>();
  let parameterCount = 0;
  graph.initializer.forEach((t, i) => {
    parameterCount += initializer(t, `ModelProto.graph.initializer[${i}]`);
    initializers.add(t.name ?? '');
  });
  const declaredInputs = graph.input.map((v, i) => valueInfo(v, `ModelProto.graph.input[${i}]`));
  const outputs = graph.output.map((v, i) => valueInfo(v, `ModelProto.graph.output[${i}]`));
  if (graph.node.length === 0) throw new InvalidOnnxModel('ModelProto.graph has no nodes');
  if (outputs.length === 0) throw new InvalidOnnxModel('ModelProto.graph declares no outputs');
  const available = new Set<string>([...initializers, ...declaredInputs.map((i) => i.name)]);
  graph.node.forEach((n, i) => {
    const path = `ModelProto.graph.node[${i}]${n.name ? ` ("${n.name}")` : ''}`;
    if (!n.opType) throw new InvalidOnnxModel(`${path} has no op_type`);
    for (const input of n.input ?? []) {
      if (input !== '' && !available.has(input))
        throw new InvalidOnnxModel(
          `${path} (${n.opType}) reads "${input}", which is neither a graph input, an initializer nor the output of an earlier node`,
        );
    }
    for (const output of n.output ?? []) if (output !== '') available.add(output);
  });
  for (const output of outputs) {
    if (!available.has(output.name)) throw new InvalidOnnxModel(`graph output "${output.name}" is produced by no node`);
  }
  return {
    bytes: bytes.length,
    irVersion,
    opsets,
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    graphName: graph.name,
    inputs: declaredInputs.filter((i) => !initializers.has(i.name)),
    outputs,
    opTypes: graph.node.map((n) => n.opType ?? ''),
    initializerCount: graph.initializer.length,
    parameterCount,
  };
}

function shapeText(info: OnnxTensorInfo): string {
  return info.shape ? `[${info.shape.join(', ')}]` : '[any shape]';
}

/** One line for the report: IR, opset, producer, inputs → outputs, operators and parameters. */
export function describeOnnx(s: OnnxSummary): string {
  const counts = new Map<string, number>();
  for (const op of s.opTypes) counts.set(op, (counts.get(op) ?? 0) + 1);
  const ops = [...counts].map(([op, n]) => (n > 1 ? `${op}×${n}` : op)).join(', ');
  const io = (list: OnnxTensorInfo[]) => list.map((i) => `${i.name} ${i.elemType} ${shapeText(i)}`).join(', ');
  const opsets = s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const producer = [s.producerName, s.producerVersion].filter(Boolean).join(' ') || 'unknown producer';
  return `ONNX IR ${s.irVersion}, opset ${opsets}, by ${producer}, ${s.bytes} bytes: ${io(s.inputs)} → ${io(s.outputs)}; ${s.opTypes.length} nodes (${ops}); ${s.initializerCount} initializers (${s.parameterCount} parameters)`;
}
