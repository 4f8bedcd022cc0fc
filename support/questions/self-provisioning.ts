// Q-01 "How can you remove self-provisioner from datascience-users?" — answered with OpenShift 4.15's
// procedure "Disabling project self-provisioning" (openshift-docs
// modules/disabling-project-self-provisioning.adoc): every logged-in user may request a project
// because the default ClusterRoleBinding self-provisioners grants ClusterRole self-provisioner to
// Group system:authenticated:oauth. The procedure removes that subject and annotates the binding
// rbac.authorization.kubernetes.io/autoupdate=false, which the API server's RBAC bootstrap reconcile
// honours (kubernetes pkg/registry/rbac/reconciliation/reconcile_rolebindings.go: a protected binding
// is never written); without the annotation the next API server start restores the subject. Then
// self-provisioner is granted back to datascience-admins only (`oc adm policy
// add-cluster-role-to-group self-provisioner datascience-admins`). The proof is a real login of a
// member of each group and a ProjectRequest with their token (`oc new-project`): refused with
// "You may not request a new project via this API." (or the cluster's projectRequestMessage) for the
// data scientist, granted for the admin.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, type ClusterClient, type KObject, type ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { asUser, questionPeople } from './users';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
export const SELF_PROVISIONERS: ObjectRef = { apiVersion: RBAC_API, kind: 'ClusterRoleBinding', name: 'self-provisioners' };
export const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
export const OAUTH_USERS = 'system:authenticated:oauth';
export const DEFAULT_REFUSAL = 'You may not request a new project via this API.';
const EVERY_USER = ['system:authenticated', OAUTH_USERS];

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** The name of the binding that grants self-provisioner to a group (a DNS-1123 name). */
export function adminsBindingName(group: string): string {
  return `${group.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}-self-provisioner`;
}

/** Whether a subject covers a member of the data scientists' group: every user, the group itself, or one of its users. */
function coversDataScientists(s: Subject, usersGroup: string, users: string[]): boolean {
  if (s.kind === 'Group') return EVERY_USER.includes(s.name) || s.name === usersGroup;
  return s.kind === 'User' && users.includes(s.name);
}

/**
 * The docs' procedure on the self-provisioners binding: Group system:authenticated:oauth (and, for
 * the question, the data scientists' group) removed from its subjects, every other subject kept, and
 * autoupdate=false. Server-side applied: a re-run sends the same object.
 */
export async function disableSelfProvisioning(world: RhoaiWorld): Promise<void> {
  const { usersGroup } = questionPeople(world);
  const live = await world.cluster.get(SELF_PROVISIONERS);
  const before: Subject[] = live?.subjects ?? [];
  const kept = before.filter((s) => !(s.kind === 'Group' && (s.name === OAUTH_USERS || s.name === usersGroup)));
  const removed = before.filter((s) => !kept.includes(s));
  // force: the subjects and annotations of the default binding belong to the API server's bootstrap.
  const [object] = world.render('questions/self-provisioners-binding', { subjects: kept });
  await world.cluster.apply(object!, { force: true });
  world.report.text(
    'self-provisioners',
    `ClusterRoleBinding self-provisioners (was annotated ${AUTOUPDATE}=${live?.metadata.annotations?.[AUTOUPDATE] ?? '(none)'}): ` +
      `removed ${removed.map(describe).join(', ') || 'nothing (already removed)'}; kept ${kept.map(describe).join(', ') || 'no subject'}; annotated ${AUTOUPDATE}=false`,
  );
}

/** `oc adm policy add-cluster-role-to-group self-provisioner <datascience-admins>`. */
export async function grantSelfProvisionerToAdmins(world: RhoaiWorld): Promise<void> {
  const { adminsGroup } = questionPeople(world);
  await world.applyFixture('questions/self-provisioner-group-binding', { name: adminsBindingName(adminsGroup), group: adminsGroup });
  world.report.text(
    'self-provisioner for admins',
    `ClusterRoleBinding ${adminsBindingName(adminsGroup)} grants ClusterRole self-provisioner to Group ${adminsGroup}`,
  );
}

