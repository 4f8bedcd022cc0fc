// Run types and schedules of the RHOAI 2.9 dashboard's "Create run" form (createRun/const.ts;
// workloads.md §6.2): run once; Periodic (interval_second), Cron (six fields, seconds first); max
// concurrent runs; a start/end timeframe; "Catch up" (no_catchup false). Each is asserted on the runs
// the scheduler actually creates. A recurring run of DSP 2.0 is a kubeflow.org/v1beta1
// ScheduledWorkflow in the project (its uid is the recurring run's id, kubeflow/pipelines 2.0.5
// resource_manager.go CreateJob); the harness watches its status.trigger (lastIndex, nextTriggeredTime)
// and workflowHistory to know when the scheduler has started runs or has finished the schedule, then
// reads the runs through the API (filter recurring_run_id). Periodic and cron schedules take minutes
// on a real cluster; the twin runs each schedule on a faster clock (RHOAI_TWIN_PIPELINES_CLOCK_RATE).
import { expect } from 'chai';
import type { KObject } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import type { RecurringRunRequest } from './kfp-client';
import type { RecurringRun, Run } from './kfp-types';
import { currentPipeline, experimentId } from './runs';
import { currentPipelineServer, withKfp } from './server';

export interface ScheduleRequest {
  trigger: 'periodic' | 'cron';
  intervalSeconds?: number;
  cron?: string;
  start?: Date;
  end?: Date;
  maxConcurrency?: number;
  catchup?: boolean;
}

declare module '../core/world' {
  interface ScenarioFacts {
    schedules?: Record<string, { recurringRun: RecurringRun; request: ScheduleRequest }>;
  }
}

const SWF = { apiVersion: 'kubeflow.org/v1beta1', kind: 'ScheduledWorkflow' };

/** "Create run" with a run type "Schedule": the recurring run, removed after the scenario. */
export async function createSchedule(world: RhoaiWorld, label: string, request: ScheduleRequest): Promise<RecurringRun> {
  const p = currentPipeline(world);
  const times = {
    ...(request.start ? { start_time: request.start.toISOString() } : {}),
    ...(request.end ? { end_time: request.end.toISOString() } : {}),
  };
  const body: RecurringRunRequest = {
    display_name: `${label}-${Date.now().toString(36)}`,
    pipeline_version_reference: { pipeline_id: p.pipelineId, pipeline_version_id: p.versionId },
    trigger:
      request.trigger === 'periodic'
        ? { periodic_schedule: { interval_second: String(request.intervalSeconds ?? 604800), ...times } }
        : { cron_schedule: { cron: request.cron ?? '0 0 0 * * *', ...times } },
    max_concurrency: String(request.maxConcurrency ?? 10),
    no_catchup: request.catchup === false,
    mode: 'ENABLE',
  };
  const rr = await withKfp(world, `schedule ${label}`, async (kfp) =>
    kfp.createRecurringRun({ ...body, experiment_id: await experimentId(world, kfp) }),
  );
  world.facts.schedules = { ...(world.facts.schedules ?? {}), [label]: { recurringRun: rr, request } };
  world.onCleanup(`delete recurring run ${rr.display_name}`, () =>
    withKfp(world, `delete ${label}`, (kfp) => kfp.deleteRecurringRun(rr.recurring_run_id)),
  );
  world.report.text(`schedule ${label}`, JSON.stringify({ ...body, recurring_run_id: rr.recurring_run_id, status: rr.status }, null, 2));
  return rr;
}

function schedule(world: RhoaiWorld, label: string) {
  const s = world.facts.schedules?.[label];
  if (!s) throw new Error(`no schedule "${label}" in this scenario`);
  return s;
}

/** Waits on the recurring run's ScheduledWorkflow until `done` holds for its status. */
async function waitForScheduledWorkflow(
  world: RhoaiWorld,
  label: string,
  done: (status: KObject['status']) => boolean | { fail: string },
  describe: string,
): Promise<KObject> {
  const { recurringRun } = schedule(world, label);
  const { namespace } = currentPipelineServer(world);
  const [swf] = await world.cluster
    .waitForList(
      { ...SWF, namespace },
      (swfs) => {
        const s = swfs.find((x) => x.metadata.uid === recurringRun.recurring_run_id);
        return s !== undefined && done(s.status ?? {});
      },
      {
        describe: `the ScheduledWorkflow of recurring run ${recurringRun.display_name} (uid ${recurringRun.recurring_run_id}) ${describe}`,
      },
    )
    .then((swfs) => swfs.filter((x) => x.metadata.uid === recurringRun.recurring_run_id));
  return swf;
}

