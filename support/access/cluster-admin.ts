// cluster-admin for the new user (INS-ADM-05): as the current user (kubeadmin or whoever the
// kubeconfig logs in as), a ClusterRoleBinding to ClusterRole cluster-admin, server-side applied;
// then, with the new user's own token (INS-ADM-06), the proof that it acts as cluster-admin.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { createHash } from 'node:crypto';
import type { ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { adminCredentials } from './admin-password';
import { assertAccessToken } from './admin-login';
import { canI, whoami, withTokenClient } from './token-client';

/** OpenShift stores an access token sha256~X as the OAuthAccessToken named sha256~ + base64url(sha256(X)). */
export function oauthTokenObjectName(token: string): string {
  return `sha256~${createHash('sha256')
    .update(token.replace(/^sha256~/, ''))
    .digest('base64url')}`;
}

/** A DNS-1123 name for the user's binding (a user name may hold "@", "_" or capitals; a hash keeps those apart). */
export function bindingName(user: string): string {
  const base = user
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const suffix = base === user ? '' : `-${createHash('sha256').update(user).digest('hex').slice(0, 6)}`;
  return `${base}${suffix}-cluster-admin`.slice(0, 253);
}

export function bindingRef(user: string): ObjectRef {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: bindingName(user) };
}

export async function grantClusterAdmin(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const me = await whoami(world.cluster);
  await world.applyFixture('access/cluster-admin-binding', { name: bindingName(user), user });
  world.report.text(
    'cluster-admin',
    `${me.name} bound ClusterRole cluster-admin to User ${user} (ClusterRoleBinding ${bindingName(user)})`,
  );
}

/** The binding names ClusterRole cluster-admin and the user as a subject. */
export async function assertBindingGrantsClusterAdmin(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const ref = bindingRef(user);
  const binding = await world.cluster.get(ref);
  expectOk(binding, `there is no ClusterRoleBinding ${ref.name}`);
  expect(
    { kind: binding.roleRef?.kind, name: binding.roleRef?.name },
    `ClusterRoleBinding ${ref.name} binds ${binding.roleRef?.kind} ${binding.roleRef?.name}, not ClusterRole cluster-admin`,
  ).to.deep.equal({ kind: 'ClusterRole', name: 'cluster-admin' });
  const subjects: { kind?: string; name?: string }[] = binding.subjects ?? [];
  expect(
    subjects.some((s) => s.kind === 'User' && s.name === user),
    `ClusterRoleBinding ${ref.name} does not name User ${user} (subjects: ${JSON.stringify(subjects)})`,
  ).to.equal(true);
}

/** `oc auth can-i '*' '*' --all-namespaces --as=<user>`, asked by the current user as a SubjectAccessReview. */
export async function assertUserMayDoAnything(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const review = await world.cluster.request<{ status?: { allowed?: boolean; reason?: string; denied?: boolean } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, groups: ['system:authenticated'], resourceAttributes: { verb: '*', group: '*', resource: '*' } },
    },
  });
  if (review?.status?.allowed !== true) {
    // Tell apart a binding that is missing or wrong from one the API server stores but does not act on.
    const binding = await world.cluster.get(bindingRef(user));
    const grants =
      binding?.roleRef?.kind === 'ClusterRole' &&
      binding.roleRef.name === 'cluster-admin' &&
      (binding.subjects ?? []).some((s: { kind?: string; name?: string }) => s.kind === 'User' && s.name === user);
    const why = grants
      ? `, although ClusterRoleBinding ${binding!.metadata.name} grants ClusterRole cluster-admin to User ${user}: the API server's authorizer does not honour that binding`
      : `: no ClusterRoleBinding ${bindingName(user)} grants ClusterRole cluster-admin to User ${user}`;
    expect.fail(
      `${user} may not do everything on every resource (oc auth can-i '*' '*' --as=${user})${review?.status?.reason ? ` (${review.status.reason})` : ''}${why}`,
    );
  }
  world.report.text(
    'can-i',
    `oc auth can-i '*' '*' --all-namespaces --as=${user}: yes${review.status?.reason ? ` (${review.status.reason})` : ''}`,
  );
}

/** With the admin's own token: a SelfSubjectAccessReview for every verb on every resource is allowed. */
export async function assertTokenMayDoAnything(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const token = await assertAccessToken(world);
  const answer = await withTokenClient(world, user, token, (client) => canI(client));
  if (!answer.allowed) {
    // A token limited by its scopes acts with less than its user may do (oc get oauthaccesstoken sha256~<hash>).
    const stored = await world.cluster.get({
      apiVersion: 'oauth.openshift.io/v1',
      kind: 'OAuthAccessToken',
      name: oauthTokenObjectName(token),
    });
    const scopes: string[] = stored?.scopes ?? [];
    const why =
      stored && !scopes.includes('user:full')
        ? `the OAuth server granted the token the scopes [${scopes.join(' ')}], not user:full, so it may act only within them`
        : 'the user is not cluster-admin';
    expect.fail(
      `logged in as ${user}, oc auth can-i '*' '*' --all-namespaces answers no${answer.reason ? ` (${answer.reason})` : ''}: ${why}`,
    );
  }
  world.report.text(
    'can-i as the admin',
    `logged in as ${user}: oc auth can-i '*' '*' --all-namespaces → yes${answer.reason ? ` (${answer.reason})` : ''}`,
  );
}

/** With the admin's own token: `oc get nodes` lists the cluster's nodes. */
export async function assertTokenListsNodes(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const token = await assertAccessToken(world);
  const nodes = await withTokenClient(world, user, token, (client) => client.list({ apiVersion: 'v1', kind: 'Node' }));
  expect(nodes.length > 0, `logged in as ${user}, oc get nodes lists no node`).to.equal(true);
  world.report.text('nodes as the admin', `logged in as ${user}, oc get nodes: ${nodes.map((n) => n.metadata.name).join(', ')}`);
  // Issue 17 finding 10: the login proves the new admin works; it does not switch the run over to it.
  const me = await whoami(world.cluster);
  world.report.text(
    'who acts after this',
    `the rest of the run acts as ${me.name}, the user of the kubeconfig's current context, not as ${user}: the harness proves that ${user} can log in and has cluster-admin, and does not switch its own credentials to ${user}`,
  );
}
