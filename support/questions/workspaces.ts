// Q-02 "How can datascience-admins pre-provision one workspace for each of the datascience-users?" —
// answered with what RHOAI 2.9 offers: a data science project is an OpenShift project the dashboard
// lists because it is labelled opendatahub.io/dashboard=true (workloads.md §3.1), a user's access to it
// is a RoleBinding as the dashboard's Permissions tab writes it (odh-dashboard v2.22
// api/k8s/roleBindings.ts, support/tutorial/projects.ts grantPermission), and distributed workloads
// need a Kueue LocalQueue in it (RHOAI 2.9 "Configuring quota management for distributed workloads";
// support/distributed-workloads/kueue.ts). Once Q-01 took project creation away from data
// scientists, an admin (here the harness as cluster-admin) makes, for every member of the group: the
// namespace <RHOAI_WORKSPACE_PREFIX><user> (server-side applied, display name "Workspace of <user>"),
// the member as its admin, and a LocalQueue backed by the cluster queue. Everything is applied under
// one field manager, so a re-run (the group grew, or nothing changed) touches nothing that exists;
// a workspace whose owner left the group is neither changed nor deleted: it is reported as orphaned.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, type ClusterClient, type KObject, type ObjectRef } from '../core/cluster';
import { createLocalQueue, ensureQuotaManagement, localQueueRef } from '../distributed-workloads/kueue';
import { grantPermission } from '../tutorial/projects';
import type { RhoaiWorld } from '../core/world';
import { workspaceName } from './names';
import { asUser, groupMembers, questionPeople, removeGroupMember } from './users';
import { DASHBOARD_LABEL } from '../rhoai/names';

export { workspaceName } from './names';

export const OWNER_ANNOTATION = 'rhoai-harness.io/workspace-owner';
const RBAC_API = 'rbac.authorization.k8s.io/v1';

export interface Workspace {
  user: string;
  namespace: string;
  /** The objects that make it, by reference. */
  refs: ObjectRef[];
}

export interface WorkspaceRun {
  members: string[];
  workspaces: Workspace[];
  /** Workspaces the harness made whose owner is no longer a member (kept, reported). */
  orphans: { namespace: string; owner: string }[];
  /** resourceVersion of every object of every workspace after the run. */
  versions: Map<string, string>;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The runs of the workspace provisioning in this scenario, oldest first. */
    workspaceRuns?: WorkspaceRun[];
    /** The member who left the group in this scenario. */
    formerMember?: string;
  }
}

const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

