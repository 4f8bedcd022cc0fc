// Starts the twin's command line as a separate process (never importing twin/) and waits for its one
// ready line. The twin's stdout and stderr go to files under RHOAI_WORK_DIR/twin, not pipes, so that
// the twin outlives a parallel worker that started it without writing into a closed pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchFileUntil } from './file-watch';

export interface TwinReady {
  /** https://127.0.0.1:PORT */
  readonly api: string;
  readonly kubeconfig: string;
  /** The RHOAI_RESOLVE value for the twin's ingress, e.g. `*.apps.twin.local=127.0.0.1:PORT2`. */
  readonly resolve: string;
  readonly audit: string;
  readonly pid: number;
}

export interface TwinLaunch {
  readonly cli: string;
  readonly cwd: string;
  readonly workDir: string;
  readonly auditLog: string;
  readonly faults: readonly string[];
  readonly latencyMs: number;
  /** How the twin's cluster begins (RHOAI_TWIN_PROFILE); 'empty' adds no option. */
  readonly profile?: string;
  /** The twin's node set (RHOAI_TWIN_NODES); `default` passes nothing. */
  readonly nodes?: string;
  /** A snapshot to start from (RHOAI_TWIN_RESTORE) instead of a new cluster. */
  readonly restore?: string;
  /** The twin exits when this process does (the run's coordinator). */
  readonly exitWithPid: number;
  readonly timeoutMs: number;
}

export class TwinStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwinStartError';
  }
}

const READY_PREFIX = 'rhoai-twin ready ';

/** Parses `rhoai-twin ready api=... kubeconfig=... RHOAI_RESOLVE=... audit=...`. */
export function parseReadyLine(line: string, pid = 0): TwinReady | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith(READY_PREFIX)) return undefined;
  const fields = new Map<string, string>();
  for (const token of trimmed.slice(READY_PREFIX.length).split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const api = fields.get('api');
  const kubeconfig = fields.get('kubeconfig');
  if (!api || !kubeconfig) throw new TwinStartError(`the twin's ready line lacks api= or kubeconfig=: ${trimmed}`);
  return { api, kubeconfig, resolve: fields.get('RHOAI_RESOLVE') ?? '', audit: fields.get('audit') ?? '', pid };
}

export function twinArguments(launch: TwinLaunch): string[] {
  const args = [
    // The sources through tsx; a compiled twin (RHOAI_BUILD_DIR) as it is.
    ...(launch.cli.endsWith('.ts') ? ['--import', 'tsx'] : []),
    launch.cli,
    'serve',
    '--kubeconfig',
    path.join(launch.workDir, 'twin', 'kubeconfig'),
    '--audit-log',
    launch.auditLog,
  ];
  if (launch.faults.length > 0) args.push('--faults', launch.faults.join(','));
  if (launch.latencyMs > 0) args.push('--latency-ms', String(launch.latencyMs));
  if (launch.profile && launch.profile !== 'empty') args.push('--profile', launch.profile);
  if (launch.nodes && launch.nodes !== 'default') args.push('--nodes', launch.nodes);
  if (launch.restore) args.push('--restore', launch.restore);
  args.push('--exit-with-pid', String(launch.exitWithPid));
  return args;
}

export interface StartedTwin {
  readonly ready: TwinReady;
  readonly child: ChildProcess;
}

export async function startTwinProcess(launch: TwinLaunch): Promise<StartedTwin> {
  if (!fs.existsSync(launch.cli)) {
    throw new TwinStartError(
      `the embedded twin is not available: ${launch.cli} does not exist (point KUBECONFIG at a cluster, or RHOAI_TARGET=cluster)`,
    );
  }
  const logDir = path.join(launch.workDir, 'twin');
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.dirname(launch.auditLog), { recursive: true });
  // The embedded twin is a new cluster: its audit log (a report of this run) starts empty.
  fs.rmSync(launch.auditLog, { force: true });
  const stdoutFile = path.join(logDir, 'twin.stdout.log');
  const stderrFile = path.join(logDir, 'twin.stderr.log');
  const stdout = fs.openSync(stdoutFile, 'w', 0o600);
  const stderr = fs.openSync(stderrFile, 'w', 0o600);
  const child = spawn(process.execPath, twinArguments(launch), { cwd: launch.cwd, stdio: ['ignore', stdout, stderr], env: process.env });
  fs.closeSync(stdout);
  fs.closeSync(stderr);
  // The run must not wait for the twin to exit: it is stopped with SIGTERM, or exits with its coordinator.
  child.unref();

  const exited = new Promise<never>((_resolve, reject) => {
    const fail = (why: string) => {
      const err = readText(stderrFile).trim();
      reject(new TwinStartError(`the embedded twin ${why}${err ? `:\n${err}` : ` (no error output; see ${stderrFile})`}`));
    };
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ? `signal ${signal}` : `exit code ${code}`})`));
  });
  const stopWatching = new AbortController();
  const ready = watchFileUntil(
    stdoutFile,
    launch.timeoutMs,
    (text) => {
      for (const line of text.split('\n')) {
        const parsed = parseReadyLine(line, child.pid ?? 0);
        if (parsed) return parsed;
      }
      return undefined;
    },
    { signal: stopWatching.signal, what: "the twin's ready line" },
  ).catch((error: Error) => {
    throw new TwinStartError(`${error.message}; the twin's output is in ${stdoutFile} and ${stderrFile}`);
  });
  try {
    return { ready: await Promise.race([ready, exited]), child };
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGTERM');
    throw error;
  } finally {
    stopWatching.abort();
    ready.catch(() => undefined);
    exited.catch(() => undefined);
    child.removeAllListeners('exit');
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
