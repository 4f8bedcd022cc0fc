// Authentication, authorization and the audit log of the twin's API server: anonymous and invalid
// tokens, RBAC denials, ServiceAccount tokens from TokenRequest, OAuth tokens, reviews, users/~,
// impersonation, ProjectRequest; then one audit event per request, request bodies of writes, and
// no Secret value or bearer token anywhere in the file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ApiException, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { newOAuthToken, oauthTokenObjectName } from '../../../twin/api/auth';
import { kubeConfigWithToken, rawRequest, serverErrors, startLocalTwin, uniqueName, waitFor, type LocalTwin } from './helpers';

type Any = any;

let t: LocalTwin;
let ns: string;
let saToken: string;
let oauthToken: string;
const SA = 'bot';

const saUser = () => `system:serviceaccount:${ns}:${SA}`;

async function failure(p: Promise<unknown>): Promise<{ code: number; status: Any }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, status: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
    throw e;
  }
  assert.fail('the call succeeded but was expected to fail');
}

before(async () => {
  t = await startLocalTwin();
  ns = uniqueName('auth');
  const core = t.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: SA } } });
  const tr = await core.createNamespacedServiceAccountToken({
    name: SA,
    namespace: ns,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [], expirationSeconds: 3600 } },
  });
  saToken = tr.status!.token;
  // An OAuth user, as the OpenShift OAuth server would leave one: a User and an access token object.
  oauthToken = newOAuthToken();
  assert.equal(
    (
      await rawRequest(t.twin, 'POST', '/apis/user.openshift.io/v1/users', {
        body: { apiVersion: 'user.openshift.io/v1', kind: 'User', metadata: { name: 'alice' } },
      })
    ).status,
    201,
  );
  const token = await rawRequest(t.twin, 'POST', '/apis/oauth.openshift.io/v1/oauthaccesstokens', {
    body: {
      apiVersion: 'oauth.openshift.io/v1',
      kind: 'OAuthAccessToken',
      metadata: { name: oauthTokenObjectName(oauthToken) },
      userName: 'alice',
      clientName: 'openshift-challenging-client',
      expiresIn: 86400,
      scopes: ['user:full'],
    },
  });
  assert.equal(token.status, 201, token.text);
});

after(async () => {
  if (t) assert.deepEqual(serverErrors(t.auditLog), [], 'the server answered no request with an error of its own');
  await t?.stop();
});

