// Shared helpers of the twin API server's integration tests: a twin in this process (for
// client-node and raw HTTPS tests) or as a `rhoai-twin serve` child process (for kubectl), a
// kubectl runner, raw requests with any token, and small polling and watch utilities.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { KUBE_VERSION } from '../../../twin/api/discovery';
import { startTwin, type Twin, type TwinOptions } from '../../../twin/server';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rhoai-twin-${prefix}-`));
}

let counter = 0;
/** A DNS-1123 name unique within this test process. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves to `value` after `ms`, for Promise.race: its timer does not keep the test process alive once the race is decided. */
export const lapse = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());

/** Polls `probe` until it returns something truthy (or throws `timeoutMs` later with the last error). */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 5000, everyMs = 25): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Truthy<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}

// ---- a twin in this process ----

export interface LocalTwin {
  twin: Twin;
  dir: string;
  kubeconfig: string;
  auditLog: string;
  /** The admin kubeconfig, loaded as client-node loads it. */
  kc: KubeConfig;
  stop(): Promise<void>;
}

export async function startLocalTwin(opts: Partial<TwinOptions> = {}): Promise<LocalTwin> {
  const dir = tempDir('local');
  const kubeconfig = path.join(dir, 'kubeconfig');
  const auditLog = path.join(dir, 'audit.jsonl');
  const logFile = fs.createWriteStream(path.join(dir, 'twin.log'));
  const twin = await startTwin({ kubeconfig, auditLog, log: (line) => logFile.write(line + '\n'), ...opts });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    twin,
    dir,
    kubeconfig,
    auditLog,
    kc,
    async stop() {
      await twin.stop();
      await new Promise((resolve) => logFile.end(resolve));
      removeDir(dir);
    },
  };
}

/** Removes a test twin's directory, unless RHOAI_TEST_KEEP asks to keep it for a look. */
function removeDir(dir: string): void {
  if (!process.env.RHOAI_TEST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The requests an audit log shows were answered 5xx, other than by an injected fault: the server
 * failing on its own (an exception becomes 500 InternalError), which no test must cause.
 */
export function serverErrors(auditLog: string): string[] {
  if (!fs.existsSync(auditLog)) return [];
  return fs
    .readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.responseStatus?.code >= 500 && !/injected transient fault|Too many requests/.test(e.responseStatus.message ?? ''))
    .map((e) => `${e.verb} ${e.requestURI} -> ${e.responseStatus.code} ${e.responseStatus.message}`);
}

/** A KubeConfig for the same cluster with another bearer token (or none: anonymous). */
export function kubeConfigWithToken(base: KubeConfig, token: string | undefined): KubeConfig {
  const cluster = base.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'u', ...(token ? { token } : {}) }],
    contexts: [{ name: 'c', cluster: cluster.name, user: 'u', namespace: 'default' }],
    currentContext: 'c',
  });
  return kc;
}

// ---- raw HTTPS ----

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

export interface RawOptions {
  /** Bearer token; `null` sends none. Defaults to the admin token. */
  token?: string | null;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export function rawRequest(twin: Twin, method: string, urlPath: string, opts: RawOptions = {}): Promise<RawResponse> {
  const token = opts.token === undefined ? twin.adminToken : opts.token;
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const url = new URL(urlPath, twin.apiUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: twin.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// ---- watches through client-node ----

export interface WatchEventRecord {
  type: string;
  object: any;
}

export interface CollectedWatch {
  events: WatchEventRecord[];
  /** Resolves when the server (or we) closed the watch; carries the error client-node reported. */
  closed: Promise<unknown>;
  isClosed(): boolean;
  stop(): void;
  /** Waits until `count` events matching `pred` arrived. */
  until(what: string, pred: (events: WatchEventRecord[]) => boolean, timeoutMs?: number): Promise<WatchEventRecord[]>;
}

export async function collectWatch(
  kc: KubeConfig,
  urlPath: string,
  query: Record<string, string | number | boolean> = {},
): Promise<CollectedWatch> {
  const events: WatchEventRecord[] = [];
  let closed = false;
  let resolveClosed!: (err: unknown) => void;
  const closedP = new Promise<unknown>((resolve) => (resolveClosed = resolve));
  const controller = await new Watch(kc).watch(
    urlPath,
    query,
    (type, object) => events.push({ type, object }),
    (err) => {
      closed = true;
      resolveClosed(err);
    },
  );
  return {
    events,
    closed: closedP,
    isClosed: () => closed,
    stop: () => controller.abort(),
    until: (what, pred, timeoutMs = 5000) => waitFor(what, () => (pred(events) ? events : undefined), timeoutMs, 10),
  };
}

// ---- the twin as a process, and kubectl ----

export interface CliTwin {
  api: string;
  kubeconfig: string;
  auditLog: string;
  dir: string;
  child: ChildProcess;
  readyLine: string;
  stop(): Promise<void>;
}

/** Spawns `node bin/rhoai-twin.js serve` and waits for its ready line. */
export async function startCliTwin(extraArgs: string[] = [], timeoutMs = 30_000): Promise<CliTwin> {
  const dir = tempDir('cli');
  const kubeconfig = path.join(dir, 'kubeconfig');
  const auditLog = path.join(dir, 'audit.jsonl');
  const args = [
    path.join(PROJECT_ROOT, 'bin', 'rhoai-twin.js'),
    'serve',
    '--kubeconfig',
    kubeconfig,
    '--audit-log',
    auditLog,
    '--exit-with-pid',
    String(process.pid),
    ...extraArgs,
  ];
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RHOAI_') && !k.startsWith('NODE_TEST')));
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`twin not ready after ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('rhoai-twin ready '));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`twin exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
  const api = /api=(\S+)/.exec(readyLine)![1];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    api,
    kubeconfig,
    auditLog,
    dir,
    child,
    readyLine,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      // The fallback timer must not keep this process alive once the twin is gone.
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      removeDir(dir);
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

let kubectlPath: string | undefined;

/**
 * The kubectl binary for the twin's Kubernetes minor version. The machine's `kubectl` is a
 * dispatcher that asks the server for its version and then runs `kubectl.1.<minor>` next to it;
 * running that binary directly runs the same kubectl at half the cost (this suite calls it often).
 * RHOAI_TEST_KUBECTL overrides; without a versioned sibling, plain `kubectl`.
 */
export function kubectlBinary(): string {
  if (kubectlPath) return kubectlPath;
  kubectlPath = process.env.RHOAI_TEST_KUBECTL || 'kubectl';
  if (!process.env.RHOAI_TEST_KUBECTL) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const candidate = path.join(dir, 'kubectl');
      if (!fs.existsSync(candidate)) continue;
      const versioned = path.join(path.dirname(fs.realpathSync(candidate)), `kubectl.${KUBE_VERSION.major}.${KUBE_VERSION.minor}`);
      if (fs.existsSync(versioned)) kubectlPath = versioned;
      break;
    }
  }
  return kubectlPath;
}

/** Runs kubectl against a kubeconfig, with HOME in the twin's directory (its discovery cache too). */
export function kubectl(
  twin: { kubeconfig: string; dir: string },
  args: string[],
  opts: { input?: string; timeoutMs?: number; binary?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, KUBECONFIG: twin.kubeconfig, HOME: twin.dir };
    const child = execFile(
      opts.binary ?? kubectlBinary(),
      args,
      { env, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** kubectl that must succeed: returns stdout, or throws with everything kubectl said. */
export async function kubectlOk(
  twin: { kubeconfig: string; dir: string },
  args: string[],
  opts: { input?: string; timeoutMs?: number; binary?: string } = {},
): Promise<string> {
  const r = await kubectl(twin, args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

// ---- fixtures ----

/** A namespaced CRD with a status subresource, printer columns, defaults, enums and bounds. */
export function widgetCrd(group: string): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wdg'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
            { name: 'Color', type: 'string', jsonPath: '.spec.color' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'A Widget is a test kind of the twin API server suite.',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  description: 'What the widget should be.',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', minimum: 1, maximum: 10, description: 'How big the widget is.' },
                    color: { type: 'string', enum: ['red', 'blue'], default: 'red', description: 'The colour of the widget.' },
                    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    phase: { type: 'string' },
                    conditions: {
                      type: 'array',
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['type'],
                      items: {
                        type: 'object',
                        required: ['type', 'status'],
                        properties: {
                          type: { type: 'string' },
                          status: { type: 'string' },
                          reason: { type: 'string' },
                          message: { type: 'string' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
