// twin/emulators/ml: ONNX. The writer's bytes are exactly what onnx.proto prescribes (a golden file
// assembled field by field); the trained model survives writing, reading and running with the
// trainer's own outputs to 1e-6; models shaped as tf2onnx (MatMul/Add, batch norm folded to Mul/Add
// or left as BatchNormalization, Identity for dropout) and PyTorch (Flatten, Gemm with transB=1)
// emit them, built by hand from the spec, run to the values computed here; bad bytes, unsupported
// operators and bad feeds are refused with errors that name the problem.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type DenseNetwork, forward } from '../../../twin/emulators/ml/network';
import { readOnnxModel } from '../../../twin/emulators/ml/onnx-reader';
import {
  OnnxInputError,
  OnnxRuntimeError,
  OnnxSession,
  OnnxUnsupportedError,
  v2TensorMetadata,
} from '../../../twin/emulators/ml/onnx-runtime';
import { DataType, OnnxFormatError } from '../../../twin/emulators/ml/onnx-types';
import { writeOnnxModel } from '../../../twin/emulators/ml/onnx-writer';
import { seededRandom } from '../../../twin/emulators/ml/random';
import { scaleRows } from '../../../twin/emulators/ml/scaler';
import { generateCardTransactions } from '../../../twin/emulators/ml/synthetic-card-data';
import { fraudFeatures, trainFraudModel, type TrainingResult } from '../../../twin/emulators/ml/train';
import {
  FLOAT,
  INT64,
  attrFloat,
  attrGraph,
  attrInt,
  attrTensor,
  f32le,
  floatDataTensor,
  graph,
  int,
  int64DataTensor,
  ld,
  model,
  node,
  rawFloatTensor,
  rawInt64Tensor,
  str,
  valueInfo,
} from './ml-onnx-builder';

const rows = generateCardTransactions();
let trained: TrainingResult;
let testInputs: number[][];

