// Text renderings of cluster state for people: status summaries, conditions, events and pods.
// Used by wait timeouts and by diagnose().
import { conditionsOf, type KObject } from './types';

const MAX_STATUS_CHARS = 600;

/** status without its conditions, as one line of JSON (truncated), or a note when there is none. */
export function statusSummary(obj: KObject | undefined): string {
  if (!obj) return 'absent (no such object)';
  const status = obj.status as Record<string, unknown> | undefined;
  if (!status || typeof status !== 'object' || Object.keys(status).length === 0) return 'no status';
  const { conditions: _conditions, ...rest } = status;
  if (Object.keys(rest).length === 0) return 'status has only conditions';
  const text = JSON.stringify(rest);
  return text.length > MAX_STATUS_CHARS ? `${text.slice(0, MAX_STATUS_CHARS)}…` : text;
}

/** One line per condition; OLM's CSV keeps a history of phases instead of typed conditions, shown as `phase <P>`. */
export function formatConditions(obj: KObject | undefined, indent = '  '): string[] {
  return conditionsOf(obj).map((c) => {
    const phase = (c as { phase?: string }).phase;
    const head = c.type !== undefined ? `${c.type}=${c.status}` : `phase ${phase ?? '?'}`;
    return `${indent}${head}${c.reason ? ` reason=${c.reason}` : ''}${c.message ? ` message=${JSON.stringify(c.message)}` : ''}`;
  });
}

function eventTime(event: KObject): string {
  return (
    (event.lastTimestamp as string | undefined) ??
    (event.eventTime as string | undefined) ??
    (event.series?.lastObservedTime as string | undefined) ??
    (event.firstTimestamp as string | undefined) ??
    event.metadata.creationTimestamp ??
    ''
  );
}

/** Events sorted oldest first, the last `limit` of them. */
export function newestEvents(events: KObject[], limit: number): KObject[] {
  return [...events].sort((a, b) => eventTime(a).localeCompare(eventTime(b))).slice(-limit);
}

export function formatEvent(event: KObject): string {
  const involved = event.involvedObject ?? event.regarding ?? {};
  const count = (event.count as number | undefined) ?? (event.series?.count as number | undefined);
  const message = (event.message ?? event.note ?? '') as string;
  return `${eventTime(event) || '?'} ${event.type ?? 'Normal'} ${event.reason ?? ''} ${involved.kind ?? '?'}/${involved.name ?? '?'}: ${message.trim()}${count && count > 1 ? ` (x${count})` : ''}`;
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    running?: { startedAt?: string };
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
}

function containerState(status: ContainerStatus): string {
  const state = status.state ?? {};
  let text: string;
  if (state.running) text = 'running';
  else if (state.waiting) text = `waiting ${state.waiting.reason ?? ''}${state.waiting.message ? `: ${state.waiting.message}` : ''}`;
  else if (state.terminated)
    text = `terminated ${state.terminated.reason ?? ''} exit=${state.terminated.exitCode ?? '?'}${state.terminated.message ? `: ${state.terminated.message}` : ''}`;
  else text = 'unknown';
  return `${status.name} ${text.trim()}${status.ready ? ' ready' : ''} restarts=${status.restartCount ?? 0}`;
}

export function formatPod(pod: KObject): string {
  const statuses = [
    ...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []),
  ];
  const containers = (pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
  const ready = containers.filter((c) => c.ready).length;
  const podReady = conditionsOf(pod).find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  const head = `${pod.metadata.name} phase=${pod.status?.phase ?? 'Unknown'} ready=${ready}/${containers.length || (pod.spec?.containers?.length ?? 0)} (Ready=${podReady})`;
  const reason = pod.status?.reason ? ` reason=${pod.status.reason}` : '';
  return [head + reason, ...statuses.map((s) => `    ${containerState(s)}`)].join('\n');
}
