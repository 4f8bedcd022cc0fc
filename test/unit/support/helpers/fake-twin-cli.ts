// Plays the twin CLI's contract for the launcher's tests (the real twin/cli.ts is tested in
// test/integration): `serve --kubeconfig FILE --audit-log FILE [--faults a,b] [--latency-ms N]
// --exit-with-pid PID` prints one ready line, or an error on stderr and exits non-zero.
// FAKE_TWIN_STARTS=FILE appends one line per start (to count them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeKubeApi } from './fake-kube-api';

const KNOWN_FAULTS = new Set(['api-drop-watches', 'api-transient-errors']);

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  if (process.argv[2] !== 'serve') throw new Error(`unknown command ${process.argv[2]}`);
  const kubeconfig = option('--kubeconfig');
  const audit = option('--audit-log') ?? 'audit.jsonl';
  if (!kubeconfig) throw new Error('--kubeconfig is required');
  for (const fault of (option('--faults') ?? '').split(',').filter(Boolean)) {
    if (!KNOWN_FAULTS.has(fault)) {
      process.stderr.write(`rhoai-twin: unknown fault "${fault}" (known: ${[...KNOWN_FAULTS].join(', ')})\n`);
      process.exit(2);
    }
  }
  if (process.env.FAKE_TWIN_STARTS) fs.appendFileSync(process.env.FAKE_TWIN_STARTS, `${process.pid}\n`);
  if (process.env.FAKE_TWIN_DELAY_MS) await new Promise((r) => setTimeout(r, Number(process.env.FAKE_TWIN_DELAY_MS)));
  const api = await FakeKubeApi.start();
  fs.mkdirSync(path.dirname(kubeconfig), { recursive: true });
  fs.writeFileSync(kubeconfig, api.kubeconfigYaml(), { mode: 0o600 });
  process.stdout.write(
    `some startup chatter\nrhoai-twin ready api=${api.url} kubeconfig=${kubeconfig} RHOAI_RESOLVE=*.apps.twin.local=127.0.0.1:9 audit=${audit}\n`,
  );
  const exitWithPid = Number(option('--exit-with-pid'));
  if (exitWithPid) {
    // Test helper only: the real twin watches its coordinator its own way.
    setInterval(() => {
      try {
        process.kill(exitWithPid, 0);
      } catch {
        process.exit(0);
      }
    }, 200);
  }
  process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