/** Every ClusterRoleBinding of ClusterRole self-provisioner. */
async function selfProvisionerBindings(world: RhoaiWorld): Promise<KObject[]> {
  const all = await world.cluster.list({ apiVersion: RBAC_API, kind: 'ClusterRoleBinding' });
  return all.filter((b) => b.roleRef?.kind === 'ClusterRole' && b.roleRef?.name === 'self-provisioner');
}

/**
 * Why members of the data scientists' group may request projects: each binding of self-provisioner
 * with a subject that covers them, in words that say what to do about it.
 */
export async function explainGrants(world: RhoaiWorld): Promise<string[]> {
  const { users, usersGroup } = questionPeople(world);
  const reasons: string[] = [];
  for (const binding of await selfProvisionerBindings(world)) {
    const name = binding.metadata.name!;
    for (const s of (binding.subjects ?? []) as Subject[]) {
      if (!coversDataScientists(s, usersGroup, users)) continue;
      const annotation = binding.metadata.annotations?.[AUTOUPDATE];
      if (name === 'self-provisioners' && s.kind === 'Group' && s.name === OAUTH_USERS) {
        reasons.push(
          annotation === 'false'
            ? `ClusterRoleBinding self-provisioners grants ClusterRole self-provisioner to Group ${OAUTH_USERS} again although it is annotated ${AUTOUPDATE}=false: the default subject was restored (the API server's RBAC bootstrap reconcile, on a restart or an upgrade, did not honour the annotation)`
            : `ClusterRoleBinding self-provisioners grants ClusterRole self-provisioner to Group ${OAUTH_USERS} and is annotated ${AUTOUPDATE}=${annotation ?? '(none)'}: every API server start restores that default subject unless the annotation is "false"`,
        );
      } else if (name === 'self-provisioners') {
        reasons.push(`ClusterRoleBinding self-provisioners still grants ClusterRole self-provisioner to ${describe(s)}`);
      } else {
        reasons.push(
          `ClusterRoleBinding ${name} (not the default self-provisioners) also grants ClusterRole self-provisioner to ${describe(s)}: remove the subject there too (oc adm policy remove-cluster-role-from-${s.kind === 'Group' ? 'group' : 'user'} self-provisioner ${s.name})`,
        );
      }
    }
  }
  return reasons;
}

/** The self-provisioners binding is protected (autoupdate=false) and no longer names every OAuth user nor the data scientists' group. */
export async function assertSelfProvisionersLocked(world: RhoaiWorld): Promise<void> {
  const { usersGroup, users } = questionPeople(world);
  const binding = await world.cluster.get(SELF_PROVISIONERS);
  expectOk(binding, 'there is no ClusterRoleBinding self-provisioners');
  const annotation = binding.metadata.annotations?.[AUTOUPDATE];
  expect(
    annotation,
    `ClusterRoleBinding self-provisioners is annotated ${AUTOUPDATE}=${annotation ?? '(none)'}, not "false": the API server's RBAC bootstrap reconcile restores its default subjects on its next start`,
  ).to.equal('false');
  const covering = ((binding.subjects ?? []) as Subject[]).filter((s) => coversDataScientists(s, usersGroup, users));
  if (covering.length) expect.fail((await explainGrants(world)).join('; '));
  world.report.yaml('self-provisioners', { annotations: binding.metadata.annotations, subjects: binding.subjects ?? [] });
}

/** No binding of self-provisioner (the default one or another) covers the data scientists; the admins' binding is there. */
export async function assertOnlyAdminsMayProvision(world: RhoaiWorld): Promise<void> {
  const { adminsGroup } = questionPeople(world);
  const bindings = await selfProvisionerBindings(world);
  world.report.text(
    'bindings of self-provisioner',
    bindings.map((b) => `${b.metadata.name}: ${((b.subjects ?? []) as Subject[]).map(describe).join(', ') || 'no subject'}`).join('\n'),
  );
  const reasons = await explainGrants(world);
  expect(reasons, reasons.join('; ')).to.deep.equal([]);
  const forAdmins = bindings.some((b) => ((b.subjects ?? []) as Subject[]).some((s) => s.kind === 'Group' && s.name === adminsGroup));
  expect(forAdmins, `no ClusterRoleBinding grants ClusterRole self-provisioner to Group ${adminsGroup}`).to.equal(true);
}

