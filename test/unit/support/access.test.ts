// The access domain's building blocks: the htpasswd format and bcrypt entries, the private
// htpasswd file and its reuse, the binding name, the kind of a kubeconfig credential, the route
// trust, and the access settings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';

// adminCredentials() asks the World for the password (fakeWorld answers this one).
const PASSWORD = 'unit-test-password-1';

import { wrongPassword } from '../../../support/access/admin-password';
import { bindingName } from '../../../support/access/cluster-admin';
import { credentialKind } from '../../../support/access/current-login';
import { bcryptHash, htpasswdEntries, isBcrypt, verifies, withEntry } from '../../../support/access/htpasswd';
import { assertHtpasswdEntry, ensureHtpasswdFile, htpasswdFilePath } from '../../../support/access/htpasswd-file';
import { ApiError, type ClusterClient, type KObject } from '../../../support/core/cluster';
import { ConfigurationError, loadSettings } from '../../../support/core/config';
import { routeTrust } from '../../../support/core/http/route-trust';
import type { RhoaiWorld } from '../../../support/core/world';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBingress\n-----END CERTIFICATE-----\n';

describe('htpasswd files', () => {
  it('reads user:hash lines, the first line of a user winning, comments and blank lines ignored', () => {
    const entries = htpasswdEntries('# team\nalice:$2y$05$aaa\n\nbob:{SHA}xyz\nalice:$2y$05$second\n');
    assert.deepEqual(
      [...entries],
      [
        ['alice', '$2y$05$aaa'],
        ['bob', '{SHA}xyz'],
      ],
    );
  });

  it("replaces one user's entry in place and keeps every other line as it was", () => {
    const text = '# team\nalice:old-a\nbob:old-b\n';
    assert.equal(withEntry(text, 'alice', 'new-a'), '# team\nalice:new-a\nbob:old-b\n');
    assert.equal(withEntry(text, 'carol', 'c'), '# team\nalice:old-a\nbob:old-b\ncarol:c\n');
    assert.equal(withEntry('', 'carol', 'c'), 'carol:c\n');
    assert.equal(withEntry('alice:1\nalice:2', 'alice', '3'), 'alice:3\n', 'a duplicated user keeps one line');
    assert.throws(() => withEntry('', 'a:b', 'x'), /cannot be an htpasswd user name/);
  });

  it('makes $2y$ bcrypt entries, as htpasswd -B does, that verify against their password only', () => {
    const hash = bcryptHash('s3cret-password', 4);
    assert.match(hash, /^\$2y\$04\$[./A-Za-z0-9]{53}$/);
    assert.ok(isBcrypt(hash));
    assert.ok(verifies(hash, 's3cret-password'));
    assert.ok(!verifies(hash, 's3cret-passwore'));
    assert.ok(!verifies('{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'password'), 'only bcrypt entries are trusted');
    assert.ok(!verifies(undefined, 'x'));
  });

  it('a wrong password is never the password', () => {
    assert.notEqual(wrongPassword(PASSWORD), PASSWORD);
    assert.match(wrongPassword(PASSWORD), /^wrong-/);
  });
});

function fakeWorld(workDir: string): RhoaiWorld & { reported: string[] } {
  const reported: string[] = [];
  return {
    settings: loadSettings({ RHOAI_WORK_DIR: workDir, RHOAI_ADMIN_PASSWORD: PASSWORD }),
    facts: {},
    reported,
    report: { text: (_name: string, text: string) => reported.push(text) },
    secret: <T extends string>(v: T) => v,
    adminPassword: () => Promise.resolve(PASSWORD),
  } as unknown as RhoaiWorld & { reported: string[] };
}

describe('the htpasswd file under RHOAI_WORK_DIR', () => {
  it('is written 0600 in a 0700 directory, then reused while its entry verifies; other users stay', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'access-'));
    const world = fakeWorld(work);
    const file = htpasswdFilePath(world);
    assert.equal(await ensureHtpasswdFile(world), 'generated');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const first = fs.readFileSync(file, 'utf8');
    assert.ok(verifies(htpasswdEntries(first).get('rhoai-admin'), PASSWORD));

    fs.writeFileSync(file, `someone:$2y$05$${'x'.repeat(53)}\n${first}`);
    const written = fs.readFileSync(file, 'utf8');
    assert.equal(await ensureHtpasswdFile(fakeWorld(work)), 'kept');
    assert.equal(fs.readFileSync(file, 'utf8'), written, 'a verifying entry is not rewritten');

    fs.chmodSync(file, 0o644);
    await ensureHtpasswdFile(fakeWorld(work));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'a loosened mode is tightened');
  });

  it("adopts the cluster's verifying entry when the file has none, and replaces an entry that no longer verifies", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'access-'));
    const world = fakeWorld(work);
    const clusters = new Map([['rhoai-admin', bcryptHash(PASSWORD, 4).replace(/^\$2y\$/, '$2a$')]]);
    assert.equal(await ensureHtpasswdFile(world, clusters), 'adopted');
    const adopted = htpasswdEntries(fs.readFileSync(htpasswdFilePath(world), 'utf8')).get('rhoai-admin')!;
    assert.equal(adopted, clusters.get('rhoai-admin')!.replace(/^\$2a\$/, '$2y$'), 'the same hash, with the $2y$ prefix');

    fs.writeFileSync(htpasswdFilePath(world), `rhoai-admin:${bcryptHash('an-old-password', 4)}\nother:kept\n`, { mode: 0o600 });
    assert.equal(await ensureHtpasswdFile(fakeWorld(work)), 'generated');
    const entries = htpasswdEntries(fs.readFileSync(htpasswdFilePath(world), 'utf8'));
    assert.ok(verifies(entries.get('rhoai-admin'), PASSWORD));
    assert.equal(entries.get('other'), 'kept');
  });

  it('the INS-ADM-01 check computes bcrypt itself, whatever the scenario believed when it made the entry', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'access-'));
    const world = fakeWorld(work);
    assert.equal(await ensureHtpasswdFile(world), 'generated');
    await assertHtpasswdEntry(world);
    // A maker that got it wrong: the file holds an entry of another password, and the scenario's
    // remembered verdicts claim it verifies (as the maker used to note for the hash it had just made).
    const wrong = bcryptHash('not-the-password', 4);
    fs.writeFileSync(htpasswdFilePath(world), `rhoai-admin:${wrong}\n`, { mode: 0o600 });
    // (the key format of support/access/admin-password.ts verdictKey: hash, newline, sha256 of the password)
    world.facts.bcryptVerdicts = new Map([[`${wrong}\n${createHash('sha256').update(PASSWORD).digest('hex')}`, true]]);
    await assert.rejects(assertHtpasswdEntry(world), /does not verify against the admin password/);
  });
});

