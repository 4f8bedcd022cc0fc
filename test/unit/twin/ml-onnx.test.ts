// twin/emulators/ml: ONNX by kept libraries. The writer's ModelProto (onnx-proto) decodes back to
// the tutorial's graph; ONNX Runtime runs it to the trainer's own outputs within 1e-6, at any batch
// size; models shaped as other exporters emit them (tf2onnx with batch normalisation folded or as a
// node, PyTorch's Flatten + Gemm with transB, alpha and beta), built with onnx-proto, run to values
// computed here; the runtime refuses bytes that are not a model and graphs it cannot run.
import { before, describe, it } from 'node:test';
import { expect } from 'chai';
import { onnx } from 'onnx-proto';
import { type DenseNetwork, forward } from '../../../twin/emulators/ml/network';
import { encodeModel, floatTensor, intAttribute, tensorInfo, writeOnnxModel } from '../../../twin/emulators/ml/onnx-model';
import { OnnxLoadError, OnnxSession, v2TensorMetadata } from '../../../twin/emulators/ml/onnx-session';
import { seededRandom } from '../../../twin/emulators/ml/random';
import { scaleRows } from '../../../twin/emulators/ml/scaler';
import { generateCardTransactions } from '../../../twin/emulators/ml/synthetic-card-data';
import { fraudFeatures, trainFraudModel, type TrainingResult } from '../../../twin/emulators/ml/train';

const rows = generateCardTransactions();
let trained: TrainingResult;
let testInputs: number[][];

before(() => {
  trained = trainFraudModel(rows);
  testInputs = scaleRows(trained.scaler, rows.slice(16_000).map(fraudFeatures));
});

function maxDifference(a: ArrayLike<number | bigint | boolean>, b: ArrayLike<number>): number {
  expect(a.length, 'output length').to.equal(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(Number(a[i]) - b[i]));
  return max;
}

/** Random weights from a seed, as plain numbers. */
function weights(seed: number, n: number, scale = 0.5): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Math.fround((r.next() * 2 - 1) * scale));
}

const relu = (x: number) => Math.max(0, x);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x (rows × n) · W (n × m, row-major) + b. */
function dense(x: number[][], w: number[], b: number[], m: number): number[][] {
  return x.map((row) => Array.from({ length: m }, (_, j) => row.reduce((s, v, i) => s + v * w[i * m + j], b[j])));
}

function run(session: OnnxSession, input: string, batch: number[][]) {
  return session.run({ [input]: { dims: [batch.length, batch[0].length], data: batch.flat() } });
}

const floatAttribute = (name: string, f: number): onnx.IAttributeProto => ({ name, f, type: onnx.AttributeProto.AttributeType.FLOAT });
/** An initializer written as float_data rather than raw_data (as older exporters do). */
const floatDataTensor = (name: string, dims: number[], values: number[]): onnx.ITensorProto => ({
  name,
  dims,
  dataType: onnx.TensorProto.DataType.FLOAT,
  floatData: values,
});
const node = (opType: string, input: string[], output: string[], extra: onnx.INodeProto = {}): onnx.INodeProto => ({
  opType,
  input,
  output,
  ...extra,
});

