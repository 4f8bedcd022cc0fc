// The schedule scenarios' tasks and questions (UI-PIPE-03..07): each makes a recurring run, waits on
// its ScheduledWorkflow for what the scheduler must have done, and asserts the runs it made.
import { expect } from 'chai';
import type { RhoaiWorld } from '../core/world';
import { parseCron6 } from './cron';
import {
  assertScheduledAt,
  assertSpacing,
  createSchedule,
  disableSchedule,
  hoursAgo,
  maxOverlap,
  scheduledRuns,
  waitForScheduleEnd,
  waitForTriggers,
} from './schedules';

export async function schedulePeriodic(world: RhoaiWorld, label: string, seconds: number): Promise<void> {
  await createSchedule(world, label, { trigger: 'periodic', intervalSeconds: seconds });
}

export async function assertPeriodicRuns(world: RhoaiWorld, label: string, seconds: number): Promise<void> {
  await waitForTriggers(world, label, 2);
  const runs = await scheduledRuns(world, label);
  assertSpacing(runs.slice(0, 2), seconds, `the periodic schedule ${label}`);
}

export async function disableAndCheck(world: RhoaiWorld, label: string): Promise<void> {
  await disableSchedule(world, label);
}

export async function scheduleCron(world: RhoaiWorld, label: string, cron: string): Promise<void> {
  await createSchedule(world, label, { trigger: 'cron', cron });
}

export async function assertCronRuns(world: RhoaiWorld, label: string, seconds: number): Promise<void> {
  await waitForTriggers(world, label, 2);
  const runs = (await scheduledRuns(world, label)).slice(0, 2);
  const cron = parseCron6(world.facts.schedules![label].request.cron!);
  for (const r of runs) {
    const t = new Date(r.scheduled_at!);
    expect(
      Boolean(cron.matches(t)),
      `the run ${r.display_name} of the cron schedule ${label} was scheduled at ${r.scheduled_at}, which the cron "${cron.text}" does not name`,
    ).to.equal(true);
  }
  assertSpacing(runs, seconds, `the cron schedule ${label}`);
}

/** A periodic schedule of one hour over a past window [start, 15 minutes ago], with catch-up on or off. */
export async function scheduleCatchup(
  world: RhoaiWorld,
  label: string,
  hours: number,
  catchup: boolean,
  maxConcurrency?: number,
): Promise<void> {
  const now = Date.now();
  await createSchedule(world, label, {
    trigger: 'periodic',
    intervalSeconds: 3600,
    start: hoursAgo(hours, now),
    end: hoursAgo(0.25, now),
    catchup,
    maxConcurrency,
  });
}

/** The missed intervals of a past window: start + k·interval up to the end. */
function missedIntervals(world: RhoaiWorld, label: string): number[] {
  const r = world.facts.schedules![label].request;
  const out: number[] = [];
  for (let t = r.start!.getTime() + r.intervalSeconds! * 1000; t <= r.end!.getTime(); t += r.intervalSeconds! * 1000) out.push(t);
  return out;
}

export async function assertConcurrency(world: RhoaiWorld, label: string, n: number, max: number): Promise<void> {
  await waitForScheduleEnd(world, label);
  const runs = await scheduledRuns(world, label);
  const overlap = maxOverlap(runs);
  expect(
    Boolean(overlap <= max),
    `${overlap} runs of the schedule ${label} ran at the same time, more than its max_concurrency ${max}`,
  ).to.equal(true);
  assertScheduledAt(runs, missedIntervals(world, label), `the schedule ${label}`);
  expect(runs.length, `the schedule ${label} made ${runs.length} runs, not ${n}`).to.equal(n);
}

export async function scheduleTimeframe(world: RhoaiWorld, label: string, seconds: number, startIn: number, endIn: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000) * 1000;
  await createSchedule(world, label, {
    trigger: 'periodic',
    intervalSeconds: seconds,
    start: new Date(now + startIn * 1000),
    end: new Date(now + endIn * 1000),
  });
}

export async function assertTimeframe(world: RhoaiWorld, label: string, n: number): Promise<void> {
  const r = world.facts.schedules![label].request;
  await waitForScheduleEnd(world, label, { start: r.start!, end: r.end! });
  const runs = await scheduledRuns(world, label);
  for (const run of runs) {
    const t = Date.parse(run.scheduled_at!);
    expect(
      Boolean(t >= r.start!.getTime() && t <= r.end!.getTime()),
      `the run ${run.display_name} was scheduled at ${run.scheduled_at}, outside the timeframe ${r.start!.toISOString()} – ${r.end!.toISOString()}`,
    ).to.equal(true);
  }
  assertScheduledAt(runs, missedIntervals(world, label), `the schedule ${label} within its timeframe`);
  expect(runs.length, `the schedule ${label} made ${runs.length} runs in its timeframe, not ${n}`).to.equal(n);
}

export async function assertCatchup(world: RhoaiWorld, label: string, n: number): Promise<void> {
  await waitForScheduleEnd(world, label);
  const runs = await scheduledRuns(world, label);
  const missed = missedIntervals(world, label);
  expect(missed.length, `the window of ${label} has ${missed.length} intervals, not ${n}`).to.equal(n);
  const found = runs.map((x) => x.scheduled_at!);
  const caught = missed.filter((t) => found.some((f) => Date.parse(f) === t));
  expect(
    caught.length,
    `the missed intervals were not caught up: the schedule ${label} (catch-up on) ran ${caught.length} of its ${missed.length} missed intervals (${missed.map((t) => new Date(t).toISOString()).join(', ')}); its runs were scheduled at ${found.join(', ') || 'no time'}`,
  ).to.equal(missed.length);
  assertScheduledAt(runs, missed, `the schedule ${label}`);
}

export async function assertNoCatchup(world: RhoaiWorld, label: string): Promise<void> {
  await waitForScheduleEnd(world, label);
  const runs = await scheduledRuns(world, label);
  const missed = missedIntervals(world, label);
  const backfilled = runs.filter((r) => missed.includes(Date.parse(r.scheduled_at!)));
  expect(
    backfilled.map((r) => r.scheduled_at),
    `the schedule ${label} (catch-up off) ran missed intervals: ${backfilled.map((r) => r.scheduled_at).join(', ')}`,
  ).to.deep.equal([]);
  expect(
    Boolean(runs.length <= 1),
    `the schedule ${label} (catch-up off) made ${runs.length} runs for a window that has passed: at most one run, at the time the scheduler noticed it was behind`,
  ).to.equal(true);
}
