// The installed cluster the acceptance tests start from when installing is not what they test:
// `@install` on standalone twins that write their snapshot when they stop (twin/snapshot.ts), one
// installer feature file per twin, each restored from the one before; the admin password used and
// the run's work directory (the files a user's machine keeps between runs). A test restores a
// snapshot into a twin of its own (`--restore`, RHOAI_TWIN_RESTORE) with a copy of the work
// directory: the installer's CPU is spent once per `npm test`, not once per test; a fault caught
// by an installer feature starts from the snapshot before that feature.
//
// scripts/test.mjs makes it while the unit tests run (`node --import tsx
// test/acceptance/installed-cluster.ts DIR`) and names it in RHOAI_TEST_INSTALLED; a test file run
// on its own makes it itself, once per process.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { scenariosUnder } from '../../support/core/config/selection';
import { ROOT, runHarnessWarm, scratch } from './harness-run';
import { startStandaloneTwin } from './standalone-twin';

export interface InstalledCluster {
  /** The twin snapshot of the installed cluster. */
  snapshot: string;
  /** The install run's work directory. */
  work: string;
  /** The admin password the install gave the htpasswd admin user. */
  password: string;
  /**
   * The cluster part-way through the install, before each installer feature file (in run order):
   * its snapshot and work directory. A fault caught by that file's scenarios starts there.
   */
  points: InstallPoint[];
  /**
   * The installed cluster after the tutorial's training feature (TRAINING_FEATURE): its project,
   * workbench and the model stored in its bucket. Faults caught by the serving scenarios start
   * here: they need the stored model, which their own Given steps would otherwise train again.
   */
  trained: { snapshot: string; work: string };
}

/** The tutorial's training feature: project, workbench, clone, training, the model stored. */
export const TRAINING_FEATURE = 'features/40-tutorials/03-fraud-detection-train.feature';

export interface InstallPoint {
  /** The feature file (relative to the project) this is the state before. */
  feature: string;
  snapshot: string;
  work: string;
}

const MANIFEST = 'installed-cluster.json';

/** The installer's feature files, in the order `--tags @install` runs them. */
export function installerFeatures(): string[] {
  const files = scenariosUnder(join(ROOT, 'features'))
    .filter((s) => s.tags.includes('@install'))
    .map((s) => relative(ROOT, s.uri));
  return [...new Set(files)].sort();
}

/**
 * Installs on standalone twins in dir, one installer feature file at a time, each restarting the
 * cluster the one before left (the last leaves it installed), and keeps the snapshot and work
 * directory before each file (from the second on) and after the last.
 */
export async function makeInstalledCluster(dir: string): Promise<InstalledCluster> {
  const password = `Pw-${randomBytes(12).toString('hex')}`;
  const features = installerFeatures();
  const chain = join(dir, 'chain');
  const points: InstallPoint[] = [];
  let previous: string | undefined;
  for (const [i, feature] of features.entries()) {
    if (previous) {
      const work = join(dir, `work-${i}`);
      cpSync(join(chain, 'work'), work, { recursive: true });
      points.push({ feature, snapshot: previous, work });
    }
    const snapshot = join(dir, `after-${i}.snapshot.json`);
    const twin = await startStandaloneTwin(join(dir, `twin-${i}`), [
      '--snapshot-on-exit',
      snapshot,
      ...(previous ? ['--restore', previous] : []),
    ]);
    let run;
    try {
      run = await runHarnessWarm(
        ['--tags', '@install', join(ROOT, feature)],
        { KUBECONFIG: twin.kubeconfig, RHOAI_TARGET: 'cluster', RHOAI_RESOLVE: twin.resolve, RHOAI_ADMIN_PASSWORD: password },
        chain,
      );
    } finally {
      await twin.stop();
    }
    assert.equal(
      run.code,
      0,
      `the install the tests start from failed in ${feature}:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`,
    );
    assert.ok(existsSync(snapshot), 'the twin wrote no snapshot when it stopped');
    previous = snapshot;
  }
  // One more twin restored from the installed cluster: the tutorial's training feature.
  const trained = join(dir, 'trained.snapshot.json');
  const trainedWork = join(dir, 'trained-run', 'work');
  cpSync(join(chain, 'work'), trainedWork, { recursive: true });
  const twin = await startStandaloneTwin(join(dir, 'twin-trained'), ['--snapshot-on-exit', trained, '--restore', previous!]);
  let run;
  try {
    run = await runHarnessWarm(
      ['--tags', '@tutorial', join(ROOT, TRAINING_FEATURE)],
      { KUBECONFIG: twin.kubeconfig, RHOAI_TARGET: 'cluster', RHOAI_RESOLVE: twin.resolve, RHOAI_ADMIN_PASSWORD: password },
      join(dir, 'trained-run'),
    );
  } finally {
    await twin.stop();
  }
  assert.equal(run.code, 0, `the training the serving faults start from failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  const installed: InstalledCluster = {
    snapshot: previous!,
    work: join(chain, 'work'),
    password,
    points,
    trained: { snapshot: trained, work: trainedWork },
  };
  writeFileSync(join(dir, MANIFEST), JSON.stringify(installed), { mode: 0o600 });
  return installed;
}

function readInstalledCluster(dir: string): InstalledCluster | undefined {
  const manifest = join(dir, MANIFEST);
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as InstalledCluster) : undefined;
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

/** A fresh run directory whose work directory is a copy of the given one (`cluster.work` or a point's), as if on the same machine. */
export function runDirFrom(work: string, prefix: string): string {
  const dir = scratch(prefix);
  cpSync(work, join(dir, 'work'), { recursive: true });
  return dir;
}

const platformAt = new Map<string, boolean>();

/**
 * Whether the cluster of a point has the platform (the DataScienceCluster default-dsc): from there
 * on a run may start with any installer feature (before it, the embedded twin's run would install
 * first, support/core/target/install-first.ts).
 */
export function hasPlatform(point: InstallPoint): boolean {
  let known = platformAt.get(point.snapshot);
  if (known === undefined) {
    const { store } = JSON.parse(readFileSync(point.snapshot, 'utf8')) as {
      store: { objects: { resource: string; object: { metadata: { name: string } } }[] };
    };
    known = store.objects.some(
      (o) => o.resource === 'datasciencecluster.opendatahub.io/datascienceclusters' && o.object.metadata.name === 'default-dsc',
    );
    platformAt.set(point.snapshot, known);
  }
  return known;
}

// `node --import tsx test/acceptance/installed-cluster.ts DIR`: make it in DIR (scripts/test.mjs).
// By file name, not `require.main === module`: compiled into a test's one file (scripts/build.mjs
// buildTests), this module shares the test's `module`, which is the main one.
if (require.main?.filename === __filename) {
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
