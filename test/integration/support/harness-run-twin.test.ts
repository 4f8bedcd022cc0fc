// The harness end to end on the embedded twin, in a copy of the project (copied-project.ts): the twin
// starts lazily and says so, records its versions, is shared by parallel workers and stopped at the
// end, and a twin that cannot start shows its own error.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../support/core/paths';
import { buildProject, copyProject, cucumber } from './copied-project';

describe(
  'a harness run on the embedded twin',
  { skip: fs.existsSync(path.join(PROJECT_ROOT, 'twin', 'cli.ts')) ? false : 'twin/cli.ts does not exist yet' },
  () => {
    let project: string;

    before(async () => {
      project = copyProject('harness-twin-run', { twin: true });
      await buildProject(project);
    });
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    function published(workDir: string): { api: string; pid: number }[] {
      const runs = path.join(workDir, 'runs');
      return fs.readdirSync(runs).flatMap((run) => {
        const file = path.join(runs, run, 'twin.json');
        return fs.existsSync(file) ? [(JSON.parse(fs.readFileSync(file, 'utf8')) as { value: { api: string; pid: number } }).value] : [];
      });
    }

    async function gone(pid: number, withinMs: number): Promise<boolean> {
      const deadline = Date.now() + withinMs;
      for (;;) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 100)); // test-side check that a process has exited
      }
    }

    it('starts the twin lazily, says so, records its versions, and stops it at the end', async () => {
      const workDir = path.join(project, 'work-serial');
      const auditLog = path.join(project, 'reports', 'twin', 'audit.jsonl');
      fs.mkdirSync(path.dirname(auditLog), { recursive: true });
      fs.writeFileSync(auditLog, '{"note":"an earlier twin"}\n');
      const result = await cucumber(project, ['--tags', '@smoke'], {
        RHOAI_TARGET: 'twin',
        RHOAI_WORK_DIR: workDir,
        RHOAI_TWIN_AUDIT_LOG: auditLog,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^rhoai-harness: target = embedded twin \(simulated OpenShift \+ RHOAI\) at https:\/\/127\.0\.0\.1:\d+$/m,
      );
      const environment = fs.readFileSync(path.join(project, 'reports', 'allure-results', 'environment.properties'), 'utf8');
      assert.match(environment, /^Target=embedded twin/m);
      assert.match(environment, /^OpenShift=4\.\d+/m);
      assert.ok(fs.statSync(auditLog).size > 0, 'the twin wrote its audit log');
      assert.ok(!fs.readFileSync(auditLog, 'utf8').includes('an earlier twin'), "the audit log still holds an earlier twin's lines");
      assert.equal(fs.statSync(workDir).mode & 0o777, 0o700, 'RHOAI_WORK_DIR is private');
      const [twin] = published(workDir);
      assert.ok(twin && (await gone(twin.pid, 10_000)), 'the twin was stopped');
    });

    it('shares one twin between parallel workers', async () => {
      const workDir = path.join(project, 'work-parallel');
      const result = await cucumber(project, ['--tags', '@smoke', '--parallel', '2'], { RHOAI_TARGET: 'twin', RHOAI_WORK_DIR: workDir });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('rhoai-harness: target = ')).length, 1);
      const twins = published(workDir);
      assert.equal(twins.length, 1, 'one twin for the run');
      assert.ok(await gone(twins[0]!.pid, 10_000), 'the twin exited with the run');
    });

    it("shows the twin's own error when it cannot start", async () => {
      const result = await cucumber(project, ['--tags', '@smoke'], {
        RHOAI_TARGET: 'twin',
        RHOAI_WORK_DIR: path.join(project, 'work-fault'),
        RHOAI_TWIN_FAULTS: 'no-such-fault',
      });
      assert.equal(result.code, 1);
      assert.match(result.stdout, /the embedded twin exited before it was ready \(exit code \d+\):\n\s*rhoai-twin: unknown fault/);
    });
  },
);
