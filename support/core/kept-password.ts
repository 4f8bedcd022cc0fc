// A password generated once and kept in a file (mode 0600) of RHOAI_WORK_DIR, so that every later
// run on the same machine uses the same one (the twin's admin, the users of the questions).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

/** The password in `file`, made (18 random bytes, base64url) when the file does not exist yet; the caller redacts it. */
export function keptPassword(file: string): string {
  try {
    const password = randomBytes(18).toString('base64url');
    fs.writeFileSync(file, password, { flag: 'wx', mode: 0o600 });
    return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8').trim();
  }
}
