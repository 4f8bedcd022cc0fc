// Settings of one domain. Distributed workloads: Kueue quotas and CodeFlare.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
export const DISTRIBUTED_WORKLOAD_SETTINGS = {} as const;
