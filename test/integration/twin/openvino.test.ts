// The model-server emulators on their own: OpenVINO Model Server loading a model directory as OVMS
// does (version directories, one .onnx file; errors for none or a broken file), its v2 REST API and
// errors, the constant-output fault; TGIS loading the harness's tiny model (and refusing it without
// config.json), its greedy generation agreeing with the harness's own decoding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { greedyContinuation, tinyModel, tinyModelFiles } from '../../../support/serving/tiny-llm';
import { FaultSet } from '../../../twin/fault-set';
import { FAULT_CATALOGUE } from '../../../twin/faults';
import { onnx } from 'onnx-proto';
import { scaleRow, TUTORIAL_TRANSACTIONS } from '../../../twin/emulators/ml/index';
import { tensorInfo } from '../../../twin/emulators/ml/onnx-model';
import { OnnxSession } from '../../../twin/emulators/ml/onnx-session';
import { ModelLoadError, OvmsServer, OVMS_CONSTANT_FAULT } from '../../../twin/emulators/openvino';
import { loadBigramModel, ModelFormatError, TgisServer } from '../../../twin/emulators/text-generation';
import { PodFilesystem } from '../../../twin/emulators/volumes';
import { fraudModel } from './serving-helpers';
import { tempDir } from './helpers';

function filesystem(files: Record<string, Uint8Array | string>): PodFilesystem {
  const dir = tempDir('ovms');
  const models = path.join(dir, 'models');
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(models, name)), { recursive: true });
    fs.writeFileSync(path.join(models, name), body);
  }
  return new PodFilesystem(path.join(dir, 'root'), [{ mountPath: '/mnt/models', hostDir: models, readOnly: true }]);
}

function serve(server: OvmsServer): Promise<{ url: string; close(): void }> {
  const s = http.createServer((req, res) => server.handle(req, res));
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() })),
  );
}