function key(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Every member of datascience-users gets a workspace; orphaned workspaces are reported, not touched. */
export async function provisionWorkspaces(world: RhoaiWorld): Promise<WorkspaceRun> {
  const { usersGroup } = questionPeople(world);
  const prefix = world.settings.workspacePrefix;
  const members = await groupMembers(world, usersGroup);
  expectOk(members.length, `group ${usersGroup} has no members: there is nobody to pre-provision a workspace for`);
  const { clusterQueue } = await ensureQuotaManagement(world);
  const workspaces: Workspace[] = [];
  for (const user of members) {
    const namespace = workspaceName(prefix, user);
    const ns = await world.cluster.get(namespaceRef(namespace));
    const owner = ns?.metadata.annotations?.[OWNER_ANNOTATION];
    expect(
      !ns || owner === user,
      `namespace ${namespace} exists but is not the workspace of ${user} (${owner ? `it is ${owner}'s` : 'the harness did not make it'}): choose another RHOAI_WORKSPACE_PREFIX`,
    ).to.equal(true);
    await world.applyFixture('questions/workspace-namespace', {
      name: namespace,
      displayName: `Workspace of ${user}`,
      description: `Pre-provisioned by an admin for ${user}, a member of ${usersGroup} (rhoai-harness answer to Q-02)`,
      owner: user,
    });
    await world.cluster.waitFor(namespaceRef(namespace), (n) => n?.status?.phase === 'Active', {
      describe: `workspace ${namespace} to be Active`,
    });
    const binding = await grantPermission(world, namespace, 'User', user, 'admin');
    const queue = await createLocalQueue(world, namespace, clusterQueue);
    workspaces.push({
      user,
      namespace,
      refs: [
        namespaceRef(namespace),
        { apiVersion: RBAC_API, kind: 'RoleBinding', name: binding.metadata.name!, namespace },
        localQueueRef(queue.metadata.name!, namespace),
      ],
    });
  }
  const ours = await world.cluster.list(
    { apiVersion: 'v1', kind: 'Namespace' },
    { labelSelector: 'app.kubernetes.io/managed-by=rhoai-harness' },
  );
  const orphans = ours
    .map((n) => ({ namespace: n.metadata.name!, owner: n.metadata.annotations?.[OWNER_ANNOTATION] }))
    .filter((w): w is { namespace: string; owner: string } => !!w.owner && !members.includes(w.owner));
  const versions = new Map<string, string>();
  for (const w of workspaces)
    for (const ref of w.refs) versions.set(key(ref), (await world.cluster.get(ref))?.metadata.resourceVersion ?? '');
  for (const o of orphans)
    versions.set(key(namespaceRef(o.namespace)), (await world.cluster.get(namespaceRef(o.namespace)))?.metadata.resourceVersion ?? '');
  const run: WorkspaceRun = { members, workspaces, orphans, versions };
  (world.facts.workspaceRuns ??= []).push(run);
  world.report.text('workspaces', workspaces.map((w) => `${w.namespace}: ${w.refs.map(key).join(', ')}`).join('\n'));
  world.report.text(
    'orphaned workspaces',
    orphans.length
      ? `${orphans.map((o) => `${o.namespace} (owner ${o.owner} is no longer a member of ${usersGroup})`).join('\n')}\nkept as they are: an admin decides whether to delete them`
      : `none: every workspace's owner is a member of ${usersGroup}`,
  );
  return run;
}

function lastRun(world: RhoaiWorld, back = 0): WorkspaceRun {
  const runs = world.facts.workspaceRuns ?? [];
  const run = runs[runs.length - 1 - back];
  expectOk(run, 'the workspaces were not provisioned in this scenario: a step "When I pre-provision ..." must come first');
  return run;
}

/** Each member's workspace is a data science project (label, display name, owner), with the member as admin and a LocalQueue. */
export async function assertEveryMemberHasWorkspace(world: RhoaiWorld): Promise<void> {
  const run = lastRun(world);
  const problems: string[] = [];
  for (const user of run.members) {
    const namespace = workspaceName(world.settings.workspacePrefix, user);
    const ns = await world.cluster.get(namespaceRef(namespace));
    if (!ns) {
      problems.push(`${user} has no workspace ${namespace}`);
      continue;
    }
    if (ns.metadata.labels?.[DASHBOARD_LABEL] !== 'true')
      problems.push(`${namespace} is not labelled ${DASHBOARD_LABEL}=true: the dashboard does not list it`);
    if (ns.metadata.annotations?.['openshift.io/display-name'] !== `Workspace of ${user}`)
      problems.push(`${namespace} has the display name ${JSON.stringify(ns.metadata.annotations?.['openshift.io/display-name'])}`);
    const bindings = await world.cluster.list({ apiVersion: RBAC_API, kind: 'RoleBinding', namespace });
    if (!bindings.some((b) => b.roleRef?.name === 'admin' && (b.subjects ?? []).some((s: KObject) => s.kind === 'User' && s.name === user)))
      problems.push(`no RoleBinding in ${namespace} grants ClusterRole admin to User ${user}`);
    const queues = await world.cluster.list({ apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'LocalQueue', namespace });
    if (!queues.length) problems.push(`${namespace} has no LocalQueue: distributed workloads cannot run there`);
  }
  expect(problems, problems.join('; ')).to.deep.equal([]);
}

/** The last run changed nothing the run before made (same resourceVersions). */
export async function assertRerunChangedNothing(world: RhoaiWorld): Promise<void> {
  const [before, after] = [lastRun(world, 1), lastRun(world)];
  const changed = [...before.versions].filter(([k, v]) => after.versions.has(k) && after.versions.get(k) !== v).map(([k]) => k);
  const gone = [...before.versions.keys()].filter(
    (k) => !after.versions.has(k) && !after.orphans.some((o) => k === `Namespace ${o.namespace}`),
  );
  world.report.text('second run', `${after.versions.size} object(s) compared; changed: ${changed.join(', ') || 'none'}`);
  expect(
    changed,
    `provisioning the workspaces again changed ${changed.join(', ')}: a re-run must leave what exists as it is`,
  ).to.deep.equal([]);
  expect(gone, `after provisioning again, these objects are no longer part of a workspace: ${gone.join(', ')}`).to.deep.equal([]);
}

/** `oc adm groups remove-users datascience-users <the last of RHOAI_DS_USERS>`. */
export async function memberLeaves(world: RhoaiWorld): Promise<void> {
  const { users, usersGroup } = questionPeople(world);
  const leaver = users[users.length - 1]!;
  await removeGroupMember(world, usersGroup, leaver);
  world.facts.formerMember = leaver;
}

/** The former member's workspace is kept untouched and reported as orphaned. */
export async function assertOrphanKeptAndReported(world: RhoaiWorld): Promise<void> {
  const leaver = world.facts.formerMember;
  expectOk(leaver, 'no member left the group in this scenario');
  const run = lastRun(world);
  const namespace = workspaceName(world.settings.workspacePrefix, leaver);
  expect(!run.members.includes(leaver), `${leaver} is still a member of ${questionPeople(world).usersGroup}`).to.equal(true);
  expect(
    !run.workspaces.some((w) => w.user === leaver),
    `the provisioning still made a workspace for ${leaver}, who left the group`,
  ).to.equal(true);
  expect(
    run.orphans.some((o) => o.namespace === namespace),
    `the workspace ${namespace} of ${leaver}, who left the group, is not reported as orphaned (orphans: ${run.orphans.map((o) => o.namespace).join(', ') || 'none'})`,
  ).to.equal(true);
  const before = lastRun(world, 1).versions.get(`Namespace ${namespace}`);
  const now = (await world.cluster.get(namespaceRef(namespace)))?.metadata.resourceVersion;
  expectOk(now, `the workspace ${namespace} of ${leaver} was deleted: an orphaned workspace is reported, never deleted`);
  expect(
    now,
    `the workspace ${namespace} of ${leaver} changed (resourceVersion ${before} → ${now}) although ${leaver} left the group`,
  ).to.equal(before);
}

async function tryCreateConfigMap(
  client: ClusterClient,
  namespace: string,
  user: string,
): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  const name = `q02-probe-${user.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63);
  try {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { note: 'rhoai-harness Q-02 probe' } });
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });
    return { ok: true };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 409))
      return { ok: false, status: error.status, message: error.body?.message ?? error.message };
    throw error;
  }
}

/** Why a user may not work in their workspace: the binding that should let them, or its absence. */
async function explainRefusal(world: RhoaiWorld, user: string, namespace: string): Promise<string> {
  const bindings = await world.cluster.list({ apiVersion: RBAC_API, kind: 'RoleBinding', namespace });
  const theirs = bindings.find(
    (b) => b.roleRef?.name === 'admin' && (b.subjects ?? []).some((s: KObject) => s.kind === 'User' && s.name === user),
  );
  if (!theirs) return `no RoleBinding in ${namespace} grants ClusterRole admin to User ${user}`;
  return `although RoleBinding ${namespace}/${theirs.metadata.name} grants ClusterRole admin to User ${user} there: the cluster's ClusterRole admin does not grant create configmaps (it aggregates edit's rules, from the ClusterRoles labelled rbac.authorization.k8s.io/aggregate-to-edit — check that none of them was emptied)`;
}

/** Logged in as each member, the member may work in their own workspace and not in another member's. */
export async function assertMembersWorkOnlyInTheirOwn(world: RhoaiWorld): Promise<void> {
  const run = lastRun(world);
  const lines: string[] = [];
  for (const w of run.workspaces) {
    const other = run.workspaces.find((x) => x.user !== w.user);
    const [own, foreign] = await asUser(
      world,
      w.user,
      async (client) =>
        [
          await tryCreateConfigMap(client, w.namespace, w.user),
          other ? await tryCreateConfigMap(client, other.namespace, w.user) : undefined,
        ] as const,
    );
    if (!own.ok)
      expect.fail(
        `logged in as ${w.user}, creating a ConfigMap in their workspace ${w.namespace} was refused (HTTP ${own.status}: ${own.message}) ${await explainRefusal(world, w.user, w.namespace)}`,
      );
    lines.push(`${w.user}: may create a ConfigMap in ${w.namespace}`);
    if (other && foreign) {
      if (foreign.ok)
        expect.fail(
          `logged in as ${w.user}, creating a ConfigMap in ${other.user}'s workspace ${other.namespace} was allowed: a workspace must be its owner's only`,
        );
      expect(
        foreign.status,
        `logged in as ${w.user}, creating a ConfigMap in ${other.namespace} was answered ${foreign.status} (${foreign.message}), not 403`,
      ).to.equal(403);
      lines.push(`${w.user}: refused in ${other.namespace} (HTTP 403: ${foreign.message})`);
    }
  }
  world.report.text('members at work', lines.join('\n'));
}