describe('writeOnnxModel', () => {
  it('writes a ModelProto that onnx-proto decodes to the network: IR 7, opset 13, FLOAT raw_data initializers', () => {
    const tiny: DenseNetwork = {
      inputName: 'x',
      outputName: 'y',
      inputSize: 2,
      layers: [{ name: 'd', inputSize: 2, units: 1, kernel: Float32Array.of(2, -1), bias: Float32Array.of(0.5), activation: 'sigmoid' }],
    };
    const m = onnx.ModelProto.decode(writeOnnxModel(tiny, { style: 'gemm', producerVersion: '1.16.1', metadata: { a: 'b' } }));
    expect(Number(m.irVersion)).to.equal(7);
    expect(m.producerName).to.equal('rhoai-twin');
    expect(m.producerVersion).to.equal('1.16.1');
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).to.deep.equal([['', 13]]);
    expect(m.metadataProps.map((p) => [p.key, p.value])).to.deep.equal([['a', 'b']]);
    const g = m.graph as onnx.GraphProto;
    expect(g.name).to.equal('sequential');
    expect(g.node.map((n) => [n.opType, n.input, n.output])).to.deep.equal([
      ['Gemm', ['x', 'd/kernel:0', 'd/bias:0'], ['d/Gemm:0']],
      ['Sigmoid', ['d/Gemm:0'], ['y']],
    ]);
    expect((g.node[0] as onnx.NodeProto).attribute.map((a) => [a.name, Number(a.i), a.type])).to.deep.equal([
      ['transB', 1, onnx.AttributeProto.AttributeType.INT],
    ]);
    const kernel = g.initializer[0] as onnx.TensorProto;
    expect([kernel.name, kernel.dims.map(Number), kernel.dataType]).to.deep.equal(['d/kernel:0', [1, 2], onnx.TensorProto.DataType.FLOAT]);
    expect([...new Float32Array(Uint8Array.from(kernel.rawData).buffer)]).to.deep.equal([2, -1]);
    expect(g.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).to.deep.equal(['unk__batch', 2]);
  });

  it('refuses a network whose layers do not fit together', () => {
    const broken: DenseNetwork = {
      inputName: 'x',
      outputName: 'y',
      inputSize: 3,
      layers: [{ name: 'd', inputSize: 2, units: 1, kernel: Float32Array.of(1, 1), bias: Float32Array.of(0), activation: 'relu' }],
    };
    expect(() => writeOnnxModel(broken)).to.throw(/layer 0 \(d\) takes 2 inputs but receives 3/);
  });
});

describe('the trained fraud model as ONNX, run by ONNX Runtime', () => {
  for (const style of ['matmul-add', 'gemm'] as const) {
    it(`has the tutorial's layers and parameters (${style})`, () => {
      const g = onnx.ModelProto.decode(writeOnnxModel(trained.network, { style })).graph as onnx.GraphProto;
      expect(g.node.map((n) => n.opType)).to.deep.equal(
        style === 'gemm'
          ? ['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Sigmoid']
          : ['MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Sigmoid'],
      );
      const parameters = g.initializer.reduce((s, t) => s + (t.dims ?? []).map(Number).reduce((a, b) => a * b, 1), 0);
      expect(parameters, "the tutorial's 2465 trainable parameters less its batch normalisations' 128").to.equal(2337);
    });

    it(`runs (${style}) to the trainer's own outputs within 1e-6 on the test split`, async () => {
      const session = await OnnxSession.fromBytes(writeOnnxModel(trained.network, { style }));
      const out = (await run(session, 'dense_input', testInputs)).dense_3;
      expect(out.dims).to.deep.equal([4000, 1]);
      expect(out.data).to.be.instanceOf(Float32Array);
      const diff = maxDifference(out.data, forward(trained.network, testInputs));
      expect(diff, 'max difference from the trainer').to.be.at.most(1e-6);
    });
  }

  it('answers any batch size, as the dynamic batch dimension allows', async () => {
    const session = await OnnxSession.fromBytes(writeOnnxModel(trained.network));
    const one = (await run(session, 'dense_input', testInputs.slice(0, 1))).dense_3;
    const three = (await run(session, 'dense_input', testInputs.slice(0, 3))).dense_3;
    expect(one.dims).to.deep.equal([1, 1]);
    expect(three.dims).to.deep.equal([3, 1]);
    expect(three.data[0]).to.equal(one.data[0]);
  });

  it('describes its inputs and outputs as KServe v2 model metadata', async () => {
    const session = await OnnxSession.fromBytes(writeOnnxModel(trained.network));
    expect(session.inputs.map(v2TensorMetadata)).to.deep.equal([{ name: 'dense_input', datatype: 'FP32', shape: [-1, 5] }]);
    expect(session.outputs.map(v2TensorMetadata)).to.deep.equal([{ name: 'dense_3', datatype: 'FP32', shape: [-1, 1] }]);
  });
});

