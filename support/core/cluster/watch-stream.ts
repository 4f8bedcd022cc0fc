// One Kubernetes watch: opens `?watch=true&resourceVersion=...` and hands each newline-delimited
// JSON event to a callback until the server closes the stream. It never reconnects; the wait loop
// in wait.ts decides what to do next.
import { StringDecoder } from 'node:string_decoder';
import type { ApiTransport, Query } from './transport';
import type { WatchEvent } from './types';

export const WATCH_TIMEOUT_SECONDS = 300;

export interface WatchOutcome {
  /** Events received (bookmarks included) before the stream closed. */
  readonly events: number;
}

export async function watchOnce(
  transport: ApiTransport,
  path: string,
  query: Query,
  signal: AbortSignal,
  onEvent: (event: WatchEvent) => void,
): Promise<WatchOutcome> {
  const response = await transport.stream({
    method: 'GET',
    path,
    // The server ends the watch after timeoutSeconds, so a connection that died silently (no FIN)
    // is noticed and the wait resumes from the last resourceVersion.
    query: { ...query, watch: true, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS },
    signal,
  });
  return new Promise<WatchOutcome>((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let buffered = '';
    let events = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        response.destroy();
        reject(error);
      } else {
        resolve({ events });
      }
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const consume = (text: string) => {
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          finish(new Error(`watch ${path}: the server sent a line that is not JSON: ${line.slice(0, 200)}`));
          return;
        }
        events++;
        try {
          onEvent(event);
        } catch (error) {
          finish(error);
          return;
        }
        if (settled) return;
      }
    };
    response.on('data', (chunk: Buffer) => {
      if (!settled) consume(decoder.write(chunk));
    });
    response.on('end', () => {
      if (!settled) consume(decoder.end() + '\n');
      finish();
    });
    // A stream cut mid-way ("aborted", ECONNRESET) is a dropped watch, handled by the caller.
    response.on('error', (error) => finish(Object.assign(error, { transient: true })));
    response.on('aborted', () =>
      finish(Object.assign(new Error('watch stream aborted by the server'), { code: 'ECONNRESET', transient: true })),
    );
  });
}
