// The installer on a cluster in use: `rhoai-twin serve --profile brownfield` begins with identity
// providers and their users, team projects with workloads and a cluster-admin binding of their own
// (twin/bootstrap/profiles/brownfield.yaml). `@install` must pass and change nothing of theirs: the
// twin's audit log shows no write to any object of the profile except the two the harness shares
// by design — OAuth `cluster` (its provider added next to the others) and the htpasswd Secret (its
// admin user's entry added next to the others) — and in those two, everything of theirs is kept
// byte for byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { profileObjects } from '../../twin/bootstrap';
import type { KObject } from '../../twin/api/types';
import { filesUnder, runHarness, scratch, type HarnessRun } from './harness-run';
import { auditEvents, startStandaloneTwin, type AuditEvent, type StandaloneTwin, WRITES } from './standalone-twin';

const password = `Pw-${randomBytes(12).toString('hex')}`;
const PROFILE = profileObjects('brownfield');
const HTPASSWD = 'openshift-config/htpass-secret';

function kubectl(kubeconfig: string, ...args: string[]): string {
  return execFileSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' });
}

/** The API resource of a profile kind (all of them have regular plurals). */
function resourceOf(kind: string): string {
  return kind.toLowerCase() + (kind.endsWith('s') ? 'es' : 's');
}

const keyOf = (o: { namespace?: string; name?: string }) => `${o.namespace ?? ''}/${o.name ?? ''}`;

function read(kubeconfig: string, o: KObject): KObject {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const args = ['get', group ? `${resourceOf(o.kind)}.${group}` : resourceOf(o.kind), o.metadata.name!, '-o', 'json'];
  if (o.metadata.namespace) args.push('-n', o.metadata.namespace);
  return JSON.parse(kubectl(kubeconfig, ...args)) as KObject;
}

/** What its owners wrote: everything but metadata the server keeps and status the controllers write. */
function theirs(o: KObject): unknown {
  const { status: _status, metadata, ...rest } = o;
  return { labels: metadata.labels, annotations: metadata.annotations, ...rest };
}

const htpasswdLines = (o: KObject) =>
  Buffer.from(String(o.data?.htpasswd ?? ''), 'base64')
    .toString('utf8')
    .split('\n')
    .filter(Boolean);

