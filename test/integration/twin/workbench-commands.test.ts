// The commands of the twin's workbench images, run as exec runs them (the container's shell and
// commands over a pod filesystem): git clone of the tutorial replica and of anything else, pip
// without a package index, and the kernel behind `jupyter nbconvert --execute` — which runs the
// tutorial's cells in order and refuses what it does not know instead of pretending.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClusterNetwork } from '../../../twin/network/cluster-network';
import { runCommand } from '../../../twin/emulators/shell';
import type { CommandHandler } from '../../../twin/emulators/types';
import { PodFilesystem } from '../../../twin/emulators/volumes';
import { jupyterCommand, pipCommand } from '../../../twin/emulators/workbench/commands';
import { gitCommand } from '../../../twin/emulators/workbench/git';
import { WORKBENCH_IMAGES, workbenchImageOf } from '../../../twin/emulators/workbench/images';
import { statements, TutorialKernel } from '../../../twin/emulators/workbench/kernel';

const HOME = '/opt/app-root/src';
const image = (stream: string) => WORKBENCH_IMAGES.find((w) => w.imageStream === stream)!;

interface Pod {
  fs: PodFilesystem;
  run(argv: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
}

function pod(dir: string, stream: string, faults: string[] = []): Pod {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const podFs = new PodFilesystem(path.join(dir, 'root'), [{ mountPath: HOME, hostDir: home, readOnly: false }]);
  const has = { has: (n: string) => faults.includes(n) };
  const deps = { image: image(stream), namespace: 'ns', network: {} as ClusterNetwork, faults: has };
  const commands: Record<string, CommandHandler> = { git: gitCommand(has), pip: pipCommand(deps), jupyter: jupyterCommand(deps) };
  return {
    fs: podFs,
    async run(argv, env = {}) {
      let stdout = '';
      let stderr = '';
      const code = await runCommand(commands, argv, {
        env: { PATH: '/usr/bin', ...env },
        cwd: HOME,
        fs: podFs,
        stdin: async () => Buffer.alloc(0),
        stdout: (c) => (stdout += c),
        stderr: (c) => (stderr += c),
        signal: new AbortController().signal,
      });
      return { code, stdout, stderr };
    },
  };
}

describe('workbench commands', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-wb-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the image of a pod: by image stream, and by the quay repository two streams share (the digest decides)', () => {
    assert.equal(
      workbenchImageOf('image-registry.openshift-image-registry.svc:5000/redhat-ods-applications/tensorflow:2024.1')?.displayName,
      'TensorFlow',
    );
    const digest = createHash('sha256').update('tensorflow:2024.1').digest('hex');
    assert.equal(workbenchImageOf(`quay.io/modh/cuda-notebooks@sha256:${digest}`)?.displayName, 'TensorFlow');
    assert.equal(workbenchImageOf('quay.io/modh/cuda-notebooks:latest')?.displayName, 'CUDA');
    assert.equal(workbenchImageOf('quay.io/minio/minio:latest'), undefined);
  });

  test("git clone: the replica for the tutorial URL, a failure as without network for anything else, and git's own refusals", async () => {
    const p = pod(path.join(dir, 'git'), 'tensorflow');
    const other = await p.run(['git', 'clone', 'https://example.com/other/repo.git']);
    assert.deepEqual([other.code, /Could not resolve host: example\.com/.test(other.stderr)], [128, true]);
    const branch = await p.run(['git', 'clone', '-b', 'main', 'https://github.com/rh-aiservices-bu/fraud-detection.git']);
    assert.deepEqual([branch.code, /Remote branch main not found in upstream origin/.test(branch.stderr)], [128, true]);
    const ok = await p.run(['git', 'clone', '--branch', 'v2.9', 'https://github.com/rh-aiservices-bu/fraud-detection', 'fd']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await p.run(['git', '-C', 'fd', 'rev-parse', '--abbrev-ref', 'HEAD'])).stdout, 'v2.9\n');
    assert.equal(
      (await p.run(['git', '-C', 'fd', 'remote', 'get-url', 'origin'])).stdout,
      'https://github.com/rh-aiservices-bu/fraud-detection\n',
    );
    const again = await p.run(['git', 'clone', 'https://github.com/rh-aiservices-bu/fraud-detection', 'fd']);
    assert.deepEqual([again.code, /already exists and is not an empty directory/.test(again.stderr)], [128, true]);
    const csv = (await p.fs.readFile(`${HOME}/fd/data/card_transdata.csv`)).toString();
    assert.match(
      csv,
      /^distance_from_home,distance_from_last_transaction,ratio_to_median_purchase_price,repeat_retailer,used_chip,used_pin_number,online_order,fraud\n/,
    );
    const nb = JSON.parse((await p.fs.readFile(`${HOME}/fd/1_experiment_train.ipynb`)).toString());
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.metadata.kernelspec.name, 'python3');
  });

  test('a mirror the twin is told about (RHOAI_TWIN_GIT_MIRRORS) clones; under the fault nothing does', async () => {
    process.env.RHOAI_TWIN_GIT_MIRRORS = 'https://gitea.example.com/ai/fraud-detection.git';
    try {
      assert.equal(
        (await pod(path.join(dir, 'mirror'), 'tensorflow').run(['git', 'clone', 'https://gitea.example.com/ai/fraud-detection.git'])).code,
        0,
      );
    } finally {
      delete process.env.RHOAI_TWIN_GIT_MIRRORS;
    }
    const cut = await pod(path.join(dir, 'cut'), 'tensorflow', ['tutorial-repository-unreachable']).run([
      'git',
      'clone',
      'https://github.com/rh-aiservices-bu/fraud-detection.git',
    ]);
    assert.deepEqual([cut.code, /Could not resolve host: github\.com/.test(cut.stderr)], [128, true]);
  });

  test('pip: what the image has is already satisfied; anything else fails as without a package index', async () => {
    const tf = pod(path.join(dir, 'pip'), 'tensorflow');
    const have = await tf.run(['pip', 'install', 'onnx', 'boto3>=1.30']);
    assert.equal(have.code, 0);
    assert.match(have.stdout, /Requirement already satisfied: onnx/);
    const missing = await tf.run(['pip', 'install', 'torch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find a version that satisfies the requirement torch \(from versions: none\)/);
    const pinned = await tf.run(['pip', 'install', 'onnx==1.12.0']);
    assert.equal(pinned.code, 1, 'a version the image does not have needs the index');
  });

  test('pip download: the index of PIP_INDEX_URL (else pypi.org) answers; without egress it fails naming the index path', async () => {
    const tf = pod(path.join(dir, 'pip-download'), 'tensorflow');
    const fetched = await tf.run(['pip', 'download', '--no-deps', '--dest', '/tmp/probe', 'onnxruntime']);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stdout, /Successfully downloaded onnxruntime/);
    assert.doesNotMatch(fetched.stdout, /Looking in indexes/, 'pip names only an index that is not its default');
    const mirror = await tf.run(['pip', 'download', '--no-deps', 'seaborn'], {
      PIP_INDEX_URL: 'https://nexus.example.com/repository/pypi/simple',
    });
    assert.equal(mirror.code, 0);
    assert.match(mirror.stdout, /Looking in indexes: https:\/\/nexus\.example\.com\/repository\/pypi\/simple/);
    const unknown = await tf.run(['pip', 'download', '--no-deps', 'no-such-package-anywhere']);
    assert.equal(unknown.code, 1);
    const offline = pod(path.join(dir, 'pip-offline'), 'tensorflow', ['workbench-no-egress']);
    const refused = await offline.run(['pip', 'download', '--no-deps', 'onnxruntime'], {
      PIP_INDEX_URL: 'https://nexus.example.com/simple',
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Network is unreachable'\)': \/simple\/onnxruntime\//);
    assert.match(refused.stderr, /No matching distribution found for onnxruntime/);
  });

  test('the training notebook in an image without TensorFlow fails at its imports, and nbconvert says which cell', async () => {
    const p = pod(path.join(dir, 'minimal'), 's2i-minimal-notebook');
    assert.equal((await p.run(['git', 'clone', 'https://github.com/rh-aiservices-bu/fraud-detection.git'])).code, 0);
    const r = await p.run(['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'fraud-detection/1_experiment_train.ipynb']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CellExecutionError[\s\S]*ModuleNotFoundError: No module named 'numpy'/);
    assert.ok(
      !fs.existsSync(path.join(dir, 'minimal', 'home', 'fraud-detection', '1_experiment_train.nbconvert.ipynb')),
      'nbconvert writes no notebook when a cell fails',
    );
  });

  test('the training fault: tf2onnx fails, no model file, the notebook fails naming the model', async () => {
    const p = pod(path.join(dir, 'fault'), 'tensorflow', ['tutorial-training-writes-no-model']);
    assert.equal((await p.run(['git', 'clone', 'https://github.com/rh-aiservices-bu/fraud-detection.git'])).code, 0);
    const r = await p.run(['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'fraud-detection/1_experiment_train.ipynb']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CellExecutionError[\s\S]*ValueError: tf2onnx could not convert[\s\S]*model\.onnx was not written/);
    assert.ok(!fs.existsSync(path.join(dir, 'fault', 'home', 'fraud-detection', 'models', 'fraud', '1', 'model.onnx')));
  });

  test('nbconvert: a missing notebook and invalid JSON are refused as nbconvert refuses them', async () => {
    const p = pod(path.join(dir, 'nb'), 'tensorflow');
    assert.equal((await p.run(['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'nope.ipynb'])).code, 255);
    await p.fs.writeFile(`${HOME}/bad.ipynb`, 'not json');
    const bad = await p.run(['jupyter', 'nbconvert', '--to', 'notebook', '--execute', 'bad.ipynb']);
    assert.deepEqual([bad.code, /NotJSONError/.test(bad.stderr)], [1, true]);
  });
});

describe('the kernel', () => {
  const host = (dir: string, stream = 'tensorflow') => {
    fs.mkdirSync(dir, { recursive: true });
    const podFs = new PodFilesystem(dir, []);
    return {
      image: image(stream),
      env: {},
      cwd: '/',
      fs: podFs,
      namespace: 'ns',
      network: {} as ClusterNetwork,
      run: async () => 0,
      signal: new AbortController().signal,
      faults: { has: () => false },
    };
  };

  test('logical lines: comments dropped, bracketed continuations joined, block bodies indented', () => {
    assert.deepEqual(
      statements('# a comment\nx = f(1,\n      2)  # trailing\nif not ok:\n    raise ValueError("a "\n                     "b")\n').map(
        (s) => [s.line, s.text],
      ),
      [
        [2, 'x = f(1, 2)'],
        [4, 'if not ok:'],
        [5, '    raise ValueError("a " "b")'],
      ],
    );
  });

  test('a cell it does not know fails with NotImplementedError, not silently', async () => {
    const k = new TutorialKernel(host(fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-k-'))));
    const { error } = await k.execute('import os\nos.system("rm -rf /")');
    assert.equal(error?.ename, 'NotImplementedError');
    assert.match(error!.evalue, /does not know this one \(it starts with: os\.system/);
  });

  test('order matters: using the data before loading it is a NameError; an import the image lacks is a ModuleNotFoundError', async () => {
    const k = new TutorialKernel(host(fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-k-'))));
    const early = await k.execute(
      "X = Data.drop(columns = ['fraud'])\ny = Data['fraud']\nA, B, C, D = train_test_split(X, y, test_size = 0.2, shuffle = False)\nA, B, C, D = train_test_split(A, C, test_size = 0.2, stratify = C)\nscaler = StandardScaler()",
    );
    assert.deepEqual([early.error?.ename, early.error?.evalue], ['NameError', "name 'Data' is not defined"]);
    const minimal = new TutorialKernel(host(fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-k-')), 's2i-minimal-notebook'));
    const imports = await minimal.execute('import numpy as np');
    assert.deepEqual([imports.error?.ename, imports.error?.evalue], ['ModuleNotFoundError', "No module named 'numpy'"]);
  });

  test("the upload notebook's check of the data connection: any empty AWS_* variable raises the cell's ValueError", async () => {
    const h = host(fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-k-')));
    const k = new TutorialKernel({
      ...h,
      env: {
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
        AWS_S3_ENDPOINT: 'http://minio.ns.svc:9000',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    });
    const source = (await import('../../../twin/emulators/workbench/tutorial-notebooks')).SAVE_NOTEBOOK.filter(
      (c) => c.cell_type === 'code',
    )[1].source;
    const r = await k.execute(source);
    assert.equal(r.error?.ename, 'ValueError');
    assert.match(r.error!.evalue, /One or more data connection variables are empty/);
  });
});
