// Runs a decoded ONNX graph on CPU in plain TypeScript: the operators that exporters emit for small
// dense models (Keras via tf2onnx or keras2onnx, PyTorch, sklearn-onnx's MLP) — Gemm, MatMul, Add,
// Sub, Mul, Div, Relu, Sigmoid, Tanh, BatchNormalization (inference), Identity, Dropout (inference),
// Flatten, Reshape, Cast, Constant. FLOAT tensors are float32 as in any ONNX runtime (each operator's
// result is rounded to float32; sums are accumulated in float64). A model with any other operator is
// refused when the session is created, with an error naming the operator and the node.
import { readOnnxModel } from './onnx-reader';
import {
  type AttributeValue,
  DataType,
  type Dimension,
  type Model,
  type Node,
  OnnxFormatError,
  type Tensor,
  type ValueInfo,
  dataTypeName,
  v2Datatype,
} from './onnx-types';

/** An operator the runtime cannot execute; `opType` and `domain` name it. */
export class OnnxUnsupportedError extends Error {
  override name = 'OnnxUnsupportedError';
  constructor(
    readonly opType: string,
    readonly domain: string,
    message: string,
  ) {
    super(message);
  }
}

/** A feed that does not match the model's declared inputs (name, element type, rank, size). */
export class OnnxInputError extends Error {
  override name = 'OnnxInputError';
}

/** An operator that failed on the values it got (incompatible shapes, ...); names the node. */
export class OnnxRuntimeError extends Error {
  override name = 'OnnxRuntimeError';
}

/** A tensor handed to run(): the dims and row-major values, FLOAT unless dataType says otherwise. */
export interface Feed {
  dims: number[];
  data: ArrayLike<number>;
  dataType?: number;
}

type Operator = (node: Node, inputs: (Tensor | undefined)[], opset: number) => Tensor[];

const INTEGER_TYPES = new Set<number>([
  DataType.INT8,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.UINT8,
  DataType.UINT16,
  DataType.UINT32,
  DataType.UINT64,
]);

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const shapeText = (dims: readonly number[]) => `[${dims.join(', ')}]`;

function makeTensor(dataType: number, dims: number[], values: ArrayLike<number>): Tensor {
  return { dataType, dims, data: dataType === DataType.FLOAT ? Float32Array.from(values) : Float64Array.from(values) };
}

function required(node: Node, inputs: (Tensor | undefined)[], i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new OnnxRuntimeError(`input ${i} is required`);
  return t;
}

/** A numeric attribute (INT or FLOAT), or the operator's default when absent. */
function attr(node: Node, name: string, fallback: number): number {
  const value: AttributeValue | undefined = node.attributes.get(name);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new OnnxRuntimeError(`attribute ${name} must be a number`);
  return value;
}

function sameType(a: Tensor, b: Tensor): number {
  if (a.dataType !== b.dataType)
    throw new OnnxRuntimeError(`inputs of different types: ${dataTypeName(a.dataType)} and ${dataTypeName(b.dataType)}`);
  return a.dataType;
}

