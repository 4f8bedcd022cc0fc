// Waiting for a file to reach some content, with fs.watch (inotify) and one timer: no polling.
// Used by the target's run coordination, where several processes wait for one to write a file.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class FileWaitTimeout extends Error {
  constructor(file: string, timeoutMs: number, what: string) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} in ${file}`);
    this.name = 'FileWaitTimeout';
  }
}

/**
 * Resolves with the first non-undefined result of `accept(content)`, evaluated now and on every
 * change of the file (which may not exist yet: its directory is watched). Rejects on timeout or
 * when `signal` aborts.
 */
export function watchFileUntil<T>(
  file: string,
  timeoutMs: number,
  accept: (content: string) => T | undefined,
  options: { signal?: AbortSignal; what?: string } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const dir = path.dirname(file);
    const base = path.basename(file);
    let settled = false;
    let watcher: fs.FSWatcher | undefined;
    const finish = (error: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watcher?.close();
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve(value as T);
    };
    const check = () => {
      if (settled) return;
      let content: string;
      try {
        content = fs.readFileSync(file, 'utf8');
      } catch {
        return; // not there yet
      }
      try {
        const result = accept(content);
        if (result !== undefined) finish(undefined, result);
      } catch (error) {
        finish(error);
      }
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('aborted'));
    const timer = setTimeout(() => finish(new FileWaitTimeout(file, timeoutMs, options.what ?? 'the expected content')), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      fs.mkdirSync(dir, { recursive: true });
      watcher = fs.watch(dir, (_event, name) => {
        if (name === null || name === base) check();
      });
      watcher.on('error', (error) => finish(error));
    } catch (error) {
      finish(error);
      return;
    }
    check(); // after the watch is in place, so that no change is missed
  });
}
