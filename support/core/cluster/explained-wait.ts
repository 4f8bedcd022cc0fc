// Waits whose failure says what was still wrong: the predicate names the problem it sees (or
// nothing when the state is right), and a wait that runs out of time starts its message with the
// last problem seen, before the generic timeout details (last status, events).
import type { ClusterClient } from './client';
import { WaitTimeoutError } from './wait';
import type { KObject, ObjectRef } from './types';

/** undefined: the state is right; a string: what is still wrong (keep waiting); {fail}: wrong for good. */
export type Problem = string | undefined | { fail: string };

function verdictOf(problem: Problem, remember: (text: string) => void): boolean | { fail: string } {
  if (problem === undefined) return true;
  if (typeof problem === 'string') {
    remember(problem);
    return false;
  }
  return problem;
}

async function explained<T>(wait: () => Promise<T>, last: () => string | undefined): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    const problem = last();
    if (error instanceof WaitTimeoutError && problem) throw new WaitTimeoutError(`${problem}\n${error.message}`, error.lastObserved);
    throw error;
  }
}

/** Waits until `problem(object)` finds nothing wrong with the object (undefined when absent). */
export async function waitForObjectExplained(
  cluster: ClusterClient,
  ref: ObjectRef,
  problem: (obj: KObject | undefined) => Problem,
  describe: string,
): Promise<KObject | undefined> {
  let last: string | undefined;
  return explained(
    () => cluster.waitFor(ref, (obj) => verdictOf(problem(obj), (text) => (last = text)), { describe }),
    () => last,
  );
}

/** Waits until `problem(objects)` finds nothing wrong with the collection. */
export async function waitForListExplained(
  cluster: ClusterClient,
  ref: ObjectRef,
  problem: (objs: KObject[]) => Problem,
  describe: string,
  selectors: { labelSelector?: string; fieldSelector?: string } = {},
): Promise<KObject[]> {
  let last: string | undefined;
  return explained(
    () => cluster.waitForList(ref, (objs) => verdictOf(problem(objs), (text) => (last = text)), { describe, ...selectors }),
    () => last,
  );
}
