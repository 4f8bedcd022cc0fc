// The twin's OpenShift OAuth server and authentication operator: the oauth-openshift Deployment,
// identity providers from OAuth cluster and their Secrets rolled out (ClusterOperator
// authentication Progressing, then settled) or refused as Degraded, the challenging client's
// login (`oc login -u -p`): 401 challenges, the X-CSRF-Token rule, tokens the API server accepts,
// Users and Identities by mapping method; and the three faults.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as https from 'node:https';
import { after, before, describe, test } from 'node:test';
import * as bcrypt from 'bcryptjs';
import { oauthTokenObjectName, TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { observe, verifyPassword } from '../../../twin/controllers/oauth-server';
import { rawRequest, serverErrors, startLocalTwin, waitFor as poll, type LocalTwin } from './helpers';

const CONFIG = 'config.openshift.io/v1';
const NS = 'openshift-authentication';
const waitFor = <T>(what: string, probe: () => T) => poll(what, probe, 15_000);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the twin's ingress for oauth-openshift.<apps domain>, as a client resolving the route host to it. */
function oauthRequest(t: LocalTwin, path: string, headers: Record<string, string> = {}, form?: Record<string, string>): Promise<Answer> {
  const host = `oauth-openshift.${t.twin.appsDomain}`;
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const formHeaders: Record<string, string> =
    body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } : {};
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: t.twin.ingressPort,
        servername: host,
        path,
        method: body !== undefined ? 'POST' : 'GET',
        ca: t.twin.ingressCaPem,
        agent: false,
        headers: { Host: host, ...formHeaders, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const AUTHORIZE = '/oauth/authorize?client_id=openshift-challenging-client&response_type=token';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function login(t: LocalTwin, user: string, password: string, csrf = true): Promise<Answer> {
  return oauthRequest(t, AUTHORIZE, { Authorization: basic(user, password), ...(csrf ? { 'X-CSRF-Token': '1' } : {}) });
}

function tokenOf(answer: Answer): string | undefined {
  const location = String(answer.headers.location ?? '');
  return new URLSearchParams(location.split('#')[1] ?? '').get('access_token') ?? undefined;
}

function htpasswd(entries: Record<string, string>): string {
  const text = Object.entries(entries)
    .map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4).replace(/^\$2b\$/, '$2y$')}`)
    .join('\n');
  return Buffer.from(`${text}\n`).toString('base64');
}

function setSecret(c: TwinClient, name: string, data: Record<string, string>): void {
  const existing = c.get('v1', 'Secret', name, 'openshift-config');
  if (existing) c.update({ ...existing, data });
  else c.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'openshift-config' }, type: 'Opaque', data });
}

function setProviders(c: TwinClient, identityProviders: object[]): void {
  c.patch(CONFIG, 'OAuth', 'cluster', undefined, { spec: { identityProviders } });
}

const htpasswdProvider = (name: string, secret: string, mappingMethod = 'claim') => ({
  name,
  mappingMethod,
  type: 'HTPasswd',
  htpasswd: { fileData: { name: secret } },
});

function condition(c: TwinClient, type: string): KObject | undefined {
  return c.get(CONFIG, 'ClusterOperator', 'authentication')?.status?.conditions?.find((x: KObject) => x.type === type);
}

/** The ClusterOperator settled (Available, not Progressing) with the Deployment at `generation` fully rolled out. */
function rolledOut(c: TwinClient, generation?: number): boolean {
  const d = c.get('apps/v1', 'Deployment', 'oauth-openshift', NS);
  const s = d?.status ?? {};
  const done =
    !!d && s.observedGeneration === d.metadata.generation && s.availableReplicas === d.spec.replicas && s.replicas === d.spec.replicas;
  return (
    done &&
    (generation === undefined || d!.metadata.generation! >= generation) &&
    condition(c, 'Progressing')?.status === 'False' &&
    condition(c, 'Available')?.status === 'True'
  );
}

function generation(c: TwinClient): number {
  return c.get('apps/v1', 'Deployment', 'oauth-openshift', NS)?.metadata.generation ?? 0;
}

async function startOAuthTwin(faults: string[] = []): Promise<{ t: LocalTwin; c: TwinClient }> {
  const t = await startLocalTwin({ faults });
  const c = new TwinClient(t.twin.api, 'test', TWIN_SYSTEM);
  await waitFor('the first rollout of oauth-openshift', () => rolledOut(c));
  return { t, c };
}

async function stop(t: LocalTwin | undefined): Promise<void> {
  if (!t) return;
  const errors = serverErrors(t.auditLog);
  await t.stop();
  assert.deepEqual(errors, [], 'the API server failed requests on its own');
}

describe('the twin authentication operator and OAuth server', () => {
  let t: LocalTwin;
  let c: TwinClient;
  const progressingSeen: string[] = [];

  before(async () => {
    ({ t, c } = await startOAuthTwin());
    c.watch(CONFIG, 'ClusterOperator', (_type, co) => {
      const p = co.status?.conditions?.find((x: KObject) => x.type === 'Progressing');
      if (p?.status === 'True' && progressingSeen.at(-1) !== p.message) progressingSeen.push(`${p.reason}: ${p.message}`);
    });
  });
  after(() => stop(t));

  test('runs oauth-openshift in openshift-authentication, one replica per control-plane node, and creates the CLI clients', () => {
    const d = c.get('apps/v1', 'Deployment', 'oauth-openshift', NS)!;
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.template.spec.nodeSelector, { 'node-role.kubernetes.io/master': '' });
    assert.match(d.spec.template.metadata.annotations['operator.openshift.io/rvs-hash'], /^[0-9a-f]{32}$/);
    const pods = c.list('v1', 'Pod', NS, { labelSelector: 'app=oauth-openshift' });
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => String(p.spec.nodeName).startsWith('master-')));
    const client = c.get('oauth.openshift.io/v1', 'OAuthClient', 'openshift-challenging-client')!;
    assert.equal(client.respondWithChallenges, true);
    assert.deepEqual(client.redirectURIs, [`https://oauth-openshift.${t.twin.appsDomain}/oauth/token/implicit`]);
  });

  test('answers the challenging client with a basic-auth challenge, and refuses it without X-CSRF-Token', async () => {
    const challenged = await oauthRequest(t, AUTHORIZE, { 'X-CSRF-Token': '1' });
    assert.equal(challenged.status, 401);
    assert.equal(challenged.headers['www-authenticate'], 'Basic realm="openshift"');
    const refused = await oauthRequest(t, AUTHORIZE);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], undefined, 'no challenge without the CSRF header');
    assert.equal(refused.headers.warning, '199 Origin "A non-empty X-CSRF-Token header is required to receive basic-auth challenges"');
    assert.match(refused.body, /A non-empty X-CSRF-Token header is required to receive basic-auth challenges/);
    const metadata = JSON.parse((await oauthRequest(t, '/.well-known/oauth-authorization-server')).body);
    assert.equal(metadata.issuer, `https://oauth-openshift.${t.twin.appsDomain}`);
  });

  test("rolls a new identity provider out: Progressing with the operator's reasons, then settled; only then is it served", async () => {
    const before = generation(c);
    setSecret(c, 'htpass-secret', { htpasswd: htpasswd({ alice: 'alice-password' }) });
    setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret')]);
    await waitFor('a new generation rolled out', () => rolledOut(c, before + 1));
    assert.ok(
      progressingSeen.some((m) =>
        /^OAuthServerDeployment_NewGeneration: OAuthServerDeploymentProgressing: deployment\/oauth-openshift\.openshift-authentication: observed generation is \d+, desired generation is \d+\.$/.test(
          m,
        ),
      ),
      `Progressing=True with NewGeneration was reported: ${progressingSeen.join(' | ')}`,
    );
    const copy = c.get('v1', 'Secret', 'v4-0-config-user-idp-0-file-data', NS);
    assert.equal(
      copy?.data?.htpasswd,
      c.get('v1', 'Secret', 'htpass-secret', 'openshift-config')?.data?.htpasswd,
      'the operator copies the htpasswd Secret for the OAuth server',
    );
    const answer = await login(t, 'alice', 'alice-password');
    assert.equal(answer.status, 302);
    const location = String(answer.headers.location);
    assert.match(
      location,
      new RegExp(
        `^https://oauth-openshift\\.${t.twin.appsDomain.replace(/\./g, '\\.')}/oauth/token/implicit#access_token=sha256~[A-Za-z0-9_-]{43}&expires_in=86400&scope=user%3Afull&token_type=Bearer$`,
      ),
    );
  });

  test('a token from the login is an OAuthAccessToken the API server accepts, for a User and Identity made on first login', async () => {
    const token = tokenOf(await login(t, 'alice', 'alice-password'))!;
    const stored = c.get('oauth.openshift.io/v1', 'OAuthAccessToken', oauthTokenObjectName(token))!;
    assert.equal(stored.userName, 'alice');
    assert.equal(stored.clientName, 'openshift-challenging-client');
    assert.equal(stored.expiresIn, 86400);
    assert.deepEqual(stored.scopes, ['user:full']);
    const user = c.get('user.openshift.io/v1', 'User', 'alice')!;
    assert.deepEqual(user.identities, ['my_htpasswd_provider:alice']);
    assert.equal(stored.userUID, user.metadata.uid);
    const identity = c.get('user.openshift.io/v1', 'Identity', 'my_htpasswd_provider:alice')!;
    assert.deepEqual(
      [identity.providerName, identity.providerUserName, identity.user.name, identity.user.uid],
      ['my_htpasswd_provider', 'alice', 'alice', user.metadata.uid],
    );
    const me = await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { token });
    assert.equal(me.status, 200);
    assert.equal(me.json().metadata.name, 'alice');
    const again = tokenOf(await login(t, 'alice', 'alice-password'))!;
    assert.notEqual(again, token, 'every login gets a new token');
    assert.deepEqual(
      c.get('user.openshift.io/v1', 'User', 'alice')!.identities,
      ['my_htpasswd_provider:alice'],
      'a second login maps to the same identity',
    );
  });

  test('the code flow with PKCE, as oc login 4.x uses it: a code once, for the verifier that matches its challenge', async () => {
    const verifier = 'a-verifier-of-forty-three-characters-or-more-xyz';
    const challengeS256 = createHash('sha256').update(verifier).digest('base64url');
    const redirect = `https://oauth-openshift.${t.twin.appsDomain}/oauth/token/implicit`;
    const authorizeCode = async () => {
      const answer = await oauthRequest(
        t,
        `/oauth/authorize?client_id=openshift-challenging-client&response_type=code&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=${challengeS256}&code_challenge_method=S256&state=s1`,
        { Authorization: basic('alice', 'alice-password'), 'X-CSRF-Token': '1' },
      );
      assert.equal(answer.status, 302);
      const location = new URL(String(answer.headers.location));
      assert.equal(location.searchParams.get('state'), 's1');
      return location.searchParams.get('code')!;
    };
    const exchange = (code: string, codeVerifier: string) =>
      oauthRequest(
        t,
        '/oauth/token',
        {},
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirect,
          client_id: 'openshift-challenging-client',
          code_verifier: codeVerifier,
        },
      );
    const code = await authorizeCode();
    const granted = await exchange(code, verifier);
    assert.equal(granted.status, 200, granted.body);
    const body = JSON.parse(granted.body);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 86400);
    assert.equal(
      (await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { token: body.access_token })).json().metadata.name,
      'alice',
    );
    assert.equal(JSON.parse((await exchange(code, verifier)).body).error, 'invalid_grant', 'a code is used once');
    assert.equal(
      JSON.parse((await exchange(await authorizeCode(), 'another-verifier')).body).error,
      'invalid_grant',
      'the verifier must match the challenge',
    );
  });

  test('refuses a wrong password and an unknown user with the challenge again', async () => {
    for (const [user, password] of [
      ['alice', 'not-her-password'],
      ['mallory', 'alice-password'],
    ]) {
      const answer = await login(t, user!, password!);
      assert.equal(answer.status, 401, `${user}`);
      assert.equal(answer.headers['www-authenticate'], 'Basic realm="openshift"');
    }
  });

  test('a changed htpasswd Secret is rolled out before the new password works', async () => {
    const before = generation(c);
    setSecret(c, 'htpass-secret', { htpasswd: htpasswd({ alice: 'new-alice-password', bob: 'bob-password' }) });
    await waitFor('the new Secret rolled out', () => rolledOut(c, before + 1));
    assert.equal((await login(t, 'alice', 'alice-password')).status, 401, 'the old password no longer works');
    assert.equal((await login(t, 'alice', 'new-alice-password')).status, 302);
    assert.equal((await login(t, 'bob', 'bob-password')).status, 302);
  });

  test('a second provider is served next to the first; a user claimed by another identity cannot log in', async () => {
    const before = generation(c);
    setSecret(c, 'team-htpasswd', { htpasswd: htpasswd({ bob: 'bob-team-password', carol: 'carol-password' }) });
    setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret'), htpasswdProvider('team', 'team-htpasswd')]);
    await waitFor('the second provider rolled out', () => rolledOut(c, before + 1));
    assert.equal((await login(t, 'carol', 'carol-password')).status, 302);
    assert.deepEqual(c.get('user.openshift.io/v1', 'User', 'carol')!.identities, ['team:carol']);
    const claimed = await login(t, 'bob', 'bob-team-password');
    assert.equal(claimed.status, 302);
    const location = new URL(String(claimed.headers.location));
    assert.equal(location.searchParams.get('error'), 'server_error');
    assert.match(
      location.searchParams.get('error_description') ?? '',
      /user "bob" cannot be claimed by identity "team:bob" because it is already mapped to \[my_htpasswd_provider:bob\]/,
    );
  });

  test('an invalid configuration is Degraded, names what is missing, and rolls nothing out', async () => {
    const before = generation(c);
    setProviders(c, [
      htpasswdProvider('my_htpasswd_provider', 'htpass-secret'),
      htpasswdProvider('team', 'team-htpasswd'),
      htpasswdProvider('broken', 'no-such-secret'),
    ]);
    await waitFor('Degraded', () => condition(c, 'Degraded')?.status === 'True');
    assert.equal(condition(c, 'Degraded')!.reason, 'OAuthServerConfigObservation_Error');
    assert.equal(
      condition(c, 'Degraded')!.message,
      'OAuthServerConfigObservationDegraded: error validating secret openshift-config/no-such-secret: secret "no-such-secret" not found',
    );
    setSecret(c, 'no-such-secret', { other: Buffer.from('x').toString('base64') });
    await waitFor(
      'the missing key named',
      () =>
        condition(c, 'Degraded')?.message ===
        'OAuthServerConfigObservationDegraded: error validating secret openshift-config/no-such-secret: missing required key: "htpasswd"',
    );
    assert.equal(generation(c), before, 'nothing was rolled out');
    assert.equal((await login(t, 'carol', 'carol-password')).status, 302, 'the previous configuration is still served');
    setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret')]);
    await waitFor('Degraded cleared and rolled out', () => condition(c, 'Degraded')?.status === 'False' && rolledOut(c, before + 1));
  });

  test('mappingMethod lookup logs in only users whose identity exists', async () => {
    const before = generation(c);
    setSecret(c, 'lookup-htpasswd', { htpasswd: htpasswd({ dave: 'dave-password' }) });
    setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret'), htpasswdProvider('lookup', 'lookup-htpasswd', 'lookup')]);
    await waitFor('rolled out', () => rolledOut(c, before + 1));
    const answer = await login(t, 'dave', 'dave-password');
    assert.match(
      new URL(String(answer.headers.location)).searchParams.get('error_description') ?? '',
      /lookup of user for "lookup:dave" failed/,
    );
    assert.equal(c.get('user.openshift.io/v1', 'User', 'dave'), undefined, 'lookup creates no User');
  });
});

