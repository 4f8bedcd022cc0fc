// Every fault of the twin's catalogue is caught: run the installer on a twin with the fault, and the
// first scenario to fail must be one the catalogue says catches it (caughtBy), failing with a
// message that names the cause. Transient faults, on the other hand, must not fail anything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { scenariosUnder } from '../../support/core/config/selection';
import { describe, test } from 'node:test';
import parseTagExpression from '@cucumber/tag-expressions';
import * as yaml from 'js-yaml';
import { FAULT_CATALOGUE } from '../../twin/faults';
import type { FaultDefinition as Fault } from '../../twin/fault-definition';
import { caughtInTutorial, runTagsFor, scenarioTags } from './fault-scope';
import { assertNoSecrets, filesUnder, ROOT, runHarness, runHarnessWarm, type HarnessRun } from './harness-run';
import { hasPlatform, installedCluster, installerFeatures, runDirFrom, type InstallPoint } from './installed-cluster';
import { auditEvents, startStandaloneTwin, successfulWrites } from './standalone-twin';

// FAULTS_ONLY=a,b limits the run to some faults (while working on a controller); CI runs them all.
const only = (process.env.FAULTS_ONLY ?? '').split(',').filter(Boolean);
const selected = FAULT_CATALOGUE.filter((f) => !only.length || only.includes(f.name));
// The longest runs (install, then the tutorials) start first, so that the short ones fill in around them.
const caught = selected
  .filter((f) => f.caughtBy)
  .sort((a, b) => Number(caughtInTutorial(b.caughtBy)) - Number(caughtInTutorial(a.caughtBy)));
const transient = FAULT_CATALOGUE.filter((f) => !f.caughtBy).map((f) => f.name);

// Most of a fault's run is spent waiting for the wait that the fault makes time out, so runs overlap
// well; FAULTS_CONCURRENCY tunes it. The bound of a wait is short (a healthy twin answers within a
// second or two), longer where the tutorials train a model inside the run.
const concurrency = Number(process.env.FAULTS_CONCURRENCY ?? 8);

/**
 * Every fault run's settings: a run is read for its verdicts and messages only, so the browser
 * records no Playwright trace of the dashboard scenarios (RHOAI_BROWSER_TRACE=off: measured, a fifth
 * of a dashboard run's CPU, spent on traces that the failing scenarios would attach).
 */
const FAULT_RUN = { RHOAI_BROWSER_TRACE: 'off' };
const waitTimeout = (caughtBy: string) => (caughtInTutorial(caughtBy) ? '25' : '10');

/**
 * Checklist ids no fault breaks yet, and why. Local steps (files the harness writes on the machine it
 * runs on) have nothing a cluster could get wrong; the others are open work of the trust issue.
 */
const WITHOUT_A_FAULT: Record<string, string> = {
  '@req.INS-ADM-01': 'local: the htpasswd file on the harness machine (its bcrypt check is proved by a unit test)',
  '@req.INS-GW-01': 'local: the certificate directory on the harness machine',
  '@req.INS-GW-03': 'local: the root certificate made by openssl on the harness machine',
  '@req.INS-GW-04': 'local: the wildcard certificate made by openssl on the harness machine',
  '@req.INS-GW-02': 'open: needs a cluster whose routes are served under ingress spec.appsDomain, not spec.domain',
  '@req.INS-SL-01': 'open: a project left Terminating by an earlier uninstall, with its conditions in the diagnosis',
  '@req.INS-GPU-02': 'open: the dashboard reverting the recommended-accelerators annotation races the read-back',
  '@req.UI-WB-13': 'open: a Habana node whose device plugin advertises nothing must be told from a cluster without Habana',
};

/**
 * Faults whose effect is decided when an operator first creates something (a bootstrap object, a
 * ConfigMap or template written once at install): a twin restored from a snapshot taken after that
 * point would not have them, so their runs start before the installer feature where it happens
 * (`from`), or install from scratch when a tutorial scenario catches them. Measured: under a
 * restore from later, each of these passed the scenarios that must catch it.
 */
