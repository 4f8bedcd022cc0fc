// One twin per run, also under `cucumber-js --parallel N`: every worker asks for the twin; the first
// to take an exclusive lock file in the run's directory starts it and publishes a ready file; the
// others watch for that file (fs.watch, no polling). The run is named by its coordinator (the
// cucumber-js process: process.ppid in a parallel worker, else process.pid).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchFileUntil } from './file-watch';

/** The pid of the process that runs the whole test run. */
export function coordinatorPid(env: NodeJS.ProcessEnv = process.env): number {
  return isParallelWorker(env) ? process.ppid : process.pid;
}

export function isParallelWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CUCUMBER_WORKER_ID !== undefined;
}

let fallbackRunId: string | undefined;

/**
 * The run's id, `<coordinator pid>-<stamp>`. cucumber.js sets RHOAI_RUN_ID in the coordinator, and
 * workers inherit it; the stamp keeps a pid reused by a later run (a fresh container) from
 * mistaking an old run's files for its own.
 */
export function runId(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RHOAI_RUN_ID && /^\d+-[a-z0-9]+$/.test(env.RHOAI_RUN_ID)) return env.RHOAI_RUN_ID;
  const pid = coordinatorPid(env);
  if (!fallbackRunId) {
    // Without cucumber.js (the API, a test): the coordinator's start time identifies the run.
    let stamp: string;
    try {
      stamp = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
    } catch {
      stamp = isParallelWorker(env) ? '0' : Date.now().toString(36);
    }
    fallbackRunId = `${pid}-${stamp}`;
  }
  return fallbackRunId;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The directory of this run's shared state, under RHOAI_WORK_DIR/runs; stale runs are removed. */
export function runDirectory(workDir: string, id = runId()): string {
  const runs = path.join(workDir, 'runs');
  fs.mkdirSync(runs, { recursive: true, mode: 0o700 });
  const ownPid = Number(id.split('-')[0]);
  for (const entry of fs.readdirSync(runs)) {
    if (entry === id) continue;
    const pid = Number(entry.split('-')[0]);
    if (!Number.isInteger(pid)) continue;
    if (pid === ownPid || !alive(pid)) fs.rmSync(path.join(runs, entry), { recursive: true, force: true });
  }
  const dir = path.join(runs, id);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** True for exactly one caller per run and name (an exclusive create of `<name>.lock`). */
export function claimOnce(runDir: string, name: string): boolean {
  try {
    fs.closeSync(fs.openSync(path.join(runDir, `${name}.lock`), 'wx', 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

type Published<T> = { ok: true; value: T } | { ok: false; error: string };

/** Publishes the outcome of a claimed task atomically (write, then rename). */
export function publish<T>(runDir: string, name: string, outcome: Published<T>): void {
  const file = path.join(runDir, `${name}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(outcome), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/** Waits for the outcome another process publishes; rejects with its error when it failed. */
export async function awaitPublished<T>(runDir: string, name: string, timeoutMs: number): Promise<T> {
  const outcome = await watchFileUntil<Published<T>>(
    path.join(runDir, `${name}.json`),
    timeoutMs,
    (text) => JSON.parse(text) as Published<T>,
    {
      what: `${name} published by the worker that claimed it`,
    },
  );
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.value;
}

/**
 * Runs `task` in exactly one process of the run and gives every caller its result (or its error).
 */
export async function oncePerRun<T>(
  runDir: string,
  name: string,
  timeoutMs: number,
  task: () => Promise<T>,
): Promise<{ value: T; ranHere: boolean }> {
  if (!claimOnce(runDir, name)) return { value: await awaitPublished<T>(runDir, name, timeoutMs), ranHere: false };
  try {
    const value = await task();
    publish(runDir, name, { ok: true, value });
    return { value, ranHere: true };
  } catch (error) {
    publish(runDir, name, { ok: false, error: (error as Error).message });
    throw error;
  }
}
