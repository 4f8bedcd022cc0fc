// A standalone twin for acceptance tests: `rhoai-twin serve` as a user runs it, in its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { ROOT } from './harness-run';

export interface StandaloneTwin {
  kubeconfig: string;
  auditLog: string;
  adminToken: string;
  /** The RHOAI_RESOLVE value of its ready line: what a user sets so that clients reach its route hosts. */
  resolve: string;
  stop(): Promise<void>;
}

/** `rhoai-twin serve` with its kubeconfig in dir, its audit log there too unless `auditLog` says where. */
export function startStandaloneTwin(dir: string, extraArgs: string[] = [], auditLog = join(dir, 'audit.jsonl')): Promise<StandaloneTwin> {
  const kubeconfig = join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'rhoai-twin.js'), 'serve', '--kubeconfig', kubeconfig, '--audit-log', auditLog, ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`rhoai-twin exited with ${code} before it was ready: ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('rhoai-twin ready')) return;
      child.removeAllListeners('exit');
      const config = yaml.load(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
      resolve({
        kubeconfig,
        auditLog,
        adminToken: config.users[0].user.token,
        resolve: /RHOAI_RESOLVE=(\S+)/.exec(out)?.[1] ?? '',
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface AuditEvent {
  verb: string;
  requestURI: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  responseStatus: { code: number };
}

export function auditEvents(file: string): AuditEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
}

/** The verbs of requests that change what the cluster stores. */
export const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Creates that only ask a question (access and token reviews) and change nothing. */
const QUESTIONS =
  /^(selfsubjectaccessreviews|subjectaccessreviews|localsubjectaccessreviews|selfsubjectrulesreviews|tokenreviews|selfsubjectreviews)$/;

/** The successful writes among audit events ("verb URI"), the questions aside. */
export function successfulWrites(events: AuditEvent[]): string[] {
  return events
    .filter((e) => WRITES.has(e.verb) && !QUESTIONS.test(e.objectRef?.resource ?? '') && e.responseStatus.code < 300)
    .map((e) => `${e.verb} ${e.requestURI}`);
}