describe('the installer on a brownfield cluster', () => {
  let twin: StandaloneTwin;
  let run: HarnessRun;
  const before0 = new Map<string, KObject>();

  before(async () => {
    twin = await startStandaloneTwin(scratch('brownfield-twin'), ['--profile', 'brownfield']);
    for (const o of PROFILE) before0.set(`${o.kind} ${keyOf(o.metadata)}`, read(twin.kubeconfig, o));
    run = await runHarness(['--tags', '@install'], {
      KUBECONFIG: twin.kubeconfig,
      RHOAI_TARGET: 'cluster',
      RHOAI_ADMIN_PASSWORD: password,
      RHOAI_RESOLVE: twin.resolve,
    });
  });

  after(async () => twin?.stop());

  test('@install passes on a cluster in use', () => {
    assert.equal(
      run.code,
      0,
      `the install failed:\n${run.scenarios
        .filter((s) => s.status !== 'passed')
        .map((s) => `${s.name}: ${s.error}`)
        .join('\n')}\n${run.stderr.slice(-1500)}`,
    );
    assert.ok(run.scenarios.length > 0 && run.scenarios.every((s) => s.status === 'passed'));
  });

  test('the audit log shows no write to an object of the profile but the two shared ones, and none in their projects', () => {
    const events = auditEvents(twin.auditLog);
    assert.ok(
      events.some((e) => WRITES.has(e.verb)),
      "the audit log holds no write at all: was it the run's?",
    );
    const profile = new Set(PROFILE.map((o) => `${resourceOf(o.kind)} ${keyOf(o.metadata)}`));
    const teamProjects = new Set(PROFILE.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name!));
    const shared = new Set([`secrets ${HTPASSWD}`, 'oauths /cluster']);
    const touches = (e: AuditEvent) => {
      const ref = e.objectRef ?? {};
      if (ref.subresource) return false;
      const key = `${ref.resource} ${keyOf(ref)}`;
      return (profile.has(key) && !shared.has(key)) || (ref.namespace !== undefined && teamProjects.has(ref.namespace));
    };
    // The matching is right: the write the harness must make (its admin's htpasswd entry) is seen as one to a profile object.
    assert.ok(
      events.some((e) => WRITES.has(e.verb) && `${e.objectRef?.resource} ${keyOf(e.objectRef ?? {})}` === `secrets ${HTPASSWD}`),
      'the audit log shows no write to htpass-secret, which the install must make',
    );
    const bad = events.filter((e) => WRITES.has(e.verb) && touches(e)).map((e) => `${e.verb} ${e.requestURI} (${e.responseStatus.code})`);
    assert.deepEqual(bad, [], "the install wrote to objects of the cluster's users");
  });

  test('every object of the profile the harness does not share is as its owners left it', () => {
    for (const o of PROFILE) {
      const key = `${o.kind} ${keyOf(o.metadata)}`;
      if (key === `Secret ${HTPASSWD}` || key === 'OAuth /cluster') continue;
      const now = read(twin.kubeconfig, o);
      assert.equal(now.metadata.uid, before0.get(key)!.metadata.uid, `${key} was recreated`);
      assert.deepEqual(theirs(now), theirs(before0.get(key)!), `${key} changed`);
    }
  });

  test('htpass-secret keeps the entries of alice and bob byte for byte, next to the admin user', () => {
    const secret = PROFILE.find((o) => o.kind === 'Secret' && o.metadata.name === 'htpass-secret')!;
    const now = htpasswdLines(read(twin.kubeconfig, secret));
    for (const line of htpasswdLines(secret))
      assert.ok(now.includes(line), `htpass-secret lost or changed the entry of ${line.split(':')[0]}`);
    assert.ok(
      now.some((l) => l.startsWith('rhoai-admin:$2y$')),
      `htpass-secret has no bcrypt entry of rhoai-admin (users: ${now.map((l) => l.split(':')[0]).join(', ')})`,
    );
  });

  test("OAuth cluster keeps its identity providers byte for byte, and has the harness's", () => {
    const oauth = read(
      twin.kubeconfig,
      PROFILE.find((o) => o.kind === 'OAuth')!,
    );
    const beforeProviders: KObject[] = before0.get('OAuth /cluster')!.spec.identityProviders;
    const now: KObject[] = oauth.spec.identityProviders;
    assert.deepEqual(now.slice(0, beforeProviders.length), beforeProviders, "OAuth cluster's providers changed");
    assert.ok(now.some((p) => p.name === 'my_htpasswd_provider' && p.type === 'HTPasswd' && p.htpasswd.fileData.name === 'htpass-secret'));
    const { identityProviders: _a, ...restNow } = oauth.spec;
    const { identityProviders: _b, ...restBefore } = before0.get('OAuth /cluster')!.spec;
    assert.deepEqual(restNow, restBefore, "OAuth cluster's other settings changed");
  });

  test('the keeping checks had something to keep: the run reports the users and providers it kept', () => {
    // The reports hold every step's attachments (support/core/report): the htpasswd and provider steps say what they kept.
    const text = filesUnder(run.reports)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const decoded =
      text + [...text.matchAll(/"data":\s*"([A-Za-z0-9+/=]{8,})"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('\n');
    assert.match(decoded, /kept 2 other user\(s\)/, 'no report says the htpasswd Secret kept the 2 other users');
    assert.match(decoded, /keeps the entries of alice, bob unchanged/, 'the check of INS-ADM-02 did not report keeping alice and bob');
    assert.match(decoded, /with 2 other provider\(s\)/, 'no report says OAuth cluster kept its other providers');
    assert.match(
      decoded,
      /keeps corp-directory \(LDAP\), github \(GitHub\) as they were/,
      'the check of INS-ADM-03 did not report keeping the LDAP and GitHub providers',
    );
  });
});
