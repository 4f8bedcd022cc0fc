// The twin's ScheduledWorkflow controller computes the next run as kubeflow/pipelines 2.0.5
// backend/src/crd/controller/scheduledworkflow/util/periodic_schedule.go and cron_schedule.go do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCronTime, parseCron } from '../../../twin/emulators/pipelines/backend';
import { nextScheduled } from '../../../twin/emulators/pipelines/scheduler';

const H = 3600_000;
const T0 = Date.parse('2024-05-01T00:00:00Z');
const periodic = (extra: Record<string, unknown> = {}) => ({ trigger: { periodicSchedule: { intervalSecond: 3600, ...extra } } });

test('periodic: the first run is one interval after the start, then one interval after the last run', () => {
  const spec = periodic({ startTime: new Date(T0).toISOString() });
  assert.equal(nextScheduled(spec, undefined, T0 + 10 * H, T0 + 10 * H, true), T0 + H);
  assert.equal(nextScheduled(spec, T0 + H, T0 + 10 * H, T0 + 10 * H, true), T0 + 2 * H);
});

test('periodic: none past the end time', () => {
  const spec = periodic({ startTime: new Date(T0).toISOString(), endTime: new Date(T0 + 2.5 * H).toISOString() });
  assert.equal(nextScheduled(spec, T0 + 2 * H, T0, T0 + 9 * H, true), undefined);
});

test('periodic without catch-up: more than one interval behind runs once now', () => {
  const spec = periodic({ startTime: new Date(T0).toISOString() });
  assert.equal(nextScheduled(spec, undefined, T0, T0 + 3.5 * H, false), T0 + 3.5 * H);
  assert.equal(nextScheduled(spec, undefined, T0, T0 + 1.5 * H, false), T0 + H);
});

test('periodic without a start: one interval after the creation', () => {
  assert.equal(nextScheduled(periodic(), undefined, T0, T0, true), T0 + H);
});

test('cron, seconds first: the next matching time after the last run; none past the end', () => {
  const cron = parseCron('0 * * * * *')!;
  assert.equal(nextCronTime(cron, new Date(T0 + 30_000)).toISOString(), '2024-05-01T00:01:00.000Z');
  const spec = { trigger: { cronSchedule: { cron: '0 0 * * * *', endTime: new Date(T0 + 1.5 * H).toISOString() } } };
  assert.equal(nextScheduled(spec, undefined, T0, T0, true), T0 + H);
  assert.equal(nextScheduled(spec, T0 + H, T0, T0, true), undefined);
  assert.equal(parseCron('* * *'), undefined);
});
