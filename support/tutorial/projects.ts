// Data science projects as the RHOAI 2.9 dashboard makes and lists them (workloads.md §3.1): a
// ProjectRequest (display name, description), then the namespace labelled
// opendatahub.io/dashboard=true; the dashboard lists the projects the user can see that carry the
// label, minus openshift*, kube* and its own namespace. Permissions as its Permissions tab writes
// them (RoleBindings of admin or edit to users and groups), checked with SubjectAccessReviews.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, type KObject } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { keepForRun } from './run-scope';
import { scenarioProjectName, stableChars } from './names';
import { applicationsNamespace, DASHBOARD_LABEL } from '../rhoai/names';
import { settledNamespace, waitForActiveNamespace } from '../core/namespaces';

export { DASHBOARD_LABEL };
const PROJECT_API = 'project.openshift.io/v1';

export type Role = 'admin' | 'edit';
export type SubjectKind = 'User' | 'Group';

export interface ProjectFacts {
  name: string;
  displayName: string;
  /** The tutorial's own project (kept for the run) rather than one of a single scenario. */
  shared: boolean;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The data science project the scenario works in. */
    project?: ProjectFacts;
  }
}

/** The scenario's project; fails when no step made one. */
export function currentProject(world: RhoaiWorld): ProjectFacts {
  const p = world.facts.project;
  if (!p) throw new Error('no data science project in this scenario: a step "Given the data science project ..." must come first');
  return p;
}

/**
 * A data science project of this scenario (RHOAI_TUTORIAL_PROJECT_PREFIX + name), made as the
 * dashboard makes it, deleted after the scenario unless RHOAI_KEEP says otherwise.
 */
export async function scenarioProject(world: RhoaiWorld, name: string, displayName: string): Promise<ProjectFacts> {
  const project = await ensureDataScienceProject(
    world,
    scenarioProjectName(world.settings, name),
    displayName,
    `Made by the rhoai-harness tutorial scenario "${displayName}"`,
  );
  world.onCleanup(`delete project ${project.name}`, () =>
    world.cluster.delete({ apiVersion: PROJECT_API, kind: 'Project', name: project.name }),
  );
  return project;
}

/** The fraud-detection tutorial's project (RHOAI_TUTORIAL_PROJECT), kept until the end of the run. */
export async function tutorialProject(world: RhoaiWorld): Promise<ProjectFacts> {
  const name = world.settings.tutorialProject;
  const project = await ensureDataScienceProject(
    world,
    name,
    'Fraud Detection',
    'The fraud-detection tutorial of Red Hat OpenShift AI 2.9 (rhoai-harness)',
    true,
  );
  keepForRun(world, name);
  return project;
}

