// Settings of one domain. The tutorials: S3 storage, the tutorial repository, projects.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
export const TUTORIAL_SETTINGS = {} as const;