async function call(url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

describe('OpenVINO Model Server emulator', () => {
  const quiet = () => undefined;
  let server: OvmsServer;
  let http1: { url: string; close(): void };
  before(async () => {
    server = new OvmsServer(
      new FaultSet([], FAULT_CATALOGUE),
      quiet,
      filesystem({ '1/model.onnx': fraudModel().onnx, '2/README.txt': 'not a model' }),
    );
    http1 = await serve(server);
  });
  after(() => http1?.close());

  it('loads the highest version directory with a model file, and refuses directories without one', async () => {
    assert.throws(
      () => server.locate('fraud', '/mnt/models'),
      (e: Error) => e instanceof ModelLoadError && /Could not find file for model: fraud version: 2/.test(e.message),
    );
    const fs1 = filesystem({ '1/model.onnx': fraudModel().onnx });
    assert.equal((await new OvmsServer(new FaultSet([], FAULT_CATALOGUE), quiet, fs1).load('fraud', '/mnt/models')).version, 1);
    const fresh = (files: Record<string, Uint8Array | string>) =>
      new OvmsServer(new FaultSet([], FAULT_CATALOGUE), quiet, filesystem(files));
    assert.throws(() => fresh({ 'notes.txt': 'x' }).locate('m', '/mnt/models'), /No version found for model in path: \/mnt\/models/);
    assert.throws(
      () => fresh({ '1/model.onnx': 'not onnx' }).locate('m', '/mnt/models'),
      /Cannot create model from \/mnt\/models\/1\/model.onnx: not an ONNX ModelProto/,
    );
    assert.throws(() => fresh({}).locate('m', '/mnt/models/none'), /does not exist/);
  });

  it("leaves a model ONNX Runtime refuses unavailable, answering 503 with the runtime's error", async () => {
    // Decodes as a ModelProto with a graph, but the graph reads a value nothing defines.
    const broken = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [{ opType: 'Relu', input: ['nowhere'], output: ['y'] }],
        input: [tensorInfo('x', ['n', 5])],
        output: [tensorInfo('y', ['n', 5])],
      },
    }).finish();
    const lines: string[] = [];
    const s = new OvmsServer(new FaultSet([], FAULT_CATALOGUE), (l) => lines.push(l), filesystem({ '1/model.onnx': broken }));
    await assert.rejects(s.load('broken', '/mnt/models'), (e: Error) => e instanceof ModelLoadError && /nowhere/.test(e.message));
    const h = await serve(s);
    try {
      const ready = await call(`${h.url}/v2/models/broken/ready`);
      assert.equal(ready.status, 503);
      assert.match(String(ready.json.error), /not available: .*Cannot create model from \/mnt\/models\/1\/model.onnx/);
      assert.equal((await call(`${h.url}/v2/health/ready`)).status, 503);
      assert.ok(
        lines.some((l) => l.startsWith('[error]') && /nowhere/.test(l)),
        lines.join('\n'),
      );
    } finally {
      h.close();
    }
  });

  it('answers the v2 REST API with real inference, and errors in the v2 error format', async () => {
    const fresh = new OvmsServer(new FaultSet([], FAULT_CATALOGUE), quiet, filesystem({ '1/model.onnx': fraudModel().onnx }));
    void fresh.open(fresh.locate('fraud', '/mnt/models')); // as the container starts: requests wait for the runtime
    const h = await serve(fresh);
    try {
      assert.equal((await call(`${h.url}/v2/health/ready`)).status, 200);
      assert.equal((await call(`${h.url}/v2/models/fraud/ready`)).status, 200);
      assert.equal((await call(`${h.url}/v2`)).json.name, 'OpenVINO Model Server');
      const meta = await call(`${h.url}/v2/models/fraud/versions/1`);
      assert.deepEqual(meta.json.outputs, [{ name: 'dense_3', datatype: 'FP32', shape: [-1, 1] }]);
      const batch = await call(`${h.url}/v2/models/fraud/infer`, {
        id: 'r1',
        inputs: [
          {
            name: 'dense_input',
            shape: [2, 5],
            datatype: 'FP32',
            data: [
              [0, 0, 0, 0, 0],
              [1, 1, 1, 1, 1],
            ],
          },
        ],
      });
      assert.equal(batch.status, 200);
      assert.equal(batch.json.id, 'r1');
      const out = (batch.json.outputs as { shape: number[]; data: number[] }[])[0]!;
      assert.deepEqual(out.shape, [2, 1]);
      assert.ok(out.data.every((p) => p >= 0 && p <= 1));
      for (const [body, status, words] of [
        ['{', 400, /Invalid JSON/],
        [{ inputs: [] }, 400, /Invalid number of inputs - Expected: 1; Actual: 0/],
        [{ inputs: [{ name: 'x', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] }, 400, /Required input: dense_input/],
        [{ inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3] }] }, 400, /Expected: 5; Actual: 3/],
        [
          { inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }], outputs: [{ name: 'nope' }] },
          400,
          /Invalid output name: nope/,
        ],
      ] as const) {
        const r = await call(`${h.url}/v2/models/fraud/infer`, body);
        assert.equal(r.status, status, JSON.stringify(body));
        assert.match(String(r.json.error), words);
      }
      assert.equal((await call(`${h.url}/v2/models/fraud/versions/3`)).status, 404);
    } finally {
      h.close();
    }
  });

  it('answers what ONNX Runtime computes from the file for the tutorial transactions', async () => {
    const { onnx: bytes, scaler } = fraudModel();
    const s = new OvmsServer(new FaultSet([], FAULT_CATALOGUE), quiet, filesystem({ '1/model.onnx': bytes }));
    const h = await serve(s);
    await s.load('fraud', '/mnt/models');
    const session = await OnnxSession.fromBytes(bytes);
    try {
      for (const t of Object.values(TUTORIAL_TRANSACTIONS)) {
        const scaled = scaleRow(scaler, [...t.raw]);
        const answer = await call(`${h.url}/v2/models/fraud/infer`, {
          inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: scaled }],
        });
        const direct = (await session.run({ dense_input: { dims: [1, 5], data: scaled } })).dense_3;
        const served = (answer.json.outputs as { data: number[] }[])[0]!.data;
        assert.deepEqual(served, Array.from(direct.data, Number));
        assert.equal(served[0]! > 0.95, t.fraud, JSON.stringify(served));
      }
    } finally {
      h.close();
    }
  });

  it('answers 0.5 for every input under the constant-output fault', async () => {
    const faulty = new OvmsServer(
      new FaultSet([OVMS_CONSTANT_FAULT], FAULT_CATALOGUE),
      quiet,
      filesystem({ '1/model.onnx': fraudModel().onnx }),
    );
    const model = await faulty.load('fraud', '/mnt/models');
    const answer = await faulty.infer(
      model,
      Buffer.from(
        JSON.stringify({ inputs: [{ name: 'dense_input', shape: [2, 5], datatype: 'FP32', data: [0, 0, 0, 0, 0, 9, 9, 0, 0, 1] }] }),
      ),
    );
    assert.deepEqual((answer.body as { outputs: { data: number[] }[] }).outputs[0]!.data, [0.5, 0.5]);
  });
});

describe("TGIS emulator and the harness's tiny model", () => {
  it('loads the tiny model and generates what the harness computes', () => {
    const files = tinyModelFiles();
    const model = loadBigramModel(filesystem(files), '/mnt/models');
    const tgis = new TgisServer(model);
    for (const prompt of ['the la', 'qu', 'x', ''])
      assert.equal(tgis.generate(prompt, 12).text, greedyContinuation(tinyModel(), prompt, 12), prompt);
  });
  it('refuses the model without its config.json, a wrong tokenizer, or a truncated tensor file', () => {
    const files = tinyModelFiles();
    const without = (name: string) => Object.fromEntries(Object.entries(files).filter(([k]) => k !== name));
    assert.throws(
      () => loadBigramModel(filesystem(without('config.json')), '/mnt/models/'),
      (e: Error) => e instanceof ModelFormatError && /does not appear to have a file named config.json/.test(e.message),
    );
    assert.throws(
      () =>
        loadBigramModel(filesystem({ ...files, 'tokenizer.json': JSON.stringify({ model: { type: 'BPE', vocab: {} } }) }), '/mnt/models'),
      /WordLevel vocabulary/,
    );
    assert.throws(
      () => loadBigramModel(filesystem({ ...files, 'model.safetensors': files['model.safetensors']!.subarray(0, 100) }), '/mnt/models'),
      /safetensors/,
    );
  });
});
