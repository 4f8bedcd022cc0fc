// The people of the seed's questions: htpasswd users in the OpenShift groups datascience-users and
// datascience-admins (RHOAI_DS_USERS_GROUP, RHOAI_DS_ADMINS_GROUP), who log in through the OAuth
// server as `oc login -u -p` does and act with their own access tokens.
//
// Their entries are added to the install's htpasswd Secret (RHOAI_HTPASSWD_SECRET) next to every
// other user's; an entry that verifies against the user's password is kept, so a re-run writes
// nothing. Passwords are generated once and kept under RHOAI_WORK_DIR/questions/ (0600). Groups are
// server-side applied with the members found plus ours: nobody else is removed from a group.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keptPassword } from '../core/kept-password';
import { ApiError, type ClusterClient, type KObject, type ObjectRef } from '../core/cluster';
import { entryVerifies } from '../access/admin-password';
import { bcryptHash, htpasswdEntries, withEntry } from '../access/htpasswd';
import { htpasswdSecretRef, readHtpasswdSecret } from '../access/htpasswd-secret';
import { waitForOAuthRollout } from '../access/identity-provider';
import { challengingLogin, describeOutcome } from '../access/oauth-login';
import { configureIdentityProvider } from '../access/provisioning';
import { whoami, withTokenClient } from '../access/token-client';
import { ensureWorkDir } from '../core/target/connect';
import type { RhoaiWorld } from '../core/world';

declare module '../core/world' {
  interface ScenarioFacts {
    /** Access tokens of the questions' users, by user (registered as secrets). */
    questionTokens?: Map<string, string>;
  }
}

const USER_API = 'user.openshift.io/v1';
const MERGE_ATTEMPTS = 3;

export const groupRef = (name: string): ObjectRef => ({ apiVersion: USER_API, kind: 'Group', name });

/** The users of the questions, with the groups they belong to. */
export function questionPeople(world: RhoaiWorld): { users: string[]; admin: string; usersGroup: string; adminsGroup: string } {
  const s = world.settings;
  if (s.dsUsers.includes(s.dsAdmin))
    throw new Error(`RHOAI_DS_ADMIN (${s.dsAdmin}) is also named in RHOAI_DS_USERS: the admin must not be a member of ${s.dsUsersGroup}`);
  if ([...s.dsUsers, s.dsAdmin].includes(s.adminUser))
    throw new Error(
      `RHOAI_ADMIN_USER (${s.adminUser}) is named in RHOAI_DS_USERS or RHOAI_DS_ADMIN: the cluster-admin may request projects anyway`,
    );
  return { users: s.dsUsers, admin: s.dsAdmin, usersGroup: s.dsUsersGroup, adminsGroup: s.dsAdminsGroup };
}

