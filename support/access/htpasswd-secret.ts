// The htpasswd Secret in openshift-config (key `htpasswd`; the docs name it htpass-secret), as
// `oc create secret generic htpass-secret --from-file=htpasswd=users.htpasswd -n openshift-config`
// makes it. An existing Secret keeps its other users: only the admin user's entry is added or
// replaced, and when that entry already verifies against the password nothing is written (a
// rewrite would make the authentication operator roll the OAuth server out again).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, type KObject, type ObjectRef } from '../core/cluster';
import { lastWriterOf } from '../core/cluster/owned-fields';
import type { RhoaiWorld } from '../core/world';
import { adminCredentials, entryVerifies } from './admin-password';
import { htpasswdEntries, isBcrypt, withEntry } from './htpasswd';
import { readHtpasswdFile } from './htpasswd-file';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The Secret's entries before this scenario changed it (user → hash), to prove other users were kept. */
    htpasswdSecretBefore?: Map<string, string>;
  }
}

export const OPENSHIFT_CONFIG = 'openshift-config';
export const HTPASSWD_KEY = 'htpasswd';
const MERGE_ATTEMPTS = 3;

export function htpasswdSecretRef(world: RhoaiWorld): ObjectRef {
  return { apiVersion: 'v1', kind: 'Secret', name: world.settings.htpasswdSecret, namespace: OPENSHIFT_CONFIG };
}

/** The Secret and its htpasswd text ('' when it or the key is absent). */
export async function readHtpasswdSecret(world: RhoaiWorld): Promise<{ secret: KObject | undefined; text: string }> {
  const secret = await world.cluster.get(htpasswdSecretRef(world));
  const data = secret?.data?.[HTPASSWD_KEY];
  return { secret, text: typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : '' };
}

/** Adds or replaces the admin user's entry in the Secret (from the local htpasswd file); writes nothing when its entry already verifies. */
export async function ensureHtpasswdSecret(world: RhoaiWorld): Promise<'created' | 'updated' | 'unchanged'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mergeAdminEntry(world);
    } catch (error) {
      // 409: the Secret changed since it was read (another writer); read it again and merge anew.
      if (!(error instanceof ApiError && error.status === 409) || attempt >= MERGE_ATTEMPTS) throw error;
    }
  }
}

async function mergeAdminEntry(world: RhoaiWorld): Promise<'created' | 'updated' | 'unchanged'> {
  const { user, password } = await adminCredentials(world);
  const ref = htpasswdSecretRef(world);
  const where = `Secret ${ref.namespace}/${ref.name}`;
  const { secret, text } = await readHtpasswdSecret(world);
  const before = htpasswdEntries(text);
  world.facts.htpasswdSecretBefore = before;
  if (secret && entryVerifies(world, before.get(user), password)) {
    world.report.text(
      'htpasswd secret',
      `${where} already holds an entry for ${user} that verifies against its password: left unchanged (${before.size} user(s))`,
    );
    return 'unchanged';
  }
  const ours = htpasswdEntries(readHtpasswdFile(world).text).get(user);
  expectOk(
    ours && entryVerifies(world, ours, password),
    `the htpasswd file ${readHtpasswdFile(world).path} has no entry for ${user} that verifies against its password: create it first (INS-ADM-01)`,
  );
  const [object] = world.render('access/htpasswd-secret', {
    name: ref.name,
    namespace: ref.namespace,
    htpasswd: Buffer.from(withEntry(text, user, ours)).toString('base64'),
  });
  // Optimistic concurrency: the merge above is based on this resourceVersion; a concurrent change makes the apply fail (409) instead of being lost.
  if (secret) object!.metadata.resourceVersion = secret.metadata.resourceVersion;
  // force: an existing Secret's htpasswd key belongs to whoever created it (kubectl-create); the merged file is taken over.
  await world.cluster.apply(object!, { force: true });
  world.report.text(
    'htpasswd secret',
    `${where}: ${secret ? `${before.has(user) ? 'replaced' : 'added'} the entry of ${user}, kept ${[...before.keys()].filter((u) => u !== user).length} other user(s)` : `created with the entry of ${user}`}`,
  );
  return secret ? 'updated' : 'created';
}

/** The Secret is Opaque and holds, under `htpasswd`, a bcrypt entry for the admin user that verifies against its password. */
export async function assertSecretHoldsAdmin(world: RhoaiWorld): Promise<void> {
  const { user, password } = await adminCredentials(world);
  const ref = htpasswdSecretRef(world);
  const { secret, text } = await readHtpasswdSecret(world);
  expectOk(secret, `there is no Secret ${ref.namespace}/${ref.name}`);
  expect(secret.type ?? 'Opaque', `Secret ${ref.namespace}/${ref.name} has type ${secret.type}, not Opaque`).to.equal('Opaque');
  expect(
    HTPASSWD_KEY in (secret.data ?? {}),
    `Secret ${ref.namespace}/${ref.name} has no key "${HTPASSWD_KEY}" (keys: ${Object.keys(secret.data ?? {}).join(', ') || 'none'}): the HTPasswd identity provider reads that key`,
  ).to.equal(true);
  const hash = htpasswdEntries(text).get(user);
  expectOk(
    hash,
    `Secret ${ref.namespace}/${ref.name} has no htpasswd entry for ${user}${lastWriterOf(secret, ['f:data', `f:${HTPASSWD_KEY}`], `its "${HTPASSWD_KEY}" key`)}`,
  );
  expect(isBcrypt(hash), `the entry for ${user} in Secret ${ref.namespace}/${ref.name} is not a bcrypt hash`).to.equal(true);
  expect(
    entryVerifies(world, hash, password),
    `the entry for ${user} in Secret ${ref.namespace}/${ref.name} does not verify against the admin password`,
  ).to.equal(true);
}

/** Every user the Secret had before this scenario still has the same entry (except the admin user, whose entry may be replaced). */
export async function assertOtherUsersKept(world: RhoaiWorld): Promise<number> {
  const before = world.facts.htpasswdSecretBefore;
  expectOk(before, 'the htpasswd Secret was not read before it was changed: a step "I create the htpasswd secret ..." must come first');
  const ref = htpasswdSecretRef(world);
  const now = htpasswdEntries((await readHtpasswdSecret(world)).text);
  const others = [...before].filter(([u]) => u !== world.settings.adminUser);
  const lost = others.filter(([u, hash]) => now.get(u) !== hash).map(([u]) => u);
  expect(lost, `Secret ${ref.namespace}/${ref.name} lost or changed the entries of ${lost.join(', ')}`).to.deep.equal([]);
  world.report.text(
    'other htpasswd users',
    others.length
      ? `Secret ${ref.namespace}/${ref.name} keeps the entries of ${others.map(([u]) => u).join(', ')} unchanged`
      : `Secret ${ref.namespace}/${ref.name} had no other users before: nothing to keep on this cluster, so this check proved nothing here (the twin's brownfield profile exercises it)`,
  );
  return others.length;
}
