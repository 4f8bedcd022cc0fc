// A twin restored from a snapshot is the same cluster, restarted: what kubectl created before is
// there with the same uids and resourceVersions, the CRDs it defined are served again, objects with
// owners are not collected, running pods start again, new Services get free cluster IPs, and the
// router presents a certificate the cluster's published ingress CA still verifies.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { kubectlOk, startCliTwin, tempDir, widgetCrd, type CliTwin } from './helpers';

const GROUP = 'snapshots.twin.test';

describe('a twin restored from a snapshot', () => {
  let first: CliTwin;
  let restored: CliTwin;
  const snapshotDir = tempDir('snapshot');
  const snapshot = path.join(snapshotDir, 'state.json');
  const before_: Record<string, { uid: string; rv: string }> = {};
  let firstIngressCa = '';

  const apply = (twin: CliTwin, name: string, objects: unknown[]) => {
    const file = path.join(twin.dir, name);
    fs.writeFileSync(file, objects.map((o) => yaml.dump(o)).join('---\n'));
    return kubectlOk(twin, ['apply', '-f', file]);
  };
  const get = async (twin: CliTwin, ...args: string[]) => JSON.parse(await kubectlOk(twin, ['get', ...args, '-o', 'json']));

  before(async () => {
    first = await startCliTwin(['--snapshot-on-exit', snapshot]);
    await apply(first, 'crd.yaml', [widgetCrd(GROUP)]);
    await kubectlOk(first, ['wait', '--for=condition=Established', `crd/widgets.${GROUP}`]);
    await kubectlOk(first, ['create', 'namespace', 'kept']);
    await kubectlOk(first, ['create', 'namespace', 'emptied']);
    await apply(first, 'objects.yaml', [
      { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: 'kept' }, spec: { size: 3 } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'kept' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] } },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'kept' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    ]);
    await kubectlOk(first, ['rollout', 'status', 'deployment/web', '-n', 'kept', '--timeout=30s']);
    for (const ref of [`widget.${GROUP}/w1`, 'deployment/web', 'service/web']) {
      const o = await get(first, ref, '-n', 'kept');
      before_[ref] = { uid: o.metadata.uid, rv: o.metadata.resourceVersion };
    }
    const rs = (await get(first, 'replicasets', '-n', 'kept')).items[0];
    before_.replicaset = { uid: rs.metadata.uid, rv: rs.metadata.resourceVersion };
    firstIngressCa = (await get(first, 'configmap', 'default-ingress-cert', '-n', 'openshift-config-managed')).data['ca-bundle.crt'];
    await first.stop();
    // The twin stopped between a namespace's last content going and the namespace itself going (a
    // race a run that deletes a project and ends at once can win): Terminating, nothing left in it.
    const state = JSON.parse(fs.readFileSync(snapshot, 'utf8'));
    const emptied = state.store.objects.find(
      (o: { resource: string; object: { metadata: { name: string } } }) =>
        o.resource === '/namespaces' && o.object.metadata.name === 'emptied',
    ).object;
    emptied.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    emptied.status = { phase: 'Terminating' };
    fs.writeFileSync(snapshot, JSON.stringify(state), { mode: 0o600 });
    restored = await startCliTwin(['--restore', snapshot]);
  });
  after(async () => {
    await restored?.stop();
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  });

  test('a namespace that was Terminating with nothing left in it goes away after the restart', async () => {
    // The namespace controller's first sync after a restart goes over every namespace, as
    // kube-controller-manager's informers start with a list: no later change is needed.
    await kubectlOk(restored, ['wait', '--for=delete', 'namespace/emptied', '--timeout=20s']);
  });

  test('the snapshot is written 0600 (it holds Secrets and keys)', () => {
    assert.equal(fs.statSync(snapshot).mode & 0o777, 0o600);
  });

  test('objects come back with their uids and resourceVersions, custom kinds served again', async () => {
    for (const ref of [`widget.${GROUP}/w1`, 'deployment/web', 'service/web']) {
      const o = await get(restored, ref, '-n', 'kept');
      assert.equal(o.metadata.uid, before_[ref]!.uid, `${ref} has another uid after the restart`);
      assert.equal(o.metadata.resourceVersion, before_[ref]!.rv, `${ref} was rewritten by the restart`);
    }
  });

  test('owned objects are not collected and the Deployment keeps its ReplicaSet', async () => {
    await kubectlOk(restored, ['rollout', 'status', 'deployment/web', '-n', 'kept', '--timeout=30s']);
    const sets = (await get(restored, 'replicasets', '-n', 'kept')).items;
    assert.deepEqual(
      sets.map((r: { metadata: { uid: string } }) => r.metadata.uid),
      [before_.replicaset!.uid],
    );
  });

  test("the running pod's containers start again and it is Ready", async () => {
    await kubectlOk(restored, ['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', 'kept', '--timeout=30s']);
  });

  test('a new Service gets a cluster IP that no Service holds', async () => {
    await apply(restored, 'svc2.yaml', [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web2', namespace: 'kept' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    ]);
    const ips = (await get(restored, 'services', '-A')).items
      .map((s: { spec: { clusterIP?: string } }) => s.spec.clusterIP)
      .filter(Boolean);
    assert.equal(new Set(ips).size, ips.length, `cluster IPs are shared: ${ips.join(' ')}`);
  });

  test("the router's new CA is the old one's key and name: the bundle published before still verifies it", async () => {
    const now = (await get(restored, 'configmap', 'default-ingress-cert', '-n', 'openshift-config-managed')).data['ca-bundle.crt'];
    const [was, is] = [new X509Certificate(firstIngressCa), new X509Certificate(now)];
    assert.equal(is.subject, was.subject);
    assert.ok(is.verify(was.publicKey), 'the restored CA is not signed by the key of the CA published before');
  });
});
