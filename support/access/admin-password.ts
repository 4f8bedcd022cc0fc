// The cluster-admin user the install creates (RHOAI_ADMIN_USER) and its password: RHOAI_ADMIN_PASSWORD,
// or on the twin one generated once and kept in RHOAI_WORK_DIR (session.adminPassword). A real
// cluster without the variable is a clear error. The password is registered with the redactor.
import { createHash, randomBytes } from 'node:crypto';
import type { RhoaiWorld } from '../core/world';
import { verifies } from './htpasswd';

declare module '../core/world' {
  interface ScenarioFacts {
    /** bcrypt verdicts already computed in this scenario (a verification costs ~0.2 s at cost 10). */
    bcryptVerdicts?: Map<string, boolean>;
  }
}

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

export async function adminCredentials(world: RhoaiWorld): Promise<AdminCredentials> {
  const password = world.secret(await world.adminPassword(), 'admin password');
  return { user: world.settings.adminUser, password };
}

/** A password that is certainly not the admin's, for the check that a wrong one is refused. */
export function wrongPassword(password: string): string {
  let wrong: string;
  do wrong = `wrong-${randomBytes(12).toString('base64url')}`;
  while (wrong === password);
  return wrong;
}

/** Whether an htpasswd entry verifies against a password, each pair computed once per scenario. */
export function entryVerifies(world: RhoaiWorld, hash: string | undefined, password: string): boolean {
  if (!hash) return false;
  const memo = (world.facts.bcryptVerdicts ??= new Map());
  const key = verdictKey(hash, password);
  let verdict = memo.get(key);
  if (verdict === undefined) memo.set(key, (verdict = verifies(hash, password)));
  return verdict;
}

function verdictKey(hash: string, password: string): string {
  return `${hash}\n${createHash('sha256').update(password).digest('hex')}`;
}
