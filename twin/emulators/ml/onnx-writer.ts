// Writes a trained DenseNetwork as a real ONNX ModelProto (protobuf wire format, encoded here):
// ir_version 7, opset ai.onnx 13, weights as FLOAT initializers in raw_data, and per Dense layer
// either MatMul + Add (what tf2onnx emits for a Keras Dense layer, the default) or one Gemm with
// transB=1 (what PyTorch's exporter emits for nn.Linear), then Relu or Sigmoid. The graph input is
// FLOAT [batch, inputs] and the output FLOAT [batch, units] named as the network says: `dense_input`
// [-1, 5] → `dense_3` [-1, 1] for the tutorial's model. The scaler is not part of the graph (the
// tutorial applies it outside the model).
import type { DenseLayer, DenseNetwork } from './network';
import { DataType } from './onnx-types';
import { ProtoWriter } from './protobuf';

/** IR version 7 is the one of ONNX 1.8, the release that introduced opset 13. */
export const ONNX_IR_VERSION = 7;
export const ONNX_OPSET = 13;

export interface OnnxWriteOptions {
  /** ModelProto.producer_name (default 'rhoai-twin'). */
  producerName?: string;
  producerVersion?: string;
  /** GraphProto.name (default 'sequential', the Keras model's name). */
  graphName?: string;
  /** 'matmul-add' (default, as tf2onnx) or 'gemm' (Gemm with transB=1, as PyTorch). */
  style?: 'matmul-add' | 'gemm';
  /** dim_param of the batch dimension (default 'unk__batch'; OVMS reports it as -1). */
  batchDimension?: string;
  /** ModelProto.metadata_props. */
  metadata?: Record<string, string>;
}

/** AttributeProto.AttributeType codes used here. */
const ATTRIBUTE_INT = 2;

function floatBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** A FLOAT TensorProto: dims, data_type, name, raw_data (little-endian IEEE 754). */
function writeTensor(w: ProtoWriter, name: string, dims: number[], values: Float32Array): void {
  for (const d of dims) w.varint(1, d);
  w.varint(2, DataType.FLOAT);
  w.string(8, name);
  w.bytes(9, floatBytes(values));
}

/** A ValueInfoProto of a FLOAT tensor; string dimensions are dim_param, numbers dim_value. */
function writeValueInfo(w: ProtoWriter, name: string, shape: (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, DataType.FLOAT);
      tensor.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
      });
    }),
  );
}

interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number>;
}

function writeNode(w: ProtoWriter, node: NodeSpec): void {
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [key, value] of Object.entries(node.ints ?? {})) {
    w.message(5, (a) => a.string(1, key).varint(3, value).varint(20, ATTRIBUTE_INT));
  }
}

/** The kernel transposed to units × inputSize (what Gemm with transB=1 multiplies by). */
function transposed(layer: DenseLayer): Float32Array {
  const out = new Float32Array(layer.kernel.length);
  for (let i = 0; i < layer.inputSize; i++)
    for (let j = 0; j < layer.units; j++) out[j * layer.inputSize + i] = layer.kernel[i * layer.units + j];
  return out;
}

function checkNetwork(network: DenseNetwork): void {
  let width = network.inputSize;
  network.layers.forEach((layer, i) => {
    if (layer.inputSize !== width) throw new RangeError(`layer ${i} (${layer.name}) takes ${layer.inputSize} inputs but receives ${width}`);
    if (layer.kernel.length !== layer.inputSize * layer.units || layer.bias.length !== layer.units) {
      throw new RangeError(
        `layer ${i} (${layer.name}) has ${layer.kernel.length} kernel and ${layer.bias.length} bias values for ${layer.inputSize} × ${layer.units}`,
      );
    }
    width = layer.units;
  });
  if (network.layers.length === 0) throw new RangeError('the network has no layers');
}

/** The network as ONNX model bytes (the content of models/fraud/1/model.onnx). */
export function writeOnnxModel(network: DenseNetwork, options: OnnxWriteOptions = {}): Uint8Array {
  checkNetwork(network);
  const style = options.style ?? 'matmul-add';
  const batch = options.batchDimension ?? 'unk__batch';
  const nodes: NodeSpec[] = [];
  const initializers: { name: string; dims: number[]; values: Float32Array }[] = [];
  let current = network.inputName;
  network.layers.forEach((layer, index) => {
    const isLast = index === network.layers.length - 1;
    const n = layer.name;
    let linear: string;
    if (style === 'gemm') {
      initializers.push({ name: `${n}/kernel:0`, dims: [layer.units, layer.inputSize], values: transposed(layer) });
      initializers.push({ name: `${n}/bias:0`, dims: [layer.units], values: layer.bias });
      linear = `${n}/Gemm:0`;
      nodes.push({
        opType: 'Gemm',
        name: `${n}/Gemm`,
        inputs: [current, `${n}/kernel:0`, `${n}/bias:0`],
        outputs: [linear],
        ints: { transB: 1 },
      });
    } else {
      initializers.push({ name: `${n}/kernel:0`, dims: [layer.inputSize, layer.units], values: layer.kernel });
      initializers.push({ name: `${n}/bias:0`, dims: [layer.units], values: layer.bias });
      nodes.push({ opType: 'MatMul', name: `${n}/MatMul`, inputs: [current, `${n}/kernel:0`], outputs: [`${n}/MatMul:0`] });
      linear = `${n}/BiasAdd:0`;
      nodes.push({ opType: 'Add', name: `${n}/BiasAdd`, inputs: [`${n}/MatMul:0`, `${n}/bias:0`], outputs: [linear] });
    }
    const activated = isLast ? network.outputName : `${n}/${layer.activation === 'relu' ? 'Relu' : 'Sigmoid'}:0`;
    if (layer.activation === 'relu') nodes.push({ opType: 'Relu', name: `${n}/Relu`, inputs: [linear], outputs: [activated] });
    else if (layer.activation === 'sigmoid')
      nodes.push({ opType: 'Sigmoid', name: `${n}/Sigmoid`, inputs: [linear], outputs: [activated] });
    else nodes.push({ opType: 'Identity', name: `${n}/Identity`, inputs: [linear], outputs: [activated] });
    current = activated;
  });
  const outputUnits = network.layers[network.layers.length - 1].units;

  const model = new ProtoWriter();
  model.varint(1, ONNX_IR_VERSION);
  model.string(2, options.producerName ?? 'rhoai-twin');
  if (options.producerVersion) model.string(3, options.producerVersion);
  model.message(7, (graph) => {
    for (const node of nodes) graph.message(1, (w) => writeNode(w, node));
    graph.string(2, options.graphName ?? 'sequential');
    for (const t of initializers) graph.message(5, (w) => writeTensor(w, t.name, t.dims, t.values));
    graph.message(11, (w) => writeValueInfo(w, network.inputName, [batch, network.inputSize]));
    graph.message(12, (w) => writeValueInfo(w, network.outputName, [batch, outputUnits]));
  });
  model.message(8, (opset) => opset.string(1, '').varint(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(options.metadata ?? {})) model.message(14, (m) => m.string(1, key).string(2, value));
  return model.finish();
}
