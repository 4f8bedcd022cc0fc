// support/onnx: the harness's own check that a stored object is a valid ONNX model. It decodes the
// twin's model files (both layouts) to the same facts the twin's independent reader finds, and the
// tf2onnx- and PyTorch-shaped models built by hand from onnx.proto; it refuses empty, truncated,
// random and text bytes (an S3 error page), and models that no runtime could load, naming the cause.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidOnnxModel, describeOnnx, inspectOnnx } from '../../../support/onnx';
import { readOnnxModel } from '../../../twin/emulators/ml/onnx-reader';
import { dataTypeName } from '../../../twin/emulators/ml/onnx-types';
import { writeOnnxModel } from '../../../twin/emulators/ml/onnx-writer';
import { seededRandom } from '../../../twin/emulators/ml/random';
import { generateCardTransactions } from '../../../twin/emulators/ml/synthetic-card-data';
import { trainFraudModel, type TrainingResult } from '../../../twin/emulators/ml/train';
import {
  FLOAT,
  attrInt,
  f32le,
  floatDataTensor,
  graph,
  int,
  ld,
  model,
  node,
  rawFloatTensor,
  str,
  valueInfo,
} from '../twin/ml-onnx-builder';

let trained: TrainingResult;

before(() => {
  trained = trainFraudModel(generateCardTransactions({ rows: 4000 }), { epochs: 1 });
});