/** The scheduler has started at least `n` runs of the schedule. */
export function waitForTriggers(world: RhoaiWorld, label: string, n: number): Promise<KObject> {
  return waitForScheduledWorkflow(world, label, (s) => Number(s?.trigger?.lastIndex ?? 0) >= n, `to have started ${n} runs`);
}

/**
 * The schedule is over (no next trigger) and none of its runs is active. With a timeframe, a run
 * triggered outside it fails the wait at once (a schedule that ignores its end would never end).
 */
export function waitForScheduleEnd(world: RhoaiWorld, label: string, window?: { start: Date; end: Date }): Promise<KObject> {
  return waitForScheduledWorkflow(
    world,
    label,
    (s) => {
      const last = s?.trigger?.lastTriggeredTime ? Date.parse(s.trigger.lastTriggeredTime) : undefined;
      if (window && last !== undefined && (last < window.start.getTime() || last > window.end.getTime()))
        return {
          fail: `the schedule ${label} started a run scheduled at ${s.trigger.lastTriggeredTime}, outside its timeframe ${window.start.toISOString()} – ${window.end.toISOString()}`,
        };
      return Number(s?.trigger?.lastIndex ?? 0) >= 1 && !s?.trigger?.nextTriggeredTime && !(s?.workflowHistory?.active ?? []).length;
    },
    'to have ended (no next trigger, no active run)',
  );
}

/** The runs the scheduler made for the schedule, oldest scheduled first. */
export async function scheduledRuns(world: RhoaiWorld, label: string): Promise<Run[]> {
  const { recurringRun } = schedule(world, label);
  const runs = await withKfp(world, `runs of ${label}`, (kfp) => kfp.listRuns({ recurring_run_id: recurringRun.recurring_run_id }));
  const mine = runs
    .filter((r) => r.recurring_run_id === recurringRun.recurring_run_id)
    .sort((a, b) => Date.parse(a.scheduled_at!) - Date.parse(b.scheduled_at!));
  world.report.text(
    `runs of schedule ${label}`,
    mine
      .map((r) => `${r.display_name}: scheduled ${r.scheduled_at}, created ${r.created_at}, finished ${r.finished_at}, ${r.state}`)
      .join('\n') || 'none',
  );
  return mine;
}

/** Stops the schedule (":disable"), as the dashboard's "Enabled" switch does; the recurring run reads DISABLED. */
export async function disableSchedule(world: RhoaiWorld, label: string): Promise<void> {
  const { recurringRun } = schedule(world, label);
  const rr = await withKfp(world, `disable ${label}`, async (kfp) => {
    await kfp.disableRecurringRun(recurringRun.recurring_run_id);
    return kfp.recurringRun(recurringRun.recurring_run_id);
  });
  expect(rr.status, `the recurring run ${rr.display_name} is ${rr.status} after :disable, not DISABLED`).to.equal('DISABLED');
}

/** Consecutive runs were scheduled `seconds` apart (and on the cron's seconds when given). */
export function assertSpacing(runs: Run[], seconds: number, what: string): void {
  expect(Boolean(runs.length >= 2), `${what}: the scheduler started ${runs.length} run(s), not at least 2`).to.equal(true);
  for (let i = 1; i < runs.length; i++) {
    const gap = (Date.parse(runs[i].scheduled_at!) - Date.parse(runs[i - 1].scheduled_at!)) / 1000;
    expect(
      gap,
      `${what}: runs ${runs[i - 1].display_name} and ${runs[i].display_name} were scheduled ${gap} s apart, not ${seconds} s`,
    ).to.equal(seconds);
  }
}

/** The most runs of the list that were running at one time ([created_at, finished_at)). */
export function maxOverlap(runs: Run[]): number {
  const events = runs.flatMap((r) => [
    { t: Date.parse(r.created_at!), d: 1 },
    { t: Date.parse(r.finished_at && !r.finished_at.startsWith('1970') ? r.finished_at : '9999-01-01T00:00:00Z'), d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return max;
}

/** The runs scheduled at exactly these times (epoch ms), in order. */
export function assertScheduledAt(runs: Run[], expected: number[], what: string): void {
  const found = runs.map((r) => new Date(r.scheduled_at!).toISOString());
  const wanted = expected.map((t) => new Date(t).toISOString());
  expect(
    found,
    `${what}: expected runs scheduled at ${wanted.join(', ') || 'no time'}; found ${found.join(', ') || 'no run'}`,
  ).to.deep.equal(wanted);
}

/** Whole hours before now: a past time on the hour grid, so that the intervals of a schedule are whole seconds. */
export function hoursAgo(hours: number, now = Date.now()): Date {
  return new Date(Math.floor(now / 1000) * 1000 - hours * 3600_000);
}
