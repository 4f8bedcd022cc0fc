// The htpasswd file format as `htpasswd -B` writes it and OpenShift's HTPasswd identity provider
// reads it: one `user:hash` line per user. Entries are bcrypt hashes with the `$2y$` prefix Apache
// uses (the same algorithm as `$2a$`/`$2b$`); changing one user's entry keeps every other line as
// it was, in its place.
import * as bcrypt from 'bcryptjs';

/** bcrypt cost of new entries (`htpasswd -B` defaults to 5; 10 is the usual minimum today). */
export const BCRYPT_COST = 10;

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The entries of an htpasswd file, user → hash (the first line of a user wins, as Apache's lookup). */
export function htpasswdEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of lines(text)) {
    const entry = parseLine(line);
    if (entry && !entries.has(entry.user)) entries.set(entry.user, entry.hash);
  }
  return entries;
}

/** The file with `user`'s entry set to `hash`: its line replaced in place, or appended; other lines kept. */
export function withEntry(text: string, user: string, hash: string): string {
  if (user.includes(':') || /\s/.test(user)) throw new Error(`"${user}" cannot be an htpasswd user name (no ":" or white space)`);
  const out: string[] = [];
  let replaced = false;
  for (const line of lines(text)) {
    const entry = parseLine(line);
    if (entry?.user !== user) out.push(line);
    else if (!replaced) {
      out.push(`${user}:${hash}`);
      replaced = true;
    }
  }
  if (!replaced) out.push(`${user}:${hash}`);
  return `${out.join('\n')}\n`;
}

/** A new bcrypt entry for the password, with the `$2y$` prefix `htpasswd -B` writes. */
export function bcryptHash(password: string, cost = BCRYPT_COST): string {
  return bcrypt.hashSync(password, bcrypt.genSaltSync(cost)).replace(/^\$2[ab]\$/, '$2y$');
}

export function isBcrypt(hash: string | undefined): boolean {
  return !!hash && BCRYPT.test(hash);
}

/** Whether a bcrypt entry verifies against the password (other hash schemes never do here). */
export function verifies(hash: string | undefined, password: string): boolean {
  if (!isBcrypt(hash)) return false;
  return bcrypt.compareSync(password, hash!);
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line, i, all) => line.length > 0 || i < all.length - 1);
}

function parseLine(line: string): { user: string; hash: string } | undefined {
  if (line.trimStart().startsWith('#')) return undefined;
  const i = line.indexOf(':');
  return i > 0 ? { user: line.slice(0, i), hash: line.slice(i + 1).trim() } : undefined;
}
