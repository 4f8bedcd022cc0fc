// Runs as users make them (issue 15): which scenarios get the installer run first on the embedded
// twin, and which values of an API answer are a Secret's (registered with the redactor).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, secretValuesIn } from '../../../support/core/cluster';
import { Redactor } from '../../../support/core/redact';
import { needsInstalledPlatform } from '../../../support/core/target/install-first';
import { FakeKubeApi } from './helpers/fake-kube-api';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('which scenarios need the installer run first', () => {
  test('tutorials and distributed workloads do; the installer, access and smoke features do not', () => {
    assert.equal(needsInstalledPlatform('features/40-tutorials/02-workbenches.feature'), true);
    assert.equal(needsInstalledPlatform('features/20-distributed-workloads/01-operator-pods.feature'), true);
    assert.equal(needsInstalledPlatform('features/10-install/02-components.feature'), false);
    assert.equal(needsInstalledPlatform('features/00-access/01-login.feature'), false);
    assert.equal(needsInstalledPlatform('features/00-smoke/cluster.feature'), false);
  });

  test('an installer feature that builds on earlier ones does when it starts a serial run', () => {
    assert.equal(needsInstalledPlatform('features/10-install/06-kserve-manual-mode.feature', true), true);
    assert.equal(needsInstalledPlatform('features/10-install/06-kserve-manual-mode.feature', false), false);
    assert.equal(needsInstalledPlatform('features/10-install/01-rhoai-operator.feature', true), false);
    assert.equal(needsInstalledPlatform('features/00-access/01-login.feature', true), false);
  });
});

describe('Secret values in API answers', () => {
  test('a Secret, a SecretList (items carry no kind) and a wait result of Secrets', () => {
    assert.deepEqual(
      secretValuesIn({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        data: { a: b64('alpha-value') },
        stringData: { b: 'beta-value' },
      }),
      ['alpha-value', 'beta-value'],
    );
    assert.deepEqual(secretValuesIn({ kind: 'SecretList', items: [{ metadata: { name: 'x' }, data: { k: b64('from-list') } }] }), [
      'from-list',
    ]);
    assert.deepEqual(secretValuesIn([{ metadata: { name: 'y' }, data: { k: b64('from-wait') } }], true), ['from-wait']);
    assert.deepEqual(secretValuesIn({ kind: 'ConfigMap', data: { k: 'not-a-secret' } }), []);
    assert.deepEqual(secretValuesIn({ kind: 'PodList', items: [{ metadata: { name: 'p' }, data: { k: 'x' } }] }), []);
  });

  test('the client tells its observer what a Secret it read holds, and a redactor then hides it', async () => {
    const api = await FakeKubeApi.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'users-runs-'));
    const kc = new KubeConfig();
    kc.loadFromFile(api.writeKubeconfig(dir));
    try {
      api.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kept', namespace: 'p' },
        data: { TOKEN: b64('value-of-an-earlier-run') },
      });
      const redactor = new Redactor();
      const client = ClusterClient.fromKubeConfig(kc).withObserver({
        secretValues: (values) => values.forEach((v) => redactor.addSecret(v)),
      });
      await client.get({ apiVersion: 'v1', kind: 'Secret', name: 'kept', namespace: 'p' });
      assert.equal(redactor.redactText('the pod has value-of-an-earlier-run'), 'the pod has [redacted]');
      const listed = new Redactor();
      const lister = ClusterClient.fromKubeConfig(kc).withObserver({
        secretValues: (values) => values.forEach((v) => listed.addSecret(v)),
      });
      await lister.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'p' });
      assert.equal(listed.redactText('value-of-an-earlier-run'), '[redacted]');
    } finally {
      await api.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
