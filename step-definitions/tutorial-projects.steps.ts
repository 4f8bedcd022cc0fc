// Steps of 40-tutorials/01-data-science-project.feature (UI-PRJ-*, UI-STO-*, UI-DC-*, UI-PERM-*):
// projects, their storage, data connections and permissions. Each calls support/tutorial.
import { Given, Then, When } from '@cucumber/cucumber';
import { requireDashboardPlatform } from '../support/tutorial/platform';
import {
  assertDataScienceProject,
  assertGroupMemberCanChangePermissions,
  assertListedByDashboard,
  assertUserAndGroupPermissionsListed,
  assertUserCannotSeeOrWorkInProject,
  assertUserCanWorkButNotChangePermissions,
  currentProject,
  grantPermission,
  permissionRole,
  scenarioProject,
  type SubjectKind,
} from '../support/tutorial/projects';
import {
  addDataConnection,
  assertBucketExists,
  assertDataConnectionAsDashboard,
  assertRoundTripThroughConnection,
  ensureBucket,
  ensureProjectStorage,
} from '../support/tutorial/storage';
import { dataConnectionSecretName } from '../support/tutorial/names';
import type { RhoaiWorld } from '../support/core/world';
import { expect } from 'chai';

Given('the dashboard of the installed platform is running', function (this: RhoaiWorld) {
  return requireDashboardPlatform(this);
});

When('I create the data science project {string} named {string}', async function (this: RhoaiWorld, name: string, displayName: string) {
  await scenarioProject(this, name, displayName);
});

Given(
  'the data science project {string} named {string} with S3 storage',
  async function (this: RhoaiWorld, name: string, displayName: string) {
    const project = await scenarioProject(this, name, displayName);
    await ensureProjectStorage(this, project.name);
  },
);

Then(
  'the project is an OpenShift project labelled as a data science project, named {string}',
  function (this: RhoaiWorld, displayName: string) {
    return assertDataScienceProject(this, currentProject(this).name, displayName);
  },
);

Then('the dashboard lists the project among the data science projects', async function (this: RhoaiWorld) {
  await assertListedByDashboard(this, currentProject(this).name);
});

When('I create the bucket {string}', function (this: RhoaiWorld, bucket: string) {
  return ensureBucket(this, bucket);
});

Given('the bucket {string}', function (this: RhoaiWorld, bucket: string) {
  return ensureBucket(this, bucket);
});

Given('the bucket {string} with the data connection {string}', async function (this: RhoaiWorld, bucket: string, displayName: string) {
  await ensureBucket(this, bucket);
  await addDataConnection(this, currentProject(this).name, displayName, bucket);
});

When('I add the data connection {string} for the bucket {string}', async function (this: RhoaiWorld, displayName: string, bucket: string) {
  await addDataConnection(this, currentProject(this).name, displayName, bucket);
});

Then('the bucket {string} exists', function (this: RhoaiWorld, bucket: string) {
  return assertBucketExists(this, bucket);
});

Then(
  'the project has the data connection {string} as the dashboard makes it: the Secret {string} for the bucket {string}',
  async function (this: RhoaiWorld, displayName: string, secretName: string, bucket: string) {
    expect(
      dataConnectionSecretName(displayName),
      `the dashboard names the data connection "${displayName}" ${dataConnectionSecretName(displayName)}, not ${secretName}`,
    ).to.equal(secretName);
    await assertDataConnectionAsDashboard(this, currentProject(this).name, displayName, bucket);
  },
);

Then('an object written through the data connection {string} reads back', function (this: RhoaiWorld, displayName: string) {
  return assertRoundTripThroughConnection(this, currentProject(this).name, displayName);
});

When(
  'I give the {word} {string} the {string} permission on the project',
  async function (this: RhoaiWorld, kind: string, subject: string, role: string) {
    await grantPermission(this, currentProject(this).name, subjectKind(kind), subject, permissionRole(role));
  },
);

Then(
  "the project's permissions list the user {string} with {string} and the group {string} with {string}",
  function (this: RhoaiWorld, user: string, userRole: string, group: string, groupRole: string) {
    return assertUserAndGroupPermissionsListed(this, user, userRole, group, groupRole);
  },
);

Then('the user {string} can work in the project but not change its permissions', function (this: RhoaiWorld, user: string) {
  return assertUserCanWorkButNotChangePermissions(this, user);
});

Then("a member of the group {string} can change the project's permissions", function (this: RhoaiWorld, group: string) {
  return assertGroupMemberCanChangePermissions(this, group);
});

Then('the user {string} can neither see the project nor work in it', function (this: RhoaiWorld, user: string) {
  return assertUserCannotSeeOrWorkInProject(this, user);
});

function subjectKind(word: string): SubjectKind {
  if (word === 'user') return 'User';
  if (word === 'group') return 'Group';
  throw new Error(`permissions are given to a "user" or a "group", not a "${word}"`);
}
