// rhoai-twin: run the embedded OpenShift + RHOAI twin as a process, or list its faults.
//
//   rhoai-twin serve --kubeconfig FILE [--port N] [--ingress-port N] [--audit-log FILE]
//                    [--faults a,b] [--latency-ms N] [--apps-domain D] [--nodes default|no-gpu|FILE]
//                    [--exit-with-pid PID] [--profile empty|brownfield]
//                    [--restore SNAPSHOT] [--snapshot-on-exit SNAPSHOT]
//   rhoai-twin faults [--json]
import { FAULT_CATALOGUE, UnknownFaultError } from './faults';
import { parseProfile } from './bootstrap';
import { startTwin } from './server';
import { readSnapshot, writeSnapshot } from './snapshot';

const USAGE = `usage:
  rhoai-twin serve --kubeconfig FILE [--port N] [--ingress-port N] [--audit-log FILE] [--faults a,b]
                   [--latency-ms N] [--apps-domain DOMAIN] [--nodes default|no-gpu|FILE] [--exit-with-pid PID]
                   [--profile empty|brownfield] [--restore SNAPSHOT] [--snapshot-on-exit SNAPSHOT]
  rhoai-twin faults [--json]

--nodes: the cluster's nodes: default (twin/bootstrap/nodes.yaml), no-gpu (the same without the
NVIDIA GPU worker), or a file in the nodes.yaml format.

--profile: how the cluster begins; empty (a fresh cluster, the default) or brownfield (a cluster in
use: identity providers with users, team projects with workloads, a cluster-admin binding).

--snapshot-on-exit: when the twin stops (SIGTERM, SIGINT), write its state (objects and keys, 0600)
to SNAPSHOT. --restore: start from such a snapshot instead of a new cluster, as a cluster restarts:
controllers reconcile what is there, running pods' containers start again (twin/snapshot.ts).

environment: RHOAI_TWIN_FAULTS, RHOAI_TWIN_AUDIT_LOG, RHOAI_TWIN_LATENCY_MS, RHOAI_TWIN_NODES,
RHOAI_TWIN_PROFILE and RHOAI_TWIN_RESTORE are used when the matching option is not given;
RHOAI_TWIN_KEY_DIR is where the twin keeps its generated keys between runs (off: in memory only);
RHOAI_TWIN_TRAINING_CACHE where its workbenches and pipelines keep trained models between runs (off: per process).`;

class UsageError extends Error {}

function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument: ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a === '--json') flags.set('json', 'true');
    else {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  return flags;
}

function int(flags: Map<string, string>, name: string, fallback?: string): number | undefined {
  const v = flags.get(name) ?? fallback;
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

const KNOWN = {
  serve: [
    'kubeconfig',
    'port',
    'ingress-port',
    'audit-log',
    'faults',
    'latency-ms',
    'apps-domain',
    'nodes',
    'exit-with-pid',
    'profile',
    'restore',
    'snapshot-on-exit',
  ],
  faults: ['json'],
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'serve' && cmd !== 'faults') throw new UsageError(cmd ? `unknown command: ${cmd}` : 'a command is required');
  const flags = parseFlags(rest);
  const unknown = [...flags.keys()].filter((k) => !KNOWN[cmd].includes(k));
  if (unknown.length)
    throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''} for ${cmd}: ${unknown.map((u) => '--' + u).join(', ')}`);

  if (cmd === 'faults') {
    const list = FAULT_CATALOGUE.map(({ name, description, caughtBy }) => ({ name, description, caughtBy }));
    if (flags.has('json')) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    else
      for (const f of list)
        process.stdout.write(
          `${f.name}\n    ${f.description}\n    caught by: ${f.caughtBy || '(transient: the harness must survive it)'}\n`,
        );
    return 0;
  }

  const kubeconfig = flags.get('kubeconfig');
  if (!kubeconfig) throw new UsageError('serve needs --kubeconfig FILE (where to write the kubeconfig for the twin)');
  const faultList = (flags.get('faults') ?? process.env.RHOAI_TWIN_FAULTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const exitWithPid = int(flags, 'exit-with-pid');
  let profile;
  try {
    profile = parseProfile(flags.get('profile') ?? process.env.RHOAI_TWIN_PROFILE);
  } catch (e) {
    throw new UsageError(`--profile (or RHOAI_TWIN_PROFILE): ${(e as Error).message}`);
  }
  const restoreFile = flags.get('restore') ?? (process.env.RHOAI_TWIN_RESTORE || undefined);
  let restore;
  try {
    restore = restoreFile ? readSnapshot(restoreFile) : undefined;
  } catch (e) {
    throw new UsageError(`--restore (or RHOAI_TWIN_RESTORE): ${(e as Error).message}`);
  }
  const snapshotOnExit = flags.get('snapshot-on-exit');
  const twin = await startTwin({
    restore,
    kubeconfig,
    port: int(flags, 'port'),
    ingressPort: int(flags, 'ingress-port'),
    auditLog: flags.get('audit-log') ?? (process.env.RHOAI_TWIN_AUDIT_LOG || undefined),
    faults: faultList,
    latencyMs: int(flags, 'latency-ms', process.env.RHOAI_TWIN_LATENCY_MS),
    appsDomain: flags.get('apps-domain'),
    nodes: flags.get('nodes') ?? (process.env.RHOAI_TWIN_NODES || undefined),
    profile,
  });
  const stop = async (code: number) => {
    if (snapshotOnExit) writeSnapshot(snapshotOnExit, twin.snapshot());
    await twin.stop();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  if (exitWithPid) watchParent(exitWithPid, () => void stop(0));
  const audit = flags.get('audit-log') ?? process.env.RHOAI_TWIN_AUDIT_LOG ?? '';
  process.stdout.write(
    `rhoai-twin ready api=${twin.apiUrl} kubeconfig=${kubeconfig} RHOAI_RESOLVE=${twin.resolve} audit=${audit}${profile !== 'empty' ? ` profile=${profile}` : ''}${faultList.length ? ` faults=${faultList.join(',')}` : ''}\n`,
  );
  return -1;
}

/** Exits with the run that started it: Node has no way to wait on a foreign pid, so check its liveness once a second. */
function watchParent(pid: number, onExit: () => void): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      onExit();
    }
  }, 1000);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof UsageError) process.stderr.write(`rhoai-twin: ${err.message}\n${USAGE}\n`);
    else if (err instanceof UnknownFaultError) process.stderr.write(`rhoai-twin: ${err.message}\n`);
    else process.stderr.write(`rhoai-twin: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
