// Steps of 00-access (INS-LOGIN-*, INS-ADM-*): oc login, the htpasswd file, Secret and identity
// provider, the cluster-admin user. Each calls support/access.
import { Given, Then, When } from '@cucumber/cucumber';
import * as login from '../support/access/admin-login';
import * as admin from '../support/access/cluster-admin';
import * as current from '../support/access/current-login';
import { assertHtpasswdEntry, assertHtpasswdFilePrivate } from '../support/access/htpasswd-file';
import { assertOtherUsersKept, assertSecretHoldsAdmin, ensureHtpasswdSecret } from '../support/access/htpasswd-secret';
import { addIdentityProvider, assertProvidersMerged, waitForOAuthRollout } from '../support/access/identity-provider';
import * as provision from '../support/access/provisioning';
import type { RhoaiWorld } from '../support/core/world';

// ---- oc login (INS-LOGIN-01) ----

Given("the harness is logged in with the kubeconfig's current context", function (this: RhoaiWorld) {
  return current.recordCurrentLogin(this);
});

Then('"oc whoami" names the logged-in user, not system:anonymous', function (this: RhoaiWorld) {
  return current.assertWhoami(this);
});

Then('"oc whoami --show-server" is the API server of that context, and it answers', function (this: RhoaiWorld) {
  return current.assertShowServer(this);
});

Then('the login uses a token, a client certificate or a user name and password, which the report never shows', function (this: RhoaiWorld) {
  current.assertCredentialKind(this);
});

// ---- the htpasswd file (INS-ADM-01) ----

When('I create the htpasswd file with a bcrypt entry for the admin user', function (this: RhoaiWorld) {
  return provision.createHtpasswdFile(this);
});

Given('the htpasswd file has a bcrypt entry for the admin user', async function (this: RhoaiWorld) {
  await provision.createHtpasswdFile(this);
  await assertHtpasswdEntry(this);
});

Then('the htpasswd file holds a "$2y$" bcrypt entry for the admin user that verifies against its password', function (this: RhoaiWorld) {
  return assertHtpasswdEntry(this);
});

Then('the htpasswd file is readable by its owner only', function (this: RhoaiWorld) {
  assertHtpasswdFilePrivate(this);
});

// ---- the secret (INS-ADM-02) ----

When('I create the htpasswd secret in "openshift-config" from the htpasswd file', function (this: RhoaiWorld) {
  return ensureHtpasswdSecret(this);
});

Given('the htpasswd secret in "openshift-config" holds the admin user\'s entry', async function (this: RhoaiWorld) {
  await provision.createHtpasswdSecret(this);
  await assertSecretHoldsAdmin(this);
});

Then(
  'the htpasswd secret holds, under the key "htpasswd", the admin user\'s entry, which verifies against its password',
  function (this: RhoaiWorld) {
    return assertSecretHoldsAdmin(this);
  },
);

Then("the htpasswd secret keeps every other user's entry", function (this: RhoaiWorld) {
  return assertOtherUsersKept(this);
});

// ---- the identity provider (INS-ADM-03) ----

When('I add the HTPasswd identity provider to OAuth "cluster", next to the providers already there', function (this: RhoaiWorld) {
  return addIdentityProvider(this);
});

Then(
  'OAuth "cluster" lists the HTPasswd identity provider with mapping method "claim", and every other provider as it was',
  function (this: RhoaiWorld) {
    return assertProvidersMerged(this);
  },
);

Then('the authentication operator rolls the new configuration out to the OAuth server', function (this: RhoaiWorld) {
  return waitForOAuthRollout(this);
});

Given('the HTPasswd identity provider is configured and rolled out', function (this: RhoaiWorld) {
  return provision.configureIdentityProvider(this);
});

// ---- the login (INS-ADM-04, INS-ADM-06) ----

When('I log in as the admin user with its password, as "oc login -u -p" does', function (this: RhoaiWorld) {
  return login.logInAsAdmin(this);
});

Then('the OAuth server first asks for the credentials with a basic-auth challenge', function (this: RhoaiWorld) {
  login.assertBasicChallenge(this);
});

Then('the OAuth server gives the admin user an access token', function (this: RhoaiWorld) {
  return login.assertAccessToken(this);
});

Then('"oc whoami" with that token names the admin user', function (this: RhoaiWorld) {
  return login.assertTokenIsAdmin(this);
});

Then('the first login created the admin User and its Identity of the HTPasswd provider', function (this: RhoaiWorld) {
  return login.assertUserAndIdentity(this);
});

Then('the OAuth server refuses the admin user with a wrong password', function (this: RhoaiWorld) {
  return login.assertWrongPasswordRefused(this);
});

// ---- cluster-admin (INS-ADM-05, INS-ADM-06) ----

When('I, as the current user, bind the cluster role "cluster-admin" to the admin user', function (this: RhoaiWorld) {
  return admin.grantClusterAdmin(this);
});

Then('a ClusterRoleBinding grants the cluster role "cluster-admin" to the admin user', function (this: RhoaiWorld) {
  return admin.assertBindingGrantsClusterAdmin(this);
});

Then("\"oc auth can-i '*' '*' --as\" the admin user answers yes", function (this: RhoaiWorld) {
  return admin.assertUserMayDoAnything(this);
});

Given(
  'the admin user can log in through the HTPasswd identity provider and has the cluster role "cluster-admin"',
  function (this: RhoaiWorld) {
    return provision.provisionClusterAdmin(this);
  },
);

Then('logged in as the admin user, I may do anything on any resource', function (this: RhoaiWorld) {
  return admin.assertTokenMayDoAnything(this);
});

Then('logged in as the admin user, I can list the nodes', function (this: RhoaiWorld) {
  return admin.assertTokenListsNodes(this);
});
