// Steps of 50-questions (Q-*): users who provision their own projects, and workspaces that are their
// owner's only. Each calls support/questions.
import { Given, Then, When } from '@cucumber/cucumber';
import * as selfProvisioning from '../support/questions/self-provisioning';
import { ensureQuestionUsers } from '../support/questions/users';
import * as workspaces from '../support/questions/workspaces';
import type { RhoaiWorld } from '../support/core/world';

// ---- self-provisioning ----

Given('the groups datascience-users and datascience-admins each have an htpasswd member who can log in', function (this: RhoaiWorld) {
  return ensureQuestionUsers(this);
});

When(
  'I remove the group system:authenticated:oauth from the self-provisioners binding and annotate it autoupdate=false',
  function (this: RhoaiWorld) {
    return selfProvisioning.disableSelfProvisioning(this);
  },
);

When('I grant the cluster role self-provisioner to datascience-admins', function (this: RhoaiWorld) {
  return selfProvisioning.grantSelfProvisionerToAdmins(this);
});

Then(
  'the self-provisioners binding is annotated autoupdate=false and grants nothing to every user or to datascience-users',
  function (this: RhoaiWorld) {
    return selfProvisioning.assertSelfProvisionersLocked(this);
  },
);

Then('no cluster role binding grants self-provisioner to datascience-users, only datascience-admins hold it', function (this: RhoaiWorld) {
  return selfProvisioning.assertOnlyAdminsMayProvision(this);
});

Then(
  'logged in as a member of datascience-users, "oc new-project" is refused with "You may not request a new project via this API."',
  function (this: RhoaiWorld) {
    return selfProvisioning.assertDataScientistRefused(this);
  },
);

Then('logged in as a member of datascience-admins, "oc new-project" is granted', function (this: RhoaiWorld) {
  return selfProvisioning.assertAdminGranted(this);
});

// ---- one workspace per data scientist ----

When('I pre-provision one workspace for every member of datascience-users', async function (this: RhoaiWorld) {
  await workspaces.provisionWorkspaces(this);
});

When('I pre-provision the workspaces again', async function (this: RhoaiWorld) {
  await workspaces.provisionWorkspaces(this);
});

When('a member leaves datascience-users and I pre-provision the workspaces again', async function (this: RhoaiWorld) {
  await workspaces.memberLeaves(this);
  await workspaces.provisionWorkspaces(this);
});

Then(
  'every member of datascience-users has a data science project of their own, with them as admin and a LocalQueue',
  function (this: RhoaiWorld) {
    return workspaces.assertEveryMemberHasWorkspace(this);
  },
);

Then("logged in as each member, they can work in their own workspace and not in another member's", function (this: RhoaiWorld) {
  return workspaces.assertMembersWorkOnlyInTheirOwn(this);
});

Then('the second run changed nothing', function (this: RhoaiWorld) {
  return workspaces.assertRerunChangedNothing(this);
});

Then('the workspace of the member who left is kept as it was and reported as orphaned', function (this: RhoaiWorld) {
  return workspaces.assertOrphanKeptAndReported(this);
});
