// Running a command in a pod, as `kubectl exec` does, through the API server's pods/exec
// subresource with @kubernetes/client-node's Exec over WebSocket (channel.k8s.io subprotocols; v5
// where the server offers it, v4 on OpenShift 4.15 / Kubernetes 1.28). stdout and stderr are
// collected; the exit code comes from the status channel (a metav1.Status: Success, or
// NonZeroExitCode with the code in details.causes). A refused request (403 without
// `create pods/exec`, 404, 400 for a container that is not running) fails with the API server's
// own message. One timer bounds the whole command; nothing polls.
//
// stdin: on a v5 connection the input is sent and then closed (the command sees end of input); a
// v4 server has no way to close stdin alone, so there the input is sent and stdin stays open — the
// command must not wait for end of input (pass data as arguments or files instead).
import { PassThrough, Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { session } from './session';
import type { RhoaiWorld } from './world';

export interface ExecTarget {
  namespace: string;
  pod: string;
  /** Required when the pod has several containers (unless it names a default container). */
  container?: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Bound of the whole command, in milliseconds (default 300 000). */
  timeoutMs?: number;
}

export interface ExecResult {
  command: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The negotiated subprotocol, e.g. v5.channel.k8s.io. */
  protocol: string;
}

/** The API server refused the exec (HTTP status and its Status message), or the stream broke. */
export class ExecError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export const DEFAULT_EXEC_TIMEOUT_MS = 300_000;

/** Runs `command` in the pod; resolves with its output and exit code (a non-zero code is a result, not an error). */
export async function execInPod(
  kubeConfig: KubeConfig,
  target: ExecTarget,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  if (!command.length) throw new Error('exec: a command is required');
  const where = `${target.namespace}/${target.pod}${target.container ? ` (container ${target.container})` : ''}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) => new Writable({ write: (chunk, _enc, cb) => (into.push(Buffer.from(chunk)), cb()) });
  const stdin = options.stdin === undefined ? null : new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  let socket: WebSocket | undefined;
  return new Promise<ExecResult>((resolve, reject) => {
    let status: V1Status | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    timer = setTimeout(() => {
      settle(() =>
        reject(
          new ExecError(
            `exec in ${where} did not finish within ${Math.round(timeoutMs / 1000)} s: ${command.join(' ')} (the connection was closed; on a real cluster the process may still run)`,
          ),
        ),
      );
      socket?.terminate();
    }, timeoutMs);
    const finish = () =>
      settle(() => {
        if (!status) return reject(new ExecError(`exec in ${where} ended before the command's exit status arrived: ${command.join(' ')}`));
        const code = exitCodeOf(status);
        if (code === undefined)
          return reject(
            new ExecError(
              `exec in ${where} failed: ${status.reason ? `${status.reason}: ` : ''}${status.message ?? JSON.stringify(status)}`,
              undefined,
              status.reason,
            ),
          );
        resolve({
          command,
          exitCode: code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          protocol: socket?.protocol ?? '',
        });
      });
    const connection = new ExecConnection(kubeConfig, where);
    const exec = new Exec(kubeConfig, connection);
    exec
      .exec(
        target.namespace,
        target.pod,
        target.container ?? (undefined as unknown as string),
        [...command],
        sink(out),
        sink(err),
        stdin,
        false,
        (s) => {
          status = s;
        },
      )
      .then(
        (ws) => {
          socket = ws as unknown as WebSocket;
          socket.on('close', finish);
          if (stdin) {
            stdin.write(options.stdin);
            if (socket.protocol === 'v5.channel.k8s.io') stdin.end();
          }
        },
        (error: Error) =>
          settle(() => reject(error instanceof ExecError ? error : new ExecError(`exec in ${where} could not connect: ${error.message}`))),
      );
  });
}

/** The subprotocols offered, as client-node's own WebSocketHandler offers them. */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

type WebSocketInterface = NonNullable<ConstructorParameters<typeof Exec>[1]>;

/**
 * The WebSocket connection Exec uses — client-node's WebSocketHandler.connect, plus what the server
 * said when it refused the upgrade (ws alone reports only "Unexpected server response: 403").
 */
class ExecConnection implements WebSocketInterface {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly where: string,
  ) {}

  async connect(path: string, _text: unknown, binaryHandler: ((stream: number, buff: Buffer) => boolean) | null): Promise<WebSocket> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new ExecError('exec: the kubeconfig has no current cluster');
    const uri = cluster.server.replace(/^http/, 'ws').replace(/\/+$/, '') + path;
    const opts: WebSocket.ClientOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(opts as never);
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(uri, PROTOCOLS, opts);
      let opened = false;
      let refusal: ExecError | undefined;
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let status: { message?: string; reason?: string };
          try {
            status = JSON.parse(text);
          } catch {
            status = { message: text.slice(0, 500) };
          }
          refusal = new ExecError(
            `exec in ${this.where} was refused: HTTP ${res.statusCode}${status.reason ? ` ${status.reason}` : ''}: ${status.message ?? ''}`.trim(),
            res.statusCode,
            status.reason,
          );
          ws.terminate();
        });
      });
      ws.on('open', () => {
        opened = true;
        resolve(ws);
      });
      ws.on('error', (err) => !opened && reject(refusal ?? err));
      ws.on('close', () => !opened && reject(refusal ?? new ExecError(`exec in ${this.where}: the connection closed during the upgrade`)));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary || !binaryHandler || !data.length) return;
        try {
          if (!binaryHandler(data[0], data.subarray(1))) ws.close();
        } catch {
          // A status the client cannot read (a v1-v3 server's plain-text error): the exec ends without one.
          ws.terminate();
        }
      });
    });
  }
}

/** The exit code a status stands for, or undefined for a failure that is not an exit (e.g. an internal error). */
function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    return Number.isInteger(code) ? code : undefined;
  }
  return undefined;
}

/**
 * Runs a command in a pod as the scenario's user (the target's kubeconfig) and attaches a transcript
 * (command, exit code, output; redacted) to the report.
 */
export async function runInPod(
  world: RhoaiWorld,
  target: ExecTarget,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const { kubeConfig } = await session.target();
  try {
    const result = await execInPod(kubeConfig, target, command, options);
    world.report.text(`exec ${target.namespace}/${target.pod} ${command[0]}`, transcript(target, result));
    return result;
  } catch (error) {
    world.report.text(
      `exec ${target.namespace}/${target.pod} ${command[0]} (failed)`,
      `$ ${command.join(' ')}\n${(error as Error).message}`,
    );
    throw error;
  }
}

export function transcript(target: ExecTarget, r: ExecResult): string {
  return [
    `pod ${target.namespace}/${target.pod}${target.container ? ` container ${target.container}` : ''} (${r.protocol})`,
    `$ ${r.command.join(' ')}`,
    `exit code ${r.exitCode}`,
    '--- stdout ---',
    r.stdout,
    '--- stderr ---',
    r.stderr,
  ].join('\n');
}

/** Waits (read, then watch) for a running, ready pod matching a label selector; returns its name. */
export async function readyPod(world: RhoaiWorld, namespace: string, labelSelector: string, describe?: string): Promise<string> {
  const pods = await world.cluster.waitForList({ apiVersion: 'v1', kind: 'Pod', namespace }, (items) => items.some(isReady), {
    labelSelector,
    describe: describe ?? `a ready pod with ${labelSelector} in ${namespace}`,
  });
  return pods.find(isReady)!.metadata.name!;
}

function isReady(pod: {
  metadata: { deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
  );
}
