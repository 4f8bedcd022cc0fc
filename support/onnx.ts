// support/onnx: is the stored object a valid ONNX model? Decodes the protobuf ModelProto
// (onnx/onnx.proto) far enough to say: IR version, opsets, producer, the graph's inputs and outputs
// with their names, element types and shapes, the node operator types and the initializers; and
// checks what every ONNX runtime needs (an ai.onnx opset, a graph whose nodes read only values that
// exist, outputs something produces, initializers whose data fits their dims). Malformed bytes get
// an InvalidOnnxModel error that names the message, the field and the byte offset.
//
// Written apart from the twin's ONNX reader on purpose: two independent decoders catch each other's
// mistakes. It only inspects; it never runs the model.

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

const ELEMENT_TYPES = [
  'UNDEFINED',
  'FLOAT',
  'UINT8',
  'INT8',
  'UINT16',
  'INT16',
  'INT32',
  'INT64',
  'STRING',
  'BOOL',
  'FLOAT16',
  'DOUBLE',
  'UINT32',
  'UINT64',
  'COMPLEX64',
  'COMPLEX128',
  'BFLOAT16',
  'FLOAT8E4M3FN',
  'FLOAT8E4M3FNUZ',
  'FLOAT8E5M2',
  'FLOAT8E5M2FNUZ',
  'UINT4',
  'INT4',
];
/** Bytes per element in raw_data (0: not fixed-width). */
const ELEMENT_BYTES = [0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 0, 0];

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit', 'wire type 6', 'wire type 7'];

interface Field {
  no: number;
  wire: number;
  /** Offset of the field's key in the whole file. */
  at: number;
  /** varint value (wire 0). */
  int: bigint;
  /** [start, end) of the payload in the whole file (wire 1, 2, 5). */
  start: number;
  end: number;
}

/** Field names of the two outer messages, for errors about their fields. */
const FIELD_NAMES: Record<string, Record<number, string>> = {
  ModelProto: {
    1: 'ir_version',
    2: 'producer_name',
    3: 'producer_version',
    4: 'domain',
    5: 'model_version',
    6: 'doc_string',
    7: 'graph',
    8: 'opset_import',
    14: 'metadata_props',
  },
  'ModelProto.graph': { 1: 'node', 2: 'name', 5: 'initializer', 10: 'doc_string', 11: 'input', 12: 'output', 13: 'value_info' },
};

/** Reads the fields of one message: bytes[start, end) of the file. */
class Message {
  constructor(
    private readonly file: Uint8Array,
    readonly path: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  private fieldName(no: number): string {
    const name = FIELD_NAMES[this.path]?.[no];
    return name ? `field ${no} (${name})` : `field ${no}`;
  }

  private fail(at: number, problem: string): never {
    throw new InvalidOnnxModel(`${this.path}: ${problem} at byte ${at}`);
  }

  private varint(pos: { p: number }): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos.p >= this.end) this.fail(pos.p, 'the data ends inside a varint (truncated)');
      const byte = this.file[pos.p++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value & 0xffffffffffffffffn;
    }
    return this.fail(pos.p, 'a varint runs over 10 bytes');
  }

  fields(): Field[] {
    const out: Field[] = [];
    const pos = { p: this.start };
    while (pos.p < this.end) {
      const at = pos.p;
      const key = this.varint(pos);
      const no = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (no === 0) this.fail(at, 'field number 0 (these bytes are not protobuf)');
      const field: Field = { no, wire, at, int: 0n, start: pos.p, end: pos.p };
      if (wire === VARINT) {
        field.int = this.varint(pos);
      } else if (wire === LEN || wire === I64 || wire === I32) {
        const length = wire === LEN ? this.varint(pos) : BigInt(wire === I64 ? 8 : 4);
        if (length > BigInt(this.end - pos.p)) {
          this.fail(at, `${this.fieldName(no)} says ${length} bytes follow, but only ${this.end - pos.p} do (truncated or corrupt)`);
        }
        field.start = pos.p;
        field.end = pos.p + Number(length);
        pos.p = field.end;
      } else {
        this.fail(at, `${this.fieldName(no)} has ${WIRE_NAMES[wire]}, which ONNX never uses (these bytes are not an ONNX model)`);
      }
      out.push(field);
    }
    return out;
  }

  expect(f: Field, wire: number, name: string): void {
    if (f.wire !== wire) this.fail(f.at, `${name} (field ${f.no}) is ${WIRE_NAMES[f.wire]}, expected ${WIRE_NAMES[wire]}`);
  }

  child(f: Field, name: string): Message {
    this.expect(f, LEN, name);
    return new Message(this.file, `${this.path}.${name}`, f.start, f.end);
  }

  text(f: Field, name: string): string {
    this.expect(f, LEN, name);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.file.subarray(f.start, f.end));
    } catch {
      return this.fail(f.at, `${name} is not UTF-8 text`);
    }
  }

  integer(f: Field, name: string): number {
    this.expect(f, VARINT, name);
    return Number(BigInt.asIntN(64, f.int));
  }

  /** A repeated int64 field: one varint per value, or packed into one length-delimited field. */
  integers(f: Field, name: string): number[] {
    if (f.wire === VARINT) return [this.integer(f, name)];
    const packed = new Message(this.file, `${this.path}.${name}`, f.start, f.end);
    this.expect(f, LEN, name);
    const values: number[] = [];
    const pos = { p: f.start };
    while (pos.p < f.end) values.push(Number(BigInt.asIntN(64, packed.varint(pos))));
    return values;
  }

  /** How many fixed-width values a repeated float/double field holds (packed or not). */
  fixedCount(f: Field, width: number, name: string): number {
    if (f.wire === LEN) {
      if ((f.end - f.start) % width !== 0)
        this.fail(f.at, `${name} holds ${f.end - f.start} bytes, not a whole number of ${width}-byte values`);
      return (f.end - f.start) / width;
    }
    this.expect(f, width === 4 ? I32 : I64, name);
    return 1;
  }

  /** How many varints a repeated integer field holds (packed or not). */
  varintCount(f: Field, name: string): number {
    return this.integers(f, name).length;
  }
}