describe('authentication', () => {
  it('lets anonymous requests reach /version and /healthz only', async () => {
    const version = await rawRequest(t.twin, 'GET', '/version', { token: null });
    assert.equal(version.status, 200);
    assert.equal(version.json().gitVersion.startsWith('v1.28.'), true);
    const health = await rawRequest(t.twin, 'GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok');
    const discovery = await rawRequest(t.twin, 'GET', '/api', { token: null });
    assert.equal(discovery.status, 403);
    assert.deepEqual(discovery.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:anonymous" cannot get path "/api"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    });
    const list = await rawRequest(t.twin, 'GET', '/api/v1/namespaces', { token: null });
    assert.equal(list.status, 403);
    assert.equal(
      list.json().message,
      'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
  });

  it('answers 401 to an invalid token, whatever the path', async () => {
    for (const path of ['/api/v1/namespaces', '/version', '/apis']) {
      const r = await rawRequest(t.twin, 'GET', path, { token: 'not-a-real-token' });
      assert.equal(r.status, 401, path);
      assert.deepEqual(r.json(), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    // A token signed like a ServiceAccount token but tampered with is no better.
    const [h, p] = saToken.split('.');
    assert.equal((await rawRequest(t.twin, 'GET', '/api', { token: `${h}.${p}.AAAA` })).status, 401);
  });

  it('authenticates a TokenRequest token as its ServiceAccount, authorised by RoleBindings', async () => {
    const core = kubeConfigWithToken(t.kc, saToken).makeApiClient(CoreV1Api);
    const denied = await failure(core.listNamespacedConfigMap({ namespace: ns }));
    assert.equal(denied.code, 403);
    assert.equal(denied.status.reason, 'Forbidden');
    assert.equal(
      denied.status.message,
      `configmaps is forbidden: User "${saUser()}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    assert.deepEqual(denied.status.details, { group: '', kind: 'configmaps' });
    const named = await failure(core.readNamespacedConfigMap({ name: 'x', namespace: ns }));
    assert.equal(
      named.status.message,
      `configmaps "x" is forbidden: User "${saUser()}" cannot get resource "configmaps" in API group "" in the namespace "${ns}"`,
    );

    const rbac = t.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'bot-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ kind: 'ServiceAccount', name: SA, namespace: ns }],
      },
    });
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    assert.ok(Array.isArray(list.items));
    const create = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'nope' } } }));
    assert.equal(create.code, 403);
    assert.match(create.status.message, /cannot create resource "configmaps"/);
    // Not in another namespace either.
    assert.equal((await failure(core.listNamespacedConfigMap({ namespace: 'default' }))).code, 403);
  });

  it('refuses a ServiceAccount token once its ServiceAccount is gone', async () => {
    const core = t.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'ephemeral' } } });
    const tr = await core.createNamespacedServiceAccountToken({ name: 'ephemeral', namespace: ns, body: { spec: { audiences: [] } } });
    assert.equal((await rawRequest(t.twin, 'GET', '/apis', { token: tr.status!.token })).status, 200);
    await core.deleteNamespacedServiceAccount({ name: 'ephemeral', namespace: ns });
    assert.equal((await rawRequest(t.twin, 'GET', '/apis', { token: tr.status!.token })).status, 401);
  });

  it('refuses a TokenRequest shorter than 10 minutes with 422', async () => {
    const r = await rawRequest(t.twin, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${SA}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 60 } },
    });
    assert.equal(r.status, 422);
  });

  it('authenticates an OAuth access token as its user, with the OAuth groups', async () => {
    const me = await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { token: oauthToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json().metadata.name, 'alice');
    assert.deepEqual(me.json().groups, ['system:authenticated:oauth', 'system:authenticated']);
  });
});

describe('reviews and users/~', () => {
  it('answers a TokenReview', async () => {
    const r = await rawRequest(t.twin, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: saToken } },
    });
    assert.equal(r.status, 201);
    const status = r.json().status;
    assert.equal(status.authenticated, true);
    assert.equal(status.user.username, saUser());
    assert.deepEqual(status.user.groups, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']);
    assert.ok(status.user.uid);
    assert.deepEqual(status.audiences, ['https://kubernetes.default.svc']);
    assert.equal(r.json().spec.token, undefined, 'the token is not echoed');
    const bad = await rawRequest(t.twin, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'garbage' } },
    });
    assert.equal(bad.json().status.authenticated, undefined);
    assert.ok(bad.json().status.error);
  });

  it('answers SelfSubjectAccessReviews for the caller', async () => {
    const review = (token: string, verb: string, resource: string) =>
      rawRequest(t.twin, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        token,
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { namespace: ns, verb, resource } },
        },
      });
    const allowed = (await review(saToken, 'list', 'configmaps')).json();
    assert.equal(allowed.kind, 'SelfSubjectAccessReview');
    assert.equal(allowed.status.allowed, true);
    assert.equal(
      allowed.status.reason,
      `RBAC: allowed by RoleBinding "bot-reads/${ns}" of Role "cm-reader" to ServiceAccount "${SA}/${ns}"`,
    );
    const denied = (await review(saToken, 'delete', 'configmaps')).json();
    assert.equal(denied.status.allowed, false);
    const admin = (await review(t.twin.adminToken, 'delete', 'configmaps')).json();
    assert.equal(admin.status.allowed, true);
    assert.equal(
      admin.status.reason,
      'RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to Group "system:cluster-admins"',
    );
    const neither = await rawRequest(t.twin, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} },
    });
    assert.equal(neither.status, 422);
  });

  it('answers users/~ with the caller, and refuses it to anonymous', async () => {
    const admin = (await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~')).json();
    assert.equal(admin.kind, 'User');
    assert.equal(admin.metadata.name, 'kube:admin');
    assert.deepEqual(admin.groups, ['system:cluster-admins', 'system:authenticated']);
    const sa = (await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { token: saToken })).json();
    assert.equal(sa.metadata.name, saUser());
    assert.equal((await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { token: null })).status, 403);
  });
});

describe('impersonation', () => {
  it('runs a request as the impersonated user when the requester may impersonate', async () => {
    const me = await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', { headers: { 'Impersonate-User': 'alice' } });
    assert.equal(me.status, 200);
    assert.equal(me.json().metadata.name, 'alice');
    assert.deepEqual(me.json().groups, ['system:authenticated']);
    const denied = await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps`, { headers: { 'Impersonate-User': 'alice' } });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.json().message,
      `configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    const asSa = await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps`, { headers: { 'Impersonate-User': saUser() } });
    assert.equal(asSa.status, 200, 'a ServiceAccount is impersonated with its bindings');
    const withGroup = await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps`, {
      headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'system:cluster-admins' },
    });
    assert.equal(withGroup.status, 200);
  });

  it('refuses impersonation to a requester without the impersonate verb', async () => {
    const r = await rawRequest(t.twin, 'GET', '/api', { token: saToken, headers: { 'Impersonate-User': 'kube:admin' } });
    assert.equal(r.status, 403);
    assert.equal(
      r.json().message,
      `users "kube:admin" is forbidden: User "${saUser()}" cannot impersonate resource "users" in API group "" at the cluster scope`,
    );
  });
});

describe('ProjectRequest', () => {
  it('creates a namespace with an admin RoleBinding for a non-admin requester', async () => {
    const name = uniqueName('proj');
    const r = await rawRequest(t.twin, 'POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: oauthToken,
      body: {
        apiVersion: 'project.openshift.io/v1',
        kind: 'ProjectRequest',
        metadata: { name },
        displayName: 'Alice Project',
        description: 'made by a test',
      },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json().kind, 'Project');
    assert.equal(r.json().status.phase, 'Active');
    const nsObj = (await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${name}`)).json();
    assert.equal(nsObj.metadata.annotations['openshift.io/requester'], 'alice');
    assert.equal(nsObj.metadata.annotations['openshift.io/display-name'], 'Alice Project');
    const rb = (await rawRequest(t.twin, 'GET', `/apis/rbac.authorization.k8s.io/v1/namespaces/${name}/rolebindings/admin`)).json();
    assert.deepEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' });
    assert.deepEqual(rb.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }]);
    // The requester administers it, sees it among their projects, and nothing of others'.
    const made = await rawRequest(t.twin, 'POST', `/api/v1/namespaces/${name}/configmaps`, {
      token: oauthToken,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine' } },
    });
    assert.equal(made.status, 201, made.text);
    const projects = (await rawRequest(t.twin, 'GET', '/apis/project.openshift.io/v1/projects', { token: oauthToken })).json();
    assert.deepEqual(
      projects.items.map((p: Any) => p.metadata.name),
      [name],
    );
    assert.equal((await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps`, { token: oauthToken })).status, 403);
    // A ServiceAccount is not a self-provisioner.
    const sa = await rawRequest(t.twin, 'POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: saToken,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name: uniqueName('no') } },
    });
    assert.equal(sa.status, 403);
    const again = await rawRequest(t.twin, 'POST', '/apis/project.openshift.io/v1/projectrequests', {
      token: oauthToken,
      body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name } },
    });
    assert.equal(again.status, 409);
  });
});

describe('audit log', () => {
  const events = (): Any[] =>
    fs
      .readFileSync(t.auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  it('writes one audit.k8s.io/v1 Event per request, with the request body of writes', async () => {
    const agent = `audit-probe/${process.pid}`;
    const headers = { 'User-Agent': agent };
    const name = uniqueName('audited');
    const sent = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { visible: 'yes' } };
    const codes = [
      (await rawRequest(t.twin, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { headers, body: sent })).status,
      (await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps/${name}`, { headers })).status,
      (
        await rawRequest(t.twin, 'PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, {
          headers,
          body: { data: { more: '1' } },
          contentType: 'application/merge-patch+json',
        })
      ).status,
      (await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/configmaps/missing`, { headers })).status,
      (await rawRequest(t.twin, 'GET', `/api/v1/namespaces/${ns}/secrets`, { headers, token: saToken })).status,
      (await rawRequest(t.twin, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/${name}`, { headers })).status,
    ];
    assert.deepEqual(codes, [201, 200, 200, 404, 403, 200]);
    const mine = await waitFor('six audit events', () => {
      const found = events().filter((e) => e.userAgent === agent);
      return found.length >= codes.length && found;
    });
    assert.equal(mine.length, codes.length, 'exactly one event per request');
    for (const e of mine) {
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.equal(e.stage, 'ResponseComplete');
      assert.match(e.auditID, /^[0-9a-f-]{36}$/);
      assert.ok(Date.parse(e.requestReceivedTimestamp) <= Date.parse(e.stageTimestamp));
      assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
    }
    assert.deepEqual(
      mine.map((e) => e.verb),
      ['create', 'get', 'patch', 'get', 'list', 'delete'],
    );
    assert.deepEqual(
      mine.map((e) => e.responseStatus.code),
      codes,
    );
    const [create, get, patch, missing, forbidden] = mine;
    assert.equal(create.level, 'Request');
    assert.deepEqual(create.requestObject, sent);
    assert.deepEqual(create.objectRef, { resource: 'configmaps', namespace: ns, name, apiGroup: '', apiVersion: 'v1' });
    assert.equal(create.user.username, 'kube:admin');
    assert.equal(get.level, 'Metadata');
    assert.equal(get.requestObject, undefined);
    assert.deepEqual(patch.requestObject, { data: { more: '1' } });
    assert.equal(missing.responseStatus.reason, 'NotFound');
    assert.equal(forbidden.user.username, saUser());
    assert.equal(forbidden.annotations['authorization.k8s.io/decision'], 'forbid');
  });

  it('records the impersonated user', async () => {
    const agent = `audit-impersonation/${process.pid}`;
    await rawRequest(t.twin, 'GET', '/apis/user.openshift.io/v1/users/~', {
      headers: { 'User-Agent': agent, 'Impersonate-User': 'alice' },
    });
    const [e] = await waitFor('the event', () => {
      const found = events().filter((x) => x.userAgent === agent);
      return found.length && found;
    });
    assert.equal(e.user.username, 'kube:admin');
    assert.deepEqual(e.impersonatedUser, { username: 'alice', groups: ['system:authenticated'] });
  });

  it('never holds a Secret value or a bearer token', async () => {
    const value = 'Hush-Secret-Value-7421';
    const b64 = Buffer.from(value).toString('base64');
    const name = uniqueName('sec');
    const base = `/api/v1/namespaces/${ns}/secrets`;
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: value } };
    assert.equal((await rawRequest(t.twin, 'POST', base, { body: secret })).status, 201);
    // What kubectl's client-side apply sends: the whole object again in an annotation.
    const lastApplied = JSON.stringify({ ...secret, stringData: { password: value + '2' } });
    const csa = await rawRequest(t.twin, 'PATCH', `${base}/${name}`, {
      contentType: 'application/strategic-merge-patch+json',
      body: {
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } },
        stringData: { password: value + '2' },
      },
    });
    assert.equal(csa.status, 200);
    assert.equal(
      (
        await rawRequest(t.twin, 'PATCH', `${base}/${name}`, {
          contentType: 'application/json-patch+json',
          body: [{ op: 'replace', path: '/data/password', value: b64 }],
        })
      ).status,
      200,
    );
    const applied = await rawRequest(t.twin, 'PATCH', `${base}/${name}-ssa?fieldManager=test`, {
      contentType: 'application/apply-patch+yaml',
      body: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}-ssa\nstringData:\n  password: ${value}\n`,
    });
    assert.equal(applied.status, 201, applied.text);
    const current = (await rawRequest(t.twin, 'GET', `${base}/${name}`)).json();
    assert.equal((await rawRequest(t.twin, 'PUT', `${base}/${name}`, { body: { ...current, data: { password: b64 } } })).status, 200);
    // Malformed bodies: the error message must not quote them.
    const broken = await rawRequest(t.twin, 'POST', base, {
      body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"stringData":{"p":${value}}}`,
    });
    assert.equal(broken.status, 400);
    assert.doesNotMatch(broken.text, new RegExp(value));
    const brokenYaml = await rawRequest(t.twin, 'PATCH', `${base}/${name}?fieldManager=test`, {
      contentType: 'application/apply-patch+yaml',
      body: `stringData:\n  p: ${value}\n  - [`,
    });
    assert.equal(brokenYaml.status, 400);
    assert.doesNotMatch(brokenYaml.text, new RegExp(value));
    // A TokenReview carries a token in its body.
    await rawRequest(t.twin, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: saToken } },
    });

    const marker = `audit-flush/${process.pid}`;
    await rawRequest(t.twin, 'GET', '/version', { headers: { 'User-Agent': marker } });
    await waitFor('the log to catch up', () => fs.readFileSync(t.auditLog, 'utf8').includes(marker));
    const text = fs.readFileSync(t.auditLog, 'utf8');
    for (const [what, needle] of [
      ['the secret value', value],
      ['its base64', b64],
      ['the admin token', t.twin.adminToken],
      ['the admin token secret part', t.twin.adminToken.slice('sha256~'.length)],
      ['the ServiceAccount token', saToken],
      ['the ServiceAccount token signature', saToken.split('.')[2]],
      ['the OAuth token', oauthToken.slice('sha256~'.length)],
    ] as const) {
      assert.equal(text.includes(needle), false, `${what} is in the audit log`);
    }
    // The Secret writes are there, at Metadata level.
    const secretWrites = events().filter((e) => e.objectRef?.resource === 'secrets' && ['create', 'patch', 'update'].includes(e.verb));
    assert.ok(secretWrites.length >= 5);
    for (const e of secretWrites) {
      assert.equal(e.level, 'Metadata');
      assert.equal(e.requestObject, undefined);
    }
  });
});