describe('models as other exporters write them, built with onnx-proto', () => {
  // A 5 → 4 → 3 → 1 network: weights shared by the variants below.
  const w0 = weights(1, 20);
  const b0 = weights(2, 4);
  const w1 = weights(3, 12);
  const b1 = weights(4, 3);
  const w2 = weights(5, 3);
  const b2 = weights(6, 1);
  const gamma = weights(7, 3, 1).map((g) => Math.fround(1 + Math.abs(g)));
  const beta = weights(8, 3);
  const mean = weights(9, 3);
  const variance = weights(10, 3, 1).map((v) => Math.fround(0.5 + Math.abs(v)));
  const epsilon = 0.001;
  const batch = [
    [0.1, -0.2, 1.3, -0.9, 0.5],
    [2.0, 0.0, -1.0, 1.0, 1.0],
    [-0.3, 0.7, 0.2, 0.0, -1.5],
  ];
  /** What every variant computes: dense(relu) → dense → batch norm → relu → dense(sigmoid). */
  function expected(): number[] {
    const h0 = dense(batch, w0, b0, 4).map((r) => r.map(relu));
    const h1 = dense(h0, w1, b1, 3).map((r) =>
      r.map((v, c) => relu((gamma[c] * (v - mean[c])) / Math.sqrt(variance[c] + epsilon) + beta[c])),
    );
    return dense(h1, w2, b2, 1).map((r) => sigmoid(r[0]));
  }
  const input = tensorInfo('dense_input', ['unk__6', 5]);
  const output = tensorInfo('dense_3', ['unk__6', 1]);
  const head = [
    node('MatMul', ['dense_input', 'W0'], ['m0'], { name: 'sequential/dense/MatMul' }),
    node('Add', ['m0', 'B0'], ['a0']),
    node('Relu', ['a0'], ['r0']),
    node('Identity', ['r0'], ['d0'], { name: 'sequential/dropout/Identity' }),
  ];
  const tail = [node('MatMul', ['d1', 'W2'], ['m2']), node('Add', ['m2', 'B2'], ['a2']), node('Sigmoid', ['a2'], ['dense_3'])];
  const baseInitializers = [
    floatTensor('W0', [5, 4], w0),
    floatDataTensor('B0', [4], b0),
    floatTensor('W1', [4, 3], w1),
    floatDataTensor('B1', [3], b1),
    floatTensor('W2', [3, 1], w2),
    floatTensor('B2', [1], b2),
  ];

  it('tf2onnx with batch normalisation folded into Mul and Add (float_data and raw_data initializers)', async () => {
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    const shift = beta.map((b, c) => b - mean[c] * scale[c]);
    const bytes = encodeModel({
      node: [
        ...head,
        node('MatMul', ['d0', 'W1'], ['m1']),
        node('Add', ['m1', 'B1'], ['a1']),
        node('Mul', ['a1', 'S1'], ['s1']),
        node('Add', ['s1', 'T1'], ['t1']),
        node('Relu', ['t1'], ['d1']),
        ...tail,
      ],
      initializer: [...baseInitializers, floatDataTensor('S1', [3], scale), floatTensor('T1', [3], shift)],
      input: [input],
      output: [output],
    });
    const out = (await run(await OnnxSession.fromBytes(bytes), 'dense_input', batch)).dense_3;
    expect(out.dims).to.deep.equal([3, 1]);
    expect(maxDifference(out.data, expected())).to.be.below(1e-6);
  });

  it('tf2onnx with a BatchNormalization node (inference) and a Dropout node', async () => {
    const bytes = encodeModel({
      node: [
        ...head,
        node('MatMul', ['d0', 'W1'], ['m1']),
        node('Add', ['m1', 'B1'], ['a1']),
        node('BatchNormalization', ['a1', 'gamma', 'beta', 'mean', 'var'], ['bn1'], { attribute: [floatAttribute('epsilon', epsilon)] }),
        node('Relu', ['bn1'], ['r1']),
        node('Dropout', ['r1'], ['d1', 'mask1']),
        ...tail,
      ],
      initializer: [
        ...baseInitializers,
        floatTensor('gamma', [3], gamma),
        floatTensor('beta', [3], beta),
        floatTensor('mean', [3], mean),
        floatDataTensor('var', [3], variance),
      ],
      input: [input],
      output: [output],
    });
    const out = (await run(await OnnxSession.fromBytes(bytes), 'dense_input', batch)).dense_3;
    expect(maxDifference(out.data, expected())).to.be.below(1e-6);
  });

  it('PyTorch: Flatten, then Gemm with transB=1 (weights stored out × in), alpha and beta', async () => {
    const transpose = (w: number[], rowsIn: number, cols: number) =>
      Array.from({ length: w.length }, (_, k) => w[(k % rowsIn) * cols + Math.floor(k / rowsIn)]);
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    // Batch norm folded into the second Linear, as torch.onnx's constant folding does.
    const w1Folded = w1.map((v, k) => v * scale[k % 3]);
    const b1Folded = b1.map((v, c) => (v - mean[c]) * scale[c] + beta[c]);
    const bytes = encodeModel(
      {
        name: 'main_graph',
        node: [
          node('Flatten', ['input'], ['flat'], { attribute: [intAttribute('axis', 1)] }),
          node('Gemm', ['flat', 'fc0.weight', 'fc0.bias'], ['g0'], {
            name: '/fc0/Gemm',
            attribute: [floatAttribute('alpha', 1), floatAttribute('beta', 1), intAttribute('transB', 1)],
          }),
          node('Relu', ['g0'], ['r0']),
          node('Gemm', ['r0', 'fc1.weight', 'fc1.bias'], ['g1'], { attribute: [intAttribute('transB', 1)] }),
          node('Relu', ['g1'], ['r1']),
          // alpha 2 and beta 0.5 with the bias doubled: the same function.
          node('Gemm', ['r1', 'fc2.weight', 'fc2.bias'], ['g2'], {
            attribute: [floatAttribute('alpha', 2), floatAttribute('beta', 0.5), intAttribute('transB', 1)],
          }),
          node('Sigmoid', ['g2'], ['output']),
        ],
        initializer: [
          floatTensor('fc0.weight', [4, 5], transpose(w0, 5, 4)),
          floatTensor('fc0.bias', [4], b0),
          floatTensor('fc1.weight', [3, 4], transpose(w1Folded, 4, 3)),
          floatTensor('fc1.bias', [3], b1Folded),
          floatTensor(
            'fc2.weight',
            [1, 3],
            w2.map((v) => v / 2),
          ),
          floatTensor(
            'fc2.bias',
            [1],
            b2.map((v) => v * 2),
          ),
        ],
        input: [tensorInfo('input', ['batch_size', 5])],
        output: [tensorInfo('output', ['batch_size', 1])],
      },
      { producerName: 'pytorch' },
    );
    const out = (await run(await OnnxSession.fromBytes(bytes), 'input', batch)).output;
    expect(maxDifference(out.data, expected())).to.be.below(1e-5);
  });
});

