// support/core/exec.ts against a fake API server that speaks only v4.channel.k8s.io, as OpenShift 4.15
// (Kubernetes 1.28) does: the exit code decoded from the v4 Status, stdin sent but left open (v4
// cannot close it alone), the API server's refusal kept in the error, a stream that ends without a
// status, an internal error status, and the timeout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { WebSocketServer, type WebSocket } from 'ws';
import { ExecError, execInPod, transcript } from '../../../support/core/exec';

type Script = (ws: WebSocket, command: string[]) => void;

let server: http.Server;
let kc: KubeConfig;
const scripts = new Map<string, Script>();
const seen: { url: string; protocols?: string; stdin: Buffer[] }[] = [];

const frame = (channel: number, data: string | Buffer = '') => Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);

describe('support/core/exec (a v4 server)', () => {
  before(async () => {
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (p: Set<string>) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
    });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url!, 'http://x');
      const pod = url.pathname.split('/')[6];
      if (pod === 'forbidden') {
        const body = JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: 'pods "forbidden" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "ns"',
        });
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const record = { url: req.url!, protocols: req.headers['sec-websocket-protocol'], stdin: [] as Buffer[] };
        seen.push(record);
        ws.on('message', (d: Buffer) => record.stdin.push(d));
        scripts.get(pod)?.(ws, url.searchParams.getAll('command'));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
  });
  after(() => server.close());

  it('decodes the exit code of a v4 NonZeroExitCode Status and collects stdout and stderr', async () => {
    scripts.set('p1', (ws, command) => {
      ws.send(frame(1));
      ws.send(frame(1, `ran ${command.join(' ')}\n`));
      ws.send(frame(2, 'warning\n'));
      ws.send(
        frame(
          3,
          JSON.stringify({
            metadata: {},
            status: 'Failure',
            message: 'command terminated with non-zero exit code: exit code 42',
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: '42' }] },
          }),
        ),
      );
      ws.close();
    });
    const r = await execInPod(kc, { namespace: 'ns', pod: 'p1', container: 'c1' }, ['sh', '-c', 'exit 42']);
    assert.deepEqual([r.exitCode, r.stdout, r.stderr, r.protocol], [42, 'ran sh -c exit 42\n', 'warning\n', 'v4.channel.k8s.io']);
    const url = new URL(seen[seen.length - 1].url, 'http://x');
    assert.equal(url.pathname, '/api/v1/namespaces/ns/pods/p1/exec');
    assert.deepEqual(
      [
        url.searchParams.getAll('command'),
        url.searchParams.get('container'),
        url.searchParams.get('stdout'),
        url.searchParams.get('stdin'),
      ],
      [['sh', '-c', 'exit 42'], 'c1', 'true', 'false'],
    );
    assert.match(seen[seen.length - 1].protocols ?? '', /^v5\.channel\.k8s\.io, ?v4\.channel\.k8s\.io/, 'offers v5 first, then v4');
    assert.match(transcript({ namespace: 'ns', pod: 'p1' }, r), /\$ sh -c exit 42\nexit code 42\n--- stdout ---\nran sh -c exit 42/);
  });

  it('sends stdin on channel 0 and, on v4, leaves it open (no CLOSE frame, the connection stays up)', async () => {
    let gotInput!: () => void;
    const input = new Promise<void>((r) => (gotInput = r));
    scripts.set('p2', (ws) => {
      ws.send(frame(1));
      ws.on('message', (d: Buffer) => {
        if (d[0] === 0) gotInput();
      });
      void input.then(() => {
        ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Success' })));
        ws.close();
      });
    });
    const r = await execInPod(kc, { namespace: 'ns', pod: 'p2' }, ['cat'], { stdin: 'data' });
    assert.equal(r.exitCode, 0);
    const frames = seen[seen.length - 1].stdin;
    assert.deepEqual(
      frames.map((f) => [f[0], f.subarray(1).toString()]),
      [[0, 'data']],
      'only the data, no [255, 0]',
    );
  });

  it("keeps the API server's refusal (status, reason and message)", async () => {
    await assert.rejects(execInPod(kc, { namespace: 'ns', pod: 'forbidden' }, ['true']), (e: ExecError) => {
      assert.ok(e instanceof ExecError);
      assert.equal(e.httpStatus, 403);
      assert.equal(e.reason, 'Forbidden');
      assert.equal(
        e.message,
        'exec in ns/forbidden was refused: HTTP 403 Forbidden: pods "forbidden" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "ns"',
      );
      return true;
    });
  });

  it('fails when the stream ends without an exit status, or with a status that is not an exit', async () => {
    scripts.set('p3', (ws) => {
      ws.send(frame(1, 'partial'));
      ws.close();
    });
    await assert.rejects(
      execInPod(kc, { namespace: 'ns', pod: 'p3' }, ['x']),
      /exec in ns\/p3 ended before the command's exit status arrived: x/,
    );
    scripts.set('p4', (ws) => {
      ws.send(
        frame(
          3,
          JSON.stringify({
            metadata: {},
            status: 'Failure',
            reason: 'InternalError',
            message: 'Internal error occurred: error executing command in container: container not found',
          }),
        ),
      );
      ws.close();
    });
    await assert.rejects(
      execInPod(kc, { namespace: 'ns', pod: 'p4' }, ['x']),
      /exec in ns\/p4 failed: InternalError: Internal error occurred: error executing command in container: container not found/,
    );
  });

  it('gives up after the timeout and closes the connection', async () => {
    let closed!: () => void;
    const wasClosed = new Promise<void>((r) => (closed = r));
    scripts.set('p5', (ws) => {
      ws.send(frame(1));
      ws.on('close', () => closed());
    });
    await assert.rejects(
      execInPod(kc, { namespace: 'ns', pod: 'p5' }, ['sleep', '100'], { timeoutMs: 200 }),
      /exec in ns\/p5 did not finish within 0 s: sleep 100/,
    );
    await wasClosed;
  });
});
