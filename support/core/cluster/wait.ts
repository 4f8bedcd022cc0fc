// The one waiting primitive: read the object (or collection), then watch from that
// resourceVersion until a predicate holds. A dropped watch is resumed from the last seen
// resourceVersion; 410 Gone re-lists. One timer bounds the whole wait; there is no polling.
import { resourcePath, type Discovery, type ResolvedResource } from './discovery';
import { formatConditions, formatEvent, statusSummary } from './describe';
import { backoff, backoffDelay, isTransientNetworkError, type RetryPolicy } from './retry';
import { ApiError, type ApiTransport } from './transport';
import { describeRef, type KList, type KObject, type ObjectRef, type WatchEvent } from './types';
import { watchOnce } from './watch-stream';

/** true: done; false: keep waiting; {fail}: a terminal state, stop at once (e.g. a CSV in phase Failed). */
export type Verdict = boolean | { fail: string };
export type ObjectPredicate = (obj: KObject | undefined) => Verdict;
export type ListPredicate = (objs: KObject[]) => Verdict;

export interface WaitOptions {
  /** Bound of the whole wait, in milliseconds (default: RHOAI_WAIT_TIMEOUT). */
  timeoutMs?: number;
  /** What is awaited, in words: "the CSV of rhods-operator to succeed". */
  describe?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal?: AbortSignal;
}

/** A wait that did not end as asked; the last state it saw goes with it. */
abstract class WaitError extends Error {
  constructor(
    message: string,
    readonly lastObserved: KObject | KObject[] | undefined,
  ) {
    super(message);
  }
}

/** The wait ran out of time; the message carries what a person needs to act. */
export class WaitTimeoutError extends WaitError {
  override readonly name = 'WaitTimeoutError';
}

/** The predicate reported a terminal failure. */
export class WaitFailedError extends WaitError {
  override readonly name = 'WaitFailedError';
}

/** Delay policy for re-watching after a dropped or failed watch; the wait's timeout bounds the total. */
const REWATCH_BACKOFF: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 100, maxDelayMs: 5_000 };

export interface WaitDependencies {
  transport: ApiTransport;
  discovery: Discovery;
  /** Recent events for the timeout message; newest last. */
  recentEvents(ref: ObjectRef, resource: ResolvedResource): Promise<KObject[]>;
  defaultTimeoutMs: number;
}

class Done {
  constructor(readonly result: { ok: true; value: KObject | KObject[] | undefined } | { ok: false; error: Error }) {}
}
class Timeout {}
class Gone {}

