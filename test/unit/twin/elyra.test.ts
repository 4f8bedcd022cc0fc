// Elyra in the twin's workbench images (twin/emulators/workbench/elyra.ts): the KFP v2 IR it
// compiles a pipeline to is one the twin's API server accepts (ir.ts), with a task per node named
// after the node, the nodes' order, the bootstrapper's arguments, and the object storage Secret and
// the node's Kubernetes secrets in the platform spec; the dependency archives round-trip (tar.ts)
// and read back, names and contents, by the harness's reader (support/pipelines/elyra-archive.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { untar } from '../../../support/pipelines/elyra-archive';
import { compileElyraPipeline, type ElyraNode } from '../../../twin/emulators/workbench/elyra';
import { tarGz, untarGz } from '../../../twin/emulators/workbench/tar';
import { parsePipelineIr } from '../../../twin/emulators/pipelines/ir';

const node = (over: Partial<ElyraNode>): ElyraNode => ({
  id: 'a',
  label: 'a.ipynb',
  name: 'a-ipynb',
  filename: 'a.ipynb',
  runtimeImage: 'quay.io/modh/runtime-images:runtime-cuda-tensorflow-ubi9-python-3.9-2023b-20240301',
  dependencies: [],
  includeSubdirectories: false,
  outputs: [],
  inputs: [],
  envVars: [],
  secrets: [],
  labels: [],
  annotations: [],
  parents: [],
  ...over,
});

test('the IR Elyra compiles is accepted by the API server, a task per node in the nodes order, secrets as env', () => {
  const train = node({
    id: 'n1',
    name: '1_experiment_train-ipynb',
    filename: '1_experiment_train.ipynb',
    outputs: ['models/fraud/1/model.onnx'],
  });
  const save = node({
    id: 'n2',
    name: '2_save_model-ipynb',
    filename: '2_save_model.ipynb',
    parents: ['n1'],
    inputs: ['models/fraud/1/model.onnx'],
    secrets: [{ env_var: 'AWS_S3_BUCKET', name: 'aws-connection-my-storage', key: 'AWS_S3_BUCKET' }],
  });
  const text = compileElyraPipeline(
    { name: '6 Train Save', source: '6 Train Save.pipeline', nodes: [train, save] },
    {
      cosEndpoint: 'http://minio:9000',
      cosBucket: 'pipeline-artifacts',
      cosDirectory: '6 Train Save-1204120000',
      cosSecret: 'dashboard-dspa-secret',
    },
  );
  const ir = parsePipelineIr(text);
  assert.equal(ir.name, '6-train-save');
  assert.deepEqual(
    ir.tasks.map((t) => [t.displayName, t.dependentTasks]),
    [
      ['1_experiment_train-ipynb', []],
      ['2_save_model-ipynb', ['run-a-file']],
    ],
  );
  const args = String(ir.spec.deploymentSpec.executors['exec-run-a-file-2'].container.args[0]);
  assert.match(
    args,
    /--cos-dependencies-archive '2_save_model-n2\.tar\.gz' --file '2_save_model\.ipynb' --inputs 'models\/fraud\/1\/model\.onnx'/,
  );
  const k8s = ir.platform!.platforms.kubernetes.deploymentSpec.executors['exec-run-a-file-2'];
  assert.deepEqual(
    k8s.secretAsEnv.map((s: { secretName: string }) => s.secretName),
    ['dashboard-dspa-secret', 'aws-connection-my-storage'],
  );
  assert.equal(
    ir.spec.deploymentSpec.executors['exec-run-a-file'].container.env.some((e: { name: string }) => e.name === 'AWS_ACCESS_KEY_ID'),
    false,
  );
});

test('dependency archives round-trip, long paths included', async () => {
  const long = `${'d/'.repeat(70)}card_transdata.csv`;
  const files: [string, Buffer][] = [
    ['1_experiment_train.ipynb', Buffer.from('{"cells": []}')],
    [long, Buffer.alloc(1500, 'x')],
  ];
  const back = await untarGz(await tarGz(files));
  assert.deepEqual([...back.keys()], ['1_experiment_train.ipynb', long]);
  assert.equal(back.get(long)!.length, 1500);
});

test("the harness reads the twin's archive: the same names, in order, and the same contents", async () => {
  const files: [string, Buffer][] = [
    ['2_save_model.ipynb', Buffer.from('{"cells": [], "nbformat": 4}')],
    ['models/fraud/1/model.onnx', Buffer.from([0, 1, 2, 255, 0x0a])],
    [`${'deep/'.repeat(25)}data.csv`, Buffer.alloc(513, 'y')],
    ['empty.txt', Buffer.alloc(0)],
  ];
  const read = await untar(await tarGz(files));
  assert.deepEqual(
    [...read.entries()],
    files.map(([name, data]) => [name, data]),
  );
});

test('an archive is a gzipped ustar of regular files, mode 0644, owned by root, dated as asked', async () => {
  const mtime = Date.UTC(2024, 2, 1, 12, 0, 0);
  const tar = gunzipSync(await tarGz([['a.ipynb', Buffer.from('{}')]], mtime));
  assert.equal(tar.subarray(257, 265).toString('latin1'), 'ustar\u000000');
  const entries = extract();
  entries.end(tar);
  const headers = [];
  for await (const entry of entries) {
    entry.resume();
    headers.push(entry.header);
  }
  assert.equal(headers.length, 1);
  assert.deepEqual(
    {
      name: headers[0].name,
      type: headers[0].type,
      mode: headers[0].mode,
      uid: headers[0].uid,
      gid: headers[0].gid,
      size: headers[0].size,
    },
    { name: 'a.ipynb', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 2 },
  );
  assert.equal(headers[0].mtime?.getTime(), mtime);
});

test("what is not a .tar.gz fails in tar's words", async () => {
  await assert.rejects(untarGz(Buffer.from('plain text')), /gzip: stdin: not in gzip format/);
  await assert.rejects(untarGz(gzipSync(Buffer.alloc(1024, 'z'))), /tar: This does not look like a tar archive/);
});
