import { Given, Then, When } from '@cucumber/cucumber';
import * as selfProvisioning from '../support/questions/self-provisioning';
import { ensureQuestionUsers } from '../support/questions/users';
import type { RhoaiWorld } from '../support/world';

// ---- self-provisioning ----

Given('the groups datascience-users and datascience-admins each have an htpasswd member who can log in', function (this: RhoaiWorld) {
  return ensureQuestionUsers(this);
});

When('I remove the group system:authenticated:oauth from the self-provisioners binding and annotate it autoupdate=false', function (this: RhoaiWorld) {
  return selfProvisioning.disableSelfProvisioning(this);
});

When('I grant the cluster role self-provisioner to datascience-admins', function (this: RhoaiWorld) {
  return selfProvisioning.grantSelfProvisionerToAdmins(this);
});

Then('the self-provisioners binding is annotated autoupdate=false and grants nothing to every user or to datascience-users', function (this: RhoaiWorld) {
  return selfProvisioning.assertSelfProvisionersLocked(this);
});

Then('no cluster role binding grants self-provisioner to datascience-users, only datascience-admins hold it', function (this: RhoaiWorld) {
  return selfProvisioning.assertOnlyAdminsMayProvision(this);
});

Then('logged in as a member of datascience-users, "oc new-project" is refused with "You may not request a new project via this API."', function (this: RhoaiWorld) {
  return selfProvisioning.assertDataScientistRefused(this);
});

Then('logged in as a member of datascience-admins, "oc new-project" is granted', function (this: RhoaiWorld) {
  return selfProvisioning.assertAdminGranted(this);
});