describe('cluster-admin binding names', () => {
  it('are DNS-1123 names; a user name that is not one gets a hash to stay unique', () => {
    assert.equal(bindingName('rhoai-admin'), 'rhoai-admin-cluster-admin');
    assert.match(bindingName('Ops_Admin@corp.example'), /^ops-admin-corp\.example-[0-9a-f]{6}-cluster-admin$/);
    assert.notEqual(bindingName('ops_admin'), bindingName('ops@admin'));
  });
});

describe('the kind of a kubeconfig credential', () => {
  it('is named without its value', () => {
    assert.match(credentialKind({ name: 'u', token: 'sha256~abc' }), /OAuth access token/);
    assert.match(credentialKind({ name: 'u', token: 'a.b.c' }), /JWT/);
    assert.match(credentialKind({ name: 'u', certData: 'Zm9v', keyData: 'YmFy' }), /client certificate/);
    assert.match(credentialKind({ name: 'u', username: 'kubeadmin', password: 'p' }), /user name and password/);
    assert.match(credentialKind({ name: 'u', exec: { command: 'oc-login-plugin' } }), /exec credential plugin \(oc-login-plugin\)/);
    assert.equal(credentialKind({ name: 'u' }), 'none');
    assert.ok(!credentialKind({ name: 'u', token: 'sha256~very-secret' }).includes('very-secret'));
  });
});

describe('route trust', () => {
  const client = (get: () => Promise<KObject | undefined>) => ({ get }) as unknown as ClusterClient;

  it('is the system roots plus the default ingress CA bundle the cluster publishes', async () => {
    const trust = await routeTrust(
      client(async () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { 'ca-bundle.crt': CA } })),
    );
    assert.equal(trust.ca.length, rootCertificates.length + 1);
    assert.equal(trust.ca.at(-1), CA);
    assert.match(trust.describe, /openshift-config-managed\/default-ingress-cert \(1 certificate/);
  });

  it('falls back to the system roots, and says why, when the bundle is absent or unreadable', async () => {
    const absent = await routeTrust(client(async () => undefined));
    assert.equal(absent.ca.length, rootCertificates.length);
    assert.match(absent.describe, /system roots only .*does not exist/);
    const forbidden = await routeTrust(client(async () => Promise.reject(new ApiError('GET', 'x', 403, { reason: 'Forbidden' }))));
    assert.match(forbidden.describe, /not readable: HTTP 403/);
    await assert.rejects(routeTrust(client(async () => Promise.reject(new ApiError('GET', 'x', 500, undefined)))), /HTTP 500/);
  });
});

describe('access settings', () => {
  it('default to the names of the docs', () => {
    const s = loadSettings({});
    assert.equal(s.htpasswdSecret, 'htpass-secret');
    assert.equal(s.htpasswdProvider, 'my_htpasswd_provider');
  });

  it('refuse names the cluster would refuse, saying what is allowed', () => {
    assert.throws(
      () => loadSettings({ RHOAI_HTPASSWD_SECRET: 'Htpass_Secret' }),
      (e: unknown) =>
        e instanceof ConfigurationError && /RHOAI_HTPASSWD_SECRET="Htpass_Secret" is not valid: allowed: a Secret name/.test(e.message),
    );
    assert.throws(
      () => loadSettings({ RHOAI_HTPASSWD_PROVIDER: 'my:provider' }),
      (e: unknown) =>
        e instanceof ConfigurationError &&
        /RHOAI_HTPASSWD_PROVIDER="my:provider" is not valid: allowed: an identity provider name/.test(e.message),
    );
    assert.equal(
      loadSettings({ RHOAI_HTPASSWD_SECRET: 'users.htpasswd-v2', RHOAI_HTPASSWD_PROVIDER: 'corp_htpasswd' }).htpasswdProvider,
      'corp_htpasswd',
    );
  });
});
