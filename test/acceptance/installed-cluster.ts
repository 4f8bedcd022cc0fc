// The installed cluster the acceptance tests start from when installing is not what they test: one
// `@install` on a standalone twin that writes its snapshot when it stops (twin/snapshot.ts), the
// admin password it used and that run's work directory (the files a user's machine keeps between
// runs). A test restores the snapshot into a twin of its own (`--restore`, RHOAI_TWIN_RESTORE) with
// a copy of the work directory: the installer's CPU is spent once per `npm test`, not once per test.
//
// scripts/test.mjs makes it while the unit tests run (`node --import tsx
// test/acceptance/installed-cluster.ts DIR`) and names it in RHOAI_TEST_INSTALLED; a test file run
// on its own makes it itself, once per process.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runHarness, scratch } from './harness-run';
import { startStandaloneTwin } from './standalone-twin';

export interface InstalledCluster {
  /** The twin snapshot of the installed cluster. */
  snapshot: string;
  /** The install run's work directory. */
  work: string;
  /** The admin password the install gave the htpasswd admin user. */
  password: string;
}

const SNAPSHOT = 'installed.snapshot.json';
const PASSWORD = 'admin-password';

/** Installs on a standalone twin in dir and keeps what a restore needs there. */
export async function makeInstalledCluster(dir: string): Promise<InstalledCluster> {
  const snapshot = join(dir, SNAPSHOT);
  const password = `Pw-${randomBytes(12).toString('hex')}`;
  const twin = await startStandaloneTwin(dir, ['--snapshot-on-exit', snapshot]);
  let run;
  try {
    run = await runHarness(
      ['--tags', '@install'],
      { KUBECONFIG: twin.kubeconfig, RHOAI_TARGET: 'cluster', RHOAI_RESOLVE: twin.resolve, RHOAI_ADMIN_PASSWORD: password },
      dir,
    );
  } finally {
    await twin.stop();
  }
  assert.equal(run.code, 0, `the install the tests start from failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  assert.ok(existsSync(snapshot), 'the twin wrote no snapshot when it stopped');
  writeFileSync(join(dir, PASSWORD), password, { mode: 0o600 });
  return { snapshot, work: run.work, password };
}

function readInstalledCluster(dir: string): InstalledCluster | undefined {
  const snapshot = join(dir, SNAPSHOT);
  if (!existsSync(snapshot) || !existsSync(join(dir, PASSWORD))) return undefined;
  return { snapshot, work: join(dir, 'work'), password: readFileSync(join(dir, PASSWORD), 'utf8') };
}

let made: Promise<InstalledCluster> | undefined;

/** The installed cluster of this `npm test` (RHOAI_TEST_INSTALLED), or one made once by this process. */
export function installedCluster(): Promise<InstalledCluster> {
  const shared = process.env.RHOAI_TEST_INSTALLED;
  const ready = shared ? readInstalledCluster(resolve(shared)) : undefined;
  if (ready) return Promise.resolve(ready);
  made ??= makeInstalledCluster(scratch('installed'));
  return made;
}

/** A fresh run directory whose work directory is a copy of the install's, as if on the same machine. */
export function runDirFrom(cluster: InstalledCluster, prefix: string): string {
  const dir = scratch(prefix);
  cpSync(cluster.work, join(dir, 'work'), { recursive: true });
  return dir;
}

// `node --import tsx test/acceptance/installed-cluster.ts DIR`: make it in DIR (scripts/test.mjs).
if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: installed-cluster.ts DIR\n');
    process.exit(2);
  }
  makeInstalledCluster(resolve(dir)).then(
    () => process.exit(0),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