/** Creates the project (ProjectRequest) when it does not exist, labels it, waits until it is Active. */
export async function ensureDataScienceProject(
  world: RhoaiWorld,
  name: string,
  displayName: string,
  description: string,
  shared = false,
): Promise<ProjectFacts> {
  const ns = await settledNamespace(
    world,
    name,
    `project ${name} (still being deleted by an earlier run) to be gone before it is made again`,
  );
  if (!ns) {
    try {
      await world.cluster.create(world.render('tutorial/project-request', { name, displayName, description })[0]!);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
  await world.applyFixture('tutorial/project-label', { name });
  const active = await waitForActiveNamespace(world, name, `project ${name} to be Active`);
  const facts: ProjectFacts = { name, displayName: active.metadata.annotations?.['openshift.io/display-name'] ?? displayName, shared };
  world.facts.project = facts;
  world.namespace = name;
  return facts;
}

/** The project is an OpenShift project labelled as a data science project, with its display name. */
export async function assertDataScienceProject(world: RhoaiWorld, name: string, displayName: string): Promise<void> {
  const project = await world.cluster.get({ apiVersion: PROJECT_API, kind: 'Project', name });
  expectOk(project, `there is no OpenShift project ${name} (project.openshift.io/v1)`);
  expect(
    project.metadata.labels?.[DASHBOARD_LABEL],
    `project ${name} is not labelled ${DASHBOARD_LABEL}=true (labels: ${JSON.stringify(project.metadata.labels ?? {})}): the dashboard does not show it`,
  ).to.equal('true');
  expect(
    project.metadata.annotations?.['openshift.io/display-name'],
    `project ${name} has the display name ${JSON.stringify(project.metadata.annotations?.['openshift.io/display-name'])}, not ${JSON.stringify(displayName)}`,
  ).to.equal(displayName);
  expect(project.status?.phase, `project ${name} is ${project.status?.phase}, not Active`).to.equal('Active');
}

/** The dashboard's project list (Projects the user sees, labelled, minus system namespaces) includes the project. */
export async function assertListedByDashboard(world: RhoaiWorld, name: string): Promise<string[]> {
  const projects = await world.cluster.list({ apiVersion: PROJECT_API, kind: 'Project' }, { labelSelector: `${DASHBOARD_LABEL}=true` });
  const dashboardNs = await applicationsNamespace(world);
  const listed = projects
    .map((p) => p.metadata.name!)
    .filter((n) => !/^(openshift|kube)/.test(n) && n !== dashboardNs)
    .sort();
  world.report.text('data science projects', listed.join('\n'));
  expect(
    listed.includes(name),
    `the dashboard's project list (Projects labelled ${DASHBOARD_LABEL}=true) does not include ${name}; it has: ${listed.join(', ') || 'none'}`,
  ).to.equal(true);
  return listed;
}

// ---- permissions ----

/** The role a step names ("admin" or "edit"), as the Permissions tab offers it. */
export function permissionRole(role: string): Role {
  if (role === 'admin' || role === 'edit') return role;
  throw new Error(`the Permissions tab gives "admin" or "edit", not "${role}"`);
}

/** What the Permissions tab writes for "Add user"/"Add group" with Admin or Edit. */
export async function grantPermission(
  world: RhoaiWorld,
  namespace: string,
  subjectKind: SubjectKind,
  subjectName: string,
  role: Role,
): Promise<KObject> {
  const [binding] = await world.applyFixture('tutorial/permission-rolebinding', {
    namespace,
    chars: stableChars(subjectKind, subjectName, role),
    role,
    subjectKind,
    subjectName,
  });
  return binding!;
}

/** The project's permissions as the Permissions tab lists them (RoleBindings labelled project-sharing). */
export async function assertPermissionsListed(
  world: RhoaiWorld,
  namespace: string,
  expected: { subjectKind: SubjectKind; subjectName: string; role: Role }[],
): Promise<void> {
  const bindings = await world.cluster.list(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespace },
    { labelSelector: 'opendatahub.io/project-sharing=true' },
  );
  const shown = bindings.map((b) => `${b.subjects?.[0]?.kind} ${b.subjects?.[0]?.name}: ${b.roleRef?.name} (${b.metadata.name})`);
  world.report.text(`permissions of ${namespace}`, shown.join('\n'));
  for (const e of expected) {
    const b = bindings.find(
      (x) => x.subjects?.[0]?.kind === e.subjectKind && x.subjects?.[0]?.name === e.subjectName && x.roleRef?.name === e.role,
    );
    expectOk(
      b,
      `the Permissions tab of ${namespace} does not list ${e.subjectKind} ${e.subjectName} with ${e.role}; it lists: ${shown.join('; ') || 'nothing'}`,
    );
    expect(
      b.metadata.name!,
      `the binding of ${e.subjectKind} ${e.subjectName} is not named as the dashboard names it (dashboard-permissions-<chars>): ${b.metadata.name}`,
    ).to.match(/^dashboard-permissions-[a-z0-9]+$/);
    expect(b.roleRef.kind, `the binding ${b.metadata.name} refers to a ${b.roleRef.kind}, not the ClusterRole ${e.role}`).to.equal(
      'ClusterRole',
    );
    expect(b.metadata.labels?.[DASHBOARD_LABEL], `the binding ${b.metadata.name} is not labelled ${DASHBOARD_LABEL}=true`).to.equal('true');
  }
}

export interface AccessQuestion {
  verb: string;
  resource: string;
  group?: string;
  name?: string;
}

/** A SubjectAccessReview: may this user (in these groups) do this in the namespace? */
export async function mayDo(world: RhoaiWorld, user: string, groups: string[], namespace: string, q: AccessQuestion): Promise<boolean> {
  const review = await world.cluster.create({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: {
      user,
      groups: [...groups, 'system:authenticated', 'system:authenticated:oauth'],
      resourceAttributes: { namespace, verb: q.verb, resource: q.resource, group: q.group ?? '', ...(q.name ? { name: q.name } : {}) },
    },
  } as KObject);
  return review.status?.allowed === true;
}

/** Asks a set of questions for a user and asserts each answer; reports them all. */
export async function assertAccess(
  world: RhoaiWorld,
  user: string,
  groups: string[],
  namespace: string,
  questions: (AccessQuestion & { allowed: boolean })[],
): Promise<void> {
  const lines: string[] = [];
  const wrong: string[] = [];
  for (const q of questions) {
    const allowed = await mayDo(world, user, groups, namespace, q);
    const what = `${q.verb} ${q.group ? `${q.resource}.${q.group}` : q.resource}${q.name ? ` ${q.name}` : ''} in ${namespace}`;
    lines.push(`${user}${groups.length ? ` (groups ${groups.join(', ')})` : ''} may ${what}: ${allowed ? 'yes' : 'no'}`);
    if (allowed !== q.allowed) wrong.push(`${user} ${q.allowed ? 'may not' : 'may'} ${what}, expected the opposite`);
  }
  world.report.text(`access of ${user}`, lines.join('\n'));
  expect(wrong, wrong.join('; ')).to.deep.equal([]);
}

/** The Permissions tab of the scenario's project lists the user and the group, each with its role ("admin" or "edit"). */
export function assertUserAndGroupPermissionsListed(
  world: RhoaiWorld,
  user: string,
  userRole: string,
  group: string,
  groupRole: string,
): Promise<void> {
  return assertPermissionsListed(world, currentProject(world).name, [
    { subjectKind: 'User', subjectName: user, role: permissionRole(userRole) },
    { subjectKind: 'Group', subjectName: group, role: permissionRole(groupRole) },
  ]);
}

/** The user (with edit) may see the scenario's project and work in it, but may not change its permissions. */
export function assertUserCanWorkButNotChangePermissions(world: RhoaiWorld, user: string): Promise<void> {
  const ns = currentProject(world).name;
  return assertAccess(world, user, [], ns, [
    { verb: 'get', resource: 'projects', group: 'project.openshift.io', name: ns, allowed: true },
    { verb: 'create', resource: 'persistentvolumeclaims', allowed: true },
    { verb: 'create', resource: 'secrets', allowed: true },
    { verb: 'create', resource: 'pods/exec', allowed: true },
    { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', allowed: false },
  ]);
}

/** A member of the group (with admin), the user "<group>-member", may change the scenario's project's permissions. */
export function assertGroupMemberCanChangePermissions(world: RhoaiWorld, group: string): Promise<void> {
  const ns = currentProject(world).name;
  return assertAccess(world, `${group}-member`, [group], ns, [
    { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', allowed: true },
    { verb: 'delete', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', allowed: true },
    { verb: 'create', resource: 'persistentvolumeclaims', allowed: true },
  ]);
}

/** A user without a permission may neither see the scenario's project nor work in it. */
export function assertUserCannotSeeOrWorkInProject(world: RhoaiWorld, user: string): Promise<void> {
  const ns = currentProject(world).name;
  return assertAccess(world, user, [], ns, [
    { verb: 'get', resource: 'projects', group: 'project.openshift.io', name: ns, allowed: false },
    { verb: 'list', resource: 'pods', allowed: false },
    { verb: 'create', resource: 'persistentvolumeclaims', allowed: false },
  ]);
}