/** numpy-style (multidirectional) broadcasting of two shapes. */
function broadcastDims(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new OnnxRuntimeError(`shapes ${shapeText(a)} and ${shapeText(b)} cannot be broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** For each position of `out` dims, the flat index into a tensor of `dims` broadcast to it. */
function broadcastIndex(dims: readonly number[], out: readonly number[]): Int32Array {
  const total = size(out);
  const index = new Int32Array(total);
  const rank = out.length;
  const offset = rank - dims.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i + offset] = dims[i] === 1 ? 0 : stride;
    stride *= dims[i];
  }
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < total; k++) {
    index[k] = at;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      at += strides[d];
      if (counter[d] < out[d]) break;
      at -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return index;
}

function elementwise(fn: (x: number, y: number) => number): Operator {
  return (node, inputs) => {
    const a = required(node, inputs, 0);
    const b = required(node, inputs, 1);
    const type = sameType(a, b);
    const dims = broadcastDims(a.dims, b.dims);
    const ia = broadcastIndex(a.dims, dims);
    const ib = broadcastIndex(b.dims, dims);
    const out = new Float64Array(ia.length);
    const integer = INTEGER_TYPES.has(type);
    for (let k = 0; k < out.length; k++) {
      const v = fn(a.data[ia[k]], b.data[ib[k]]);
      out[k] = integer ? Math.trunc(v) : v;
    }
    return [makeTensor(type, dims, out)];
  };
}

function unary(fn: (x: number) => number): Operator {
  return (node, inputs) => {
    const x = required(node, inputs, 0);
    return [makeTensor(x.dataType, [...x.dims], Array.from(x.data, fn))];
  };
}

function isFloat(t: Tensor): boolean {
  return t.dataType === DataType.FLOAT || t.dataType === DataType.DOUBLE || t.dataType === DataType.FLOAT16;
}

const matMul: Operator = (node, inputs) => {
  const a = required(node, inputs, 0);
  const b = required(node, inputs, 1);
  const type = sameType(a, b);
  if (a.dims.length === 0 || b.dims.length === 0) throw new OnnxRuntimeError('MatMul of a scalar');
  // numpy.matmul: 1-D operands are promoted to matrices, and the added dimension removed after.
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [m, k] = aDims.slice(-2);
  const [k2, n] = bDims.slice(-2);
  if (k !== k2)
    throw new OnnxRuntimeError(`cannot multiply ${shapeText(a.dims)} by ${shapeText(b.dims)}: inner dimensions ${k} and ${k2} differ`);
  const batch = broadcastDims(aDims.slice(0, -2), bDims.slice(0, -2));
  const ia = broadcastIndex(aDims.slice(0, -2), batch);
  const ib = broadcastIndex(bDims.slice(0, -2), batch);
  const out = new Float64Array(size(batch) * m * n);
  for (let p = 0; p < ia.length; p++) {
    const aBase = ia[p] * m * k;
    const bBase = ib[p] * k * n;
    const oBase = p * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[aBase + i * k + q] * b.data[bBase + q * n + j];
        out[oBase + i * n + j] = s;
      }
    }
  }
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [m]), ...(b.dims.length === 1 ? [] : [n])];
  return [makeTensor(type, dims, out)];
};

const gemm: Operator = (node, inputs) => {
  const a = required(node, inputs, 0);
  const b = required(node, inputs, 1);
  const c = inputs[2];
  const type = sameType(a, b);
  if (a.dims.length !== 2 || b.dims.length !== 2)
    throw new OnnxRuntimeError(`Gemm needs 2-D A and B, got ${shapeText(a.dims)} and ${shapeText(b.dims)}`);
  const transA = attr(node, 'transA', 0) !== 0;
  const transB = attr(node, 'transB', 0) !== 0;
  const alpha = attr(node, 'alpha', 1);
  const beta = attr(node, 'beta', 1);
  const [m, k] = transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [k2, n] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (k !== k2) {
    throw new OnnxRuntimeError(
      `cannot multiply A ${shapeText(a.dims)}${transA ? 'ᵀ' : ''} by B ${shapeText(b.dims)}${transB ? 'ᵀ' : ''}: inner dimensions ${k} and ${k2} differ`,
    );
  }
  const aAt = (i: number, q: number) => (transA ? a.data[q * m + i] : a.data[i * k + q]);
  const bAt = (q: number, j: number) => (transB ? b.data[j * k + q] : b.data[q * n + j]);
  let cIndex: Int32Array | undefined;
  if (c) {
    // C is broadcast to [M, N] one way only.
    const dims = broadcastDims(c.dims, [m, n]);
    if (dims.length !== 2 || dims[0] !== m || dims[1] !== n)
      throw new OnnxRuntimeError(`C ${shapeText(c.dims)} cannot be broadcast to [${m}, ${n}]`);
    cIndex = broadcastIndex(c.dims, [m, n]);
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += aAt(i, q) * bAt(q, j);
      out[i * n + j] = alpha * s + (c && cIndex ? beta * c.data[cIndex[i * n + j]] : 0);
    }
  }
  return [makeTensor(type, [m, n], out)];
};

const batchNormalization: Operator = (node, inputs) => {
  if (attr(node, 'training_mode', 0) !== 0 || node.outputs.filter((o) => o !== '').length > 1) {
    throw new OnnxUnsupportedError(
      'BatchNormalization',
      node.domain,
      'BatchNormalization in training mode is not supported (inference only)',
    );
  }
  const x = required(node, inputs, 0);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => required(node, inputs, i));
  const epsilon = attr(node, 'epsilon', 1e-5);
  if (x.dims.length < 2) throw new OnnxRuntimeError(`X ${shapeText(x.dims)} has no channel dimension`);
  const channels = x.dims[1];
  for (const [label, t] of [
    ['scale', scale],
    ['B', bias],
    ['mean', mean],
    ['var', variance],
  ] as const) {
    if (t.data.length !== channels) throw new OnnxRuntimeError(`${label} has ${t.data.length} values for ${channels} channels`);
  }
  const inner = size(x.dims.slice(2));
  const out = new Float64Array(x.data.length);
  for (let idx = 0; idx < out.length; idx++) {
    const c = Math.floor(idx / inner) % channels;
    out[idx] = (scale.data[c] * (x.data[idx] - mean.data[c])) / Math.sqrt(variance.data[c] + epsilon) + bias.data[c];
  }
  return [makeTensor(x.dataType, [...x.dims], out)];
};

const flatten: Operator = (node, inputs) => {
  const x = required(node, inputs, 0);
  const rank = x.dims.length;
  let axis = attr(node, 'axis', 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) throw new OnnxRuntimeError(`axis ${attr(node, 'axis', 1)} is out of range for rank ${rank}`);
  return [{ ...x, dims: [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))] }];
};

const reshape: Operator = (node, inputs) => {
  const x = required(node, inputs, 0);
  const shape = Array.from(required(node, inputs, 1).data);
  const allowZero = attr(node, 'allowzero', 0) !== 0;
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
  if (dims.some((d) => d === undefined || d < -1))
    throw new OnnxRuntimeError(`shape ${shapeText(shape)} is not valid for ${shapeText(x.dims)}`);
  const unknown = dims.indexOf(-1);
  if (unknown >= 0) {
    if (dims.indexOf(-1, unknown + 1) >= 0) throw new OnnxRuntimeError(`shape ${shapeText(shape)} has more than one -1`);
    const known = size(dims.filter((d) => d !== -1));
    if (known === 0 || x.data.length % known !== 0)
      throw new OnnxRuntimeError(`cannot reshape ${shapeText(x.dims)} to ${shapeText(shape)}`);
    dims[unknown] = x.data.length / known;
  }
  if (size(dims) !== x.data.length)
    throw new OnnxRuntimeError(`cannot reshape ${shapeText(x.dims)} (${x.data.length} values) to ${shapeText(shape)}`);
  return [{ ...x, dims }];
};

const cast: Operator = (node, inputs) => {
  const x = required(node, inputs, 0);
  const to = attr(node, 'to', DataType.UNDEFINED);
  let fn: (v: number) => number;
  if (to === DataType.FLOAT || to === DataType.DOUBLE || to === DataType.FLOAT16) fn = (v) => v;
  else if (to === DataType.BOOL) fn = (v) => (v !== 0 ? 1 : 0);
  else if (INTEGER_TYPES.has(to)) fn = (v) => Math.trunc(v);
  else throw new OnnxUnsupportedError('Cast', node.domain, `Cast to ${dataTypeName(to)} is not supported`);
  return [makeTensor(to, [...x.dims], Array.from(x.data, fn))];
};

const constant: Operator = (node) => {
  const a = node.attributes;
  if (a.has('value')) return [a.get('value') as Tensor];
  if (a.has('value_float')) return [makeTensor(DataType.FLOAT, [], [a.get('value_float') as number])];
  if (a.has('value_floats'))
    return [makeTensor(DataType.FLOAT, [(a.get('value_floats') as number[]).length], a.get('value_floats') as number[])];
  if (a.has('value_int')) return [makeTensor(DataType.INT64, [], [a.get('value_int') as number])];
  if (a.has('value_ints')) return [makeTensor(DataType.INT64, [(a.get('value_ints') as number[]).length], a.get('value_ints') as number[])];
  throw new OnnxUnsupportedError(
    'Constant',
    node.domain,
    `Constant with attribute ${[...a.keys()].join(', ') || '(none)'} is not supported (value, value_float(s), value_int(s) are)`,
  );
};

const dropout: Operator = (node, inputs) => {
  // Inference: the identity; the optional mask is all true.
  const x = required(node, inputs, 0);
  return [x, makeTensor(DataType.BOOL, [...x.dims], new Float64Array(x.data.length).fill(1))];
};

const floatOnly =
  (op: Operator): Operator =>
  (node, inputs, opset) => {
    const x = required(node, inputs, 0);
    if (!isFloat(x)) throw new OnnxRuntimeError(`needs a floating-point tensor, got ${dataTypeName(x.dataType)}`);
    return op(node, inputs, opset);
  };

const OPERATORS: Record<string, Operator> = {
  Add: elementwise((x, y) => x + y),
  Sub: elementwise((x, y) => x - y),
  Mul: elementwise((x, y) => x * y),
  Div: elementwise((x, y) => x / y),
  MatMul: matMul,
  Gemm: gemm,
  Relu: unary((x) => (x > 0 ? x : 0)),
  Sigmoid: floatOnly(unary((x) => 1 / (1 + Math.exp(-x)))),
  Tanh: floatOnly(unary(Math.tanh)),
  BatchNormalization: batchNormalization,
  Identity: (node, inputs) => [required(node, inputs, 0)],
  Dropout: dropout,
  Flatten: flatten,
  Reshape: reshape,
  Cast: cast,
  Constant: constant,
};

/** The operators this runtime executes (ai.onnx domain). */
export const SUPPORTED_OPERATORS: readonly string[] = Object.keys(OPERATORS).sort();

function isOnnxDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

function describeNode(node: Node, index: number): string {
  return `node ${index} (${node.opType}${node.name ? ` "${node.name}"` : ''})`;
}

function shapeOfInfo(info: ValueInfo): string {
  return info.shape ? `[${info.shape.map((d) => (typeof d === 'number' ? d : (d ?? '?'))).join(', ')}]` : 'any shape';
}

/** KServe v2 model metadata of a graph input or output: {name, datatype: 'FP32', shape: [-1, 5]}. */
export function v2TensorMetadata(info: ValueInfo): { name: string; datatype: string; shape: number[] } {
  return {
    name: info.name,
    datatype: info.elemType !== undefined ? v2Datatype(info.elemType) : 'UNKNOWN',
    shape: (info.shape ?? []).map((d: Dimension) => (typeof d === 'number' ? d : -1)),
  };
}

/** A loaded model, ready to run. Creating it checks every operator is supported and the graph is whole. */
export class OnnxSession {
  /** The inputs a caller must feed (graph inputs not backed by an initializer). */
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  /** The ai.onnx opset version the model imports. */
  readonly opset: number;

  static fromBytes(bytes: Uint8Array): OnnxSession {
    return new OnnxSession(readOnnxModel(bytes));
  }

  constructor(readonly model: Model) {
    const graph = model.graph;
    const onnxOpset = model.opsetImports.find((o) => isOnnxDomain(o.domain));
    if (!onnxOpset) throw new OnnxFormatError('the model imports no ai.onnx opset (ModelProto.opset_import)');
    this.opset = onnxOpset.version;
    this.inputs = graph.inputs.filter((i) => !graph.initializers.has(i.name));
    this.outputs = graph.outputs;
    if (this.outputs.length === 0) throw new OnnxFormatError('the graph declares no outputs');
    const known = new Set<string>([...graph.initializers.keys(), ...graph.inputs.map((i) => i.name)]);
    graph.nodes.forEach((node, index) => {
      if (!isOnnxDomain(node.domain) || !OPERATORS[node.opType]) {
        const op = isOnnxDomain(node.domain) ? node.opType : `${node.domain}.${node.opType}`;
        throw new OnnxUnsupportedError(
          node.opType,
          node.domain,
          `operator ${op} (${describeNode(node, index)}) is not supported by the twin's ONNX runtime; it runs ${SUPPORTED_OPERATORS.join(', ')}`,
        );
      }
      for (const input of node.inputs) {
        if (input !== '' && !known.has(input))
          throw new OnnxFormatError(
            `${describeNode(node, index)} reads "${input}", which no graph input, initializer or earlier node provides`,
          );
      }
      for (const output of node.outputs) if (output !== '') known.add(output);
    });
    for (const output of this.outputs) {
      if (!known.has(output.name)) throw new OnnxFormatError(`graph output "${output.name}" is produced by no node`);
    }
  }

  /** The input a caller feeds, checked against its declaration. */
  private feedTensor(info: ValueInfo, feed: Feed): Tensor {
    const dataType = feed.dataType ?? DataType.FLOAT;
    if (info.elemType !== undefined && info.elemType !== dataType) {
      throw new OnnxInputError(`input "${info.name}" is ${dataTypeName(info.elemType)}, got ${dataTypeName(dataType)}`);
    }
    if (!feed.dims.every((d) => Number.isInteger(d) && d >= 0))
      throw new OnnxInputError(`input "${info.name}": dims ${shapeText(feed.dims)} are not sizes`);
    if (info.shape) {
      if (feed.dims.length !== info.shape.length) {
        throw new OnnxInputError(
          `input "${info.name}" has rank ${info.shape.length} ${shapeOfInfo(info)}, got ${feed.dims.length} dims ${shapeText(feed.dims)}`,
        );
      }
      info.shape.forEach((d, i) => {
        if (typeof d === 'number' && d >= 0 && feed.dims[i] !== d) {
          throw new OnnxInputError(
            `input "${info.name}" has shape ${shapeOfInfo(info)}, got ${shapeText(feed.dims)} (dimension ${i} must be ${d})`,
          );
        }
      });
    }
    if (feed.data.length !== size(feed.dims)) {
      throw new OnnxInputError(
        `input "${info.name}": dims ${shapeText(feed.dims)} need ${size(feed.dims)} values, got ${feed.data.length}`,
      );
    }
    return makeTensor(dataType, [...feed.dims], feed.data);
  }

  /** Runs the graph; returns every graph output by name. */
  run(feeds: Record<string, Feed>): Record<string, Tensor> {
    const values = new Map<string, Tensor>(this.model.graph.initializers);
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((i) => i.name === name) && !this.model.graph.inputs.some((i) => i.name === name)) {
        throw new OnnxInputError(`the model has no input "${name}" (its inputs: ${this.inputs.map((i) => i.name).join(', ')})`);
      }
    }
    for (const info of this.model.graph.inputs) {
      const feed = feeds[info.name];
      if (feed) values.set(info.name, this.feedTensor(info, feed));
      else if (!values.has(info.name)) throw new OnnxInputError(`missing input "${info.name}" (${shapeOfInfo(info)})`);
    }
    this.model.graph.nodes.forEach((node, index) => {
      const inputs = node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
      let outputs: Tensor[];
      try {
        outputs = OPERATORS[node.opType](node, inputs, this.opset);
      } catch (e) {
        if (e instanceof OnnxUnsupportedError) throw e;
        throw new OnnxRuntimeError(`${describeNode(node, index)}: ${(e as Error).message}`);
      }
      node.outputs.forEach((name, i) => {
        if (name !== '' && outputs[i]) values.set(name, outputs[i]);
      });
    });
    const result: Record<string, Tensor> = {};
    for (const output of this.outputs) result[output.name] = values.get(output.name)!;
    return result;
  }
}