describe('what ONNX Runtime refuses', () => {
  it('bytes that are not an ONNX model, and random bytes', async () => {
    for (const bytes of [Buffer.from('not an onnx model'), Buffer.from(weights(11, 64).map((w) => Math.floor((w + 0.5) * 255)))]) {
      let error: unknown;
      await OnnxSession.fromBytes(bytes).catch((e: unknown) => (error = e));
      expect(error, `loading ${bytes.length} bytes`).to.be.instanceOf(OnnxLoadError);
    }
  });

  it('a graph that reads a value nothing defines, or an operator the opset lacks', async () => {
    const reads = encodeModel({
      node: [node('Relu', ['nowhere'], ['y'])],
      input: [tensorInfo('x', ['n', 2])],
      output: [tensorInfo('y', ['n', 2])],
    });
    const unknownOp = encodeModel({
      node: [node('FancyDense', ['x'], ['y'], { name: 'layer0' })],
      input: [tensorInfo('x', ['n', 2])],
      output: [tensorInfo('y', ['n', 2])],
    });
    for (const [bytes, words] of [
      [reads, /nowhere/],
      [unknownOp, /FancyDense/],
    ] as const) {
      let error: Error | undefined;
      await OnnxSession.fromBytes(bytes).catch((e: Error) => (error = e));
      expect(error, 'the runtime refuses the graph').to.be.instanceOf(OnnxLoadError);
      expect(error!.message).to.match(words);
    }
  });

  it('feeds that do not match the declared inputs', async () => {
    const session = await OnnxSession.fromBytes(writeOnnxModel(trained.network));
    let error: Error | undefined;
    await session.run({ dense_input: { dims: [1, 4], data: [1, 2, 3, 4] } }).catch((e: Error) => (error = e));
    expect(error?.message, 'a [1, 4] feed for [batch, 5]').to.match(/dense_input|dimension|Got invalid dimensions/i);
  });
});