/** The refusal message the cluster gives: project.config.openshift.io cluster's projectRequestMessage, or OpenShift's default. */
async function expectedRefusal(world: RhoaiWorld): Promise<string> {
  try {
    const config = await world.cluster.get({ apiVersion: 'config.openshift.io/v1', kind: 'Project', name: 'cluster' });
    return config?.spec?.projectRequestMessage || DEFAULT_REFUSAL;
  } catch {
    return DEFAULT_REFUSAL;
  }
}

/** A project name for a probe request: the prefix, the user, a marker; deleted when granted. */
function probeName(user: string): string {
  return `q01-${user.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}-probe`.slice(0, 63).replace(/-+$/, '');
}

async function requestProject(
  world: RhoaiWorld,
  client: ClusterClient,
  user: string,
): Promise<{ granted: true; name: string } | { granted: false; status: number; message: string }> {
  const name = probeName(user);
  const [request] = world.render('questions/project-request', {
    name,
    displayName: `Q-01 probe of ${user}`,
    description: 'A project request made by the rhoai-harness answer to Q-01; deleted at once.',
  });
  try {
    await client.create(request!);
    world.onCleanup(`delete project ${name}`, () => world.cluster.delete({ apiVersion: 'project.openshift.io/v1', kind: 'Project', name }));
    return { granted: true, name };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 409))
      return { granted: false, status: error.status, message: error.body?.message ?? error.message };
    throw error;
  }
}

/** Logged in as a member of datascience-users, `oc new-project` is refused with OpenShift's words. */
export async function assertDataScientistRefused(world: RhoaiWorld): Promise<void> {
  const { users, usersGroup } = questionPeople(world);
  const user = users[0]!;
  const expected = await expectedRefusal(world);
  const answer = await asUser(world, user, async (client, groups) => {
    expect(
      groups.includes(usersGroup),
      `logged in as ${user}, the API server puts the user in ${groups.join(', ')}, not in ${usersGroup}`,
    ).to.equal(true);
    return requestProject(world, client, user);
  });
  if (answer.granted) {
    const reasons = await explainGrants(world);
    expect.fail(
      `logged in as ${user} (a member of ${usersGroup}), a ProjectRequest for ${answer.name} was granted: ${reasons.join('; ') || 'no binding of ClusterRole self-provisioner names the user: another role grants create projectrequests.project.openshift.io'}`,
    );
  }
  world.report.text(`ProjectRequest as ${user}`, `HTTP ${answer.status}: ${answer.message}`);
  expect(
    answer.status,
    `logged in as ${user}, the ProjectRequest was answered ${answer.status} (${answer.message}), not 403 Forbidden`,
  ).to.equal(403);
  expect(answer.message, `logged in as ${user}, the ProjectRequest was refused with "${answer.message}", not with "${expected}"`).to.equal(
    expected,
  );
}

/** Logged in as a member of datascience-admins, `oc new-project` is granted and the admin is the project's admin. */
export async function assertAdminGranted(world: RhoaiWorld): Promise<void> {
  const { admin, adminsGroup } = questionPeople(world);
  const answer = await asUser(world, admin, async (client, groups) => {
    expect(
      groups.includes(adminsGroup),
      `logged in as ${admin}, the API server puts the user in ${groups.join(', ')}, not in ${adminsGroup}`,
    ).to.equal(true);
    const result = await requestProject(world, client, admin);
    if (result.granted) {
      const project = await client.get({ apiVersion: 'project.openshift.io/v1', kind: 'Project', name: result.name });
      expectOk(project, `logged in as ${admin}, the granted project ${result.name} is not visible to its requester`);
      expect(
        project.metadata.annotations?.['openshift.io/requester'],
        `project ${result.name} names ${project.metadata.annotations?.['openshift.io/requester']} as its requester, not ${admin}`,
      ).to.equal(admin);
    }
    return result;
  });
  if (!answer.granted) {
    expect.fail(
      `logged in as ${admin} (a member of ${adminsGroup}), the ProjectRequest was refused (HTTP ${answer.status}: ${answer.message}): ClusterRoleBinding ${adminsBindingName(adminsGroup)} should grant ClusterRole self-provisioner to Group ${adminsGroup}`,
    );
  }
  world.report.text(`ProjectRequest as ${admin}`, `granted: project ${answer.name} (deleted after the scenario)`);
}

function describe(s: Subject): string {
  return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
}