function keyOf(obj: KObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/**
 * Waits until `evaluate` (called with the current set of matching objects) returns true or
 * {fail}. Resolves with what `pick` returns for the satisfying state.
 */
export async function waitUntil(
  deps: WaitDependencies,
  ref: ObjectRef,
  options: WaitOptions,
  evaluate: (state: Map<string, KObject>) => Verdict,
  pick: (state: Map<string, KObject>) => KObject | KObject[] | undefined,
): Promise<KObject | KObject[] | undefined> {
  const resource = await deps.discovery.resolve(ref);
  if (resource.namespaced && ref.name !== undefined && !ref.namespace) {
    throw new Error(`waitFor ${describeRef(ref)}: ${ref.kind} is namespaced; the reference needs a namespace`);
  }
  const timeoutMs = options.timeoutMs ?? deps.defaultTimeoutMs;
  const awaited = options.describe ?? `${describeRef(ref)} to reach the expected state`;
  const collectionPath = resourcePath(resource, ref.namespace);
  const fieldSelectors = [options.fieldSelector, ref.name !== undefined ? `metadata.name=${ref.name}` : undefined].filter(Boolean);
  const selectorQuery = {
    fieldSelector: fieldSelectors.length > 0 ? fieldSelectors.join(',') : undefined,
    labelSelector: options.labelSelector,
  };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Timeout()), timeoutMs);
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const state = new Map<string, KObject>();
  let resourceVersion = '';
  let lastWatchError: Error | undefined;
  const started = Date.now();

  // Evaluates the predicate; when it settles the wait, aborts the watch with the outcome.
  const check = (): void => {
    let verdict: Verdict;
    try {
      verdict = evaluate(state);
    } catch (error) {
      throw new Done({ ok: false, error: error as Error });
    }
    if (verdict === true) throw new Done({ ok: true, value: pick(state) });
    if (verdict && typeof verdict === 'object' && 'fail' in verdict) {
      const observed = pick(state);
      throw new Done({ ok: false, error: new WaitFailedError(failureMessage(awaited, ref, verdict.fail, observed), observed) });
    }
  };

  const relist = async (): Promise<void> => {
    const list = await deps.transport.json<KList>({ method: 'GET', path: collectionPath, query: selectorQuery, signal: controller.signal });
    state.clear();
    for (const item of list.items ?? []) {
      state.set(keyOf(item), { ...item, apiVersion: item.apiVersion ?? ref.apiVersion, kind: item.kind ?? ref.kind });
    }
    resourceVersion = list.metadata?.resourceVersion ?? '';
    check();
  };

  const onEvent = (event: WatchEvent): void => {
    const obj = event.object;
    if (event.type === 'ERROR') {
      const status = obj as unknown as { code?: number; message?: string; reason?: string };
      if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') throw new Gone();
      throw Object.assign(new Error(`watch ERROR event: ${status.message ?? JSON.stringify(obj)}`), { transient: true });
    }
    if (obj?.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') state.delete(keyOf(obj));
    else state.set(keyOf(obj), { ...obj, apiVersion: obj.apiVersion ?? ref.apiVersion, kind: obj.kind ?? ref.kind });
    check();
  };

  try {
    let needsList = true;
    let consecutiveFailures = 0;
    for (;;) {
      try {
        if (needsList) {
          await relist();
          needsList = false;
        }
        const outcome = await watchOnce(deps.transport, collectionPath, { ...selectorQuery, resourceVersion }, controller.signal, onEvent);
        // The server closed the watch (its timeout, a restart, a proxy): resume from the last
        // resourceVersion. A server that keeps closing at once with nothing to say gets a growing
        // delay, so that this cannot become a hot loop.
        consecutiveFailures = outcome.events > 0 ? 0 : consecutiveFailures + 1;
        if (consecutiveFailures > 1) await backoff(backoffDelay(REWATCH_BACKOFF, consecutiveFailures - 1), controller.signal);
      } catch (error) {
        if (error instanceof Done || error instanceof Timeout) throw error;
        if (controller.signal.aborted) throw controller.signal.reason;
        if (error instanceof Gone || (error instanceof ApiError && error.status === 410)) {
          needsList = true; // our resourceVersion is too old: read the current state again
          continue;
        }
        const transient = (error as { transient?: boolean }).transient === true || isTransientNetworkError(error);
        if (!transient) throw error;
        lastWatchError = error as Error;
        consecutiveFailures++;
        // Retry a dropped or refused watch with exponential backoff; the wait's timer bounds it.
        await backoff(backoffDelay(REWATCH_BACKOFF, consecutiveFailures), controller.signal);
      }
    }
  } catch (thrown) {
    const reason =
      thrown instanceof Done || thrown instanceof Timeout ? thrown : controller.signal.aborted ? controller.signal.reason : thrown;
    if (reason instanceof Done) {
      if (reason.result.ok) return reason.result.value;
      throw reason.result.error;
    }
    if (reason instanceof Timeout) {
      const observed = pick(state);
      const events = await deps.recentEvents(ref, resource).catch((e: Error) => e);
      throw new WaitTimeoutError(timeoutMessage(awaited, ref, Date.now() - started, observed, events, lastWatchError), observed);
    }
    throw reason;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    if (!controller.signal.aborted) controller.abort(new Done({ ok: true, value: undefined }));
  }
}

function observedLines(ref: ObjectRef, observed: KObject | KObject[] | undefined): string[] {
  if (Array.isArray(observed)) {
    if (observed.length === 0) return [`  last observed: no ${ref.kind} objects`];
    return [
      `  last observed: ${observed.length} ${ref.kind} object(s)`,
      ...observed
        .slice(0, 10)
        .flatMap((o) => [
          `    ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}: ${statusSummary(o)}`,
          ...formatConditions(o, '      '),
        ]),
    ];
  }
  if (!observed) return ['  last observed: absent (the object does not exist)'];
  const conditions = formatConditions(observed, '    ');
  return [`  last observed status: ${statusSummary(observed)}`, conditions.length ? '  conditions:' : '  conditions: none', ...conditions];
}

function failureMessage(awaited: string, ref: ObjectRef, fail: string, observed: KObject | KObject[] | undefined): string {
  return [
    `failed waiting for ${awaited}: ${fail}`,
    `  awaited: ${describeRef(ref)} (${ref.apiVersion})`,
    ...observedLines(ref, observed),
  ].join('\n');
}

function timeoutMessage(
  awaited: string,
  ref: ObjectRef,
  elapsedMs: number,
  observed: KObject | KObject[] | undefined,
  events: KObject[] | Error,
  lastWatchError: Error | undefined,
): string {
  const where = ref.namespace ? `namespace ${ref.namespace}` : `the cluster (involving ${describeRef(ref)})`;
  const eventLines =
    events instanceof Error
      ? [`  recent events in ${where}: could not be read (${events.message})`]
      : events.length === 0
        ? [`  recent events in ${where}: none`]
        : [`  recent events in ${where} (newest last):`, ...events.map((e) => `    ${formatEvent(e)}`)];
  return [
    `timed out after ${Math.round(elapsedMs / 1000)} s waiting for ${awaited}`,
    `  awaited: ${describeRef(ref)} (${ref.apiVersion})`,
    ...observedLines(ref, observed),
    ...eventLines,
    ...(lastWatchError ? [`  last watch error: ${lastWatchError.message}`] : []),
  ].join('\n');
}
