// Runs the harness (cucumber-js) as a user would, in a child process with its own reports and work
// directories, and reads back what it reported: the acceptance tests of the harness itself.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
const CUCUMBER = join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');

export interface HarnessRun {
  code: number;
  stdout: string;
  stderr: string;
  reports: string;
  work: string;
  scenarios: ScenarioResult[];
}

export interface ScenarioResult {
  name: string;
  tags: string[];
  status: 'passed' | 'failed' | 'skipped';
  /** The first failing step's error message. */
  error?: string;
}

/** A fresh directory for one run's reports and work files. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rhoai-${prefix}-`));
}

/** A run's environment: this process's, its own reports and work directories, a new run id, then `env`. */
function runEnvironment(env: Record<string, string | undefined>, reports: string, work: string): Record<string, string> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, RHOAI_REPORTS_DIR: reports, RHOAI_WORK_DIR: work, RHOAI_RUN_ID: '', ...env }))
    if (v !== undefined) childEnv[k] = v;
  return childEnv;
}

/** `cucumber-js ARGS` in a new process, as a user runs it. */
export function runHarness(args: string[], env: Record<string, string | undefined>, dir = scratch('run')): Promise<HarnessRun> {
  const reports = join(dir, 'reports');
  const work = join(dir, 'work');
  const childEnv = runEnvironment(env, reports, work);
  return new Promise((done) => {
    const child = spawn(process.execPath, [CUCUMBER, ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) =>
      done({ code: code ?? 1, stdout, stderr, reports, work, scenarios: readScenarios(join(reports, 'cucumber.json')) }),
    );
  });
}

const WORKER = join(ROOT, 'test', 'acceptance', 'cucumber-worker.cjs');

/** A warm Cucumber process and the end of what it wrote on stderr (for when it ends during a run). */
interface Warm {
  child: ChildProcess;
  tail: string;
}

/** Warm Cucumber processes not running a run now. */
const idle: Warm[] = [];

function takeWorker(): Warm {
  const ready = idle.pop();
  if (ready) {
    ready.child.ref();
    ready.child.channel?.ref();
    return ready;
  }
  const child = spawn(process.execPath, [WORKER], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const warm: Warm = { child, tail: '' };
  child.stderr!.on('data', (d) => (warm.tail = (warm.tail + d).slice(-4000)));
  child.once('exit', () => {
    const i = idle.indexOf(warm);
    if (i >= 0) idle.splice(i, 1);
  });
  return warm;
}

function returnWorker(warm: Warm): void {
  if (warm.child.exitCode !== null || warm.child.signalCode !== null) return;
  warm.child.unref();
  warm.child.channel?.unref();
  (warm.child.stderr as unknown as { unref(): void }).unref();
  idle.push(warm);
}

/**
 * `cucumber-js ARGS` as runHarness runs it, for tests that read only the run's verdicts, reports and
 * output (the fault catalogue, the installed cluster): in a warm Cucumber process that keeps
 * Cucumber, the vendored packages and Playwright loaded between runs and loads everything else afresh
 * for each (cucumber-worker.cjs). Measured: ≈ 0.65 CPU-s a run instead of ≈ 2.1 for a new process.
 * Only with the harness compiled (RHOAI_BUILD_DIR, as npm test runs it); otherwise a new process.
 */
export function runHarnessWarm(args: string[], env: Record<string, string | undefined>, dir = scratch('run')): Promise<HarnessRun> {
  if (!process.env.RHOAI_BUILD_DIR) return runHarness(args, env, dir);
  const reports = join(dir, 'reports');
  const work = join(dir, 'work');
  const worker = takeWorker();
  return new Promise((done) => {
    const finish = (result: { code: number; stdout: string; stderr: string }) => {
      worker.child.off('exit', crashed);
      worker.child.off('message', finish);
      returnWorker(worker);
      done({ ...result, reports, work, scenarios: readScenarios(join(reports, 'cucumber.json')) });
    };
    const crashed = (code: number | null, signal: string | null) =>
      finish({
        code: 1,
        stdout: '',
        stderr: `the warm Cucumber process ended during the run (${signal ?? `exit code ${code}`}):\n${worker.tail}`,
      });
    worker.child.once('exit', crashed);
    worker.child.once('message', finish);
    worker.child.send({ args, env: runEnvironment(env, reports, work) });
  });
}

export function readScenarios(file: string): ScenarioResult[] {
  // A run stopped before its first scenario (a BeforeAll refusal) leaves the JSON report empty.
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!text.trim()) return [];
  const features = JSON.parse(text) as {
    tags?: { name: string }[];
    elements?: {
      name: string;
      type?: string;
      tags?: { name: string }[];
      steps?: { result?: { status: string; error_message?: string } }[];
    }[];
  }[];
  const out: ScenarioResult[] = [];
  for (const f of features) {
    for (const el of f.elements ?? []) {
      if (el.type && el.type !== 'scenario') continue;
      const steps = el.steps ?? [];
      const failedStep = steps.find((s) => s.result?.status === 'failed');
      const status = failedStep ? 'failed' : steps.every((s) => s.result?.status === 'passed') ? 'passed' : 'skipped';
      out.push({
        name: el.name,
        tags: [...(f.tags ?? []), ...(el.tags ?? [])].map((t) => t.name),
        status,
        error: failedStep?.result?.error_message,
      });
    }
  }
  return out;
}

/** Every file under dir, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

/** No secret value in any file under the run's reports/ (the twin audit log included) or in its console output. */
export function assertNoSecrets(run: HarnessRun, secrets: string[], where: string): void {
  for (const file of filesUnder(run.reports)) {
    const text = readFileSync(file).toString('latin1');
    for (const s of secrets) assert.ok(!text.includes(s), `${where}: a secret value appears in ${file}`);
  }
  for (const s of secrets)
    assert.ok(!run.stdout.includes(s) && !run.stderr.includes(s), `${where}: a secret value appears in the console output`);
}
