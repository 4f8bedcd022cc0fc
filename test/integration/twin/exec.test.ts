// pods/exec and pods/log of the twin, through the harness's support/core/exec.ts (client-node's Exec over
// WebSocket) and a raw WebSocket client: stdout, stderr and exit codes from the status channel, the
// v5 CLOSE of stdin, v4 Status documents, unknown commands, RBAC (create pods/exec), the API
// server's refusals, the timeout, and logs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { ExecError, execInPod } from '../../../support/core/exec';
import type { KObject } from '../../../twin/api/types';
import { kubeConfigWithToken, serverErrors, startLocalTwin, type LocalTwin } from './helpers';
import { deployMinio } from './minio-helpers';

let t: LocalTwin;
let pod: KObject;
const NS = 'exec-a';
const target = () => ({ namespace: NS, pod: pod.metadata.name! });

describe('pods/exec and pods/log', () => {
  before(async () => {
    t = await startLocalTwin();
    pod = await deployMinio(t, NS);
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
    await t?.stop();
  });

  it('runs a command and returns stdout, stderr and the exit code from the status channel (v5)', async () => {
    const r = await execInPod(t.kc, target(), ['sh', '-c', 'echo out $MINIO_ROOT_USER; echo err >&2; exit 7']);
    assert.equal(r.exitCode, 7);
    assert.equal(r.stdout, 'out twin-minio-user\n', 'the container environment comes from the Secret (envFrom)');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.protocol, 'v5.channel.k8s.io');
    const ok = await execInPod(t.kc, target(), ['minio', '--version']);
    assert.equal(ok.exitCode, 0);
    assert.match(ok.stdout, /^minio version RELEASE\./);
  });

  it('answers an unknown command with exit code 127 and "command not found" on stderr', async () => {
    const r = await execInPod(t.kc, target(), ['python3', '-c', 'print(1)']);
    assert.equal(r.exitCode, 127);
    assert.match(r.stderr, /python3: command not found/);
    const viaShell = await execInPod(t.kc, target(), ['bash', '-c', 'nosuch && echo never']);
    assert.equal(viaShell.exitCode, 127);
    assert.equal(viaShell.stdout, '');
  });

  it("sends stdin and closes it (v5 CLOSE), and sees the pod's volume", async () => {
    const r = await execInPod(t.kc, target(), ['sh', '-c', 'cat > /data/note.txt && cat /data/note.txt && ls -a /data'], {
      stdin: 'from stdin\n',
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, 'from stdin\n.minio.sys\nnote.txt\n');
  });

  it('speaks v4.channel.k8s.io: an empty ready frame, then output, then a metav1.Status on channel 3', async () => {
    const cluster = t.kc.getCurrentCluster()!;
    const url = `${cluster.server.replace('https', 'wss')}/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/exec?command=sh&command=-c&command=echo%20hi%3B%20exit%203&stdout=true&stderr=true`;
    const frames = await new Promise<Buffer[]>((resolve, reject) => {
      const got: Buffer[] = [];
      const ws = new WebSocket(url, ['v4.channel.k8s.io'], {
        ca: Buffer.from(cluster.caData!, 'base64'),
        headers: { Authorization: `Bearer ${t.twin.adminToken}` },
      });
      ws.on('message', (d: Buffer) => got.push(d));
      ws.on('close', () => resolve(got));
      ws.on('error', reject);
    });
    assert.deepEqual(frames[0], Buffer.from([1]), 'the ready frame: stdout, no data');
    assert.equal(frames[1].toString('utf8', 1), 'hi\n');
    assert.equal(frames[1][0], 1);
    const last = frames[frames.length - 1];
    assert.equal(last[0], 3);
    assert.deepEqual(JSON.parse(last.toString('utf8', 1)), {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c echo hi; exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('is refused (403) without create pods/exec, and allowed with the edit role', async () => {
    const authn = t.twin.controllers.authn;
    authn.addStaticToken('viewer-token-0123456789', { username: 'viewer', groups: ['system:authenticated'] });
    authn.addStaticToken('editor-token-0123456789', { username: 'editor', groups: ['system:authenticated'] });
    const admin = t.twin.controllers.clientFor('exec-test');
    for (const [user, role] of [
      ['viewer', 'view'],
      ['editor', 'edit'],
    ]) {
      admin.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${user}-${role}`, namespace: NS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
      });
    }
    await assert.rejects(execInPod(kubeConfigWithToken(t.kc, 'viewer-token-0123456789'), target(), ['true']), (e: ExecError) => {
      assert.ok(e instanceof ExecError);
      assert.equal(e.httpStatus, 403);
      assert.equal(e.reason, 'Forbidden');
      assert.match(e.message, /User "viewer" cannot create resource "pods\/exec" in API group "" in the namespace "exec-a"/);
      return true;
    });
    const r = await execInPod(kubeConfigWithToken(t.kc, 'editor-token-0123456789'), target(), ['true']);
    assert.equal(r.exitCode, 0);
    const audit = (await import('node:fs'))
      .readFileSync(t.auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const denied = audit.find((a) => a.user?.username === 'viewer' && a.objectRef?.subresource === 'exec');
    assert.equal(denied?.verb, 'create');
    assert.equal(denied?.responseStatus?.code, 403);
  });

  it("refuses a missing pod (404), an unknown container and a command-less request (400), with the API server's messages", async () => {
    await assert.rejects(
      execInPod(t.kc, { namespace: NS, pod: 'nope' }, ['true']),
      (e: ExecError) => e.httpStatus === 404 && /pods "nope" not found/.test(e.message),
    );
    await assert.rejects(
      execInPod(t.kc, { ...target(), container: 'sidecar' }, ['true']),
      (e: ExecError) => e.httpStatus === 400 && new RegExp(`container sidecar is not valid for pod ${pod.metadata.name}`).test(e.message),
    );
  });

  it('gives up after the timeout, naming the command', async () => {
    const started = Date.now();
    await assert.rejects(
      execInPod(t.kc, target(), ['sleep', '30'], { timeoutMs: 300 }),
      /did not finish within 0 s: sleep 30|did not finish within .* s: sleep 30/,
    );
    assert.ok(Date.now() - started < 5000);
  });

  it("returns the container log (MinIO's banner), tailed and with timestamps", async () => {
    const core = t.kc.makeApiClient(CoreV1Api);
    const log = await core.readNamespacedPodLog({ name: pod.metadata.name!, namespace: NS });
    assert.match(log, /^MinIO Object Storage Server\n/);
    assert.match(log, /API: http:\/\/[\d.]+:9000/);
    assert.doesNotMatch(log, /twin-minio-password/, 'the log never shows the root password');
    const tail = await core.readNamespacedPodLog({ name: pod.metadata.name!, namespace: NS, tailLines: 1, timestamps: true });
    assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z Docs: https:\/\/min\.io\/docs\/minio\/linux\/index\.html\n$/);
  });
});
