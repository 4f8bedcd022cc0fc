// support/serving/onnx-model: the harness's check that a stored object is a valid ONNX model, reading
// it with onnx-proto. It finds in the twin's model files (both layouts) what ONNX Runtime reports of
// them, reads tf2onnx- and PyTorch-shaped models, and refuses empty, truncated, random and text bytes
// (an S3 error page) and models that no runtime could load, naming the cause.
import { before, describe, it } from 'node:test';
import { expect } from 'chai';
import { onnx } from 'onnx-proto';
import { InvalidOnnxModel, describeOnnx, inspectOnnx } from '../../../support/serving/onnx-model';
import { encodeModel, floatTensor, intAttribute, tensorInfo, writeOnnxModel } from '../../../twin/emulators/ml/onnx-model';
import { OnnxSession } from '../../../twin/emulators/ml/onnx-session';
import { seededRandom } from '../../../twin/emulators/ml/random';
import { generateCardTransactions } from '../../../twin/emulators/ml/synthetic-card-data';
import { trainFraudModel, type TrainingResult } from '../../../twin/emulators/ml/train';

let trained: TrainingResult;

before(() => {
  trained = trainFraudModel(generateCardTransactions({ rows: 4000 }), { epochs: 1 });
});

function refused(bytes: Uint8Array, message: RegExp, source = 's3://my-storage/models/fraud/1/model.onnx'): void {
  expect(() => inspectOnnx(bytes, source))
    .to.throw(InvalidOnnxModel)
    .with.property('message')
    .that.matches(message);
}

const model = (graph: onnx.IGraphProto, fields: onnx.IModelProto = {}): Uint8Array =>
  onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph, ...fields }).finish();
const relu = (input = 'x', output = 'y'): onnx.INodeProto => ({ opType: 'Relu', input: [input], output: [output] });
const io = { input: [tensorInfo('x', ['n', 2])], output: [tensorInfo('y', ['n', 2])] };

describe("inspectOnnx on the twin's model files", () => {
  for (const style of ['matmul-add', 'gemm'] as const) {
    it(`finds the inputs and outputs ONNX Runtime reports (${style})`, async () => {
      const bytes = writeOnnxModel(trained.network, { style });
      const summary = inspectOnnx(bytes);
      const session = await OnnxSession.fromBytes(bytes);
      expect(summary.bytes).to.equal(bytes.length);
      expect([summary.irVersion, summary.opsets, summary.producerName, summary.graphName]).to.deep.equal([
        7,
        [{ domain: '', version: 13 }],
        'rhoai-twin',
        'sequential',
      ]);
      const io = (list: { name: string; shape: (number | string)[] }[]) =>
        list.map((v) => ({ name: v.name, elemType: 'FLOAT', shape: v.shape }));
      expect(summary.inputs).to.deep.equal(io(session.inputs));
      expect(summary.outputs).to.deep.equal(io(session.outputs));
      expect(summary.initializerCount).to.equal(8);
      expect(summary.parameterCount).to.equal(2337);
    });
  }

  it("reports the tutorial's interface in one line", () => {
    const summary = inspectOnnx(writeOnnxModel(trained.network));
    expect(summary.inputs).to.deep.equal([{ name: 'dense_input', elemType: 'FLOAT', shape: ['unk__batch', 5] }]);
    expect(summary.outputs).to.deep.equal([{ name: 'dense_3', elemType: 'FLOAT', shape: ['unk__batch', 1] }]);
    expect(describeOnnx(summary)).to.match(
      /^ONNX IR 7, opset ai\.onnx 13, by rhoai-twin, \d+ bytes: dense_input FLOAT \[unk__batch, 5\] → dense_3 FLOAT \[unk__batch, 1\]; 12 nodes \(MatMul×4, Add×4, Relu×3, Sigmoid\); 8 initializers \(2337 parameters\)$/,
    );
  });
});

