// The KFP v2beta1 REST types the harness uses, written against the swagger of Data Science Pipelines
// 2.0 (kubeflow/pipelines 2.0.5 backend/api/v2beta1/swagger/kfp_api_single_file.swagger.json, copied
// byte for byte in ../shared/apis/kfp-v2beta1; workloads.md §6.2). Each interface has the list of
// its fields next to it (the compiler holds the list to the interface, both ways), and
// test/unit/support/kfp-types.test.ts holds every list and enum to the swagger's definition.
// int64 fields travel as strings, timestamps as RFC 3339 strings.

export const RUNTIME_STATES = [
  'RUNTIME_STATE_UNSPECIFIED',
  'PENDING',
  'RUNNING',
  'SUCCEEDED',
  'SKIPPED',
  'FAILED',
  'CANCELING',
  'CANCELED',
  'PAUSED',
] as const;
export type RuntimeState = (typeof RUNTIME_STATES)[number];
export const RECURRING_RUN_MODES = ['MODE_UNSPECIFIED', 'ENABLE', 'DISABLE'] as const;
export type RecurringRunMode = (typeof RECURRING_RUN_MODES)[number];
export const RECURRING_RUN_STATUSES = ['STATUS_UNSPECIFIED', 'ENABLED', 'DISABLED'] as const;
export type RecurringRunStatus = (typeof RECURRING_RUN_STATUSES)[number];

/** googlerpcStatus */
export interface RpcStatus {
  code?: number;
  message?: string;
  details?: unknown[];
}

/** v2beta1Pipeline */
export interface Pipeline {
  pipeline_id: string;
  display_name: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  error?: RpcStatus;
}

/** v2beta1PipelineVersion */
export interface PipelineVersion {
  pipeline_id: string;
  pipeline_version_id: string;
  display_name: string;
  description?: string;
  created_at?: string;
  package_url?: { pipeline_url?: string };
  code_source_url?: string;
  pipeline_spec?: Record<string, unknown>;
  error?: RpcStatus;
}

/** v2beta1Experiment */
export interface Experiment {
  experiment_id: string;
  display_name: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
}

/** v2beta1PipelineVersionReference */
export interface PipelineVersionReference {
  pipeline_id: string;
  pipeline_version_id: string;
}

/** v2beta1RuntimeConfig */
export interface RuntimeConfig {
  parameters?: Record<string, unknown>;
  pipeline_root?: string;
}

/** v2beta1RuntimeStatus */
export interface RuntimeStatus {
  update_time?: string;
  state?: RuntimeState;
  error?: RpcStatus;
}

/** v2beta1PipelineTaskDetail */
export interface PipelineTaskDetail {
  run_id?: string;
  task_id?: string;
  display_name?: string;
  create_time?: string;
  start_time?: string;
  end_time?: string;
  state?: RuntimeState;
  error?: RpcStatus;
  pod_name?: string;
  state_history?: RuntimeStatus[];
  outputs?: Record<string, unknown>;
  child_tasks?: unknown[];
}

/** v2beta1RunDetails */
export interface RunDetails {
  pipeline_context_id?: string;
  pipeline_run_context_id?: string;
  task_details?: PipelineTaskDetail[];
}

/** v2beta1Run */
export interface Run {
  experiment_id?: string;
  run_id: string;
  display_name: string;
  storage_state?: 'STORAGE_STATE_UNSPECIFIED' | 'AVAILABLE' | 'ARCHIVED';
  description?: string;
  pipeline_version_reference?: PipelineVersionReference;
  runtime_config?: RuntimeConfig;
  service_account?: string;
  created_at?: string;
  scheduled_at?: string;
  finished_at?: string;
  state?: RuntimeState;
  error?: RpcStatus;
  run_details?: RunDetails;
  recurring_run_id?: string;
  state_history?: RuntimeStatus[];
}

/** v2beta1PeriodicSchedule */
export interface PeriodicSchedule {
  start_time?: string;
  end_time?: string;
  interval_second?: string;
}

/** v2beta1CronSchedule */
export interface CronSchedule {
  start_time?: string;
  end_time?: string;
  cron?: string;
}

/** v2beta1Trigger */
export interface Trigger {
  cron_schedule?: CronSchedule;
  periodic_schedule?: PeriodicSchedule;
}

