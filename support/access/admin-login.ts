// Logging in as the new admin through the OAuth server (INS-ADM-04, INS-ADM-06) and what the login
// proves: a basic-auth challenge without credentials, an access token with the right password,
// the token known to the API server as the admin (`oc whoami`), the User and Identity the claim
// mapping creates on first login, and a refusal (401) with a wrong password.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { RhoaiWorld } from '../core/world';
import { adminCredentials, entryVerifies, wrongPassword } from './admin-password';
import { htpasswdEntries } from './htpasswd';
import { htpasswdSecretRef, readHtpasswdSecret } from './htpasswd-secret';
import { OAUTH_CLUSTER } from './identity-provider';
import { challengingLogin, describeOutcome, type LoginAttempt } from './oauth-login';
import { whoami, withTokenClient } from './token-client';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The admin's last login through the OAuth server (its token registered as a secret). */
    adminLogin?: LoginAttempt;
  }
}

/** `oc login -u <admin> -p <password>`; the outcome is asserted by the Then steps. */
export async function logInAsAdmin(world: RhoaiWorld): Promise<LoginAttempt> {
  const { user, password } = await adminCredentials(world);
  const attempt = await challengingLogin(world, user, password);
  world.facts.adminLogin = attempt;
  world.report.text(
    'login',
    `GET ${attempt.server.authorizationEndpoint}?client_id=openshift-challenging-client&response_type=token (X-CSRF-Token: 1), route trust: ${attempt.trust.describe}\n` +
      `  without credentials: ${describeOutcome(attempt.challenge)}\n  as ${user} with its password: ${describeOutcome(attempt.answer)}`,
  );
  return attempt;
}

function lastLogin(world: RhoaiWorld): LoginAttempt {
  const attempt = world.facts.adminLogin;
  expectOk(attempt, 'no login in this scenario: a step "I log in as the admin user with its password" must come first');
  return attempt;
}

/** The request without credentials was answered with a basic-auth challenge (oc needs one to send the password). */
export function assertBasicChallenge(world: RhoaiWorld): void {
  const { challenge, server } = lastLogin(world);
  expect(
    challenge.kind === 'refused' && /^Basic\b/i.test(challenge.challenge ?? ''),
    `${server.authorizationEndpoint} answered the challenging client without credentials with ${describeOutcome(challenge)}, not 401 with a "WWW-Authenticate: Basic" challenge: oc login -u -p cannot log in there`,
  ).to.equal(true);
}

/** The login with the password got an access token; if it did not, says why as far as the cluster shows it. */
export async function assertAccessToken(world: RhoaiWorld): Promise<string> {
  const attempt = lastLogin(world);
  if (attempt.answer.kind === 'token') {
    expect(attempt.answer.token, 'the access token has the form sha256~<base64url> of OpenShift 4.x').to.match(
      /^sha256~[A-Za-z0-9_-]{20,}$/,
    );
    return attempt.answer.token;
  }
  expect.fail(
    `the OAuth server answered the login of ${attempt.user} with ${describeOutcome(attempt.answer)}${await explainRefusal(world, attempt)}`,
  );
}

/** Why a valid login may be refused: the Secret, the provider, or an OAuth server that does not serve the current data. */
async function explainRefusal(world: RhoaiWorld, attempt: LoginAttempt): Promise<string> {
  if (attempt.answer.kind !== 'refused') return '';
  const { password } = await adminCredentials(world);
  const ref = htpasswdSecretRef(world);
  const { secret, text } = await readHtpasswdSecret(world);
  if (!secret) return `; there is no Secret ${ref.namespace}/${ref.name}`;
  const hash = htpasswdEntries(text).get(attempt.user);
  if (!hash) return `; Secret ${ref.namespace}/${ref.name} has no entry for ${attempt.user}`;
  if (!entryVerifies(world, hash, password))
    return `; the entry for ${attempt.user} in Secret ${ref.namespace}/${ref.name} does not verify against the admin password`;
  const providers: { name: string }[] = (await world.cluster.get(OAUTH_CLUSTER))?.spec?.identityProviders ?? [];
  if (!providers.some((p) => p.name === world.settings.htpasswdProvider))
    return `; OAuth cluster has no identity provider ${world.settings.htpasswdProvider}`;
  return `, although Secret ${ref.namespace}/${ref.name} holds an entry for ${attempt.user} that verifies against the password and the identity provider ${world.settings.htpasswdProvider} is configured and rolled out: the OAuth server does not serve the current htpasswd data`;
}

/** `oc whoami` with the new token names the admin user. */
export async function assertTokenIsAdmin(world: RhoaiWorld): Promise<void> {
  const token = await assertAccessToken(world);
  const { user } = lastLogin(world);
  const me = await withTokenClient(world, user, token, whoami);
  expect(me.name, `with the new access token, users/~ (oc whoami) answers "${me.name}", not ${user}`).to.equal(user);
  world.report.text('whoami', `with the new access token the API server knows ${me.name} (groups: ${me.groups.join(', ') || 'none'})`);
}

/** The claim mapping made User <user> and Identity <provider>:<user>, linked both ways. */
export async function assertUserAndIdentity(world: RhoaiWorld): Promise<void> {
  const { user } = await adminCredentials(world);
  const identityName = `${world.settings.htpasswdProvider}:${user}`;
  const userObj = await world.cluster.get({ apiVersion: 'user.openshift.io/v1', kind: 'User', name: user });
  expectOk(userObj, `there is no User ${user}: the OAuth server creates it on the first login (mappingMethod claim)`);
  expectOk(
    (userObj.identities ?? []).includes(identityName),
    `User ${user} is mapped to ${JSON.stringify(userObj.identities ?? [])}, not to ${identityName}`,
  );
  const identity = await world.cluster.get({ apiVersion: 'user.openshift.io/v1', kind: 'Identity', name: identityName });
  expectOk(identity, `there is no Identity ${identityName}`);
  expect(identity.providerName, `Identity ${identityName} names the provider ${identity.providerName}`).to.equal(
    world.settings.htpasswdProvider,
  );
  expect(identity.user?.name, `Identity ${identityName} points at User ${identity.user?.name}`).to.equal(user);
  expect(
    identity.user?.uid,
    `Identity ${identityName} points at another User ${user} (uid ${identity.user?.uid}, the User's is ${userObj.metadata.uid})`,
  ).to.equal(userObj.metadata.uid);
  world.report.text('user and identity', `User ${user} (uid ${userObj.metadata.uid}) ↔ Identity ${identityName}`);
}

/** A login with a wrong password is refused: 401 with the basic-auth challenge again, never a token. */
export async function assertWrongPasswordRefused(world: RhoaiWorld): Promise<void> {
  const { user, password } = await adminCredentials(world);
  const attempt = await challengingLogin(world, user, wrongPassword(password));
  world.report.text('wrong password', `as ${user} with a wrong password: ${describeOutcome(attempt.answer)}`);
  expect(
    attempt.answer.kind === 'refused' && attempt.answer.status === 401,
    `the OAuth server answered a wrong password for ${user} with ${describeOutcome(attempt.answer)}, not 401: it must refuse it`,
  ).to.equal(true);
}
