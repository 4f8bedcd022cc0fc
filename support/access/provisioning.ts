// The provisioning tasks of the cluster-admin checklist, each idempotent and establishing what it
// needs, so that any scenario can run alone: the htpasswd file (INS-ADM-01), the Secret
// (INS-ADM-02), the identity provider rolled out (INS-ADM-03), cluster-admin (INS-ADM-05).
import type { RhoaiWorld } from '../core/world';
import { grantClusterAdmin } from './cluster-admin';
import { htpasswdEntries } from './htpasswd';
import { ensureHtpasswdFile } from './htpasswd-file';
import { ensureHtpasswdSecret, readHtpasswdSecret } from './htpasswd-secret';
import { addIdentityProvider, waitForOAuthRollout } from './identity-provider';

/** The htpasswd file with a verifying bcrypt entry for the admin (reusing the cluster's verifying entry if the file has none). */
export async function createHtpasswdFile(world: RhoaiWorld): Promise<void> {
  const { text } = await readHtpasswdSecret(world);
  await ensureHtpasswdFile(world, htpasswdEntries(text));
}

/** The Secret in openshift-config holding the admin's entry, other users kept. */
export async function createHtpasswdSecret(world: RhoaiWorld): Promise<void> {
  await createHtpasswdFile(world);
  await ensureHtpasswdSecret(world);
}

/** The HTPasswd identity provider on OAuth cluster, reading the Secret, rolled out by the authentication operator. */
export async function configureIdentityProvider(world: RhoaiWorld): Promise<void> {
  await createHtpasswdSecret(world);
  await addIdentityProvider(world);
  await waitForOAuthRollout(world);
}

/** The admin can log in and holds cluster-admin. */
export async function provisionClusterAdmin(world: RhoaiWorld): Promise<void> {
  await configureIdentityProvider(world);
  await grantClusterAdmin(world);
}