describe('the twin OAuth faults', () => {
  test('oauth-rollout-stuck: the new pods crash-loop, the operator stays Progressing, the new provider is never served', async () => {
    const { t, c } = await startOAuthTwin(['oauth-rollout-stuck']);
    try {
      setSecret(c, 'htpass-secret', { htpasswd: htpasswd({ alice: 'alice-password' }) });
      setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret')]);
      await waitFor(
        'PodsUpdating with no pod available',
        () =>
          condition(c, 'Progressing')?.reason === 'OAuthServerDeployment_PodsUpdating' &&
          /0\/3 pods are available$/.test(condition(c, 'Progressing')!.message),
      );
      assert.match(
        condition(c, 'Progressing')!.message,
        /^OAuthServerDeploymentProgressing: deployment\/oauth-openshift\.openshift-authentication: \d\/3 pods have been updated to the latest generation and 0\/3 pods are available$/,
      );
      assert.notEqual((await login(t, 'alice', 'alice-password')).status, 302);
    } finally {
      await stop(t);
    }
  });

  test('oauth-broken-existing-idp: a broken LDAP provider makes the operator Degraded and blocks every change', async () => {
    const { t, c } = await startOAuthTwin(['oauth-broken-existing-idp']);
    try {
      assert.equal(c.get(CONFIG, 'OAuth', 'cluster')!.spec.identityProviders[0].name, 'corp-ldap');
      assert.equal(
        condition(c, 'Degraded')?.message,
        'OAuthServerConfigObservationDegraded: error validating secret openshift-config/corp-ldap-bind-password: secret "corp-ldap-bind-password" not found',
      );
      const before = generation(c);
      setSecret(c, 'htpass-secret', { htpasswd: htpasswd({ alice: 'alice-password' }) });
      c.patch(
        CONFIG,
        'OAuth',
        'cluster',
        undefined,
        [{ op: 'add', path: '/spec/identityProviders/-', value: htpasswdProvider('my_htpasswd_provider', 'htpass-secret') }],
        'json',
      );
      await waitFor('the change observed', () => condition(c, 'Degraded')?.status === 'True');
      assert.equal(generation(c), before);
      assert.equal((await login(t, 'alice', 'alice-password')).status, 401);
    } finally {
      await stop(t);
    }
  });

  test('oauth-htpasswd-not-synced: rolled out and settled, but valid credentials are refused', async () => {
    const { t, c } = await startOAuthTwin(['oauth-htpasswd-not-synced']);
    try {
      const before = generation(c);
      setSecret(c, 'htpass-secret', { htpasswd: htpasswd({ alice: 'alice-password' }) });
      setProviders(c, [htpasswdProvider('my_htpasswd_provider', 'htpass-secret')]);
      await waitFor('rolled out', () => rolledOut(c, before + 1));
      assert.equal(condition(c, 'Degraded')?.status, 'False');
      assert.equal((await login(t, 'alice', 'alice-password')).status, 401);
    } finally {
      await stop(t);
    }
  });
});