function elementTypeName(code: number): string {
  return ELEMENT_TYPES[code] ?? `element type ${code}`;
}

function valueInfo(m: Message): OnnxTensorInfo {
  let name = '';
  let elemType = 'untyped';
  let shape: (number | string)[] | undefined;
  for (const f of m.fields()) {
    if (f.no === 1) name = m.text(f, 'name');
    if (f.no !== 2) continue;
    elemType = 'non-tensor';
    const type = m.child(f, 'type');
    for (const t of type.fields()) {
      if (t.no !== 1) continue;
      const tensor = type.child(t, 'tensor_type');
      elemType = 'UNDEFINED';
      for (const tf of tensor.fields()) {
        if (tf.no === 1) elemType = elementTypeName(tensor.integer(tf, 'elem_type'));
        if (tf.no === 2) {
          const s = tensor.child(tf, 'shape');
          shape = s
            .fields()
            .filter((d) => d.no === 1)
            .map((d, i) => {
              const dim = s.child(d, `dim[${i}]`);
              let value: number | string = '?';
              for (const df of dim.fields()) {
                if (df.no === 1) value = dim.integer(df, 'dim_value');
                if (df.no === 2) value = dim.text(df, 'dim_param') || '?';
              }
              return value;
            });
        }
      }
    }
  }
  if (!name) throw new InvalidOnnxModel(`${m.path} has no name`);
  if (elemType === 'untyped' || elemType === 'UNDEFINED') throw new InvalidOnnxModel(`${m.path} ("${name}") declares no element type`);
  return { name, elemType, shape };
}

/** Checks one initializer; returns its name and element count. */
function initializer(m: Message): { name: string; elements: number } {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let rawBytes: number | undefined;
  let typedValues = 0;
  let external = false;
  for (const f of m.fields()) {
    if (f.no === 1) dims.push(...m.integers(f, 'dims'));
    else if (f.no === 2) dataType = m.integer(f, 'data_type');
    else if (f.no === 8) name = m.text(f, 'name');
    else if (f.no === 9) {
      m.expect(f, LEN, 'raw_data');
      rawBytes = f.end - f.start;
    } else if (f.no === 4) typedValues += m.fixedCount(f, 4, 'float_data');
    else if (f.no === 10) typedValues += m.fixedCount(f, 8, 'double_data');
    else if (f.no === 5 || f.no === 7 || f.no === 11)
      typedValues += m.varintCount(f, ['', '', '', '', '', 'int32_data', '', 'int64_data', '', '', '', 'uint64_data'][f.no]);
    else if (f.no === 6) typedValues += 1;
    else if (f.no === 13) external = true;
    else if (f.no === 14) external ||= m.integer(f, 'data_location') === 1;
  }
  const label = `${m.path} ("${name || 'unnamed'}")`;
  if (!name) throw new InvalidOnnxModel(`${m.path} has no name`);
  if (dataType === 0) throw new InvalidOnnxModel(`${label} has no data_type`);
  if (dims.some((d) => d < 0)) throw new InvalidOnnxModel(`${label} has a negative dimension: [${dims.join(', ')}]`);
  if (external) throw new InvalidOnnxModel(`${label} keeps its data in an external file, which is not stored with the model`);
  const elements = dims.reduce((a, b) => a * b, 1);
  const width = ELEMENT_BYTES[dataType] ?? 0;
  if (rawBytes !== undefined) {
    if (width > 0 && rawBytes !== elements * width) {
      throw new InvalidOnnxModel(
        `${label}: raw_data holds ${rawBytes} bytes, but ${elementTypeName(dataType)} [${dims.join(', ')}] needs ${elements * width}`,
      );
    }
  } else if (typedValues !== elements) {
    throw new InvalidOnnxModel(`${label} holds ${typedValues} values, but [${dims.join(', ')}] needs ${elements}`);
  }
  return { name, elements };
}

