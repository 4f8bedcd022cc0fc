// Elyra in the twin's workbench images (twin/emulators/workbench/elyra.ts): the KFP v2 IR it
// compiles a pipeline to is one the twin's API server accepts (ir.ts), with a task per node named
// after the node, the nodes' order, the bootstrapper's arguments, and the object storage Secret and
// the node's Kubernetes secrets in the platform spec; the dependency archives round-trip (tar.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
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

test('dependency archives round-trip, long paths included', () => {
  const long = `${'d/'.repeat(70)}card_transdata.csv`;
  const files: [string, Buffer][] = [
    ['1_experiment_train.ipynb', Buffer.from('{"cells": []}')],
    [long, Buffer.alloc(1500, 'x')],
  ];
  const back = untarGz(tarGz(files));
  assert.deepEqual([...back.keys()], ['1_experiment_train.ipynb', long]);
  assert.equal(back.get(long)!.length, 1500);
});