function refused(bytes: Uint8Array, message: RegExp, source = 's3://my-storage/models/fraud/1/model.onnx') {
  assert.throws(
    () => inspectOnnx(bytes, source),
    (e: Error) => {
      assert.ok(e instanceof InvalidOnnxModel, `expected InvalidOnnxModel, got ${e.name}: ${e.message}`);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe("inspectOnnx on the twin's model files", () => {
  for (const style of ['matmul-add', 'gemm'] as const) {
    it(`finds what the twin's reader finds (${style})`, () => {
      const bytes = writeOnnxModel(trained.network, { style });
      const summary = inspectOnnx(bytes);
      const twin = readOnnxModel(bytes);
      assert.equal(summary.bytes, bytes.length);
      assert.equal(summary.irVersion, twin.irVersion);
      assert.deepEqual(summary.opsets, twin.opsetImports);
      assert.equal(summary.producerName, twin.producerName);
      assert.equal(summary.graphName, twin.graph.name);
      assert.deepEqual(
        summary.opTypes,
        twin.graph.nodes.map((n) => n.opType),
      );
      assert.equal(summary.initializerCount, twin.graph.initializers.size);
      assert.equal(
        summary.parameterCount,
        [...twin.graph.initializers.values()].reduce((s, t) => s + t.data.length, 0),
      );
      const io = (list: typeof twin.graph.inputs) =>
        list.map((v) => ({ name: v.name, elemType: dataTypeName(v.elemType!), shape: v.shape }));
      assert.deepEqual(summary.inputs, io(twin.graph.inputs));
      assert.deepEqual(summary.outputs, io(twin.graph.outputs));
    });
  }

  it("reports the tutorial's interface in one line", () => {
    const summary = inspectOnnx(writeOnnxModel(trained.network));
    assert.deepEqual(summary.inputs, [{ name: 'dense_input', elemType: 'FLOAT', shape: ['unk__batch', 5] }]);
    assert.deepEqual(summary.outputs, [{ name: 'dense_3', elemType: 'FLOAT', shape: ['unk__batch', 1] }]);
    assert.match(
      describeOnnx(summary),
      /^ONNX IR 7, opset ai\.onnx 13, by rhoai-twin, \d+ bytes: dense_input FLOAT \[unk__batch, 5\] → dense_3 FLOAT \[unk__batch, 1\]; 12 nodes \(MatMul×4, Add×4, Relu×3, Sigmoid\); 8 initializers \(2337 parameters\)$/,
    );
  });
});

describe('inspectOnnx on models built by hand from onnx.proto', () => {
  it('reads a tf2onnx-style model: float_data and raw_data initializers, dim_param batch, Identity for dropout', () => {
    const bytes = model(
      graph({
        name: 'tf2onnx',
        nodes: [
          node('MatMul', ['dense_input', 'W'], ['m']),
          node('Add', ['m', 'B'], ['a']),
          node('Identity', ['a'], ['i']),
          node('Sigmoid', ['i'], ['dense_3']),
        ],
        initializers: [rawFloatTensor('W', [5, 1], [1, 2, 3, 4, 5]), floatDataTensor('B', [1], [0.5])],
        inputs: [valueInfo('dense_input', FLOAT, ['unk__6', 5])],
        outputs: [valueInfo('dense_3', FLOAT, ['unk__6', 1])],
      }),
    );
    const s = inspectOnnx(bytes);
    assert.equal(s.producerName, 'tf2onnx');
    assert.equal(s.producerVersion, '1.13.0 2c1db5');
    assert.deepEqual(s.opTypes, ['MatMul', 'Add', 'Identity', 'Sigmoid']);
    assert.equal(s.parameterCount, 6);
    assert.deepEqual(s.inputs[0].shape, ['unk__6', 5]);
  });

  it('reads a PyTorch-style Gemm model whose graph inputs also list the initializers (IR < 4 exporters)', () => {
    const bytes = model(
      graph({
        nodes: [node('Gemm', ['input', 'fc.weight', 'fc.bias'], ['output'], { attributes: [attrInt('transB', 1)] })],
        initializers: [rawFloatTensor('fc.weight', [1, 5], [1, 1, 1, 1, 1]), rawFloatTensor('fc.bias', [1], [0])],
        inputs: [valueInfo('input', FLOAT, ['batch_size', 5]), valueInfo('fc.weight', FLOAT, [1, 5]), valueInfo('fc.bias', FLOAT, [1])],
        outputs: [valueInfo('output', FLOAT, ['batch_size', 1])],
      }),
      { producer: 'pytorch', irVersion: 3, opsets: [['', 9]] },
    );
    const s = inspectOnnx(bytes);
    assert.deepEqual(
      s.inputs.map((i) => i.name),
      ['input'],
      'initializer-backed inputs are not inputs a caller feeds',
    );
    assert.deepEqual(s.opsets, [{ domain: '', version: 9 }]);
  });
});

describe('inspectOnnx refuses what is not a valid ONNX model', () => {
  it('empty, truncated at every length, and random bytes', () => {
    refused(new Uint8Array(0), /^s3:\/\/my-storage\/models\/fraud\/1\/model\.onnx is not a valid ONNX model: it is empty \(0 bytes\)$/);
    const good = writeOnnxModel(trained.network);
    refused(
      good.subarray(0, 100),
      /ModelProto: field 7 \(graph\) says \d+ bytes follow, but only 83 do \(truncated or corrupt\) at byte 14/,
    );
    for (let n = 0; n < good.length; n += 13) refused(good.subarray(0, n), /is not a valid ONNX model: /);
    refused(good.subarray(0, good.length - 1), /field 8 \(opset_import\) says 4 bytes follow, but only 3 do/);
    const r = seededRandom(5);
    for (let i = 0; i < 200; i++)
      refused(
        Uint8Array.from({ length: 64 + i }, () => Math.floor(r.next() * 256)),
        /is not a valid ONNX model: /,
      );
  });

  it('text, such as an S3 error document or JSON, saying so', () => {
    refused(
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code></Error>'),
      /field 7 \(graph\) has end-group, which ONNX never uses .* \(the object is text, starting "<\?xml version="1.0" encoding="UTF-8"\?> <", not a protobuf ModelProto\)$/,
    );
    refused(Buffer.from('{"inputs": []}'), /has start-group, which ONNX never uses/);
  });

  it('a protobuf that is not a model: no ir_version, no graph, no ai.onnx opset', () => {
    refused(Uint8Array.from(str(2, 'x')), /ModelProto has no ir_version \(field 1\)/);
    refused(Uint8Array.from(int(1, 7)), /ModelProto has no graph \(field 7\)/);
    refused(Uint8Array.from(ld(1, int(1, 7))), /ir_version \(field 1\) is length-delimited, expected varint/);
    const tiny = graph({
      nodes: [node('Relu', ['x'], ['y'])],
      inputs: [valueInfo('x', FLOAT, [1])],
      outputs: [valueInfo('y', FLOAT, [1])],
    });
    refused(model(tiny, { opsets: [] }), /ModelProto imports no ai\.onnx operator set \(opset_import\)/);
    refused(model(tiny, { opsets: [['ai.onnx.ml', 3]] }), /imports no ai\.onnx operator set/);
    assert.equal(inspectOnnx(model(tiny, { opsets: [['ai.onnx', 13]] })).opsets[0].domain, 'ai.onnx');
  });

  it('a graph no runtime could load', () => {
    const io = { inputs: [valueInfo('x', FLOAT, ['n', 2])], outputs: [valueInfo('y', FLOAT, ['n', 1])] };
    refused(model(graph({ nodes: [], ...io })), /ModelProto\.graph has no nodes/);
    refused(
      model(graph({ nodes: [node('MatMul', ['x', 'w'], ['y'], { name: 'mm' })], ...io })),
      /ModelProto\.graph\.node\[0\] \("mm"\) \(MatMul\) reads "w", which is neither a graph input, an initializer nor the output of an earlier node/,
    );
    refused(model(graph({ nodes: [node('Relu', ['x'], ['z'])], ...io })), /graph output "y" is produced by no node/);
    refused(model(graph({ nodes: [node('Relu', ['x'], ['y'])], inputs: io.inputs, outputs: [] })), /declares no outputs/);
    refused(model(graph({ nodes: [[...str(1, 'x'), ...str(2, 'y')]], ...io })), /ModelProto\.graph\.node\[0\] has no op_type/);
    refused(
      model(graph({ nodes: [node('Relu', ['x'], ['y'])], inputs: [str(1, 'x')], outputs: io.outputs })),
      /ModelProto\.graph\.input\[0\] \("x"\) declares no element type/,
    );
    const relu = [node('Relu', ['x'], ['y'])];
    refused(
      model(graph({ nodes: relu, initializers: [[...int(1, 3), ...int(2, FLOAT), ...str(8, 'w'), ...ld(9, f32le(1, 2))]], ...io })),
      /initializer\[0\] \("w"\): raw_data holds 8 bytes, but FLOAT \[3\] needs 12/,
    );
    refused(
      model(graph({ nodes: relu, initializers: [[...int(1, 2), ...int(2, FLOAT), ...str(8, 'w'), ...ld(4, f32le(1))]], ...io })),
      /initializer\[0\] \("w"\) holds 1 values, but \[2\] needs 2/,
    );
    refused(
      model(
        graph({
          nodes: relu,
          initializers: [[...int(1, 1), ...int(2, FLOAT), ...str(8, 'w'), ...ld(13, str(1, 'location'), str(2, 'weights.bin'))]],
          ...io,
        }),
      ),
      /keeps its data in an external file, which is not stored with the model/,
    );
    refused(
      model(graph({ nodes: relu, initializers: [[...int(1, 1), ...str(8, 'w'), ...ld(9, f32le(1))]], ...io })),
      /initializer\[0\] \("w"\) has no data_type/,
    );
  });
});
