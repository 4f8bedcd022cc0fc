// The htpasswd file, as `htpasswd -c -B -b users.htpasswd <user> <password>` makes it, kept private
// (mode 0600) under RHOAI_WORK_DIR/access/. It is generated material and reused while it is valid:
// an entry that verifies against the password is kept; without one, a verifying entry already in
// the cluster's Secret is adopted; only then is a new bcrypt hash made. Other users' lines stay.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureWorkDir } from '../core/target/connect';
import type { RhoaiWorld } from '../core/world';
import { adminCredentials, entryVerifies } from './admin-password';
import { bcryptHash, htpasswdEntries, verifies, withEntry } from './htpasswd';

export function htpasswdFilePath(world: RhoaiWorld): string {
  return path.join(world.settings.workDir, 'access', 'users.htpasswd');
}

export function readHtpasswdFile(world: RhoaiWorld): { path: string; text: string; mode?: number } {
  const file = htpasswdFilePath(world);
  try {
    return { path: file, text: fs.readFileSync(file, 'utf8'), mode: fs.statSync(file).mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { path: file, text: '' };
  }
}

/**
 * Makes sure the file holds a bcrypt entry for the admin user that verifies against its password.
 * `clusterEntries` are the entries of the cluster's htpasswd Secret, if any: a verifying one is reused.
 */
export async function ensureHtpasswdFile(
  world: RhoaiWorld,
  clusterEntries: ReadonlyMap<string, string> = new Map(),
): Promise<'kept' | 'adopted' | 'generated'> {
  const { user, password } = await adminCredentials(world);
  const current = readHtpasswdFile(world);
  const existing = htpasswdEntries(current.text).get(user);
  let outcome: 'kept' | 'adopted' | 'generated';
  let hash: string;
  if (entryVerifies(world, existing, password)) [outcome, hash] = ['kept', existing!];
  else if (entryVerifies(world, clusterEntries.get(user), password))
    [outcome, hash] = ['adopted', clusterEntries.get(user)!.replace(/^\$2[ab]\$/, '$2y$')];
  else [outcome, hash] = ['generated', bcryptHash(password)];
  world.secret(hash, 'htpasswd entry');
  if (outcome !== 'kept') writePrivateFile(current.path, withEntry(current.text, user, hash));
  else if (current.mode !== 0o600) fs.chmodSync(current.path, 0o600);
  const said = {
    kept: 'kept its entry, which verifies against the password',
    adopted: "took the verifying entry of the cluster's htpasswd Secret",
    generated: `wrote a new bcrypt entry (${hash.slice(0, 7)}…)`,
  };
  world.report.text(
    'htpasswd file',
    `${current.path} (mode 0600) for ${user}: ${said[outcome]}; ${htpasswdEntries(readHtpasswdFile(world).text).size} user(s) in the file`,
  );
  return outcome;
}

/**
 * The file has a `$2y$` bcrypt entry for the admin user (as htpasswd -B writes it) that verifies
 * against the password. The check computes bcrypt itself, every time: a verdict remembered from
 * making the entry would be the harness believing what it wrote.
 */
export async function assertHtpasswdEntry(world: RhoaiWorld): Promise<void> {
  const { user, password } = await adminCredentials(world);
  const file = readHtpasswdFile(world);
  expectOk(file.text, `the htpasswd file ${file.path} does not exist`);
  const hash = htpasswdEntries(file.text).get(user);
  expectOk(hash, `the htpasswd file ${file.path} has no entry for ${user}`);
  expect(hash, `the entry for ${user} in ${file.path} is not a $2y$ bcrypt hash (as htpasswd -B writes it)`).to.match(/^\$2y\$\d\d\$/);
  expect(verifies(hash, password), `the entry for ${user} in ${file.path} does not verify against the admin password`).to.equal(true);
}

/** The file is private: mode 0600, in a directory others cannot read. */
export function assertHtpasswdFilePrivate(world: RhoaiWorld): void {
  const file = readHtpasswdFile(world);
  expectOk(file.text, `the htpasswd file ${file.path} does not exist`);
  expect(file.mode, `the htpasswd file ${file.path} has mode ${file.mode?.toString(8)}, not 600: it holds password hashes`).to.equal(0o600);
  const dirMode = fs.statSync(path.dirname(file.path)).mode & 0o777;
  expect(dirMode & 0o077, `the directory of ${file.path} has mode ${dirMode.toString(8)}: others can read it`).to.equal(0);
}

/** Writes a file readable by its owner only, atomically (a temporary file in the same directory, then a rename). */
function writePrivateFile(file: string, text: string): void {
  const dir = path.dirname(file);
  ensureWorkDir(path.dirname(dir));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