before(() => {
  trained = trainFraudModel(rows);
  testInputs = scaleRows(trained.scaler, rows.slice(16_000).map(fraudFeatures));
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
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

describe('writeOnnxModel', () => {
  it('writes exactly the ModelProto bytes onnx.proto prescribes', () => {
    const tiny: DenseNetwork = {
      inputName: 'x',
      outputName: 'y',
      inputSize: 2,
      layers: [{ name: 'd', inputSize: 2, units: 1, kernel: Float32Array.of(2, -1), bias: Float32Array.of(0.5), activation: 'sigmoid' }],
    };
    const expected = [
      ...int(1, 7), // ir_version
      ...str(2, 'rhoai-twin'), // producer_name
      ...ld(7, [
        // graph.node[0]: Gemm(x, d/kernel:0, d/bias:0) → d/Gemm:0, transB = 1 (name 1, i 3, type 20 = INT)
        ...ld(1, [
          ...str(1, 'x'),
          ...str(1, 'd/kernel:0'),
          ...str(1, 'd/bias:0'),
          ...str(2, 'd/Gemm:0'),
          ...str(3, 'd/Gemm'),
          ...str(4, 'Gemm'),
          ...ld(5, [...str(1, 'transB'), ...int(3, 1), ...int(20, 2)]),
        ]),
        // graph.node[1]: Sigmoid(d/Gemm:0) → y
        ...ld(1, [...str(1, 'd/Gemm:0'), ...str(2, 'y'), ...str(3, 'd/Sigmoid'), ...str(4, 'Sigmoid')]),
        ...str(2, 'sequential'), // graph.name
        // initializers: dims, data_type FLOAT, name, raw_data (little-endian float32)
        ...ld(5, [...int(1, 1), ...int(1, 2), ...int(2, 1), ...str(8, 'd/kernel:0'), ...ld(9, f32le(2, -1))]),
        ...ld(5, [...int(1, 1), ...int(2, 1), ...str(8, 'd/bias:0'), ...ld(9, f32le(0.5))]),
        ...ld(11, valueInfo('x', FLOAT, ['unk__batch', 2])), // graph.input
        ...ld(12, valueInfo('y', FLOAT, ['unk__batch', 1])), // graph.output
      ]),
      ...ld(8, [...str(1, ''), ...int(2, 13)]), // opset_import: ai.onnx 13
    ];
    assert.deepEqual([...writeOnnxModel(tiny, { style: 'gemm' })], expected);
    // The first bytes, spelled out: field 1 varint 7, field 2 "rhoai-twin".
    assert.deepEqual([...writeOnnxModel(tiny).subarray(0, 4)], [0x08, 0x07, 0x12, 0x0a]);
  });

  it('refuses a network whose layers do not fit together', () => {
    const broken: DenseNetwork = {
      inputName: 'x',
      outputName: 'y',
      inputSize: 3,
      layers: [{ name: 'd', inputSize: 2, units: 1, kernel: Float32Array.of(1, 1), bias: Float32Array.of(0), activation: 'relu' }],
    };
    assert.throws(() => writeOnnxModel(broken), /layer 0 \(d\) takes 2 inputs but receives 3/);
  });
});

describe('the trained fraud model as ONNX', () => {
  for (const style of ['matmul-add', 'gemm'] as const) {
    it(`reads back (${style}) with the tutorial's names, types and shapes`, () => {
      const m = readOnnxModel(writeOnnxModel(trained.network, { style }));
      assert.equal(m.irVersion, 7);
      assert.deepEqual(m.opsetImports, [{ domain: '', version: 13 }]);
      assert.equal(m.producerName, 'rhoai-twin');
      assert.deepEqual(m.graph.inputs, [{ name: 'dense_input', elemType: DataType.FLOAT, shape: ['unk__batch', 5] }]);
      assert.deepEqual(m.graph.outputs, [{ name: 'dense_3', elemType: DataType.FLOAT, shape: ['unk__batch', 1] }]);
      const ops = m.graph.nodes.map((n) => n.opType);
      assert.deepEqual(
        ops,
        style === 'gemm'
          ? ['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm', 'Sigmoid']
          : ['MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Sigmoid'],
      );
      const kernel = m.graph.initializers.get('dense/kernel:0')!;
      assert.deepEqual(kernel.dims, style === 'gemm' ? [32, 5] : [5, 32]);
      assert.equal(kernel.dataType, DataType.FLOAT);
      if (style === 'matmul-add') assert.deepEqual(kernel.data, trained.network.layers[0].kernel);
      assert.deepEqual(m.graph.initializers.get('dense_3/bias:0')!.data, trained.network.layers[3].bias);
      const parameters = [...m.graph.initializers.values()].reduce((s, t) => s + t.data.length, 0);
      assert.equal(parameters, 2337, "the tutorial's 2465 trainable parameters less its batch normalisations' 128");
    });

    it(`runs (${style}) to the trainer's own outputs within 1e-6 on the test split`, () => {
      const session = OnnxSession.fromBytes(writeOnnxModel(trained.network, { style }));
      const out = run(session, 'dense_input', testInputs).dense_3;
      assert.deepEqual(out.dims, [4000, 1]);
      assert.ok(out.data instanceof Float32Array);
      const diff = maxDifference(out.data, forward(trained.network, testInputs));
      assert.ok(diff <= 1e-6, `max difference ${diff}`);
    });
  }

  it('answers any batch size, as the dynamic batch dimension allows', () => {
    const session = OnnxSession.fromBytes(writeOnnxModel(trained.network));
    const one = run(session, 'dense_input', testInputs.slice(0, 1)).dense_3;
    const three = run(session, 'dense_input', testInputs.slice(0, 3)).dense_3;
    assert.deepEqual(one.dims, [1, 1]);
    assert.deepEqual(three.dims, [3, 1]);
    assert.equal(three.data[0], one.data[0]);
  });

  it('describes its inputs and outputs as KServe v2 model metadata', () => {
    const session = OnnxSession.fromBytes(writeOnnxModel(trained.network));
    assert.deepEqual(session.inputs.map(v2TensorMetadata), [{ name: 'dense_input', datatype: 'FP32', shape: [-1, 5] }]);
    assert.deepEqual(session.outputs.map(v2TensorMetadata), [{ name: 'dense_3', datatype: 'FP32', shape: [-1, 1] }]);
    assert.equal(session.opset, 13);
  });
});

describe('models as other exporters write them, built by hand from the spec', () => {
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
  const input = valueInfo('dense_input', FLOAT, ['unk__6', 5]);
  const output = valueInfo('dense_3', FLOAT, ['unk__6', 1]);
  const head = [
    node('MatMul', ['dense_input', 'W0'], ['m0'], { name: 'sequential/dense/MatMul' }),
    node('Add', ['m0', 'B0'], ['a0']),
    node('Relu', ['a0'], ['r0']),
    node('Identity', ['r0'], ['d0'], { name: 'sequential/dropout/Identity' }),
  ];
  const tail = [
    node('MatMul', ['d1', 'W2'], ['m2']),
    node('Add', ['m2', 'B2'], ['a2']),
    node('Sigmoid', ['a2'], ['dense_3'], { name: 'sequential/dense_3/Sigmoid' }),
  ];
  const baseInitializers = [
    rawFloatTensor('W0', [5, 4], w0),
    floatDataTensor('B0', [4], b0),
    rawFloatTensor('W1', [4, 3], w1),
    floatDataTensor('B1', [3], b1),
    rawFloatTensor('W2', [3, 1], w2),
    rawFloatTensor('B2', [1], b2),
  ];

  it('tf2onnx with batch normalisation folded into Mul and Add (float_data and raw_data initializers)', () => {
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    const shift = beta.map((b, c) => b - mean[c] * scale[c]);
    const bytes = model(
      graph({
        nodes: [
          ...head,
          node('MatMul', ['d0', 'W1'], ['m1']),
          node('Add', ['m1', 'B1'], ['a1']),
          node('Mul', ['a1', 'S1'], ['s1']),
          node('Add', ['s1', 'T1'], ['t1']),
          node('Relu', ['t1'], ['d1']),
          ...tail,
        ],
        initializers: [...baseInitializers, floatDataTensor('S1', [3], scale), rawFloatTensor('T1', [3], shift)],
        inputs: [input],
        outputs: [output],
      }),
    );
    const out = run(OnnxSession.fromBytes(bytes), 'dense_input', batch).dense_3;
    assert.deepEqual(out.dims, [3, 1]);
    const diff = maxDifference(out.data, expected());
    assert.ok(diff < 1e-6, `max difference ${diff}`);
  });

  it('tf2onnx with a BatchNormalization node (inference) and a Dropout node', () => {
    const bytes = model(
      graph({
        nodes: [
          ...head,
          node('MatMul', ['d0', 'W1'], ['m1']),
          node('Add', ['m1', 'B1'], ['a1']),
          node('BatchNormalization', ['a1', 'gamma', 'beta', 'mean', 'var'], ['bn1'], { attributes: [attrFloat('epsilon', epsilon)] }),
          node('Relu', ['bn1'], ['r1']),
          node('Dropout', ['r1'], ['d1', 'mask1']),
          ...tail,
        ],
        initializers: [
          ...baseInitializers,
          rawFloatTensor('gamma', [3], gamma),
          rawFloatTensor('beta', [3], beta),
          rawFloatTensor('mean', [3], mean),
          floatDataTensor('var', [3], variance),
        ],
        inputs: [input],
        outputs: [output],
      }),
    );
    const diff = maxDifference(run(OnnxSession.fromBytes(bytes), 'dense_input', batch).dense_3.data, expected());
    assert.ok(diff < 1e-6, `max difference ${diff}`);
  });

  it('PyTorch: Flatten, then Gemm with transB=1 (weights stored out × in), alpha and beta', () => {
    const transpose = (w: number[], rowsIn: number, cols: number) =>
      Array.from({ length: w.length }, (_, k) => w[(k % rowsIn) * cols + Math.floor(k / rowsIn)]);
    const scale = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
    // Batch norm folded into the second Linear, as torch.onnx's constant folding does.
    const w1Folded = w1.map((v, k) => v * scale[k % 3]);
    const b1Folded = b1.map((v, c) => (v - mean[c]) * scale[c] + beta[c]);
    const bytes = model(
      graph({
        name: 'main_graph',
        nodes: [
          node('Flatten', ['input'], ['flat'], { attributes: [attrInt('axis', 1)] }),
          node('Gemm', ['flat', 'fc0.weight', 'fc0.bias'], ['g0'], {
            name: '/fc0/Gemm',
            attributes: [attrFloat('alpha', 1), attrFloat('beta', 1), attrInt('transB', 1)],
          }),
          node('Relu', ['g0'], ['r0']),
          node('Gemm', ['r0', 'fc1.weight', 'fc1.bias'], ['g1'], { attributes: [attrInt('transB', 1)] }),
          node('Relu', ['g1'], ['r1']),
          // alpha 2 and beta 0.5 with the bias doubled: the same function.
          node('Gemm', ['r1', 'fc2.weight', 'fc2.bias'], ['g2'], {
            attributes: [attrFloat('alpha', 2), attrFloat('beta', 0.5), attrInt('transB', 1)],
          }),
          node('Sigmoid', ['g2'], ['output']),
        ],
        initializers: [
          rawFloatTensor('fc0.weight', [4, 5], transpose(w0, 5, 4)),
          rawFloatTensor('fc0.bias', [4], b0),
          rawFloatTensor('fc1.weight', [3, 4], transpose(w1Folded, 4, 3)),
          rawFloatTensor('fc1.bias', [3], b1Folded),
          rawFloatTensor(
            'fc2.weight',
            [1, 3],
            w2.map((v) => v / 2),
          ),
          rawFloatTensor(
            'fc2.bias',
            [1],
            b2.map((v) => v * 2),
          ),
        ],
        inputs: [valueInfo('input', FLOAT, ['batch_size', 5])],
        outputs: [valueInfo('output', FLOAT, ['batch_size', 1])],
      }),
      { producer: 'pytorch', irVersion: 8, opsets: [['', 17]] },
    );
    const session = OnnxSession.fromBytes(bytes);
    assert.equal(session.model.producerName, 'pytorch');
    const diff = maxDifference(run(session, 'input', batch).output.data, expected());
    assert.ok(diff < 1e-5, `max difference ${diff}`);
  });

  it('Reshape with a Constant shape, Cast, and int64 tensors written raw or as int64_data', () => {
    const bytes = model(
      graph({
        nodes: [
          node('Constant', [], ['shape'], { attributes: [attrTensor('value', rawInt64Tensor('', [2], [0, -1]))] }),
          node('Reshape', ['x', 'shape'], ['flat']),
          node('Reshape', ['flat', 'back'], ['again']),
          node('Cast', ['again'], ['ints'], { attributes: [attrInt('to', INT64)] }),
          node('Cast', ['ints'], ['y'], { attributes: [attrInt('to', FLOAT)] }),
        ],
        initializers: [int64DataTensor('back', [3], [0, 3, 2])],
        inputs: [valueInfo('x', FLOAT, ['n', 2, 3])],
        outputs: [valueInfo('y', FLOAT, ['n', 3, 2])],
      }),
    );
    const out = OnnxSession.fromBytes(bytes).run({ x: { dims: [1, 2, 3], data: [1.7, -2.7, 3, 4, 5, 6] } }).y;
    assert.deepEqual(out.dims, [1, 3, 2]);
    assert.deepEqual([...out.data], [1, -2, 3, 4, 5, 6]);
  });

  it('broadcasts Add, Sub, Mul and Div as numpy does', () => {
    const bytes = model(
      graph({
        nodes: [node('Sub', ['x', 'row'], ['a']), node('Mul', ['a', 'col'], ['b']), node('Div', ['b', 'two'], ['y'])],
        initializers: [rawFloatTensor('row', [3], [1, 2, 3]), rawFloatTensor('col', [2, 1], [10, 100]), rawFloatTensor('two', [], [2])],
        inputs: [valueInfo('x', FLOAT, [2, 3])],
        outputs: [valueInfo('y', FLOAT, [2, 3])],
      }),
    );
    const y = OnnxSession.fromBytes(bytes).run({ x: { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } }).y;
    assert.deepEqual([...y.data], [0, 0, 0, 150, 150, 150]);
  });
});

describe('refusals', () => {
  const tiny = (nodes: number[][], opsets?: [string, number][]) =>
    model(
      graph({
        nodes,
        initializers: [rawFloatTensor('w', [2, 1], [1, 1])],
        inputs: [valueInfo('x', FLOAT, ['n', 2])],
        outputs: [valueInfo('y', FLOAT, ['n', 1])],
      }),
      { opsets },
    );

  it('names an unsupported operator and its node, and a custom domain', () => {
    assert.throws(
      () => OnnxSession.fromBytes(tiny([node('MatMul', ['x', 'w'], ['m']), node('LSTM', ['m'], ['y'], { name: 'rnn' })])),
      (e: Error) =>
        e instanceof OnnxUnsupportedError &&
        e.opType === 'LSTM' &&
        /^operator LSTM \(node 1 \(LSTM "rnn"\)\) is not supported by the twin's ONNX runtime; it runs Add, BatchNormalization, Cast/.test(
          e.message,
        ),
    );
    assert.throws(
      () => OnnxSession.fromBytes(tiny([node('FusedMatMul', ['x', 'w'], ['y'], { domain: 'com.microsoft' })])),
      /operator com\.microsoft\.FusedMatMul \(node 0/,
    );
    assert.throws(
      () => OnnxSession.fromBytes(tiny([node('If', ['x'], ['y'], { attributes: [attrGraph('then_branch')] })])),
      /holds a subgraph \(control flow: If, Loop, Scan\)/,
    );
  });

  it('refuses a graph that reads an undefined value, an output nothing produces, and a model without the ai.onnx opset', () => {
    assert.throws(
      () => OnnxSession.fromBytes(tiny([node('MatMul', ['x', 'nope'], ['y'])])),
      /node 0 \(MatMul\) reads "nope", which no graph input, initializer or earlier node provides/,
    );
    assert.throws(() => OnnxSession.fromBytes(tiny([node('MatMul', ['x', 'w'], ['z'])])), /graph output "y" is produced by no node/);
    assert.throws(() => OnnxSession.fromBytes(tiny([node('MatMul', ['x', 'w'], ['y'])], [['ai.onnx.ml', 3]])), /imports no ai.onnx opset/);
  });

  it('refuses bytes that are not an ONNX model, saying what is wrong', () => {
    const good = writeOnnxModel(trained.network);
    const refused = (bytes: Uint8Array, message: RegExp) =>
      assert.throws(
        () => readOnnxModel(bytes),
        (e: Error) => e instanceof OnnxFormatError && message.test(e.message),
      );
    refused(new Uint8Array(0), /the file is empty/);
    refused(good.subarray(0, 100), /field 7 at byte 14 declares \d+ bytes but only \d+ remain \(truncated\)/);
    refused(Buffer.from('{"error": "NoSuchKey"}'), /wire type 3, which ONNX never uses/);
    refused(Uint8Array.from([...int(2, 5)]), /ModelProto has no ir_version/);
    refused(Uint8Array.from([...int(1, 7)]), /ModelProto has no graph/);
    refused(
      model(
        graph({
          nodes: [],
          initializers: [[...int(1, 3), ...int(2, FLOAT), ...str(8, 'w'), ...ld(9, f32le(1, 2))]],
          inputs: [],
          outputs: [],
        }),
      ),
      /initializer\[0\] "w": raw_data has 8 bytes, but dims \[3\] of FLOAT need 12/,
    );
    refused(
      model(
        graph({
          nodes: [],
          initializers: [[...int(1, 1), ...int(2, FLOAT), ...str(8, 'w'), ...ld(13, str(1, 'location'), str(2, 'weights.bin'))]],
          inputs: [],
          outputs: [],
        }),
      ),
      /keeps its data in an external file/,
    );
    // Every truncation of a real model is refused, by the reader or when the session checks the graph.
    for (let n = 0; n < good.length; n += 97) {
      assert.throws(
        () => OnnxSession.fromBytes(good.subarray(0, n)),
        (e: Error) => e instanceof OnnxFormatError,
        `truncated to ${n} bytes`,
      );
    }
  });

  it('refuses random bytes', () => {
    const r = seededRandom(99);
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 200 }, () => Math.floor(r.next() * 256));
      assert.throws(
        () => OnnxSession.fromBytes(bytes),
        (e: Error) => e instanceof OnnxFormatError,
        `random bytes ${i}`,
      );
    }
  });

  it('refuses feeds that do not match the declared inputs', () => {
    const session = OnnxSession.fromBytes(writeOnnxModel(trained.network));
    const refused = (feeds: Parameters<OnnxSession['run']>[0], message: RegExp) =>
      assert.throws(
        () => session.run(feeds),
        (e: Error) => e instanceof OnnxInputError && message.test(e.message),
      );
    refused({}, /missing input "dense_input" \(\[unk__batch, 5\]\)/);
    refused(
      { dense_input: { dims: [1, 4], data: [1, 2, 3, 4] } },
      /input "dense_input" has shape \[unk__batch, 5\], got \[1, 4\] \(dimension 1 must be 5\)/,
    );
    refused({ dense_input: { dims: [5], data: [1, 2, 3, 4, 5] } }, /input "dense_input" has rank 2 \[unk__batch, 5\], got 1 dims \[5\]/);
    refused({ dense_input: { dims: [2, 5], data: [1, 2, 3, 4, 5] } }, /dims \[2, 5\] need 10 values, got 5/);
    refused({ dense_input: { dims: [1, 5], data: [1, 2, 3, 4, 5], dataType: DataType.INT64 } }, /input "dense_input" is FLOAT, got INT64/);
    refused(
      { dense_input: { dims: [1, 5], data: [1, 2, 3, 4, 5] }, other: { dims: [1], data: [1] } },
      /the model has no input "other" \(its inputs: dense_input\)/,
    );
  });

  it('names the node whose operands do not fit', () => {
    const bytes = model(
      graph({
        nodes: [node('MatMul', ['x', 'w'], ['y'], { name: 'mm' })],
        initializers: [rawFloatTensor('w', [3, 1], [1, 1, 1])],
        inputs: [valueInfo('x', FLOAT, ['n', 'k'])],
        outputs: [valueInfo('y', FLOAT, ['n', 1])],
      }),
    );
    assert.throws(
      () => OnnxSession.fromBytes(bytes).run({ x: { dims: [1, 2], data: [1, 2] } }),
      (e: Error) =>
        e instanceof OnnxRuntimeError &&
        /^node 0 \(MatMul "mm"\): cannot multiply \[1, 2\] by \[3, 1\]: inner dimensions 2 and 3 differ$/.test(e.message),
    );
  });
});
