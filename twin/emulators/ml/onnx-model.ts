// Writes a trained DenseNetwork as an ONNX ModelProto with onnx-proto (the onnx.proto messages as
// protobufjs generates them): ir_version 7, opset ai.onnx 13, weights as FLOAT initializers in
// raw_data, and per Dense layer either MatMul + Add (what tf2onnx emits for a Keras Dense layer, the
// default) or one Gemm with transB=1 (what PyTorch's exporter emits for nn.Linear), then Relu or
// Sigmoid. The graph input is FLOAT [batch, inputs] and the output FLOAT [batch, units] named as the
// network says: `dense_input` [-1, 5] → `dense_3` [-1, 1] for the tutorial's model
// (rh-aiservices-bu/fraud-detection, 1_experiment_train.ipynb: `Dense(32, input_dim=len(X.columns))`
// names its input dense_input; the last of four Dense layers is dense_3). The scaler is not part of
// the graph (the tutorial applies it outside the model). ONNX Runtime runs what this writes.
import { onnx } from 'onnx-proto';
import type { DenseLayer, DenseNetwork } from './network';

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

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A FLOAT initializer with its values as little-endian raw_data. */
export function floatTensor(name: string, dims: number[], values: Float32Array | number[]): onnx.ITensorProto {
  const data = Float32Array.from(values);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A ValueInfoProto of a tensor; string dimensions are dim_param, numbers dim_value. */
export function tensorInfo(name: string, shape: (number | string)[], elemType: number = FLOAT): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
    },
  };
}

/** An INT attribute (AttributeProto.type INT). */
export function intAttribute(name: string, i: number): onnx.IAttributeProto {
  return { name, i, type: onnx.AttributeProto.AttributeType.INT };
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

const ACTIVATION_OPS = { relu: 'Relu', sigmoid: 'Sigmoid', linear: 'Identity' } as const;

/** The network's graph: per layer MatMul + Add (or Gemm), then its activation. */
function denseGraph(network: DenseNetwork, options: OnnxWriteOptions): onnx.IGraphProto {
  const style = options.style ?? 'matmul-add';
  const batch = options.batchDimension ?? 'unk__batch';
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let current = network.inputName;
  network.layers.forEach((layer, index) => {
    const n = layer.name;
    let linear: string;
    if (style === 'gemm') {
      initializer.push(floatTensor(`${n}/kernel:0`, [layer.units, layer.inputSize], transposed(layer)));
      initializer.push(floatTensor(`${n}/bias:0`, [layer.units], layer.bias));
      linear = `${n}/Gemm:0`;
      node.push({
        opType: 'Gemm',
        name: `${n}/Gemm`,
        input: [current, `${n}/kernel:0`, `${n}/bias:0`],
        output: [linear],
        attribute: [intAttribute('transB', 1)],
      });
    } else {
      initializer.push(floatTensor(`${n}/kernel:0`, [layer.inputSize, layer.units], layer.kernel));
      initializer.push(floatTensor(`${n}/bias:0`, [layer.units], layer.bias));
      node.push({ opType: 'MatMul', name: `${n}/MatMul`, input: [current, `${n}/kernel:0`], output: [`${n}/MatMul:0`] });
      linear = `${n}/BiasAdd:0`;
      node.push({ opType: 'Add', name: `${n}/BiasAdd`, input: [`${n}/MatMul:0`, `${n}/bias:0`], output: [linear] });
    }
    const op = ACTIVATION_OPS[layer.activation];
    const activated = index === network.layers.length - 1 ? network.outputName : `${n}/${op}:0`;
    node.push({ opType: op, name: `${n}/${op}`, input: [linear], output: [activated] });
    current = activated;
  });
  const outputUnits = network.layers[network.layers.length - 1].units;
  return {
    name: options.graphName ?? 'sequential',
    node,
    initializer,
    input: [tensorInfo(network.inputName, [batch, network.inputSize])],
    output: [tensorInfo(network.outputName, [batch, outputUnits])],
  };
}

/** A ModelProto around a graph, encoded: what `onnx.save` writes. */
export function encodeModel(
  graph: onnx.IGraphProto,
  options: Pick<OnnxWriteOptions, 'producerName' | 'producerVersion' | 'metadata'> = {},
): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    producerName: options.producerName ?? 'rhoai-twin',
    ...(options.producerVersion ? { producerVersion: options.producerVersion } : {}),
    graph,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** The network as ONNX model bytes (the content of models/fraud/1/model.onnx). */
export function writeOnnxModel(network: DenseNetwork, options: OnnxWriteOptions = {}): Uint8Array {
  checkNetwork(network);
  return encodeModel(denseGraph(network, options), options);
}
