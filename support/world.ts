// The World: one per scenario. It holds the settings, the cluster client (connected on first use),
// the objects the scenario touched (for diagnostics), fixture variables, cleanup actions, and the
// report helpers. Everything it attaches is redacted.
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import { ClusterClient, refOf, type KObject, type ObjectRef } from './cluster';
import type { Settings } from './config';
import { renderFixture, type FixtureVariables } from './fixtures';
import { ReportAttachments, type AttachOptions } from './report/attachments';
import { session } from './session';

export type Cleanup = () => Promise<unknown>;

/**
 * What a scenario learns in one step and uses in a later one. Each domain module adds its own
 * fields by declaration merging (`declare module '../world' { interface ScenarioFacts { ... } }`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ScenarioFacts {}

export class RhoaiWorld extends World {
  readonly settings: Settings;
  /** The cluster client of this scenario; every change and wait is reported and remembered. */
  readonly cluster: ClusterClient;
  /** Objects the scenario applied, changed or waited for, for diagnose(). */
  readonly touched: ObjectRef[] = [];
  /** What earlier steps of this scenario found (typed by the domain modules). */
  readonly facts: ScenarioFacts = {};
  /** Variables for fixtures (scenario-wide; a render call can add its own). */
  readonly vars: Record<string, unknown> = {};
  /** The namespace the scenario works in, when it has one (diagnostics start there). */
  namespace: string | undefined;
  readonly report: ReportAttachments;
  private readonly cleanups: { describe: string; run: Cleanup }[] = [];

  constructor(options: IWorldOptions) {
    super({ ...options, attach: redactingAttach(options.attach), log: (text: string) => options.log(session.redactor.redactText(text)) });
    this.settings = session.settings();
    this.report = new ReportAttachments((data, attachOptions) => this.attach(data, attachOptions), session.redactor);
    const base = new ClusterClient(() => session.connection(), { defaultTimeoutMs: this.settings.waitTimeoutSeconds * 1000 });
    this.cluster = base.withObserver({
      touched: (ref) => this.touch(ref),
      changed: (action, sent, live, ref) => this.report.applied(action, sent, live, ref),
      observed: (describe, state) => this.report.observed(describe, state),
    });
  }

  /** Registers a secret (a generated key, an S3 secret key, a token) with the redactor; returns it. */
  secret<T extends string>(value: T, label = 'secret'): T {
    session.redactor.addSecret(value, label);
    return value;
  }

  /** Remembers an object for the diagnostics of a failed scenario. */
  touch(ref: ObjectRef): void {
    if (!this.touched.some((r) => r.apiVersion === ref.apiVersion && r.kind === ref.kind && r.name === ref.name && r.namespace === ref.namespace)) {
      this.touched.push({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: ref.namespace });
    }
  }

  /** Renders fixtures/<name> with the scenario's variables plus `extra`. */
  render(name: string, extra: FixtureVariables = {}): KObject[] {
    return renderFixture(name, { ...this.vars, ...extra });
  }

  /** Renders and server-side applies every object of a fixture, in order; returns the live objects. */
  async applyFixture(name: string, extra: FixtureVariables = {}): Promise<KObject[]> {
    const live: KObject[] = [];
    for (const obj of this.render(name, extra)) live.push(await this.cluster.apply(obj));
    return live;
  }

  /** Registers an action to undo what the scenario created (run after it, per RHOAI_KEEP). */
  onCleanup(describe: string, run: Cleanup): void {
    this.cleanups.push({ describe, run });
  }

  /** Deletes `obj` after the scenario (per RHOAI_KEEP). */
  deleteAfterwards(obj: KObject | ObjectRef): void {
    const ref = 'metadata' in obj ? refOf(obj) : obj;
    this.onCleanup(`delete ${ref.kind} ${ref.name}`, () => this.cluster.delete(ref));
  }

  /** Runs the cleanups, newest first; returns the failures as text. */
  async runCleanups(): Promise<string[]> {
    const failures: string[] = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        failures.push(`${cleanup.describe}: ${(error as Error).message}`);
      }
    }
    return failures;
  }

  get pendingCleanups(): number {
    return this.cleanups.length;
  }
}

/** Every attachment goes through the redactor: text as text, buffers of a text media type as text. */
function redactingAttach(attach: IWorldOptions['attach']): IWorldOptions['attach'] {
  return ((data: unknown, mediaTypeOrOptions?: string | AttachOptions) => {
    const mediaType = typeof mediaTypeOrOptions === 'string' ? mediaTypeOrOptions : mediaTypeOrOptions?.mediaType;
    const textual = !mediaType || /^(text\/|application\/(json|yaml|x-yaml|xml|vnd\.allure))/.test(mediaType);
    let safe = data;
    if (typeof data === 'string' && !mediaType?.startsWith('base64:')) safe = session.redactor.redactText(data);
    else if (Buffer.isBuffer(data) && textual) safe = Buffer.from(session.redactor.redactText(data.toString('utf8')));
    return (attach as (d: unknown, m?: unknown) => void | Promise<void>)(safe, mediaTypeOrOptions);
  }) as IWorldOptions['attach'];
}

setWorldConstructor(RhoaiWorld);
