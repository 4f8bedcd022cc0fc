// A dense feed-forward network as the fraud model is (Keras Sequential of Dense layers), with the
// FP32 forward pass the trainer evaluates and the ONNX writer exports.

export type Activation = 'relu' | 'sigmoid' | 'linear';

/** One Dense layer: outputs = activation(inputs · kernel + bias). */
export interface DenseLayer {
  /** Keras' layer name (dense, dense_1, ...); the ONNX writer names the layer's tensors after it. */
  name: string;
  inputSize: number;
  units: number;
  /** inputSize × units, row-major (kernel[i * units + j] links input i to unit j), as Keras stores it. */
  kernel: Float32Array;
  /** units values. */
  bias: Float32Array;
  activation: Activation;
}

/** A trained network: its input and output tensor names (as the exported ONNX graph calls them) and its layers. */
export interface DenseNetwork {
  inputName: string;
  outputName: string;
  inputSize: number;
  layers: DenseLayer[];
}

export function activate(activation: Activation, x: number): number {
  if (activation === 'relu') return x > 0 ? x : 0;
  if (activation === 'sigmoid') return 1 / (1 + Math.exp(-x));
  return x;
}

/** Rows of numbers as one row-major Float32Array, checking every row has `width` values. */
export function toMatrix(rows: Float32Array | readonly (readonly number[])[], width: number): Float32Array {
  if (rows instanceof Float32Array) {
    if (rows.length % width !== 0) throw new RangeError(`expected a multiple of ${width} values, got ${rows.length}`);
    return rows;
  }
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new RangeError(`row ${r} has ${row.length} values, expected ${width}`);
    for (let c = 0; c < width; c++) out[r * width + c] = row[c];
  });
  return out;
}

/**
 * The network's outputs for a batch of (already scaled) inputs, computed as an FP32 runtime does:
 * each layer's result is rounded to float32. Returns batch × (last layer's units) values.
 */
export function forward(network: DenseNetwork, inputs: Float32Array | readonly (readonly number[])[]): Float32Array {
  let current = toMatrix(inputs, network.inputSize);
  const batch = current.length / network.inputSize;
  for (const layer of network.layers) {
    const next = new Float32Array(batch * layer.units);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < layer.units; j++) {
        let sum = 0;
        for (let i = 0; i < layer.inputSize; i++) sum += current[r * layer.inputSize + i] * layer.kernel[i * layer.units + j];
        // MatMul, then the bias Add, then the activation, each an FP32 tensor.
        const z = Math.fround(Math.fround(sum) + layer.bias[j]);
        next[r * layer.units + j] = activate(layer.activation, z);
      }
    }
    current = next;
  }
  return current;
}
