// pods/exec and pods/log, as the API server and the kubelet serve them together: exec over
// WebSocket with the channel.k8s.io subprotocols (v5 preferred, then v4 ... v1: channel 0 stdin,
// 1 stdout, 2 stderr, 3 the exit status — a metav1.Status with reason NonZeroExitCode and the code
// in details.causes from v4 on —, 4 resize, and v5's CLOSE on 255 to end stdin), running the command
// in the pod's emulated container; logs as text, whole or followed. RBAC is the API server's
// (`create pods/exec`, `get pods/log`), checked before these handlers run. SPDY (kubectl before
// 1.30) is not spoken: such a request is refused with a message that says so.
// Upstream followed: kubernetes staging/src/k8s.io/apiserver/pkg/util/wsstream (channel.k8s.io
// framing) and staging/src/k8s.io/client-go/tools/remotecommand (the v4/v5 protocols' status channel).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TwinClient } from '../api/client';
import type { ResourceTarget } from '../api/http';
import { ApiError, type KObject } from '../api/types';
import type { RunningPod } from '../emulators/pod-host';
import { workloadRuntimeOf, type WorkloadRuntime } from '../network/index';
import type { Controller, ControllerContext } from './runtime';

/** The subprotocols served, most preferred first. */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

export class PodExec implements Controller {
  readonly name = 'kubelet-streaming';
  private readonly client: TwinClient;
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered: Set<string>) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('kubelet');
  }

  start(): void {
    const runtime = workloadRuntimeOf(this.ctx);
    runtime.subresourceHandlers.set('pods/exec', (req, res, target) => this.exec(runtime, req, res, target));
    runtime.subresourceHandlers.set('pods/log', (req, res, target) => this.log(runtime, req, res, target));
  }

  // ---- exec ----

  private exec(runtime: WorkloadRuntime, req: IncomingMessage, res: ServerResponse, t: ResourceTarget): boolean {
    const q = new URL(req.url ?? '/', 'https://twin').searchParams;
    const pod = this.podOf(t);
    const container = this.containerOf(pod, q.get('container'));
    const command = q.getAll('command');
    const flag = (name: string) => ['true', '1'].includes(q.get(name) ?? '');
    const io = { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
    if (!io.stdin && !io.stdout && !io.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    if (!command.length) throw badRequest('you must specify at least one command for the container');
    const running = this.runningContainer(runtime, pod, container);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade.startsWith('spdy')) {
      throw badRequest(
        'the twin serves exec over WebSocket only (v4.channel.k8s.io, v5.channel.k8s.io); SPDY, which kubectl before 1.30 uses, is not supported: use a WebSocket client such as @kubernetes/client-node Exec',
      );
    }
    if (upgrade !== 'websocket') throw badRequest('Upgrade request required');
    const socket = req.socket as Duplex;
    if (res.socket) res.detachSocket(res.socket);
    this.wss.handleUpgrade(req, socket, Buffer.alloc(0), (ws) => void this.session(runtime, ws, running, container, command, io));
    return true;
  }

  private async session(
    runtime: WorkloadRuntime,
    ws: WebSocket,
    pod: RunningPod,
    container: string,
    command: string[],
    io: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  ): Promise<void> {
    const version = ws.protocol ? Number(/^v(\d)\./.exec(ws.protocol)?.[1] ?? 1) : 1;
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    };
    const abort = new AbortController();
    const chunks: Buffer[] = [];
    let endStdin!: () => void;
    const stdinDone = new Promise<void>((resolve) => (endStdin = resolve));
    if (!io.stdin) endStdin();
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (!isBinary || !buf.length) return;
      const channel = buf[0];
      if (channel === STDIN && io.stdin) chunks.push(buf.subarray(1));
      else if (channel === CLOSE && version >= 5 && buf[1] === STDIN) endStdin();
      // Channel 4 (resize) only matters to a terminal; the twin's commands have none.
    });
    ws.on('close', () => {
      endStdin();
      abort.abort(new Error('the client closed the exec stream'));
    });
    // The server is ready: an empty frame on the lowest writable channel.
    send(io.stdout ? STDOUT : io.stderr ? STDERR : ERROR, Buffer.alloc(0));
    let code: number;
    try {
      code = await runtime.pods.exec(pod, container, command, {
        stdin: async () => (await stdinDone, Buffer.concat(chunks)),
        stdout: (c) => io.stdout && send(STDOUT, c),
        stderr: (c) => (io.tty ? io.stdout && send(STDOUT, c) : io.stderr && send(STDERR, c)),
        signal: abort.signal,
      });
    } catch (err) {
      if (version >= 4)
        send(
          ERROR,
          JSON.stringify({
            metadata: {},
            status: 'Failure',
            message: `Internal error occurred: error executing command in container: ${(err as Error).message}`,
            reason: 'InternalError',
            code: 500,
          }),
        );
      else send(ERROR, `Internal error occurred: error executing command in container: ${(err as Error).message}`);
      return ws.close(1000);
    }
    if (abort.signal.aborted) return;
    if (version >= 4) {
      send(
        ERROR,
        JSON.stringify(
          code === 0
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
              },
        ),
      );
    } else if (code !== 0)
      send(ERROR, `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`);
    ws.close(1000);
  }

  // ---- logs ----

  private log(runtime: WorkloadRuntime, req: IncomingMessage, res: ServerResponse, t: ResourceTarget): boolean {
    if (req.method !== 'GET')
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const q = new URL(req.url ?? '/', 'https://twin').searchParams;
    const pod = this.podOf(t);
    const container = this.containerOf(pod, q.get('container'));
    if (q.get('previous') === 'true')
      throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    const running = runtime.pods.byUid(pod.metadata.uid!);
    const c = running?.containers.get(container);
    if (!running || !c) throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    const timestamps = q.get('timestamps') === 'true';
    const follow = q.get('follow') === 'true';
    const tail = q.get('tailLines') === null ? undefined : Number(q.get('tailLines'));
    const since = q.get('sinceSeconds') === null ? undefined : Date.now() - Number(q.get('sinceSeconds')) * 1000;
    let budget = q.get('limitBytes') === null ? Infinity : Number(q.get('limitBytes'));
    const format = (l: { time: string; text: string }) => `${timestamps ? `${l.time} ` : ''}${l.text}\n`;
    let lines = c.log.snapshot().filter((l) => since === undefined || Date.parse(l.time) >= since);
    if (tail !== undefined && Number.isFinite(tail) && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-cache, private',
      ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}),
    });
    const write = (text: string): boolean => {
      if (budget <= 0) return false;
      const out = Buffer.from(text).subarray(0, budget);
      budget -= out.length;
      res.write(out);
      return budget > 0;
    };
    for (const l of lines) if (!write(format(l))) return (res.end(), true);
    if (!follow) return (res.end(), true);
    res.flushHeaders();
    const stop = c.log.follow((line) => {
      if (!line || !write(format(line))) {
        stop();
        res.end();
      }
    });
    req.on('close', stop);
    return true;
  }

  // ---- shared ----

  private podOf(t: ResourceTarget): KObject {
    const pod = this.client.get('v1', 'Pod', t.name!, t.namespace);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${t.name}" not found`, { name: t.name, kind: 'pods' });
    return pod;
  }

  private containerOf(pod: KObject, requested: string | null): string {
    const names: string[] = (pod.spec.containers ?? []).map((c: KObject) => c.name);
    if (requested) {
      if (!names.includes(requested) && !(pod.spec.initContainers ?? []).some((c: KObject) => c.name === requested)) {
        throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
      }
      return requested;
    }
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (annotated && names.includes(annotated)) return annotated;
    if (names.length === 1) return names[0];
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }

  private runningContainer(runtime: WorkloadRuntime, pod: KObject, container: string): RunningPod {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed')
      throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    const running = runtime.pods.byUid(pod.metadata.uid!);
    const status = (pod.status?.containerStatuses ?? []).find((s: KObject) => s.name === container);
    if (!running || running.crashed || !running.containers.has(container) || !status?.state?.running) {
      throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    }
    return running;
  }
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}