describe('observing identity providers', () => {
  const secrets: Record<string, KObject> = {
    htpass: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'htpass' }, data: { htpasswd: 'eA==' } },
    nokey: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nokey' }, data: { other: 'eA==' } },
  };
  const lookup = (name: string) => secrets[name];

  test("converts known types and validates the Secrets they reference, in the operator's words", () => {
    assert.deepEqual(observe([htpasswdProvider('a', 'htpass')], lookup).errors, []);
    assert.deepEqual(observe([htpasswdProvider('a', 'gone')], lookup).errors, [
      'error validating secret openshift-config/gone: secret "gone" not found',
    ]);
    assert.deepEqual(observe([htpasswdProvider('a', 'nokey')], lookup).errors, [
      'error validating secret openshift-config/nokey: missing required key: "htpasswd"',
    ]);
    assert.deepEqual(observe([{ name: 'x', type: 'HTPasswd' }], lookup).errors, [
      'failed to apply IDP x config: type HTPasswd was specified, but its configuration is missing',
    ]);
    assert.deepEqual(observe([{ name: 'y', type: 'Kerberos' }], lookup).errors, [
      "failed to apply IDP y config: the identity provider type 'Kerberos' is not supported",
    ]);
    assert.deepEqual(
      observe([{ name: 'gh', type: 'GitHub', github: { clientID: 'id', clientSecret: { name: 'gh-secret' } } }], lookup).errors,
      ['error validating secret openshift-config/gh-secret: secret "gh-secret" not found'],
    );
  });

  test('verifies bcrypt ($2y$, $2a$, $2b$) and {SHA} entries, nothing else', () => {
    const b = bcrypt.hashSync('pw', 4);
    for (const prefix of ['$2y$', '$2a$', '$2b$']) assert.ok(verifyPassword(b.replace(/^\$2b\$/, prefix), 'pw'), prefix);
    assert.ok(!verifyPassword(b, 'other'));
    assert.ok(verifyPassword('{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'password'));
    assert.ok(!verifyPassword('password', 'password'), 'plain text is not an htpasswd hash');
    assert.ok(!verifyPassword(undefined, 'password'));
  });
});