describe('inspectOnnx on models of other exporters', () => {
  it('reads a tf2onnx-style model: float_data and raw_data initializers, dim_param batch, Identity for dropout', () => {
    const bytes = encodeModel(
      {
        name: 'tf2onnx',
        node: [
          { opType: 'MatMul', input: ['dense_input', 'W'], output: ['m'] },
          { opType: 'Add', input: ['m', 'B'], output: ['a'] },
          { opType: 'Identity', input: ['a'], output: ['i'] },
          { opType: 'Sigmoid', input: ['i'], output: ['dense_3'] },
        ],
        initializer: [floatTensor('W', [5, 1], [1, 2, 3, 4, 5]), { name: 'B', dims: [1], dataType: 1, floatData: [0.5] }],
        input: [tensorInfo('dense_input', ['unk__6', 5])],
        output: [tensorInfo('dense_3', ['unk__6', 1])],
      },
      { producerName: 'tf2onnx', producerVersion: '1.13.0 2c1db5' },
    );
    const s = inspectOnnx(bytes);
    expect([s.producerName, s.producerVersion]).to.deep.equal(['tf2onnx', '1.13.0 2c1db5']);
    expect(s.opTypes).to.deep.equal(['MatMul', 'Add', 'Identity', 'Sigmoid']);
    expect(s.parameterCount).to.equal(6);
    expect(s.inputs[0].shape).to.deep.equal(['unk__6', 5]);
  });

  it('reads a PyTorch-style Gemm model whose graph inputs also list the initializers (IR < 4 exporters)', () => {
    const bytes = model(
      {
        node: [{ opType: 'Gemm', input: ['input', 'fc.weight', 'fc.bias'], output: ['output'], attribute: [intAttribute('transB', 1)] }],
        initializer: [floatTensor('fc.weight', [1, 5], [1, 1, 1, 1, 1]), floatTensor('fc.bias', [1], [0])],
        input: [tensorInfo('input', ['batch_size', 5]), tensorInfo('fc.weight', [1, 5]), tensorInfo('fc.bias', [1])],
        output: [tensorInfo('output', ['batch_size', 1])],
      },
      { producerName: 'pytorch', irVersion: 3, opsetImport: [{ domain: '', version: 9 }] },
    );
    const s = inspectOnnx(bytes);
    expect(
      s.inputs.map((i) => i.name),
      'initializer-backed inputs are not inputs a caller feeds',
    ).to.deep.equal(['input']);
    expect(s.opsets).to.deep.equal([{ domain: '', version: 9 }]);
  });
});

describe('inspectOnnx refuses what is not a valid ONNX model', () => {
  it('empty, truncated at every length, and random bytes', () => {
    refused(new Uint8Array(0), /^s3:\/\/my-storage\/models\/fraud\/1\/model\.onnx is not a valid ONNX model: it is empty \(0 bytes\)$/);
    const good = writeOnnxModel(trained.network);
    refused(good.subarray(0, 100), /the bytes do not decode as an ONNX ModelProto \(index out of range/);
    for (let n = 0; n < good.length; n += 13) refused(good.subarray(0, n), /is not a valid ONNX model: /);
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
      /do not decode as an ONNX ModelProto .* \(the object is text, starting "<\?xml version="1.0" encoding="UTF-8"\?> <", not a protobuf ModelProto\)$/,
    );
    refused(Buffer.from('{"inputs": []}'), /is not a valid ONNX model: .*\(the object is text, starting "\{"inputs": \[\]\}"/);
  });

  it('a protobuf that is not a model: no ir_version, no graph, no ai.onnx opset', () => {
    refused(onnx.ModelProto.encode({ producerName: 'x' }).finish(), /ModelProto has no ir_version \(field 1\)/);
    refused(onnx.ModelProto.encode({ irVersion: 7 }).finish(), /ModelProto has no graph \(field 7\)/);
    const tiny = { node: [relu()], ...io };
    refused(model(tiny, { opsetImport: [] }), /ModelProto imports no ai\.onnx operator set \(opset_import\)/);
    refused(model(tiny, { opsetImport: [{ domain: 'ai.onnx.ml', version: 3 }] }), /imports no ai\.onnx operator set/);
    expect(inspectOnnx(model(tiny, { opsetImport: [{ domain: 'ai.onnx', version: 13 }] })).opsets[0].domain).to.equal('ai.onnx');
  });

  it('a graph no runtime could load', () => {
    refused(model({ node: [], ...io }), /ModelProto\.graph has no nodes/);
    refused(
      model({ node: [{ name: 'mm', opType: 'MatMul', input: ['x', 'w'], output: ['y'] }], ...io }),
      /ModelProto\.graph\.node\[0\] \("mm"\) \(MatMul\) reads "w", which is neither a graph input, an initializer nor the output of an earlier node/,
    );
    refused(model({ node: [relu('x', 'z')], ...io }), /graph output "y" is produced by no node/);
    refused(model({ node: [relu()], input: io.input, output: [] }), /declares no outputs/);
    refused(model({ node: [{ input: ['x'], output: ['y'] }], ...io }), /ModelProto\.graph\.node\[0\] has no op_type/);
    refused(
      model({ node: [relu()], input: [{ name: 'x' }], output: io.output }),
      /ModelProto\.graph\.input\[0\] \("x"\) declares no element type/,
    );
    refused(
      model({ node: [relu()], initializer: [floatTensor('w', [3], [1, 2])], ...io }),
      /initializer\[0\] \("w"\): raw_data holds 8 bytes, but FLOAT \[3\] needs 12/,
    );
    refused(
      model({ node: [relu()], initializer: [{ name: 'w', dims: [2], dataType: 1, floatData: [1] }], ...io }),
      /initializer\[0\] \("w"\) holds 1 values, but \[2\] needs 2/,
    );
    refused(
      model({
        node: [relu()],
        initializer: [{ name: 'w', dims: [1], dataType: 1, externalData: [{ key: 'location', value: 'weights.bin' }], dataLocation: 1 }],
        ...io,
      }),
      /keeps its data in an external file, which is not stored with the model/,
    );
    refused(
      model({ node: [relu()], initializer: [{ name: 'w', dims: [1], rawData: new Uint8Array(4) }], ...io }),
      /initializer\[0\] \("w"\) has no data_type/,
    );
  });
});
