// The LimitRanger admission plugin for Pods, as kube-apiserver runs it (kubernetes
// plugin/pkg/admission/limitranger/admission.go, v1.28: PodMutateLimitFunc then
// PodValidateLimitFunc for LimitRange items of type Container): a container without a limit gets
// the item's default (else its max), without a request the item's defaultRequest (else its
// limit); then a limit above max or a request below min refuses the pod, 403 Forbidden, with the
// plugin's own words ("maximum cpu usage per Container is 2, but limit is 6").
import { parseQuantity } from './quantity';
import { ApiError, type KObject } from './types';

type Resources = Record<string, string | number>;

interface LimitItem {
  type?: string;
  max?: Resources;
  min?: Resources;
  default?: Resources;
  defaultRequest?: Resources;
}

/** Defaults the containers' requests and limits from the namespace's LimitRanges, then refuses what exceeds them. */
export function admitPodLimits(pod: KObject, limitRanges: KObject[]): void {
  const items = limitRanges.flatMap((lr) => ((lr.spec?.limits ?? []) as LimitItem[]).filter((i) => i.type === 'Container'));
  if (!items.length) return;
  const containers = [...((pod.spec?.initContainers ?? []) as KObject[]), ...((pod.spec?.containers ?? []) as KObject[])];
  for (const item of items) for (const c of containers) defaults(c, item);
  const errors: string[] = [];
  for (const item of items) {
    for (const c of containers) {
      for (const [name, max] of Object.entries(item.max ?? {})) {
        const limit = c.resources?.limits?.[name];
        if (limit === undefined) errors.push(`maximum ${name} usage per Container is ${max}.  No limit is specified`);
        else if (parseQuantity(limit) > parseQuantity(max))
          errors.push(`maximum ${name} usage per Container is ${max}, but limit is ${limit}`);
      }
      for (const [name, min] of Object.entries(item.min ?? {})) {
        const request = c.resources?.requests?.[name];
        if (request === undefined) errors.push(`minimum ${name} usage per Container is ${min}.  No request is specified`);
        else if (parseQuantity(request) < parseQuantity(min))
          errors.push(`minimum ${name} usage per Container is ${min}, but request is ${request}`);
      }
    }
  }
  if (errors.length)
    throw new ApiError(403, 'Forbidden', `pods "${pod.metadata?.name ?? ''}" is forbidden: ${[...new Set(errors)].join(', ')}`, {
      name: pod.metadata?.name,
      kind: 'pods',
    });
}

function defaults(c: KObject, item: LimitItem): void {
  const limits: Resources = { ...(item.max ?? {}), ...(item.default ?? {}) };
  const requests: Resources = { ...(item.defaultRequest ?? {}) };
  if (!Object.keys(limits).length && !Object.keys(requests).length) return;
  c.resources ??= {};
  for (const [name, value] of Object.entries(limits)) {
    c.resources.limits ??= {};
    c.resources.limits[name] ??= String(value);
  }
  for (const name of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    const value = c.resources.requests?.[name] ?? requests[name] ?? c.resources.limits?.[name];
    if (value === undefined) continue;
    c.resources.requests ??= {};
    c.resources.requests[name] ??= String(value);
  }
}