/** v2beta1RecurringRun */
export interface RecurringRun {
  recurring_run_id: string;
  display_name: string;
  description?: string;
  pipeline_version_reference?: PipelineVersionReference;
  runtime_config?: RuntimeConfig;
  service_account?: string;
  max_concurrency?: string;
  trigger?: Trigger;
  mode?: RecurringRunMode;
  created_at?: string;
  updated_at?: string;
  status?: RecurringRunStatus;
  error?: RpcStatus;
  no_catchup?: boolean;
  namespace?: string;
  experiment_id?: string;
}

/** The list responses. */
export interface ListPipelineVersionsResponse {
  pipeline_versions?: PipelineVersion[];
  total_size?: number;
  next_page_token?: string;
}
export interface ListRunsResponse {
  runs?: Run[];
  total_size?: number;
  next_page_token?: string;
}

type Keys<T> = Extract<keyof T, string>;
/** A field list that is exactly the keys of T (a compile error otherwise). */
function fields<T>() {
  return <const L extends readonly Keys<T>[]>(list: L & (Exclude<Keys<T>, L[number]> extends never ? unknown : never)) => list;
}

/** Every interface above, by its swagger definition, with its fields. */
export const SWAGGER_SHAPES = {
  googlerpcStatus: fields<RpcStatus>()(['code', 'message', 'details']),
  v2beta1Pipeline: fields<Pipeline>()(['pipeline_id', 'display_name', 'description', 'created_at', 'namespace', 'error']),
  v2beta1PipelineVersion: fields<PipelineVersion>()([
    'pipeline_id',
    'pipeline_version_id',
    'display_name',
    'description',
    'created_at',
    'package_url',
    'code_source_url',
    'pipeline_spec',
    'error',
  ]),
  v2beta1Experiment: fields<Experiment>()(['experiment_id', 'display_name', 'description', 'created_at', 'namespace', 'storage_state']),
  v2beta1PipelineVersionReference: fields<PipelineVersionReference>()(['pipeline_id', 'pipeline_version_id']),
  v2beta1RuntimeConfig: fields<RuntimeConfig>()(['parameters', 'pipeline_root']),
  v2beta1RuntimeStatus: fields<RuntimeStatus>()(['update_time', 'state', 'error']),
  v2beta1PipelineTaskDetail: fields<PipelineTaskDetail>()([
    'run_id',
    'task_id',
    'display_name',
    'create_time',
    'start_time',
    'end_time',
    'state',
    'error',
    'pod_name',
    'state_history',
    'outputs',
    'child_tasks',
  ]),
  v2beta1RunDetails: fields<RunDetails>()(['pipeline_context_id', 'pipeline_run_context_id', 'task_details']),
  v2beta1Run: fields<Run>()([
    'experiment_id',
    'run_id',
    'display_name',
    'storage_state',
    'description',
    'pipeline_version_reference',
    'runtime_config',
    'service_account',
    'created_at',
    'scheduled_at',
    'finished_at',
    'state',
    'error',
    'run_details',
    'recurring_run_id',
    'state_history',
  ]),
  v2beta1PeriodicSchedule: fields<PeriodicSchedule>()(['start_time', 'end_time', 'interval_second']),
  v2beta1CronSchedule: fields<CronSchedule>()(['start_time', 'end_time', 'cron']),
  v2beta1Trigger: fields<Trigger>()(['cron_schedule', 'periodic_schedule']),
  v2beta1RecurringRun: fields<RecurringRun>()([
    'recurring_run_id',
    'display_name',
    'description',
    'pipeline_version_reference',
    'runtime_config',
    'service_account',
    'max_concurrency',
    'trigger',
    'mode',
    'created_at',
    'updated_at',
    'status',
    'error',
    'no_catchup',
    'namespace',
    'experiment_id',
  ]),
  v2beta1ListPipelineVersionsResponse: fields<ListPipelineVersionsResponse>()(['pipeline_versions', 'total_size', 'next_page_token']),
  v2beta1ListRunsResponse: fields<ListRunsResponse>()(['runs', 'total_size', 'next_page_token']),
} as const;

/** The enums, by swagger definition. */
export const SWAGGER_ENUMS = {
  v2beta1RuntimeState: RUNTIME_STATES,
  RecurringRunMode: RECURRING_RUN_MODES,
  v2beta1RecurringRunStatus: RECURRING_RUN_STATUSES,
} as const;
