// The twin's CodeFlare SDK pieces: the Python kernel a notebook that uses the SDK runs in (real
// python3: names kept between cells, top-level await, errors as Python raises them, the SDK
// importable only where it is installed) and the recognition of a KFP task whose component uses the
// SDK (fixtures/distributed-workloads/ray-pipeline.yaml, the shape kfp 2.5 compiles).
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderTemplate } from '../../../support/core/fixtures';
import { PythonKernel, usesCodeflareSdk } from '../../../twin/emulators/codeflare-sdk/index';
import { codeflareSdkTask } from '../../../twin/emulators/codeflare-sdk/pipeline-task';
import type { ClusterNetwork } from '../../../twin/network/cluster-network';
import { PodFilesystem } from '../../../twin/emulators/volumes';
import { WORKBENCH_IMAGES } from '../../../twin/emulators/workbench/images';

const root = mkdtempSync(join(tmpdir(), 'codeflare-sdk-test-'));
const network = { appsDomain: 'apps.test', resolve: async () => ({ host: '127.0.0.1', port: 1 }) } as unknown as ClusterNetwork;
const image = (stream: string) => WORKBENCH_IMAGES.find((w) => w.imageStream === stream)!;

function kernel(stream: string): PythonKernel {
  return new PythonKernel({
    image: image(stream),
    site: '/opt/app-root/lib/python3.9/site-packages',
    env: {},
    cwd: '/',
    fs: new PodFilesystem(root, []),
    network,
    signal: new AbortController().signal,
    faults: { has: () => false },
  });
}

describe("the twin's CodeFlare SDK", () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a notebook kernel keeps names between cells, awaits at top level and reports errors as Python raises them', async () => {
    const k = kernel('tensorflow');
    try {
      assert.deepEqual((await k.execute('x = 6\nprint("x is", x)')).outputs, [{ output_type: 'stream', name: 'stdout', text: 'x is 6\n' }]);
      const awaited = await k.execute('import asyncio\nasync def f():\n    return x * 7\nawait f()');
      assert.equal(awaited.outputs.find((o) => o.output_type === 'execute_result')?.data['text/plain'], '42');
      const failed = await k.execute('1 / 0');
      assert.equal(failed.error?.ename, 'ZeroDivisionError');
      const sdk = await k.execute('from codeflare_sdk import Cluster, ClusterConfiguration\nClusterConfiguration(name="a").num_workers');
      assert.equal(sdk.error, undefined, JSON.stringify(sdk.outputs));
      assert.equal(k.executionCount, 4);
    } finally {
      k.shutdown();
    }
  });

  test('the SDK is importable only where it is installed (the code-server image has none until pip installs it)', async () => {
    const k = kernel('code-server-notebook');
    try {
      const r = await k.execute('import codeflare_sdk');
      assert.equal(r.error?.ename, 'ModuleNotFoundError');
    } finally {
      k.shutdown();
    }
  });

  test('a KFP task whose component imports codeflare_sdk is recognised, with whether its pip install line brings the SDK', () => {
    const file = join(__dirname, '../../../fixtures/distributed-workloads/ray-pipeline.yaml');
    const [spec] = renderTemplate(
      readFileSync(file, 'utf8'),
      {
        name: 'c',
        namespace: 'n',
        image: 'i',
        entrypoint: '"python -c 1"',
        answer: 'a',
        secret: 's',
        server: 'https://api.example:6443',
        waitTimeout: '10',
      },
      file,
    ) as { deploymentSpec: { executors: Record<string, { container: { command: string[] } }> } }[];
    const container = spec!.deploymentSpec.executors['exec-ray-fn']!.container;
    const task = codeflareSdkTask(container, 'ray_fn');
    assert.ok(task, 'the component of ray-pipeline.yaml was not recognised as a CodeFlare SDK task');
    assert.equal(task.installsSdk, true);
    assert.match(task.source, /def ray_fn\(\):/);
    const without = { command: container.command.map((c) => c.replace("'codeflare-sdk==0.16.0'", "'pandas'")) };
    assert.equal(codeflareSdkTask(without, 'ray_fn')?.installsSdk, false);
    assert.equal(codeflareSdkTask(container, 'other_fn'), undefined);
    assert.equal(usesCodeflareSdk([{ cell_type: 'code', source: ['from codeflare_sdk import Cluster'] }]), true);
    assert.equal(usesCodeflareSdk([{ cell_type: 'markdown', source: 'codeflare_sdk' }]), false);
  });
});
