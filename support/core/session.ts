// Process-wide infrastructure of a run: the settings, the redactor, and the target (a cluster, or
// the twin this process may have started). Scenario state does not live here; it lives in the World.
import * as path from 'node:path';
import { keptPassword } from './kept-password';
import type { ClusterConnection } from './cluster';
import { ClusterClient, Plan } from './cluster';
import { loadSettings, secretSettingValues, type Settings } from './config';
import { installConsoleRedaction, writeLine } from './log';
import { ALLURE_RESULTS_DIR } from './paths';
import { Redactor } from './redact';
import { collectEnvironment, writeEnvironmentProperties, type EnvironmentInfo } from './report/environment';
import { connectTarget, describeTarget, ensureWorkDir, stopTwin, type Target } from './target/connect';
import { claimOnce, runDirectory } from './target/run-coordination';

export class Session {
  readonly redactor = new Redactor();
  /** Plan mode's plan (RHOAI_PLAN=1): what this process's dry-run writes would do. */
  readonly plan = new Plan();
  private settingsValue: Settings | undefined;
  private targetValue: Target | undefined;
  private targetPromise: Promise<Target> | undefined;
  private environmentValue: EnvironmentInfo | undefined;
  private scenariosStarted = 0;

  /** The validated settings (throws ConfigurationError naming every bad variable). */
  settings(): Settings {
    if (!this.settingsValue) {
      const settings = loadSettings(process.env);
      for (const secret of secretSettingValues(settings)) this.redactor.addSecret(secret, 'setting');
      installConsoleRedaction(this.redactor);
      this.settingsValue = settings;
    }
    return this.settingsValue;
  }

  /**
   * The target, connected and checked on first use (the twin starts then). A failure is kept: every
   * later use reports the same error instead of trying again.
   */
  target(): Promise<Target> {
    this.targetPromise ??= this.connect();
    return this.targetPromise;
  }

  /** Counts a scenario that starts in this process; true for the first one. */
  firstScenario(): boolean {
    return ++this.scenariosStarted === 1;
  }

  /** The target when it has been connected, without connecting. */
  connectedTarget(): Target | undefined {
    return this.targetValue;
  }

  async connection(): Promise<ClusterConnection> {
    return (await this.target()).connection;
  }

  /** What the report records about the target; refreshed (versions change during an install). */
  async environment(refresh = false): Promise<EnvironmentInfo | undefined> {
    const target = this.targetValue;
    if (!target) return undefined;
    if (!this.environmentValue || refresh) {
      this.environmentValue = await collectEnvironment(target, new ClusterClient(target.connection));
      writeEnvironmentProperties(ALLURE_RESULTS_DIR, this.environmentValue);
    }
    return this.environmentValue;
  }

  /**
   * The admin user's password: RHOAI_ADMIN_PASSWORD, or on the twin one generated once and kept in
   * RHOAI_WORK_DIR/admin-password (0600). A real cluster needs the variable.
   */
  async adminPassword(): Promise<string> {
    const settings = this.settings();
    if (settings.adminPassword) return settings.adminPassword;
    const target = await this.target();
    if (target.kind !== 'twin') {
      throw new Error('RHOAI_ADMIN_PASSWORD is not set: this step needs the admin password on a real cluster (at least 8 characters)');
    }
    const file = path.join(ensureWorkDir(settings.workDir), 'admin-password');
    const password = keptPassword(file);
    this.redactor.addSecret(password, 'admin password');
    return password;
  }

  /** A redacted line on stderr. */
  log(text: string): void {
    writeLine(this.redactor, text);
  }

  /** Stops what this process started (the twin, in a serial run) and closes connections. */
  private readonly stopping: (() => Promise<void>)[] = [];

  /**
   * Work to do at the end of the run while the cluster is still connected (a domain's clean-up),
   * in the order registered: session.stop() runs it first. Hooks of several files have no order
   * Cucumber promises, so a clean-up is registered here, not in an AfterAll of its own.
   */
  beforeStop(work: () => Promise<void>): void {
    this.stopping.push(work);
  }

  async stop(): Promise<void> {
    for (const work of this.stopping.splice(0)) await work();
    const target = this.targetValue;
    if (!target) return;
    target.connection.close();
    stopTwin(target.ownedTwin);
  }

  private async connect(): Promise<Target> {
    const settings = this.settings();
    const target = await connectTarget(settings);
    for (const credential of target.credentials) this.redactor.addSecret(credential, 'kubeconfig credential');
    this.targetValue = target;
    // On its own line even when a progress formatter has printed dots on stdout.
    if (claimOnce(runDirectory(ensureWorkDir(settings.workDir)), 'banner')) this.log(`\n${describeTarget(target)}`);
    return target;
  }
}

/** The one session of this process. */
export const session = new Session();
