// The twin's named node sets (rhoai-twin serve --nodes, RHOAI_TWIN_NODES) and the Serverless
// releases it plays (which Serving deployments each ships).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNodes, nodeSet } from '../../../twin/bootstrap';
import { servingRelease } from '../../../twin/controllers/serverless';
import { twinArguments } from '../../../support/core/target/twin-process';

test('no-gpu: the default nodes without the NVIDIA GPU worker', () => {
  const all = loadNodes();
  const noGpu = nodeSet('no-gpu');
  assert.ok(
    all.some((n) => n.extended?.['nvidia.com/gpu']),
    'the default set has a GPU worker',
  );
  assert.ok(!noGpu.some((n) => n.extended?.['nvidia.com/gpu']));
  assert.deepEqual(
    noGpu.map((n) => n.name),
    all.filter((n) => n.name !== 'worker-gpu-0').map((n) => n.name),
  );
  assert.deepEqual(nodeSet('default'), all);
});

test('the embedded twin gets --nodes only for a set other than default', () => {
  const launch = { cli: 'twin/cli.ts', cwd: '.', workDir: '/w', auditLog: '/w/a', faults: [], latencyMs: 0, exitWithPid: 1, timeoutMs: 1 };
  assert.ok(!twinArguments({ ...launch, nodes: 'default' }).includes('--nodes'));
  const args = twinArguments({ ...launch, nodes: 'no-gpu' });
  assert.equal(args[args.indexOf('--nodes') + 1], 'no-gpu');
});

test('Serverless 1.31 ships the domain-mapping deployments, 1.32 and later do not', () => {
  const names = (v: string) => servingRelease(v).deployments.map((d) => d.name);
  assert.ok(names('1.31.0').includes('domain-mapping') && names('1.31.0').includes('domainmapping-webhook'));
  assert.ok(!names('1.32.0').includes('domain-mapping') && !names('1.33.1').includes('domainmapping-webhook'));
  assert.deepEqual(
    [servingRelease('1.31.0').knative, servingRelease('1.32.0').knative, servingRelease('1.33.0').knative],
    ['1.10', '1.11', '1.12'],
  );
  assert.throws(() => servingRelease('x'), /unexpected Serverless version/);
});
