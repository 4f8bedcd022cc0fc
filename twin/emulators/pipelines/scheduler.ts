// KFP's ScheduledWorkflow controller (the DSPA's ds-pipeline-scheduledworkflow-<name> Deployment) for
// the twin: each kubeflow.org/v1beta1 ScheduledWorkflow a recurring run made starts runs when its
// trigger says so, as kubeflow/pipelines 2.0.5 backend/src/crd/controller/scheduledworkflow does it:
//   - util/scheduled_workflow.go GetNextScheduledEpoch: nothing while disabled, nothing while the
//     active runs reach maxConcurrency (clamped to [1, 10], default 1), nothing before the next
//     scheduled time;
//   - util/periodic_schedule.go: the next time is max(last run, startTime, creation) + interval,
//     none past endTime; without catch-up (noCatchup), a schedule more than one interval behind
//     runs once now instead of once per missed interval;
//   - util/cron_schedule.go: the next cron time after the last run (or startTime, or creation), none
//     past endTime; without catch-up, a schedule behind runs once now;
//   - UpdateStatus: status.trigger.lastTriggeredTime, nextTriggeredTime (absent once the schedule
//     has ended), lastIndex; one condition Enabled/Disabled; workflowHistory active/completed.
// The clock: on a real cluster a schedule of minutes takes minutes. The twin runs each schedule on a
// clock of its own that starts at the ScheduledWorkflow's creation and runs RHOAI_TWIN_PIPELINES_CLOCK_RATE
// times faster than wall time (default 600: a minute-long interval passes in 0.1 s), so that periodic and
// cron schedules are asserted in seconds; the runs it starts carry times of that clock.
import type { TwinClient } from '../../api/client';
import type { KObject } from '../../api/types';
import { nextCronTime, parseCron, type PipelineBackend, type RunRecord } from './backend';

export const SCHEDULER_MAX_CONCURRENCY_FAULT = 'pipelines-scheduler-ignores-max-concurrency';
export const SCHEDULER_CATCHUP_FAULT = 'pipelines-scheduler-ignores-catchup';
export const INTERVAL_FAULT = 'pipelines-periodic-interval-in-minutes';
export const CRON_FAULT = 'pipelines-cron-without-seconds';
export const END_TIME_FAULT = 'pipelines-scheduler-ignores-end-time';

/** How a faulty scheduler misreads a schedule. */
interface Misreadings {
  intervalInMinutes?: boolean;
  cronWithoutSeconds?: boolean;
  ignoreEnd?: boolean;
}

/** How much faster than wall time the twin's schedules run (RHOAI_TWIN_PIPELINES_CLOCK_RATE, default 600). */
export function pipelinesClockRate(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RHOAI_TWIN_PIPELINES_CLOCK_RATE;
  if (raw === undefined || raw === '') return 600;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1)
    throw new Error(
      `RHOAI_TWIN_PIPELINES_CLOCK_RATE=${raw} is not allowed: a number >= 1 (how many times faster than wall time the schedules run)`,
    );
  return n;
}

const SWF_API = 'kubeflow.org/v1beta1';

export interface SchedulerDeps {
  client: TwinClient;
  faults: { has(name: string): boolean };
  rate: number;
  /** The backend of the pipeline server in a namespace whose scheduled-workflow controller runs, if any. */
  backendFor(namespace: string): PipelineBackend | undefined;
  log(line: string): void;
}

