// Project self-provisioning on the twin: OpenShift's default self-provisioners binding, a ProjectRequest
// authorized as `create projectrequests.project.openshift.io` and refused with OpenShift's words,
// projects/<name> authorized in the namespace <name>, and the API server's RBAC bootstrap reconcile
// (autoupdate=false protects a binding; otherwise a removed default subject comes back), with the
// faults that break Q-01.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newOAuthToken, oauthTokenObjectName } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { bootstrapRbacDefaults, reconcileBootstrapRbac } from '../../../twin/controllers/rbac-bootstrap';
import { rawRequest, serverErrors, startLocalTwin, uniqueName, waitFor, type LocalTwin } from './helpers';

type Any = any;

const CRB = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
const OAUTH_GROUP = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated:oauth' };

async function oauthUser(t: LocalTwin, name: string): Promise<string> {
  const token = newOAuthToken();
  assert.equal(
    (
      await rawRequest(t.twin, 'POST', '/apis/user.openshift.io/v1/users', {
        body: { apiVersion: 'user.openshift.io/v1', kind: 'User', metadata: { name } },
      })
    ).status,
    201,
  );
  const made = await rawRequest(t.twin, 'POST', '/apis/oauth.openshift.io/v1/oauthaccesstokens', {
    body: {
      apiVersion: 'oauth.openshift.io/v1',
      kind: 'OAuthAccessToken',
      metadata: { name: oauthTokenObjectName(token) },
      userName: name,
      clientName: 'openshift-challenging-client',
      expiresIn: 86400,
      scopes: ['user:full'],
    },
  });
  assert.equal(made.status, 201, made.text);
  return token;
}

function requestProject(t: LocalTwin, token: string, name: string) {
  return rawRequest(t.twin, 'POST', '/apis/project.openshift.io/v1/projectrequests', {
    token,
    body: { apiVersion: 'project.openshift.io/v1', kind: 'ProjectRequest', metadata: { name } },
  });
}

/** The self-provisioners binding as the docs' procedure leaves it: no subject; annotated or not. */
function lockDown(t: LocalTwin, annotate: boolean) {
  return rawRequest(t.twin, 'PATCH', `${CRB}/self-provisioners`, {
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': annotate ? 'false' : 'true' } }, subjects: null },
  });
}

describe('self-provisioning on a fresh twin', () => {
  let t: LocalTwin;
  let alice: string;
  before(async () => {
    t = await startLocalTwin();
    alice = await oauthUser(t, 'alice');
  });
  after(async () => {
    if (t) assert.deepEqual(serverErrors(t.auditLog), []);
    await t?.stop();
  });

  it("has OpenShift's default self-provisioners binding to system:authenticated:oauth", async () => {
    const crb = (await rawRequest(t.twin, 'GET', `${CRB}/self-provisioners`)).json();
    assert.deepEqual(crb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'self-provisioner' });
    assert.deepEqual(crb.subjects, [OAUTH_GROUP]);
  });

  it('lets an OAuth user request a project, and GET it by name (authorized in the namespace of that name)', async () => {
    const name = uniqueName('alice');
    assert.equal((await requestProject(t, alice, name)).status, 201);
    assert.equal((await rawRequest(t.twin, 'GET', `/apis/project.openshift.io/v1/projects/${name}`, { token: alice })).status, 200);
    const other = await rawRequest(t.twin, 'GET', '/apis/project.openshift.io/v1/projects/default', { token: alice });
    assert.equal(other.status, 403);
    assert.match(other.json().message, /in the namespace "default"/);
  });

  it("refuses the request with OpenShift's words once the subject is removed", async () => {
    assert.equal((await lockDown(t, true)).status, 200);
    const refused = await requestProject(t, alice, uniqueName('no'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json().message, 'You may not request a new project via this API.');
  });

  it('the RBAC bootstrap reconcile leaves a binding annotated autoupdate=false alone, and restores the default subject otherwise', async () => {
    const client = new TwinClient(t.twin.api, 'kube-apiserver', TWIN_SYSTEM);
    const defaults = bootstrapRbacDefaults();
    assert.deepEqual(
      reconcileBootstrapRbac(client, defaults).filter((l) => l.includes('self-provisioners')),
      [],
    );
    assert.deepEqual((await rawRequest(t.twin, 'GET', `${CRB}/self-provisioners`)).json().subjects ?? [], []);
    // Not honouring the annotation (the fault) restores the subject, as an unprotected binding gets it back.
    assert.deepEqual(reconcileBootstrapRbac(client, defaults, { honourAutoupdate: false }), [
      'ClusterRoleBinding self-provisioners: added subjects Group system:authenticated:oauth',
    ]);
    assert.equal((await lockDown(t, false)).status, 200);
    assert.deepEqual(reconcileBootstrapRbac(client, defaults), [
      'ClusterRoleBinding self-provisioners: added subjects Group system:authenticated:oauth',
    ]);
    assert.equal((await requestProject(t, alice, uniqueName('again'))).status, 201);
    // A deleted default is created again.
    assert.equal((await rawRequest(t.twin, 'DELETE', `${CRB}/basic-users`)).status, 200);
    assert.deepEqual(reconcileBootstrapRbac(client, defaults), ['ClusterRoleBinding basic-users: created']);
  });
});

describe('the faults of Q-01', () => {
  it('self-provisioners-restored: the subject comes back after the change, annotation or not', async () => {
    const t = await startLocalTwin({ faults: ['self-provisioners-restored'] });
    try {
      assert.equal((await lockDown(t, true)).status, 200);
      const crb = await waitFor('the default subject back', async () => {
        const b = (await rawRequest(t.twin, 'GET', `${CRB}/self-provisioners`)).json();
        return (b.subjects ?? []).length ? b : undefined;
      });
      assert.deepEqual(crb.subjects, [OAUTH_GROUP]);
      assert.equal(crb.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'false');
    } finally {
      await t.stop();
    }
  });

  it('project-request-granted-to-plain-user: a second binding "self-provisioner" grants it to every OAuth user', async () => {
    const t = await startLocalTwin({ faults: ['project-request-granted-to-plain-user'] });
    try {
      const alice = await oauthUser(t, 'alice');
      assert.equal((await lockDown(t, true)).status, 200);
      const extra = (await rawRequest(t.twin, 'GET', `${CRB}/self-provisioner`)).json() as Any;
      assert.deepEqual(extra.subjects, [OAUTH_GROUP]);
      assert.equal((await requestProject(t, alice, uniqueName('still'))).status, 201);
    } finally {
      await t.stop();
    }
  });
});
