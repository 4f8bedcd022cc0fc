// The fraud-detection tutorial's project lives for the whole run, not for one scenario: the steps
// of the tutorial (workbench, clone, train, store) each build on the one before, and the model
// serving scenarios of the same run deploy the model stored there. So the scenarios that use it
// record it in the run's directory (RHOAI_WORK_DIR/runs/<run>/tutorial-projects/) instead of
// deleting it, and the last worker process of the run to finish deletes what was recorded — unless
// RHOAI_KEEP=always, or RHOAI_KEEP=on-failure and a scenario that used it failed.
//
// Scenarios tagged @fraud-detection-project use that one project: under --parallel they run one at
// a time (never two at once), while scenarios of other projects run beside them.
import { After, BeforeAll, Status, setParallelCanAssign, parallelCanAssignHelpers, type ITestCaseHookParameter } from '@cucumber/cucumber';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClusterClient } from '../core/cluster';
import { session } from '../core/session';
import { ensureWorkDir } from '../core/target/connect';
import { claimOnce, runDirectory } from '../core/target/run-coordination';
import type { RhoaiWorld } from '../core/world';

/** The tag of the scenarios that work in the tutorial's project (RHOAI_TUTORIAL_PROJECT). */
export const TUTORIAL_PROJECT_TAG = '@fraud-detection-project';

setParallelCanAssign(parallelCanAssignHelpers.atMostOnePicklePerTag([TUTORIAL_PROJECT_TAG]));

declare module '../core/world' {
  interface ScenarioFacts {
    /** Projects this scenario recorded for deletion at the end of the run. */
    runScopedProjects?: string[];
  }
}

function runScopeDir(): string {
  const dir = path.join(runDirectory(ensureWorkDir(session.settings().workDir)), 'tutorial-projects');
  fs.mkdirSync(path.join(dir, 'projects'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(dir, 'workers'), { recursive: true, mode: 0o700 });
  return dir;
}

/** Keeps the project until the end of the run (see above). */
export function keepForRun(world: RhoaiWorld, project: string): void {
  const file = path.join(runScopeDir(), 'projects', project);
  if (!fs.existsSync(file)) fs.writeFileSync(file, '', { mode: 0o600 });
  world.facts.runScopedProjects = [...new Set([...(world.facts.runScopedProjects ?? []), project])];
}

BeforeAll(function () {
  fs.writeFileSync(path.join(runScopeDir(), 'workers', String(process.pid)), '', { mode: 0o600 });
});

After(function (this: RhoaiWorld, { result }: ITestCaseHookParameter) {
  if (result?.status !== Status.FAILED) return;
  for (const project of this.facts.runScopedProjects ?? [])
    fs.writeFileSync(path.join(runScopeDir(), 'projects', project), 'failed', { mode: 0o600 });
});

// At the end of the run, before the session disconnects (and stops an embedded twin).
session.beforeStop(async () => {
  const dir = runScopeDir();
  fs.rmSync(path.join(dir, 'workers', String(process.pid)), { force: true });
  if (fs.readdirSync(path.join(dir, 'workers')).length > 0) return; // another worker still runs scenarios
  if (!claimOnce(dir, 'cleanup')) return;
  const keep = session.settings().keep;
  const target = session.connectedTarget();
  for (const project of fs.readdirSync(path.join(dir, 'projects'))) {
    const failed = fs.readFileSync(path.join(dir, 'projects', project), 'utf8') === 'failed';
    if (keep === 'always' || (keep === 'on-failure' && failed)) {
      session.log(`rhoai-harness: RHOAI_KEEP=${keep}: kept the tutorial project ${project}`);
      continue;
    }
    if (!target) continue;
    try {
      await new ClusterClient(() => session.connection()).delete({ apiVersion: 'project.openshift.io/v1', kind: 'Project', name: project });
    } catch (error) {
      session.log(`rhoai-harness: could not delete the tutorial project ${project}: ${(error as Error).message}`);
    }
  }
});