interface NodeInfo {
  opType: string;
  inputs: string[];
  outputs: string[];
  path: string;
}

function node(m: Message): NodeInfo {
  const info: NodeInfo = { opType: '', inputs: [], outputs: [], path: m.path };
  let name = '';
  for (const f of m.fields()) {
    if (f.no === 1) info.inputs.push(m.text(f, 'input'));
    else if (f.no === 2) info.outputs.push(m.text(f, 'output'));
    else if (f.no === 3) name = m.text(f, 'name');
    else if (f.no === 4) info.opType = m.text(f, 'op_type');
    else if (f.no === 5) m.child(f, 'attribute').fields(); // well-formed, not interpreted
  }
  if (name) info.path = `${m.path} ("${name}")`;
  if (!info.opType) throw new InvalidOnnxModel(`${info.path} has no op_type`);
  return info;
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

function inspect(bytes: Uint8Array): OnnxSummary {
  if (bytes.length === 0) throw new InvalidOnnxModel('it is empty (0 bytes)');
  const model = new Message(bytes, 'ModelProto', 0, bytes.length);
  let irVersion: number | undefined;
  let graph: Message | undefined;
  const summary: OnnxSummary = {
    bytes: bytes.length,
    irVersion: 0,
    opsets: [],
    producerName: '',
    producerVersion: '',
    graphName: '',
    inputs: [],
    outputs: [],
    opTypes: [],
    initializerCount: 0,
    parameterCount: 0,
  };
  for (const f of model.fields()) {
    if (f.no === 1) irVersion = model.integer(f, 'ir_version');
    else if (f.no === 2) summary.producerName = model.text(f, 'producer_name');
    else if (f.no === 3) summary.producerVersion = model.text(f, 'producer_version');
    else if (f.no === 7) graph = model.child(f, 'graph');
    else if (f.no === 8) {
      const opset = model.child(f, `opset_import[${summary.opsets.length}]`);
      const entry = { domain: '', version: 0 };
      for (const o of opset.fields()) {
        if (o.no === 1) entry.domain = opset.text(o, 'domain');
        if (o.no === 2) entry.version = opset.integer(o, 'version');
      }
      summary.opsets.push(entry);
    }
  }
  if (irVersion === undefined) throw new InvalidOnnxModel('ModelProto has no ir_version (field 1)');
  if (irVersion < 1) throw new InvalidOnnxModel(`ModelProto.ir_version is ${irVersion}`);
  summary.irVersion = irVersion;
  if (!graph) throw new InvalidOnnxModel('ModelProto has no graph (field 7)');
  const main = summary.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (irVersion >= 3 && !main) throw new InvalidOnnxModel('ModelProto imports no ai.onnx operator set (opset_import)');
  if (main && main.version < 1) throw new InvalidOnnxModel(`ModelProto imports ai.onnx opset version ${main.version}`);

  const nodes: NodeInfo[] = [];
  const declaredInputs: OnnxTensorInfo[] = [];
  const initializers = new Set<string>();
  for (const f of graph.fields()) {
    if (f.no === 1) nodes.push(node(graph.child(f, `node[${nodes.length}]`)));
    else if (f.no === 2) summary.graphName = graph.text(f, 'name');
    else if (f.no === 5) {
      const t = initializer(graph.child(f, `initializer[${summary.initializerCount}]`));
      initializers.add(t.name);
      summary.initializerCount++;
      summary.parameterCount += t.elements;
    } else if (f.no === 11) declaredInputs.push(valueInfo(graph.child(f, `input[${declaredInputs.length}]`)));
    else if (f.no === 12) summary.outputs.push(valueInfo(graph.child(f, `output[${summary.outputs.length}]`)));
  }
  summary.inputs = declaredInputs.filter((i) => !initializers.has(i.name));
  summary.opTypes = nodes.map((n) => n.opType);
  if (nodes.length === 0) throw new InvalidOnnxModel('ModelProto.graph has no nodes');
  if (summary.outputs.length === 0) throw new InvalidOnnxModel('ModelProto.graph declares no outputs');
  const available = new Set<string>([...initializers, ...declaredInputs.map((i) => i.name)]);
  for (const n of nodes) {
    for (const input of n.inputs) {
      if (input !== '' && !available.has(input)) {
        throw new InvalidOnnxModel(
          `${n.path} (${n.opType}) reads "${input}", which is neither a graph input, an initializer nor the output of an earlier node`,
        );
      }
    }
    for (const output of n.outputs) if (output !== '') available.add(output);
  }
  for (const output of summary.outputs) {
    if (!available.has(output.name)) throw new InvalidOnnxModel(`graph output "${output.name}" is produced by no node`);
  }
  return summary;
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