/** The user's password: generated once, kept in RHOAI_WORK_DIR/questions/<user>.password (0600). */
export function userPassword(world: RhoaiWorld, user: string): string {
  const dir = path.join(ensureWorkDir(world.settings.workDir), 'questions');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${user}.password`);
  const password = keptPassword(file);
  return world.secret(password, `password of ${user}`);
}

/** Adds an entry for each user to the htpasswd Secret unless one already verifies; other lines are kept. Returns the users whose entry was written. */
export async function ensureHtpasswdUsers(world: RhoaiWorld, users: string[]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mergeEntries(world, users);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409) || attempt >= MERGE_ATTEMPTS) throw error;
    }
  }
}

async function mergeEntries(world: RhoaiWorld, users: string[]): Promise<string[]> {
  const ref = htpasswdSecretRef(world);
  const { secret, text } = await readHtpasswdSecret(world);
  expectOk(secret, `there is no Secret ${ref.namespace}/${ref.name}: the HTPasswd identity provider must be configured first (INS-ADM-02)`);
  const entries = htpasswdEntries(text);
  let next = text;
  const written: string[] = [];
  for (const user of users) {
    const password = userPassword(world, user);
    if (entryVerifies(world, entries.get(user), password)) continue;
    const hash = world.secret(bcryptHash(password), 'htpasswd entry');
    next = withEntry(next, user, hash);
    written.push(user);
  }
  if (!written.length) {
    world.report.text(
      'htpasswd users',
      `Secret ${ref.namespace}/${ref.name} already holds verifying entries for ${users.join(', ')}: left unchanged`,
    );
    return [];
  }
  const [object] = world.render('access/htpasswd-secret', {
    name: ref.name,
    namespace: ref.namespace,
    htpasswd: Buffer.from(next).toString('base64'),
  });
  object!.metadata.resourceVersion = secret.metadata.resourceVersion;
  await world.cluster.apply(object!, { force: true });
  const others = [...entries.keys()].filter((u) => !users.includes(u));
  world.report.text(
    'htpasswd users',
    `Secret ${ref.namespace}/${ref.name}: wrote the entries of ${written.join(', ')}; kept ${others.length} other user(s) (${others.join(', ')})`,
  );
  return written;
}

/** The members of a group ([] when it does not exist). */
export async function groupMembers(world: RhoaiWorld, group: string): Promise<string[]> {
  return ((await world.cluster.get(groupRef(group)))?.users as string[] | null | undefined) ?? [];
}

/** The Group fixture with its whole member list. */
function groupObject(world: RhoaiWorld, group: string, users: string[]): KObject {
  const [object] = world.render('questions/group', { name: group });
  object!.users = users;
  return object!;
}

/** `oc adm groups new` + `oc adm groups add-users`: the group with its members plus `users`; nobody removed. */
export async function ensureGroupMembers(world: RhoaiWorld, group: string, users: string[]): Promise<KObject | undefined> {
  const live = await world.cluster.get(groupRef(group));
  const members: string[] = live?.users ?? [];
  const missing = users.filter((u) => !members.includes(u));
  if (live && !missing.length) return live;
  const object = groupObject(world, group, [...members, ...missing]);
  if (live) object.metadata.resourceVersion = live.metadata.resourceVersion;
  // force: the member list of a group made with `oc adm groups` belongs to oc; the merged list is taken over.
  const applied = await world.cluster.apply(object, { force: true });
  world.report.text(
    `group ${group}`,
    `${live ? 'added' : 'created with'} ${missing.join(', ')}; members now: ${(applied.users ?? []).join(', ')}`,
  );
  return applied;
}

/** `oc adm groups remove-users <group> <user>`: the other members kept. */
export async function removeGroupMember(world: RhoaiWorld, group: string, user: string): Promise<void> {
  const live = await world.cluster.get(groupRef(group));
  const members: string[] = live?.users ?? [];
  if (!live || !members.includes(user)) return;
  const object = groupObject(
    world,
    group,
    members.filter((u) => u !== user),
  );
  object!.metadata.resourceVersion = live.metadata.resourceVersion;
  await world.cluster.apply(object, { force: true });
  world.report.text(`group ${group}`, `removed ${user}; members now: ${members.filter((u) => u !== user).join(', ') || 'none'}`);
}

/**
 * The questions' users exist: the identity provider configured (the install's, with the admin), an
 * htpasswd entry for each user, the OAuth server rolled out when an entry was written, and the groups.
 */
export async function ensureQuestionUsers(world: RhoaiWorld): Promise<void> {
  const people = questionPeople(world);
  await configureIdentityProvider(world);
  const written = await ensureHtpasswdUsers(world, [...people.users, people.admin]);
  if (written.length) await waitForOAuthRollout(world);
  await ensureGroupMembers(world, people.usersGroup, people.users);
  await ensureGroupMembers(world, people.adminsGroup, [people.admin]);
}

/** `oc login -u <user> -p <password>`: the user's access token (kept for the scenario). */
export async function logInAs(world: RhoaiWorld, user: string): Promise<string> {
  const tokens = (world.facts.questionTokens ??= new Map());
  const known = tokens.get(user);
  if (known) return known;
  const attempt = await challengingLogin(world, user, userPassword(world, user));
  if (attempt.answer.kind !== 'token')
    expect.fail(`the OAuth server answered the login of ${user} with ${describeOutcome(attempt.answer)}, not an access token`);
  tokens.set(user, attempt.answer.token);
  return attempt.answer.token;
}

/** Runs `fn` logged in as the user, with the user's groups as the API server sees them (`oc whoami` and its groups). */
export async function asUser<T>(world: RhoaiWorld, user: string, fn: (client: ClusterClient, groups: string[]) => Promise<T>): Promise<T> {
  const token = await logInAs(world, user);
  return withTokenClient(world, user, token, async (client) => {
    const me = await whoami(client);
    expect(me.name, `with the access token of ${user}, oc whoami answers ${me.name}`).to.equal(user);
    return fn(client, me.groups);
  });
}