const START = 'features/00-access/01-login.feature';
const COMPONENTS = 'features/10-install/02-components.feature';
const OPERATOR = 'features/10-install/01-rhoai-operator.feature';
const FRESH_INSTALL: Record<string, { from: string; why: string }> = {
  'codeflare-mtls-disabled': {
    from: COMPONENTS,
    why: 'the CodeFlare operator writes codeflare-operator-config once, when the component is deployed',
  },
  'codeflare-ingress-domain-stale': {
    from: COMPONENTS,
    why: 'the CodeFlare operator writes codeflare-operator-config once, when the component is deployed',
  },
  'codeflare-dashboard-oauth-disabled': {
    from: COMPONENTS,
    why: 'the CodeFlare operator writes codeflare-operator-config once, when the component is deployed',
  },
  'dashboard-config-no-kserve-switch': {
    from: COMPONENTS,
    why: 'the dashboard writes odh-dashboard-config once, when the component is deployed',
  },
  'dashboard-missing-tgis-template': {
    from: COMPONENTS,
    why: 'the dashboard writes its serving runtime templates when the component is deployed',
  },
  'dashboard-runtime-disabled-earlier': {
    from: COMPONENTS,
    why: 'the dashboard writes odh-dashboard-config once, when the component is deployed',
  },
  'dashboard-oauth-client-stale-redirect': {
    from: COMPONENTS,
    why: "the operator's secret generator writes the OAuthClient once, when the dashboard is deployed",
  },
  'dashboard-segment-key-config-missing': {
    from: OPERATOR,
    why: 'the operator writes odh-segment-key-config once, when the DSCI is first reconciled',
  },
  'olm-catalog-missing-package': {
    from: START,
    why: "the twin's catalog (its package manifests) is made when the twin starts on an empty cluster",
  },
  'olm-catalog-lacks-version': {
    from: START,
    why: "the twin's catalog (its package manifests) is made when the twin starts on an empty cluster",
  },
  'mesh-leftover-member-roll': {
    from: OPERATOR,
    why: 'the leftover istio-system must be there before the operator first reconciles the DSCI (which creates istio-system)',
  },
};

/**
 * Where an installer fault's run starts: the point before the first installer feature with a
 * scenario that must catch it (or before the feature where its effect is decided, FRESH_INSTALL,
 * when that comes first); undefined before the first feature (a fresh cluster, the whole installer).
 */
async function startingPoint(fault: Fault): Promise<InstallPoint | undefined> {
  const expression = parseTagExpression(fault.caughtBy!);
  const features = installerFeatures();
  const first = Math.min(
    ...scenariosUnder(join(ROOT, 'features'))
      .filter((s) => s.tags.includes('@install') && expression.evaluate(s.tags))
      .map((s) => features.indexOf(relative(ROOT, s.uri)))
      .filter((i) => i >= 0),
    fault.name in FRESH_INSTALL ? features.indexOf(FRESH_INSTALL[fault.name].from) : Infinity,
  );
  if (!Number.isFinite(first)) return undefined;
  return (await installedCluster()).points.find((p) => p.feature === features[first]);
}

/**
 * The installer from a point on, with the fault on. Where the cluster has the platform there, on the
 * embedded twin restored from the point's snapshot. Before that (the embedded twin's run would install
 * the platform first, support/core/target/install-first.ts), on a standalone twin restored from it
 * (`rhoai-twin serve --restore --faults`) with the harness pointed at it as at any cluster, as the
 * installed cluster itself is made (installed-cluster.ts).
 */
async function runFromPoint(fault: Fault, point: InstallPoint): Promise<HarnessRun> {
  const cluster = await installedCluster();
  const features = installerFeatures();
  const args = ['--tags', '@install', '--fail-fast', ...features.slice(features.indexOf(point.feature)).map((f) => join(ROOT, f))];
  const env = { ...FAULT_RUN, RHOAI_WAIT_TIMEOUT: waitTimeout(fault.caughtBy!), RHOAI_ADMIN_PASSWORD: cluster.password };
  const dir = runDirFrom(point.work, 'fault');
  if (hasPlatform(point))
    return slot(() =>
      runHarnessWarm(args, { ...env, RHOAI_TARGET: 'twin', RHOAI_TWIN_FAULTS: fault.name, RHOAI_TWIN_RESTORE: point.snapshot }, dir),
    );
  return slot(async () => {
    // Its audit log where the embedded twin's would be (the run's reports/twin/audit.jsonl).
    const audit = join(dir, 'reports', 'twin', 'audit.jsonl');
    const twin = await startStandaloneTwin(join(dir, 'twin'), ['--restore', point.snapshot, '--faults', fault.name], audit);
    try {
      return await runHarnessWarm(args, { ...env, RHOAI_TARGET: 'cluster', KUBECONFIG: twin.kubeconfig, RHOAI_RESOLVE: twin.resolve }, dir);
    } finally {
      await twin.stop();
    }
  });
}

