// Names of the questions' objects, kept apart from the modules that provision (importable anywhere).
// They are derived from the settings, so that a re-run finds the same users and workspaces.

/** The workspace of a user: RHOAI_WORKSPACE_PREFIX + the user name made a DNS-1123 label. */
export function workspaceName(prefix: string, user: string): string {
  const base = user
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '');
  return `${prefix}${base}`.slice(0, 63).replace(/-+$/, '');
}
