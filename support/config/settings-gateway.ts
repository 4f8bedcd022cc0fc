// Settings of one domain. The secure gateway for Knative Serving: generated CA and wildcard certificate.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
export const GATEWAY_SETTINGS = {} as const;
