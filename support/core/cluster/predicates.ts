// Small predicate builders for waitFor, so that steps read as what they await.
// Each returns a verdict for one observed object: true when it is there, false to keep waiting.
import { conditionOf, type KObject } from './types';
import type { ObjectPredicate } from './wait';

/** The object has condition `type` with `status` (default "True"); `failOn` statuses of it abort the wait. */
export function hasCondition(type: string, status = 'True', options: { failOnReason?: string[] } = {}): ObjectPredicate {
  return (obj: KObject | undefined) => {
    const condition = conditionOf(obj, type);
    if (condition && options.failOnReason?.includes(condition.reason ?? '')) {
      return { fail: `condition ${type} has reason ${condition.reason}: ${condition.message ?? ''}` };
    }
    return condition?.status === status;
  };
}

/** status.phase equals `phase`; any of `failPhases` aborts the wait. */
export function phaseIs(phase: string, failPhases: string[] = []): ObjectPredicate {
  return (obj: KObject | undefined) => {
    const current = obj?.status?.phase as string | undefined;
    if (current && failPhases.includes(current)) {
      return {
        fail: `status.phase is ${current}${obj?.status?.message ? `: ${obj.status.message}` : ''}${obj?.status?.reason ? ` (reason ${obj.status.reason})` : ''}`,
      };
    }
    return current === phase;
  };
}