export class ScheduledWorkflowController {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.deps.client.watch(SWF_API, 'ScheduledWorkflow', (type, swf) => {
      const key = `${swf.metadata.namespace}/${swf.metadata.name}`;
      if (type === 'DELETED') return this.clear(key);
      if (type === 'ADDED' || swf.metadata.generation !== swf.status?.observedGeneration) this.wake(key);
    });
  }

  /** A run of a namespace finished: its schedules may start another. */
  runFinished(run: RunRecord, namespace: string): void {
    const backend = this.deps.backendFor(namespace);
    const rr = run.recurring_run_id ? backend?.recurringRuns.get(run.recurring_run_id) : undefined;
    if (rr) this.wake(`${namespace}/${rr.swf}`);
  }

  /** Reconciles every schedule of a namespace (its controller started). */
  wakeNamespace(namespace: string): void {
    for (const swf of this.deps.client.list(SWF_API, 'ScheduledWorkflow', namespace)) this.wake(`${namespace}/${swf.metadata.name}`);
  }

  private clear(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private wake(key: string, afterMs = 0): void {
    this.clear(key);
    const t = setTimeout(() => {
      this.timers.delete(key);
      try {
        this.reconcile(key);
      } catch (e) {
        this.deps.log(`scheduledworkflow: ${key}: ${(e as Error).message}`);
        this.wake(key, 200);
      }
    }, afterMs);
    t.unref();
    this.timers.set(key, t);
  }

  private reconcile(key: string): void {
    const [namespace, name] = key.split('/');
    const swf = this.deps.client.get(SWF_API, 'ScheduledWorkflow', name, namespace);
    if (!swf) return;
    const backend = this.deps.backendFor(namespace);
    if (!backend) return;
    const rr = [...backend.recurringRuns.values()].find((r) => r.swf === name);
    if (!rr) return;
    const created = new Date(swf.metadata.creationTimestamp!).getTime();
    const now = () => new Date(created + (Date.now() - created) * this.deps.rate);
    const spec = swf.spec ?? {};
    const trigger = swf.status?.trigger ?? {};
    const last = trigger.lastTriggeredTime ? new Date(trigger.lastTriggeredTime).getTime() : undefined;
    const catchup = !spec.noCatchup || false;
    const effectiveCatchup = catchup && !this.deps.faults.has(SCHEDULER_CATCHUP_FAULT);
    const vnow = now().getTime();
    const f = this.deps.faults;
    const misread: Misreadings = {
      intervalInMinutes: f.has(INTERVAL_FAULT),
      cronWithoutSeconds: f.has(CRON_FAULT),
      ignoreEnd: f.has(END_TIME_FAULT),
    };
    const next = nextScheduled(spec, last, created, vnow, effectiveCatchup, misread);
    const active = backend.activeRunsOf(rr.recurring_run_id);
    const maxConcurrency = Math.min(10, Math.max(1, Number(spec.maxConcurrency ?? 1)));
    const blocked = active >= maxConcurrency && !this.deps.faults.has(SCHEDULER_MAX_CONCURRENCY_FAULT);
    let submitted = false;
    let lastIndex = Number(trigger.lastIndex ?? 0);
    let lastTriggered = last;
    if (spec.enabled && !blocked && next !== undefined && next <= vnow) {
      const run = backend.createRun(
        {
          display_name: `${rr.display_name}-${lastIndex + 1}`,
          description: rr.description,
          pipeline_version_reference: rr.pipeline_version_reference,
          runtime_config: rr.runtime_config,
          service_account: rr.service_account,
          experiment_id: rr.experiment_id,
        },
        { recurringRunId: rr.recurring_run_id, scheduledAt: new Date(next), clock: now },
      );
      submitted = true;
      lastIndex += 1;
      lastTriggered = next;
      this.deps.log(`scheduledworkflow: ${key} started run ${run.run_id} scheduled at ${new Date(next).toISOString()}`);
    }
    const following = submitted ? nextScheduled(spec, lastTriggered, created, vnow, effectiveCatchup, misread) : next;
    const runs = [...backend.runs.values()].filter((r) => r.recurring_run_id === rr.recurring_run_id);
    const history = (rs: RunRecord[]) =>
      rs.map((r) => ({
        name: r.workflow,
        scheduledAt: r.scheduled_at,
        createdAt: r.created_at,
        ...(r.finished_at ? { finishedAt: r.finished_at, phase: r.state } : {}),
      }));
    this.deps.client.patchStatus(SWF_API, 'ScheduledWorkflow', name, namespace, {
      observedGeneration: swf.metadata.generation,
      conditions: [
        spec.enabled
          ? { type: 'Enabled', status: 'True', reason: 'Enabled', message: 'The schedule is enabled.' }
          : { type: 'Disabled', status: 'True', reason: 'Disabled', message: 'The schedule is disabled.' },
      ],
      trigger: {
        ...(lastTriggered !== undefined ? { lastTriggeredTime: isoSeconds(lastTriggered) } : {}),
        nextTriggeredTime: following !== undefined ? isoSeconds(following) : null,
        ...(lastIndex ? { lastIndex } : {}),
      },
      workflowHistory: { active: history(runs.filter((r) => !r.finished_at)), completed: history(runs.filter((r) => r.finished_at)) },
    });
    if (!spec.enabled) return;
    if (submitted) return this.wake(key);
    if (following !== undefined && following > vnow && !blocked) this.wake(key, Math.max(1, (following - vnow) / this.deps.rate));
  }
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The next scheduled time (epoch ms), undefined when the schedule has ended or has no trigger. */
export function nextScheduled(
  spec: KObject['spec'],
  last: number | undefined,
  created: number,
  now: number,
  catchup: boolean,
  misread: Misreadings = {},
): number | undefined {
  const periodic = spec?.trigger?.periodicSchedule;
  const cronSpec = spec?.trigger?.cronSchedule;
  const start = (s: { startTime?: string }) => (s.startTime ? new Date(s.startTime).getTime() : undefined);
  const end = (s: { endTime?: string }) => (s.endTime && !misread.ignoreEnd ? new Date(s.endTime).getTime() : undefined);
  if (periodic) {
    const interval = Math.max(1, Number(periodic.intervalSecond)) * (misread.intervalInMinutes ? 60_000 : 1000);
    const from = Math.max(last ?? start(periodic) ?? created, start(periodic) ?? -Infinity);
    const next = Math.floor(from / 1000) * 1000 + interval;
    const e = end(periodic);
    if (e !== undefined && e < next) return undefined;
    if (catchup) return next;
    return now >= next + interval ? now : next;
  }
  if (cronSpec) {
    // Fault pipelines-cron-without-seconds: the expression read as a five-field cron (no seconds field).
    const text = misread.cronWithoutSeconds
      ? `0 ${String(cronSpec.cron).trim().split(/\s+/).slice(0, 5).join(' ')}`
      : String(cronSpec.cron);
    const cron = parseCron(text);
    if (!cron) return undefined;
    let base = last ?? start(cronSpec) ?? created;
    if (start(cronSpec) !== undefined && start(cronSpec)! > base) base = start(cronSpec)!;
    const next = nextCronTime(cron, new Date(base)).getTime();
    const e = end(cronSpec);
    if (e !== undefined && e < next) return undefined;
    if (catchup) return next;
    const nextNext = nextCronTime(cron, new Date(next)).getTime();
    return now >= nextNext ? now : next;
  }
  return undefined;
}
