// kubectl (1.28, as the machine's dispatcher picks for a 1.28 server) against the twin started as
// `rhoai-twin serve`: discovery, get (tables with printer columns, yaml, jsonpath, watch), apply,
// create, patch, label, annotate, delete (a namespace too), wait, auth can-i, server-side apply,
// replace and explain, each checked against what kubectl prints for a real cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { kubectl, kubectlOk, serverErrors, sleep, startCliTwin, uniqueName, waitFor, widgetCrd, type CliTwin } from './helpers';

type Any = any;

const GROUP = 'kc.harness.test';
let twin: CliTwin;
let ns: string;

/** Writes a manifest into the twin's directory and returns its path. */
function manifest(name: string, objects: Any | Any[]): string {
  const file = path.join(twin.dir, name);
  const docs = (Array.isArray(objects) ? objects : [objects]).map((o) => yaml.dump(o)).join('---\n');
  fs.writeFileSync(file, docs);
  return file;
}

const k = (...args: string[]) => kubectlOk(twin, args);
const kFails = async (...args: string[]) => {
  const r = await kubectl(twin, args);
  assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should fail; stdout: ${r.stdout}`);
  return r;
};
/** Table output as rows of cells (split on runs of 2+ spaces). */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

before(async () => {
  twin = await startCliTwin();
  assert.match(twin.readyLine, /^rhoai-twin ready api=https:\/\/127\.0\.0\.1:\d+ kubeconfig=\S+ RHOAI_RESOLVE=\S+ audit=\S+$/);
  ns = uniqueName('kc');
  await k('create', 'namespace', ns);
  await k('apply', '-f', manifest('crd.yaml', widgetCrd(GROUP)));
  await k('wait', '--for=condition=Established', `crd/widgets.${GROUP}`, '--timeout=10s');
});

after(async () => {
  if (twin) assert.deepEqual(serverErrors(twin.auditLog), [], 'the server answered no request with an error of its own');
  await twin?.stop();
});

const SEQUENTIAL = { concurrency: 1 };

// The groups below are independent (each has its own objects) and run at once: kubectl processes
// dominate this file's time.
describe('kubectl against the twin', { concurrency: true }, () => {
  describe('discovery', SEQUENTIAL, () => {
    it('reports the server version, api-versions and api-resources', async () => {
      // Through the machine's kubectl (a version dispatcher where installed), as a user would call it.
      const version = JSON.parse(await kubectlOk(twin, ['version', '-o', 'json'], { binary: 'kubectl' }));
      assert.match(version.serverVersion.gitVersion, /^v1\.28\.\d+/);
      assert.equal(version.clientVersion.minor, '28', 'kubectl 1.28 for a 1.28 server');
      const versions = (await k('api-versions')).trim().split('\n');
      for (const gv of ['v1', 'apps/v1', 'rbac.authorization.k8s.io/v1', 'route.openshift.io/v1', 'project.openshift.io/v1', `${GROUP}/v1`])
        assert.ok(versions.includes(gv), gv);
      const resources = rows(await k('api-resources'));
      assert.deepEqual(resources[0], ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      assert.ok(resources.some((r) => r.join(' ') === 'configmaps cm v1 true ConfigMap'));
      assert.ok(resources.some((r) => r.join(' ') === 'namespaces ns v1 false Namespace'));
      assert.deepEqual(rows(await k('api-resources', `--api-group=${GROUP}`)), [
        ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'],
        ['widgets', 'wdg', `${GROUP}/v1`, 'true', 'Widget'],
      ]);
      const names = (await k('api-resources', '--namespaced=false', '-o', 'name')).trim().split('\n');
      assert.ok(names.includes('namespaces'));
      assert.ok(names.includes(`customresourcedefinitions.apiextensions.k8s.io`));
    });
  });

  describe('apply, create, get', SEQUENTIAL, () => {
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: ns, labels: { app: 'demo' } },
      data,
    });

    it('applies: created, then unchanged, then configured', async () => {
      const file = manifest('cm.yaml', cm({ color: 'blue' }));
      assert.equal((await k('apply', '-f', file)).trim(), 'configmap/app-config created');
      assert.equal((await k('apply', '-f', file)).trim(), 'configmap/app-config unchanged');
      manifest('cm.yaml', cm({ color: 'green' }));
      assert.equal((await k('apply', '-f', file)).trim(), 'configmap/app-config configured');
      assert.equal(await k('get', 'cm', 'app-config', '-n', ns, '-o', 'jsonpath={.data.color}'), 'green');
    });

    it('creates, and reports AlreadyExists the way kubectl does', async () => {
      const file = manifest('created.yaml', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'created', namespace: ns },
        data: { a: '1' },
      });
      assert.equal((await k('create', '-f', file)).trim(), 'configmap/created created');
      const again = await kFails('create', '-f', file);
      assert.equal(again.code, 1);
      assert.equal(
        again.stderr.trim(),
        `Error from server (AlreadyExists): error when creating "${file}": configmaps "created" already exists`,
      );
      // From stdin too.
      const r = await kubectl(twin, ['create', '-f', '-', '-o', 'name'], {
        input: yaml.dump({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-stdin', namespace: ns } }),
      });
      assert.equal(r.stdout.trim(), 'configmap/from-stdin', r.stderr);
    });

    it('prints server-side tables with the printer columns', async () => {
      const table = rows(await k('get', 'configmaps', '-n', ns));
      assert.deepEqual(table[0], ['NAME', 'DATA', 'AGE']);
      const row = table.find((r) => r[0] === 'app-config')!;
      assert.equal(row[1], '1');
      assert.match(row[2], /^\d+s$/);
      const wide = rows(await k('get', 'cm', '-n', ns, '-l', 'app=demo', '--show-labels'));
      assert.deepEqual(wide[0], ['NAME', 'DATA', 'AGE', 'LABELS']);
      assert.deepEqual(
        wide.slice(1).map((r) => [r[0], r[3]]),
        [['app-config', 'app=demo']],
      );
      const nsTable = rows(await k('get', 'namespace', ns));
      assert.deepEqual(nsTable[0], ['NAME', 'STATUS', 'AGE']);
      assert.equal(nsTable[1][1], 'Active');
      // kubectl lists in chunks (500 by default) and follows the Table's continue token.
      const chunks = ['chunk-a', 'chunk-b', 'chunk-c', 'chunk-d', 'chunk-e'];
      await k(
        'apply',
        '-f',
        manifest(
          'chunks.yaml',
          chunks.map((name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { chunk: 'yes' } } })),
        ),
      );
      const chunked = (await k('get', 'configmaps', '-n', ns, '-l', 'chunk=yes', '--chunk-size=2', '--no-headers')).trim().split('\n');
      assert.deepEqual(
        chunked.map((l) => l.split(/\s+/)[0]),
        chunks,
      );
      const empty = await kubectl(twin, ['get', 'cm', '-n', ns, '-l', 'app=nothing']);
      assert.equal(empty.code, 0);
      assert.equal(empty.stderr.trim(), `No resources found in ${ns} namespace.`);
    });

    it('prints a custom resource with its additionalPrinterColumns', async () => {
      await k(
        'apply',
        '-f',
        manifest('w.yaml', { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'gizmo', namespace: ns }, spec: { size: 3 } }),
      );
      const table = rows(await k('get', 'widgets', '-n', ns));
      assert.deepEqual(table[0], ['NAME', 'SIZE', 'COLOR', 'PHASE', 'AGE']);
      // A missing column value is blank for a custom resource, and the default (red) was applied.
      assert.deepEqual(table[1].slice(0, 3), ['gizmo', '3', 'red']);
      assert.match(table[1][3], /^\d+s$/);
      const short = rows(await k('get', 'wdg', 'gizmo', '-n', ns, '-o', 'wide'));
      assert.equal(short[1][0], 'gizmo');
      const all = rows(await k('get', 'widgets', '-A'));
      assert.deepEqual(all[0], ['NAMESPACE', 'NAME', 'SIZE', 'COLOR', 'PHASE', 'AGE']);
    });

    it('prints -o yaml, -o json, -o jsonpath and -o name', async () => {
      const obj = yaml.load(await k('get', 'cm', 'app-config', '-n', ns, '-o', 'yaml')) as Any;
      assert.equal(obj.kind, 'ConfigMap');
      assert.equal(obj.apiVersion, 'v1');
      assert.equal(obj.metadata.name, 'app-config');
      assert.match(obj.metadata.resourceVersion, /^\d+$/);
      assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(obj.metadata.managedFields, undefined, 'kubectl hides managedFields');
      assert.ok(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
      const list = JSON.parse(await k('get', 'cm', '-n', ns, '-l', 'app=demo', '-o', 'json'));
      assert.equal(list.kind, 'List');
      assert.deepEqual(
        list.items.map((i: Any) => i.metadata.name),
        ['app-config'],
      );
      assert.equal(await k('get', 'cm', '-n', ns, '-l', 'app=demo', '-o', 'jsonpath={.items[*].metadata.labels.app}'), 'demo');
      assert.equal((await k('get', 'widget', 'gizmo', '-n', ns, '-o', 'name')).trim(), `widget.${GROUP}/gizmo`);
      assert.equal(await k('get', 'cm', '-n', ns, '--field-selector', 'metadata.name=created', '-o', 'jsonpath={.items[0].data.a}'), '1');
    });

    it('replaces a custom resource (kubectl fills in the resourceVersion)', async () => {
      const file = manifest('w2.yaml', {
        apiVersion: `${GROUP}/v1`,
        kind: 'Widget',
        metadata: { name: 'gizmo', namespace: ns },
        spec: { size: 4, color: 'blue' },
      });
      assert.equal((await k('replace', '-f', file)).trim(), `widget.${GROUP}/gizmo replaced`);
      assert.equal(
        await k('get', 'widget', 'gizmo', '-n', ns, '-o', 'jsonpath={.spec.size}/{.spec.color}/{.metadata.generation}'),
        '4/blue/2',
      );
    });

    it('reports schema failures and unknown fields as a real server does', async () => {
      const file = manifest('bad.yaml', {
        apiVersion: `${GROUP}/v1`,
        kind: 'Widget',
        metadata: { name: 'bad', namespace: ns },
        spec: { size: 0, bogus: 1 },
      });
      const strict = await kFails('apply', '-f', file);
      assert.equal(
        strict.stderr.trim(),
        `Error from server (BadRequest): error when creating "${file}": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"`,
      );
      const invalid = await kFails('apply', '-f', file, '--validate=false');
      assert.equal(
        invalid.stderr.trim(),
        'The Widget "bad" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
      );
      // A built-in kind: a field its type does not have.
      const typo = manifest('typo.yaml', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'typo', namespace: ns },
        data: { a: 'b' },
        spec: { x: 1 },
      });
      const refused = await kFails('apply', '-f', typo);
      assert.equal(
        refused.stderr.trim(),
        `Error from server (BadRequest): error when creating "${typo}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"`,
      );
      const warned = await kubectl(twin, ['apply', '-f', typo, '--validate=warn']);
      assert.equal(warned.code, 0);
      assert.equal(warned.stderr.trim(), 'Warning: unknown field "spec"');
      assert.equal(await k('get', 'cm', 'typo', '-n', ns, '-o', 'jsonpath={.spec}'), '', 'the field was dropped');
    });
  });

  describe('built-in tables', SEQUENTIAL, () => {
    it("prints nodes, workloads, services and events as kube-apiserver's printers do", async () => {
      const tns = uniqueName('kct');
      await k('create', 'namespace', tns);
      await k('create', 'deployment', 'web', '-n', tns, '--image=registry.example/web:1', '--replicas=2');
      await k('expose', 'deployment', 'web', '-n', tns, '--port=80', '--target-port=8080');
      assert.match(await k('rollout', 'status', 'deployment/web', '-n', tns, '--timeout=20s'), /deployment "web" successfully rolled out/);
      const nodes = rows(await k('get', 'nodes'));
      assert.deepEqual(nodes[0], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
      assert.ok(
        nodes.slice(1).every((r) => r[1] === 'Ready'),
        'nodes are Ready',
      );
      assert.ok(nodes.some((r) => r[2] === 'worker'));
      assert.match(nodes[1][4], /^v1\.28\./);
      const deploy = rows(await k('get', 'deployment', 'web', '-n', tns));
      assert.deepEqual(deploy[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      assert.deepEqual(deploy[1].slice(0, 4), ['web', '2/2', '2', '2']);
      const pods = rows(await k('get', 'pods', '-n', tns, '-l', 'app=web'));
      assert.deepEqual(pods[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      assert.equal(pods.length, 3);
      for (const r of pods.slice(1)) assert.deepEqual(r.slice(1, 4), ['1/1', 'Running', '0']);
      const wide = rows(await k('get', 'pods', '-n', tns, '-l', 'app=web', '-o', 'wide'));
      assert.deepEqual(wide[0], ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      const svc = rows(await k('get', 'service', 'web', '-n', tns));
      assert.deepEqual(svc[0], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      assert.deepEqual([svc[1][1], svc[1][3], svc[1][4]], ['ClusterIP', '<none>', '80/TCP']);
      assert.deepEqual(rows(await k('get', 'replicasets', '-n', tns))[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
      // kubectl describe: the object, its defaults, and its events (found by field selector).
      const described = await k('describe', 'deployment', 'web', '-n', tns);
      assert.match(described, /StrategyType:\s+RollingUpdate/);
      assert.match(described, /RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/);
      assert.match(described, /Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/);
      const pod = pods[1][0];
      const podDescribed = await k('describe', 'pod', pod, '-n', tns);
      assert.match(podDescribed, new RegExp(`Status:\\s+Running`));
      assert.match(podDescribed, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned/);
      // kubectl scale patches the scale subresource.
      assert.equal((await k('scale', 'deployment', 'web', '-n', tns, '--replicas=3')).trim(), 'deployment.apps/web scaled');
      await k('rollout', 'status', 'deployment/web', '-n', tns, '--timeout=20s');
      assert.equal(rows(await k('get', 'deployment', 'web', '-n', tns))[1][1], '3/3');
      const events = rows(await k('get', 'events', '-n', tns));
      assert.deepEqual(events[0], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
      assert.ok(events.some((r) => r[3].startsWith('pod/web-')));
      const project = rows(await k('get', 'project', tns));
      assert.deepEqual(project, [
        ['NAME', 'DISPLAY NAME', 'STATUS'],
        [tns, 'Active'],
      ]);
      const crds = rows(await k('get', 'crd', `widgets.${GROUP}`));
      assert.deepEqual(crds[0], ['NAME', 'CREATED AT']);
      assert.match(crds[1][1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
  });

  describe('patch, label, annotate', SEQUENTIAL, () => {
    let ns: string;
    before(async () => {
      ns = uniqueName('kcp');
      await k('create', 'namespace', ns);
      await k('create', 'deployment', 'web', '-n', ns, '--image=registry.example/web:1', '--replicas=0');
      await k('create', 'configmap', 'app-config', '-n', ns, '--from-literal=a=b');
      await k('label', 'configmap', 'app-config', '-n', ns, 'app=demo');
      await k(
        'apply',
        '-f',
        manifest('gizmo-p.yaml', {
          apiVersion: `${GROUP}/v1`,
          kind: 'Widget',
          metadata: { name: 'gizmo', namespace: ns },
          spec: { size: 4 },
        }),
      );
    });

    it('patches with a strategic merge patch (the default for built-ins): containers merge by name', async () => {
      const patch = JSON.stringify({
        spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'registry.example/side:1' }] } } },
      });
      assert.equal((await k('patch', 'deployment', 'web', '-n', ns, '-p', patch)).trim(), 'deployment.apps/web patched');
      assert.equal(await k('get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[*].name}'), 'sidecar web');
      assert.equal(await k('get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.metadata.generation}'), '2');
      // The same patch again changes nothing.
      assert.equal((await k('patch', 'deployment', 'web', '-n', ns, '-p', patch)).trim(), 'deployment.apps/web patched (no change)');
    });

    it('patches with --type merge and --type json', async () => {
      await k('patch', 'widget', 'gizmo', '-n', ns, '--type', 'merge', '-p', '{"spec":{"tags":["a","b"]}}');
      await k(
        'patch',
        'widget',
        'gizmo',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/size","value":7},{"op":"remove","path":"/spec/tags/0"}]',
      );
      assert.equal(await k('get', 'widget', 'gizmo', '-n', ns, '-o', 'jsonpath={.spec.size} {.spec.tags}'), '7 ["b"]');
      const failed = await kFails(
        'patch',
        'widget',
        'gizmo',
        '-n',
        ns,
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/size","value":1}]',
      );
      assert.match(failed.stderr, /The request is invalid/);
      // kubectl tries a strategic merge patch (its default) and reports the server's 415.
      const crStrategic = await kFails('patch', 'widget', 'gizmo', '-n', ns, '-p', '{"spec":{"size":1}}');
      assert.equal(
        crStrategic.stderr.trim(),
        `error: application/strategic-merge-patch+json is not supported by ${GROUP}/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    });

    it('patches the status subresource', async () => {
      await k(
        'patch',
        'widget',
        'gizmo',
        '-n',
        ns,
        '--subresource=status',
        '--type',
        'merge',
        '-p',
        '{"status":{"phase":"Polished"},"spec":{"size":1}}',
      );
      assert.equal(await k('get', 'widget', 'gizmo', '-n', ns, '-o', 'jsonpath={.status.phase} {.spec.size}'), 'Polished 7');
      assert.equal(rows(await k('get', 'widget', 'gizmo', '-n', ns))[1][3], 'Polished');
    });

    it('labels and annotates (overwrite and removal included)', async () => {
      assert.equal((await k('label', 'cm', 'app-config', '-n', ns, 'tier=web')).trim(), 'configmap/app-config labeled');
      const clash = await kFails('label', 'cm', 'app-config', '-n', ns, 'tier=db');
      assert.match(clash.stderr, /'tier' already has a value \(web\), and --overwrite is false/);
      await k('label', 'cm', 'app-config', '-n', ns, 'tier=db', '--overwrite');
      assert.equal(await k('get', 'cm', '-n', ns, '-l', 'tier=db', '-o', 'jsonpath={.items[*].metadata.name}'), 'app-config');
      await k('label', 'cm', 'app-config', '-n', ns, 'tier-');
      assert.equal(await k('get', 'cm', 'app-config', '-n', ns, '-o', 'jsonpath={.metadata.labels}'), '{"app":"demo"}');
      assert.equal(
        (await k('annotate', 'cm', 'app-config', '-n', ns, 'example.com/note=hello world')).trim(),
        'configmap/app-config annotated',
      );
      assert.equal(
        await k('get', 'cm', 'app-config', '-n', ns, '-o', 'jsonpath={.metadata.annotations.example\\.com/note}'),
        'hello world',
      );
      await k('annotate', 'widget', 'gizmo', '-n', ns, 'example.com/checked=yes');
      assert.equal(await k('get', 'widget', 'gizmo', '-n', ns, '-o', 'jsonpath={.metadata.annotations.example\\.com/checked}'), 'yes');
    });
  });

  describe('server-side apply', SEQUENTIAL, () => {
    const cm = (value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: ns }, data: { k: value } });

    it('applies, reports a conflict with a second field manager, and forces it', async () => {
      const file = manifest('ssa.yaml', cm('one'));
      assert.equal((await k('apply', '--server-side', '-f', file)).trim(), 'configmap/ssa serverside-applied');
      const rv = await k('get', 'cm', 'ssa', '-n', ns, '-o', 'jsonpath={.metadata.resourceVersion}');
      await k('apply', '--server-side', '-f', file);
      assert.equal(await k('get', 'cm', 'ssa', '-n', ns, '-o', 'jsonpath={.metadata.resourceVersion}'), rv, 'a no-op apply writes nothing');

      manifest('ssa.yaml', cm('two'));
      const conflict = await kFails('apply', '--server-side', '--field-manager=other', '-f', file);
      assert.match(
        conflict.stderr,
        /^error: Apply failed with 1 conflict: conflict with "kubectl": \.data\.k\nPlease review the fields above--they currently have other managers/,
      );
      assert.match(conflict.stderr, /--force-conflicts/);
      await k('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', file);
      const obj = yaml.load(await k('get', 'cm', 'ssa', '-n', ns, '-o', 'yaml', '--show-managed-fields')) as Any;
      assert.equal(obj.data.k, 'two');
      assert.deepEqual(
        obj.metadata.managedFields.map((m: Any) => `${m.manager}:${m.operation}`),
        ['other:Apply'],
      );
    });
  });

  describe('wait', SEQUENTIAL, () => {
    it('waits for a condition that a status update sets later', async () => {
      await k(
        'apply',
        '-f',
        manifest('waited.yaml', {
          apiVersion: `${GROUP}/v1`,
          kind: 'Widget',
          metadata: { name: 'waited', namespace: ns },
          spec: { size: 1 },
        }),
      );
      const started = Date.now();
      const later = sleep(700).then(() =>
        k(
          'patch',
          'widget',
          'waited',
          '-n',
          ns,
          '--subresource=status',
          '--type',
          'merge',
          '-p',
          JSON.stringify({ status: { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True', reason: 'Done', message: 'ready' }] } }),
        ),
      );
      const [out] = await Promise.all([k('wait', '--for=condition=Ready', `widget/waited`, '-n', ns, '--timeout=15s'), later]);
      assert.equal(out.trim(), `widget.${GROUP}/waited condition met`);
      assert.ok(Date.now() - started >= 600, 'kubectl waited for the change');
    });

    it('waits for a jsonpath value that changes later, and times out on one that does not', async () => {
      await k('create', 'configmap', 'waiter', '-n', ns);
      const later = sleep(500).then(() => k('label', 'cm', 'waiter', '-n', ns, 'ready=yes'));
      const [out] = await Promise.all([
        k('wait', '--for=jsonpath={.metadata.labels.ready}=yes', 'cm/waiter', '-n', ns, '--timeout=15s'),
        later,
      ]);
      assert.equal(out.trim(), 'configmap/waiter condition met');
      const timeout = await kFails('wait', '--for=jsonpath={.metadata.labels.ready}=never', 'cm/waiter', '-n', ns, '--timeout=1s');
      assert.match(timeout.stderr, /timed out waiting for the condition on configmaps\/waiter/);
    });
  });

  describe('get -w', SEQUENTIAL, () => {
    it('streams the changes as rows of one table', async () => {
      const watchNs = uniqueName('kcw');
      await k('create', 'namespace', watchNs);
      await waitFor(
        'the namespace CA ConfigMap',
        async () => (await kubectl(twin, ['get', 'cm', 'kube-root-ca.crt', '-n', watchNs])).code === 0,
      );
      const child = spawn('kubectl', ['get', 'configmaps', '-n', watchNs, '-w', '--output-watch-events'], {
        env: { ...process.env, KUBECONFIG: twin.kubeconfig, HOME: twin.dir },
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      try {
        await waitFor('kubectl to list before watching', () => out.includes('kube-root-ca.crt'), 10_000);
        await k('create', 'configmap', 'streamed', '-n', watchNs, '--from-literal=a=1');
        await k('label', 'cm', 'streamed', '-n', watchNs, 'w=1');
        await k('delete', 'cm', 'streamed', '-n', watchNs);
        await waitFor('three watch rows', () => out.split('\n').filter((l) => / streamed /.test(l)).length >= 3, 10_000);
      } finally {
        child.kill('SIGTERM');
      }
      const lines = out.split('\n').filter((l) => l.trim());
      assert.deepEqual(lines[0].trim().split(/\s+/), ['EVENT', 'NAME', 'DATA', 'AGE'], 'one header, with the printer columns');
      assert.equal(lines.filter((l) => l.includes('EVENT')).length, 1);
      assert.deepEqual(
        lines.filter((l) => / streamed /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 3)),
        [
          ['ADDED', 'streamed', '1'],
          ['MODIFIED', 'streamed', '1'],
          ['DELETED', 'streamed', '1'],
        ],
      );
    });
  });

  describe('delete', SEQUENTIAL, () => {
    it('deletes an object', async () => {
      await k('create', 'configmap', 'short-lived', '-n', ns);
      assert.equal((await k('delete', 'cm', 'short-lived', '-n', ns)).trim(), 'configmap "short-lived" deleted');
      const gone = await kFails('get', 'cm', 'short-lived', '-n', ns);
      assert.equal(gone.stderr.trim(), 'Error from server (NotFound): configmaps "short-lived" not found');
    });

    it('deletes a namespace: Terminating while content remains, then gone with its content', async () => {
      const doomed = uniqueName('doomed');
      await k('create', 'namespace', doomed);
      await k('create', 'configmap', 'held', '-n', doomed, '--from-literal=a=b');
      await k(
        'apply',
        '-f',
        manifest('doomed-w.yaml', {
          apiVersion: `${GROUP}/v1`,
          kind: 'Widget',
          metadata: { name: 'w', namespace: doomed },
          spec: { size: 1 },
        }),
      );
      await k('patch', 'cm', 'held', '-n', doomed, '--type', 'merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}');
      assert.equal((await k('delete', 'namespace', doomed, '--wait=false')).trim(), `namespace "${doomed}" deleted`);
      const status = rows(await k('get', 'namespace', doomed));
      assert.equal(status[1][1], 'Terminating');
      const nsObj = JSON.parse(await k('get', 'namespace', doomed, '-o', 'json'));
      assert.ok(nsObj.metadata.deletionTimestamp);
      const conditions = Object.fromEntries(nsObj.status.conditions.map((c: Any) => [c.type, c]));
      assert.match(conditions.NamespaceFinalizersRemaining.message, /example\.com\/hold/);
      // Nothing new may be created in it.
      const refused = await kFails('create', 'configmap', 'late', '-n', doomed);
      assert.match(refused.stderr, /unable to create new content in namespace .* because it is being terminated/);
      // Its other content is already gone; the held ConfigMap waits for its finalizer.
      assert.equal((await kubectl(twin, ['get', 'widgets', '-n', doomed])).stderr.trim(), `No resources found in ${doomed} namespace.`);
      assert.match(await k('get', 'cm', 'held', '-n', doomed, '-o', 'jsonpath={.metadata.deletionTimestamp}'), /^\d{4}-/);
      await k('patch', 'cm', 'held', '-n', doomed, '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]');
      await k('wait', '--for=delete', `namespace/${doomed}`, '--timeout=10s');
      const gone = await kFails('get', 'namespace', doomed);
      assert.equal(gone.stderr.trim(), `Error from server (NotFound): namespaces "${doomed}" not found`);
    });

    it('deletes a namespace and waits for it, as kubectl does by default', async () => {
      const quick = uniqueName('quick');
      await k('create', 'namespace', quick);
      await k('create', 'configmap', 'c', '-n', quick);
      assert.equal((await k('delete', 'namespace', quick, '--timeout=10s')).trim(), `namespace "${quick}" deleted`);
      await kFails('get', 'namespace', quick);
    });
  });

  describe('auth', SEQUENTIAL, () => {
    it('answers auth can-i for the admin and for impersonated users', async () => {
      assert.equal((await k('auth', 'can-i', 'create', 'pods', '-n', ns)).trim(), 'yes');
      assert.equal((await k('auth', 'can-i', '*', '*')).trim(), 'yes');
      const alice = await kubectl(twin, ['auth', 'can-i', 'create', 'pods', '-n', ns, '--as=alice']);
      assert.equal(alice.code, 1);
      assert.equal(alice.stdout.trim(), 'no');
      const sa = `system:serviceaccount:${ns}:default`;
      assert.equal((await kubectl(twin, ['auth', 'can-i', 'list', 'configmaps', '-n', ns, `--as=${sa}`])).stdout.trim(), 'no');
      await k('create', 'rolebinding', 'default-view', '-n', ns, '--clusterrole=view', `--serviceaccount=${ns}:default`);
      assert.equal((await k('auth', 'can-i', 'list', 'configmaps', '-n', ns, `--as=${sa}`)).trim(), 'yes');
      assert.equal((await kubectl(twin, ['auth', 'can-i', 'delete', 'configmaps', '-n', ns, `--as=${sa}`])).stdout.trim(), 'no');
      const denied = await kFails('get', 'secrets', '-n', ns, `--as=${sa}`);
      assert.equal(
        denied.stderr.trim(),
        `Error from server (Forbidden): secrets is forbidden: User "${sa}" cannot list resource "secrets" in API group "" in the namespace "${ns}"`,
      );
    });

    it('says who the caller is', async () => {
      const whoami = rows(await k('auth', 'whoami'));
      assert.deepEqual(whoami[1], ['Username', 'kube:admin']);
    });
  });

  describe('explain', SEQUENTIAL, () => {
    it('explains a custom resource from its CRD schema', async () => {
      const out = await k('explain', 'widgets.spec');
      assert.match(out, new RegExp(`GROUP:\\s+${GROUP.replace(/\./g, '\\.')}`));
      assert.match(out, /KIND:\s+Widget/);
      assert.match(out, /What the widget should be\./);
      assert.match(out, /size\s+<integer> -required-\n\s+How big the widget is\./);
      assert.match(out, /tags\s+<\[\]string>/);
    });

    it('explains a built-in kind, without field documentation', async () => {
      // The twin serves no schemas for built-in kinds (their OpenAPI documents say only `type: object`),
      // so `kubectl explain configmaps` works but `kubectl explain pods.spec` does not.
      const out = await k('explain', 'configmaps');
      assert.match(out, /KIND:\s+ConfigMap/);
      assert.match(out, /VERSION:\s+v1/);
    });
  });
});
