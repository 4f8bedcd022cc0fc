// One process of the "parallel workers share one twin" test: takes part in the run's election and
// prints what it got as JSON. argv: RUN_DIR WORK_DIR FAKE_CLI
import { oncePerRun } from '../../../../support/core/target/run-coordination';
import { startTwinProcess } from '../../../../support/core/target/twin-process';
import * as path from 'node:path';

async function main(): Promise<void> {
  const [runDir, workDir, cli] = process.argv.slice(2) as [string, string, string];
  const { value, ranHere } = await oncePerRun(runDir, 'twin', 30_000, async () => {
    const started = await startTwinProcess({
      cli,
      cwd: process.cwd(),
      workDir,
      auditLog: path.join(workDir, 'audit.jsonl'),
      faults: [],
      latencyMs: 0,
      exitWithPid: Number(process.env.COORDINATOR_PID),
      timeoutMs: 30_000,
    });
    return started.ready;
  });
  process.stdout.write(JSON.stringify({ api: value.api, pid: value.pid, ranHere }) + '\n');
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
