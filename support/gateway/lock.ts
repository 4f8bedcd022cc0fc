// One writer at a time in the certificate directory: parallel workers (cucumber-js --parallel) and
// other domains that ask for the gateway certificates (the CA bundle) may want them at the same
// moment. An exclusive lock file holds the owner's pid; a waiter watches the directory for its
// removal (fs.watch, one timer, no polling), and a lock whose owner has died is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

const LOCK = '.lock';

function ownerAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return true; // being written or just removed: look again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(file: string): boolean {
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!ownerAlive(file)) {
      fs.rmSync(file, { force: true });
      return tryLock(file);
    }
    return false;
  }
}

function lockReleased(dir: string, file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(dir);
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        done(
          new Error(
            `timed out after ${Math.round(timeoutMs / 1000)} s waiting for another process (pid ${fs.readFileSync(file, 'utf8').trim()}) to release ${file}`,
          ),
        ),
      timeoutMs,
    );
    watcher.on('change', () => {
      if (!fs.existsSync(file) || !ownerAlive(file)) done();
    });
    watcher.on('error', (error) => done(error));
    if (!fs.existsSync(file) || !ownerAlive(file)) done(); // released before the watch began
  });
}

/** Runs `task` holding the directory's lock. */
export async function withDirectoryLock<T>(dir: string, timeoutMs: number, task: () => Promise<T>): Promise<T> {
  const file = path.join(dir, LOCK);
  while (!tryLock(file)) await lockReleased(dir, file, timeoutMs);
  try {
    return await task();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
