// Settings of one domain. Access: the cluster-admin user, htpasswd and OAuth login.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
export const ACCESS_SETTINGS = {} as const;