// The checklist ids each fault was seen to break: the @req tags of the first scenario that failed.
const proven = new Map<string, string[]>();
const runs: Promise<unknown>[] = [];

/** Every checklist id a scenario proves (its @req tags), as Cucumber compiles the features. */
const provedIds = () => [...new Set(scenarioTags().flatMap((tags) => tags.filter((t) => t.startsWith('@req.'))))].sort();

/**
 * At most `size` harness runs at once (each is a twin and a Cucumber process); a task marked `first`
 * goes ahead of those waiting (a fault's own run after the run it shared did not prove it: it is
 * known late and is long, and the short installer runs fill in around it).
 */
function limiter(size: number): <T>(task: () => Promise<T>, first?: boolean) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task, first = false) => {
    if (active >= size) await new Promise<void>((go) => (first ? queue.unshift(go) : queue.push(go)));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
const slot = limiter(concurrency);

/**
 * Whether a run proves a fault: its first failed scenario of those the fault's caughtBy selects
 * failed naming the cause (expectMessage). Undefined when it does, else what went wrong.
 */
function unproven(fault: Fault, run: HarnessRun): string | undefined {
  const expression = parseTagExpression(fault.caughtBy!);
  const first = run.scenarios.find((s) => s.status === 'failed' && expression.evaluate(s.tags));
  if (!first) return `no scenario of ${fault.caughtBy} failed under ${fault.name}`;
  if (fault.expectMessage && !first.error?.includes(fault.expectMessage))
    return `under ${fault.name}, "${first.name}" failed without naming the cause ("${fault.expectMessage}"):\n${first.error}`;
  return undefined;
}

/**
 * Faults caught after the installer on the restored installed cluster share runs: a twin with
 * several faults on, running the scenarios of all of them. Faults of one group select no scenario
 * file in common. A fault counts as caught by a shared run only if its own first failed scenario names
 * its cause; otherwise (another fault of the group got in its way) it runs again on its own, and
 * that run decides. The fixed cost of a run (a twin restored, Cucumber loading the harness) is paid
 * once per group instead of once per fault.
 */
const groupSize = Number(process.env.FAULTS_GROUP ?? 6);
const restoredAfterInstall = (f: Fault) => caughtInTutorial(f.caughtBy!) && !(f.name in FRESH_INSTALL);

/**
 * Scenario tags whose scenarios share what they set up across feature files: two faults caught
 * there would get in each other's way, so a group has at most one fault of each.
 */
const SHARED_SET_UP: Record<string, string> = {
  '@serving': "the serving scenarios share the tutorial project's model servers",
  '@pipelines': "the pipeline scenarios share the tutorial project's pipeline server",
};

/** Whether every scenario that catches the fault is a serving scenario: it starts from the trained cluster. */
const servingFault = (f: Fault) => caughtScenarios(f.caughtBy!).every((s) => s.tags.includes('@serving'));

function caughtScenarios(caughtBy: string) {
  const expression = parseTagExpression(caughtBy);
  return scenariosUnder(join(ROOT, 'features')).filter((s) => expression.evaluate(s.tags));
}

function groupsOf(faults: Fault[]): Fault[][] {
  // One fault per feature file in a group (the scenarios of one file share what they set up), and
  // one per SHARED_SET_UP tag.
  const keys = (f: Fault) => new Set(caughtScenarios(f.caughtBy!).flatMap((s) => [s.uri, ...s.tags.filter((t) => t in SHARED_SET_UP)]));
  const groups: { faults: Fault[]; keys: Set<string> }[] = [];
  for (const fault of faults) {
    const mine = keys(fault);
    let group = groups.find((g) => g.faults.length < groupSize && ![...mine].some((k) => g.keys.has(k)));
    if (!group) groups.push((group = { faults: [], keys: new Set() }));
    group.faults.push(fault);
    for (const k of mine) group.keys.add(k);
  }
  return groups.map((g) => g.faults);
}

/**
 * The run on the restored installed cluster with the given faults on, running the scenarios that
 * catch them; from the trained cluster when one of them is caught by the serving scenarios.
 */
async function restoredRun(faults: Fault[], first = false): Promise<HarnessRun> {
  const cluster = await installedCluster();
  const start = faults.some(servingFault) ? cluster.trained : cluster;
  return slot(
    () =>
      runHarnessWarm(
        ['--tags', faults.map((f) => `(${f.caughtBy})`).join(' or ')],
        {
          ...FAULT_RUN,
          RHOAI_TARGET: 'twin',
          RHOAI_TWIN_FAULTS: faults.map((f) => f.name).join(','),
          RHOAI_WAIT_TIMEOUT: waitTimeout(faults[0].caughtBy!),
          RHOAI_TWIN_RESTORE: start.snapshot,
          RHOAI_ADMIN_PASSWORD: cluster.password,
        },
        runDirFrom(start.work, 'fault'),
      ),
    first,
  );
}

const shared = new Map<string, () => Promise<HarnessRun>>();
for (const group of groupsOf(caught.filter(restoredAfterInstall)).filter((g) => g.length > 1)) {
  let run: Promise<HarnessRun> | undefined;
  for (const fault of group) shared.set(fault.name, () => (run ??= restoredRun(group)));
}

describe('the fault catalogue', { concurrency: true }, () => {
  for (const fault of caught) {
    let settle!: () => void;
    runs.push(new Promise<void>((done) => (settle = done)));
    test(`${fault.name} makes ${fault.caughtBy} fail`, async (t) => {
      t.after(settle);
      const afterInstall = caughtInTutorial(fault.caughtBy);
      const expression = parseTagExpression(fault.caughtBy);
      const groupRun = shared.get(fault.name);
      if (groupRun) {
        const run = await groupRun();
        if (!unproven(fault, run)) {
          const proving = run.scenarios.filter(
            (s) => s.status === 'failed' && expression.evaluate(s.tags) && (!fault.expectMessage || s.error?.includes(fault.expectMessage)),
          );
          proven.set(fault.name, [...new Set(proving.flatMap((s) => s.tags.filter((tag) => tag.startsWith('@req.'))))]);
          return;
        }
        t.diagnostic(`not proved by the run it shared (${unproven(fault, run)?.split('\n')[0]}): runs on its own`);
      }
      // Faults caught by tutorial scenarios run the installer, then only the scenarios that must catch
      // them (see fault-scope.ts), each to its end: every one that fails naming the cause proves its
      // ids. An installer fault stops at the first failure (what follows in the installer needs it).
      const tags = runTagsFor(fault.caughtBy);
      const env = { ...FAULT_RUN, RHOAI_TARGET: 'twin', RHOAI_TWIN_FAULTS: fault.name, RHOAI_WAIT_TIMEOUT: waitTimeout(fault.caughtBy) };
      let run: HarnessRun;
      let point: InstallPoint | undefined;
      if (restoredAfterInstall(fault)) {
        // The installed cluster, restarted with the fault on; only the scenarios that must catch it.
        // (test/acceptance/installed-cluster.ts): the installer's CPU is spent once, not once per fault.
        run = await restoredRun([fault], groupRun !== undefined);
      } else if (!afterInstall && !fault.nodes && (point = await startingPoint(fault))) {
        // The cluster part-way through the install, restarted with the fault on just before the
        // installer feature whose scenarios must catch it; the installer goes on from there.
        run = await runFromPoint(fault, point);
      } else run = await slot(() => runHarnessWarm(['--tags', tags, ...(afterInstall ? [] : ['--fail-fast'])], env));
      if (run.code !== 0 && run.scenarios.length === 0 && fault.expectMessage && run.stderr.includes(fault.expectMessage)) {
        // Refused before its first scenario (the catalog check of support/install/pinned-catalog.ts),
        // naming the cause, with nothing written; the scenario that proves the same check must then
        // catch it on its own.
        const writes = successfulWrites(auditEvents(join(run.reports, 'twin', 'audit.jsonl')));
        assert.deepEqual(writes, [], `under ${fault.name} the run was refused before its first scenario, but wrote to the cluster`);
        run = await slot(() => runHarnessWarm(['--tags', fault.caughtBy, '--fail-fast'], env));
      }
      assert.notEqual(run.code, 0, `the install passed under the fault ${fault.name}:\n${run.stdout.slice(-2000)}`);
      const failed = run.scenarios.filter((s) => s.status === 'failed');
      assert.ok(failed.length, `no scenario failed under ${fault.name}; stderr:\n${run.stderr.slice(-2000)}`);
      const first = failed[0];
      assert.ok(
        expression.evaluate(first.tags),
        `under ${fault.name} the first failure is "${first.name}" (${first.tags.join(' ')}), which is not caught by ${fault.caughtBy}: ${first.error}`,
      );
      if (fault.expectMessage)
        assert.ok(
          first.error?.includes(fault.expectMessage),
          `under ${fault.name}, "${first.name}" failed without naming the cause ("${fault.expectMessage}"):\n${first.error}`,
        );
      const proving = afterInstall
        ? failed.filter((s) => expression.evaluate(s.tags) && (!fault.expectMessage || s.error?.includes(fault.expectMessage)))
        : [first];
      proven.set(fault.name, [...new Set(proving.flatMap((s) => s.tags.filter((tag) => tag.startsWith('@req.'))))]);
    });
  }

  // Every checked item can fail, and a fault shows it: every id that scenarios prove was broken by
  // some fault of this run (an id counts for a scenario that failed naming the cause: the first
  // failure of an installer fault, each caught scenario of a tutorial fault) — but for the ids listed in WITHOUT_A_FAULT, each with the
  // reason. The list may only shrink: an id listed there that a fault now breaks fails the test too.
  // Only a run of the whole catalogue can say so.
  test(
    'every checklist id the scenarios prove is broken by a fault, but for the listed ones',
    { skip: only.length > 0 ? 'FAULTS_ONLY runs part of the catalogue' : false },
    async () => {
      await Promise.all(runs);
      const ids = provedIds();
      const broken = new Set([...proven.values()].flat());
      const missing = ids.filter((id) => !broken.has(id));
      const unlisted = missing.filter((id) => !(id in WITHOUT_A_FAULT));
      const nowBroken = Object.keys(WITHOUT_A_FAULT).filter((id) => broken.has(id));
      const share = Math.floor(((ids.length - missing.length) / ids.length) * 100);
      console.log(
        `fault coverage: ${ids.length - missing.length} of ${ids.length} ids (${share}%) are broken by a fault that was caught; without one: ${missing.join(' ')}`,
      );
      assert.deepEqual(unlisted, [], `ids without a fault that breaks them (${share}% have one): ${unlisted.join(' ')}`);
      assert.deepEqual(nowBroken, [], `ids listed as without a fault are now broken by one: take them off WITHOUT_A_FAULT`);
    },
  );

  // This run is also the check that an install on the embedded twin leaks no secret (retries and
  // their error messages included) into its reports, the twin's audit log among them.
  test(
    `the install passes under the transient faults ${transient.join(', ')}, and leaks no secret`,
    { skip: only.length > 0 && !only.some((n) => transient.includes(n)) ? 'FAULTS_ONLY excludes them' : false },
    async () => {
      const password = `Pw-${randomBytes(12).toString('hex')}`;
      const run = await slot(() =>
        runHarness(['--tags', '@install'], {
          RHOAI_TARGET: 'twin',
          RHOAI_TWIN_FAULTS: transient.join(','),
          RHOAI_ADMIN_PASSWORD: password,
        }),
      );
      const failed = run.scenarios.filter((s) => s.status !== 'passed');
      assert.equal(
        run.code,
        0,
        `the install failed under transient faults: ${failed.map((s) => `${s.name}: ${s.error}`).join('\n')}\n${run.stderr.slice(-2000)}`,
      );
      assert.ok(run.scenarios.length > 0, 'no scenario ran');
      const kubeconfig = yaml.load(readFileSync(join(run.work, 'twin', 'kubeconfig'), 'utf8')) as { users: { user: { token: string } }[] };
      assert.ok(
        filesUnder(run.reports).some((f) => f.endsWith('audit.jsonl')),
        'the embedded twin wrote no audit log under reports/',
      );
      assertNoSecrets(run, [password, kubeconfig.users[0].user.token], 'embedded run');
    },
  );
});
