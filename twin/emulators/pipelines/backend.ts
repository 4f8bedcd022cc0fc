// The state and the work behind a DSP 2.0 pipeline server of the twin: what the KFP API server keeps in
// its MySQL database (pipelines, versions, experiments, runs, recurring runs; kubeflow/pipelines 2.0.5
// backend/src/apiserver/resource/resource_manager.go), the Argo Workflow each run becomes (label
// pipeline/runid, as backend/src/apiserver/resource/resource_manager.go CreateRun does through the
// v2 compiler's workflow), its execution (Argo's workflow controller plus the KFP v2 driver and
// launcher: tasks in dependency order, each task's outputs uploaded to the pipeline root in the
// DSPA's object storage, <pipeline name>/<run id>/<task>/<output>), and the persistence agent's
// report of the workflow's state back to the run (state, state_history, run_details.task_details).
// One database per DSPA database (host/port/db name): the API server pod can restart and keep it.
//
// What runs in a task: the twin cannot run Python. A task's executor is played by what its
// component's function does, recognised by the function KFP put in the container's arguments
// (`--function_to_execute <name>`): the fraud-detection tutorial's get_data (the card transactions
// CSV), train_model (twin/emulators/ml: the model as ONNX) and upload_model (the ONNX model to the
// bucket of the secret its platform spec injects as env, at $S3_KEY); any other function succeeds
// and writes its declared output artifacts as small text files.
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { podS3Client } from '../workbench/pod-s3';
import { randomUUID } from 'node:crypto';
import type { TwinClient } from '../../api/client';
import type { KObject } from '../../api/types';
import type { ClusterNetwork } from '../../network/cluster-network';
import { generateCardTransactions, runTutorialTraining, toCardCsv } from '../ml/index';
import { codeflareSdkTask, runCodeflareSdkTask } from '../codeflare-sdk/pipeline-task';
import { parsePipelineIr, type IrTask, type PipelineIr } from './ir';
import { runElyraBootstrapper } from './elyra-bootstrapper';

export const TASK_FAILS_FAULT = 'pipelines-task-fails';
export const RUN_EXPERIMENT_FAULT = 'pipelines-run-ignores-experiment';
export const RUN_DETAILS_FAULT = 'pipelines-run-details-without-tasks';
export const VERSION_SPEC_FAULT = 'pipelines-version-without-spec';
/** The API server keeps only the PipelineSpec document of an upload: the platform spec (kfp-kubernetes: secrets as env, pod metadata) is lost. */
export const PLATFORM_SPEC_FAULT = 'pipelines-version-drops-platform-spec';
/** The API server runs a pipeline's first version whatever pipeline_version_id the run request names. */
export const RUN_VERSION_FAULT = 'pipelines-run-ignores-version-id';
/** The scheduled-workflow controller starts its runs from the PipelineSpec alone, without the version's platform spec. */
export const SCHEDULED_PLATFORM_FAULT = 'pipelines-scheduled-runs-without-platform-spec';

export type RuntimeState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'SKIPPED' | 'FAILED' | 'CANCELING' | 'CANCELED';

/** A KFP API error: an HTTP status with the gRPC code the gateway maps it from. */
export class KfpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
}
export const invalidArgument = (m: string) => new KfpError(400, 3, m);
export const notFound = (m: string) => new KfpError(404, 5, m);

export interface ObjectStoreConfig {
  /** scheme://host[:port] */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** PEM certificates the pipeline pods trust (system roots are added). */
  ca: string[];
}

export interface BackendDeps {
  namespace: string;
  /** A client acting as the DSPA's service accounts (workflows, scheduled workflows, secrets of the namespace). */
  client: TwinClient;
  network: ClusterNetwork;
  faults: { has(name: string): boolean };
  now(): Date;
  log(line: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of the API and of Kubernetes objects
type Json = Record<string, any>;

interface TaskRecord {
  task_id: string;
  display_name: string;
  create_time: string;
  start_time?: string;
  end_time?: string;
  state: RuntimeState;
  error?: { code: number; message: string };
  pod_name: string;
  state_history: { update_time: string; state: RuntimeState }[];
  outputs?: Json;
}

export interface RunRecord {
  run_id: string;
  display_name: string;
  description: string;
  experiment_id: string;
  storage_state: 'AVAILABLE' | 'ARCHIVED';
  pipeline_version_reference: { pipeline_id: string; pipeline_version_id: string };
  runtime_config: Json;
  service_account: string;
  created_at: string;
  scheduled_at: string;
  finished_at?: string;
  state: RuntimeState;
  error?: { code: number; message: string };
  recurring_run_id?: string;
  state_history: { update_time: string; state: RuntimeState }[];
  tasks: TaskRecord[];
  workflow: string;
  terminate?: boolean;
  /** The clock the run's times come from (a schedule's own clock for the runs it starts). */
  clock: () => Date;
}

export interface RecurringRunRecord {
  recurring_run_id: string;
  display_name: string;
  description: string;
  pipeline_version_reference: { pipeline_id: string; pipeline_version_id: string };
  runtime_config: Json;
  service_account: string;
  max_concurrency: string;
  trigger: Json;
  mode: 'ENABLE' | 'DISABLE';
  status: 'ENABLED' | 'DISABLED';
  created_at: string;
  updated_at: string;
  no_catchup: boolean;
  namespace: string;
  experiment_id: string;
  swf: string;
}

interface Version {
  pipeline_id: string;
  pipeline_version_id: string;
  display_name: string;
  description: string;
  created_at: string;
  text: string;
  ir: PipelineIr;
}

/** The pipeline server's database. */
export class PipelineBackend {
  readonly pipelines = new Map<
    string,
    { pipeline_id: string; display_name: string; description: string; created_at: string; namespace: string }
  >();
  readonly versions = new Map<string, Version>();
  readonly experiments = new Map<
    string,
    { experiment_id: string; display_name: string; description: string; created_at: string; namespace: string; storage_state: string }
  >();
  readonly runs = new Map<string, RunRecord>();
  readonly recurringRuns = new Map<string, RecurringRunRecord>();
  /** Wakes the scheduled-workflow controller (a run finished: max concurrency may let another start). */
  onRunFinished: (run: RunRecord) => void = () => {};
  /** Fault pipelines-server-refuses-ir: every upload is refused as an invalid spec. */
  refuseEveryIr = false;

  constructor(public deps: BackendDeps) {}

  private ts(): string {
    return this.deps.now().toISOString();
  }

  // ---- pipelines and versions ----

  uploadPipeline(name: string, description: string, text: string): Json {
    if (!name) throw invalidArgument('Failed to create a pipeline: pipeline name is empty. Please specify a valid name');
    if ([...this.pipelines.values()].some((p) => p.display_name === name))
      throw new KfpError(
        409,
        6,
        `Failed to create a pipeline: pipeline with name ${JSON.stringify(name)} already exists in namespace ${this.deps.namespace}`,
      );
    const ir = this.parse(text, 'Failed to create a pipeline and a pipeline version');
    const p = { pipeline_id: randomUUID(), display_name: name, description, created_at: this.ts(), namespace: this.deps.namespace };
    this.pipelines.set(p.pipeline_id, p);
    this.addVersion(p.pipeline_id, name, description, text, ir);
    return { ...p };
  }

  uploadVersion(pipelineId: string, name: string, description: string, text: string): Json {
    this.pipeline(pipelineId);
    if (!name) throw invalidArgument('Failed to create a pipeline version: pipeline version name is empty');
    if ([...this.versions.values()].some((v) => v.pipeline_id === pipelineId && v.display_name === name))
      throw new KfpError(
        409,
        6,
        `Failed to create a pipeline version: a version named ${JSON.stringify(name)} already exists in pipeline ${pipelineId}`,
      );
    const ir = this.parse(text, 'Failed to create a pipeline version');
    return this.versionJson(this.addVersion(pipelineId, name, description, text, ir));
  }

  private parse(text: string, context: string): PipelineIr {
    if (this.refuseEveryIr)
      throw invalidArgument(`${context} due to template creation error: invalid v2 pipeline spec: unknown field "pipelineInfo"`);
    try {
      const ir = parsePipelineIr(text);
      return this.deps.faults.has(PLATFORM_SPEC_FAULT) ? { ...ir, platform: undefined } : ir;
    } catch (e) {
      throw invalidArgument(`${context} due to template creation error: ${(e as Error).message}`);
    }
  }

  private addVersion(pipelineId: string, name: string, description: string, text: string, ir: PipelineIr): Version {
    const v: Version = {
      pipeline_id: pipelineId,
      pipeline_version_id: randomUUID(),
      display_name: name,
      description,
      created_at: this.ts(),
      text,
      ir,
    };
    this.versions.set(v.pipeline_version_id, v);
    return v;
  }

  pipeline(id: string) {
    const p = this.pipelines.get(id);
    if (!p) throw notFound(`Failed to get pipeline ${id}: ResourceNotFoundError: Pipeline ${id} not found`);
    return p;
  }

  version(pipelineId: string | undefined, versionId: string): Version {
    const v = this.versions.get(versionId);
    if (!v || (pipelineId && v.pipeline_id !== pipelineId))
      throw notFound(`Failed to get pipeline version ${versionId}: ResourceNotFoundError: PipelineVersion ${versionId} not found`);
    return v;
  }

  versionJson(v: Version): Json {
    return {
      pipeline_id: v.pipeline_id,
      pipeline_version_id: v.pipeline_version_id,
      display_name: v.display_name,
      description: v.description,
      created_at: v.created_at,
      ...(this.deps.faults.has(VERSION_SPEC_FAULT)
        ? {}
        : { pipeline_spec: v.ir.platform ? { pipeline_spec: v.ir.spec, platform_spec: v.ir.platform } : v.ir.spec }),
    };
  }

  versionsOf(pipelineId: string): Version[] {
    this.pipeline(pipelineId);
    return [...this.versions.values()].filter((v) => v.pipeline_id === pipelineId);
  }

  deletePipeline(id: string): void {
    this.pipeline(id);
    if (this.versionsOf(id).length)
      throw new KfpError(412, 9, `Failed to delete pipeline ${id}: it has pipeline versions; delete them first`);
    this.pipelines.delete(id);
  }

  // ---- experiments ----

  createExperiment(body: Json): Json {
    const name = String(body.display_name ?? '');
    if (!name) throw invalidArgument('Failed to create an experiment: experiment name is empty. Please specify a valid experiment name');
    if ([...this.experiments.values()].some((e) => e.display_name === name))
      throw new KfpError(409, 6, `Failed to create an experiment: an experiment named ${JSON.stringify(name)} already exists`);
    const e = {
      experiment_id: randomUUID(),
      display_name: name,
      description: String(body.description ?? ''),
      created_at: this.ts(),
      namespace: this.deps.namespace,
      storage_state: 'AVAILABLE',
    };
    this.experiments.set(e.experiment_id, e);
    return { ...e };
  }

  experiment(id: string) {
    const e = this.experiments.get(id);
    if (!e) throw notFound(`Failed to get experiment ${id}: ResourceNotFoundError: Experiment ${id} not found`);
    return e;
  }

  /** The experiment a run without one goes to ("Default", made on first use, as the API server's resource manager does). */
  private experimentFor(id: string | undefined): string {
    if (id) return this.experiment(id).experiment_id;
    const d = [...this.experiments.values()].find((e) => e.display_name === 'Default');
    return d
      ? d.experiment_id
      : this.createExperiment({
          display_name: 'Default',
          description: 'All runs created without specifying an experiment will be grouped here.',
        }).experiment_id;
  }

  // ---- runs ----

  private versionOfRequest(body: Json): Version {
    const ref = body.pipeline_version_reference;
    if (!ref?.pipeline_version_id) {
      if (body.pipeline_spec)
        throw invalidArgument('Failed to create a run: the twin runs pipeline versions only: set pipeline_version_reference');
      throw invalidArgument('Failed to create a run: neither pipeline_spec nor pipeline_version_reference is set');
    }
    if (this.deps.faults.has(RUN_VERSION_FAULT) && ref.pipeline_id) {
      const first = this.versionsOf(ref.pipeline_id).sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
      if (first) return first;
    }
    return this.version(ref.pipeline_id, ref.pipeline_version_id);
  }

  createRun(body: Json, from?: { recurringRunId: string; scheduledAt: Date; clock: () => Date }): RunRecord {
    const display = String(body.display_name ?? '');
    if (!display) throw invalidArgument('Failed to create a run: run display name is empty');
    const v = this.versionOfRequest(body);
    const clock = from?.clock ?? (() => this.deps.now());
    const now = clock().toISOString();
    const run: RunRecord = {
      run_id: randomUUID(),
      display_name: display,
      description: String(body.description ?? ''),
      experiment_id: this.experimentFor(this.deps.faults.has(RUN_EXPERIMENT_FAULT) ? undefined : body.experiment_id || undefined),
      storage_state: 'AVAILABLE',
      pipeline_version_reference: { pipeline_id: v.pipeline_id, pipeline_version_id: v.pipeline_version_id },
      runtime_config: body.runtime_config ?? { parameters: {} },
      service_account: String(body.service_account || ''),
      created_at: now,
      scheduled_at: from ? from.scheduledAt.toISOString() : now,
      state: 'PENDING',
      recurring_run_id: from?.recurringRunId,
      state_history: [{ update_time: now, state: 'PENDING' }],
      tasks: [],
      workflow: '',
      clock,
    };
    run.workflow = this.createWorkflow(run, v.ir);
    this.runs.set(run.run_id, run);
    const ir = from && this.deps.faults.has(SCHEDULED_PLATFORM_FAULT) ? { ...v.ir, platform: undefined } : v.ir;
    void this.execute(run, ir).catch((e) => this.deps.log(`pipelines: run ${run.run_id} failed in the twin: ${(e as Error).stack}`));
    return run;
  }

  run(id: string): RunRecord {
    const r = this.runs.get(id);
    if (!r) throw notFound(`Failed to get run ${id}: ResourceNotFoundError: Run ${id} not found`);
    return r;
  }

  terminate(id: string): void {
    const r = this.run(id);
    if (r.state === 'PENDING' || r.state === 'RUNNING') {
      r.terminate = true;
      this.setState(r, 'CANCELING');
    }
  }

  runJson(r: RunRecord): Json {
    return {
      experiment_id: r.experiment_id,
      run_id: r.run_id,
      display_name: r.display_name,
      storage_state: r.storage_state,
      description: r.description,
      pipeline_version_reference: r.pipeline_version_reference,
      runtime_config: r.runtime_config,
      service_account: r.service_account,
      created_at: r.created_at,
      scheduled_at: r.scheduled_at,
      finished_at: r.finished_at ?? '1970-01-01T00:00:00Z',
      state: r.state,
      ...(r.error ? { error: { ...r.error, details: [] } } : {}),
      run_details: {
        task_details: (this.deps.faults.has(RUN_DETAILS_FAULT) ? [] : r.tasks).map((t) => ({
          run_id: r.run_id,
          task_id: t.task_id,
          display_name: t.display_name,
          create_time: t.create_time,
          ...(t.start_time ? { start_time: t.start_time } : {}),
          ...(t.end_time ? { end_time: t.end_time } : {}),
          state: t.state,
          ...(t.error ? { error: { ...t.error, details: [] } } : {}),
          pod_name: t.pod_name,
          state_history: t.state_history,
          ...(t.outputs ? { outputs: t.outputs } : {}),
          child_tasks: [],
        })),
      },
      ...(r.recurring_run_id ? { recurring_run_id: r.recurring_run_id } : {}),
      state_history: r.state_history,
    };
  }

  activeRunsOf(recurringRunId: string): number {
    return [...this.runs.values()].filter((r) => r.recurring_run_id === recurringRunId && !r.finished_at).length;
  }

  private setState(r: RunRecord, state: RuntimeState, error?: string): void {
    r.state = state;
    const now = r.clock().toISOString();
    r.state_history.push({ update_time: now, state });
    if (error) r.error = { code: 13, message: error };
    if (['SUCCEEDED', 'FAILED', 'CANCELED', 'SKIPPED'].includes(state)) r.finished_at = now;
  }

  // ---- the Argo Workflow of a run ----

  private createWorkflow(run: RunRecord, ir: PipelineIr): string {
    const wf = this.deps.client.create({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        generateName: `${ir.name}-`,
        namespace: this.deps.namespace,
        labels: {
          'pipeline/runid': run.run_id,
          'pipelines.kubeflow.org/v2_component': 'true',
          ...(run.recurring_run_id
            ? {
                'scheduledworkflows.kubeflow.org/isOwnedByScheduledWorkflow': 'true',
                'scheduledworkflows.kubeflow.org/scheduledWorkflowName': this.recurringRuns.get(run.recurring_run_id)?.swf ?? '',
              }
            : {}),
        },
      },
      spec: {
        entrypoint: 'entrypoint',
        serviceAccountName: run.service_account || `pipeline-runner-${this.deps.namespace}`,
        templates: [
          {
            name: 'entrypoint',
            dag: { tasks: ir.tasks.map((t) => ({ name: t.name, template: t.executor, dependencies: t.dependentTasks })) },
          },
        ],
      },
    });
    return wf.metadata.name!;
  }

  private writeWorkflowStatus(run: RunRecord, phase: string, message?: string): void {
    const wf = this.deps.client.get('argoproj.io/v1alpha1', 'Workflow', run.workflow, this.deps.namespace);
    if (!wf) return;
    const nodes: Json = {};
    for (const t of run.tasks)
      nodes[t.pod_name] = {
        id: t.pod_name,
        name: `${run.workflow}.${t.display_name}`,
        displayName: t.display_name,
        type: 'Pod',
        phase: {
          PENDING: 'Pending',
          RUNNING: 'Running',
          SUCCEEDED: 'Succeeded',
          FAILED: 'Failed',
          CANCELED: 'Failed',
          CANCELING: 'Running',
          SKIPPED: 'Skipped',
        }[t.state],
        ...(t.start_time ? { startedAt: t.start_time } : {}),
        ...(t.end_time ? { finishedAt: t.end_time } : {}),
        ...(t.error ? { message: t.error.message } : {}),
      };
    wf.status = {
      phase,
      startedAt: run.created_at,
      ...(run.finished_at ? { finishedAt: run.finished_at } : {}),
      ...(message ? { message } : {}),
      nodes,
    };
    this.deps.client.patchStatus('argoproj.io/v1alpha1', 'Workflow', wf.metadata.name!, this.deps.namespace, wf.status);
  }

  // ---- execution ----

  private async execute(run: RunRecord, ir: PipelineIr): Promise<void> {
    await Promise.resolve();
    this.setState(run, 'RUNNING');
    this.writeWorkflowStatus(run, 'Running');
    const outputs = new Map<string, Map<string, Buffer>>();
    let failed: string | undefined;
    for (const task of ir.tasks) {
      const record: TaskRecord = {
        task_id: randomUUID(),
        display_name: task.displayName,
        create_time: run.clock().toISOString(),
        state: 'PENDING',
        pod_name: `${run.workflow}-system-container-impl-${Math.floor(Math.random() * 1e10)}`,
        state_history: [{ update_time: run.clock().toISOString(), state: 'PENDING' }],
      };
      run.tasks.push(record);
      if (failed || run.terminate) {
        record.state = run.terminate ? 'CANCELED' : 'SKIPPED';
        record.state_history.push({ update_time: run.clock().toISOString(), state: record.state });
        continue;
      }
      record.state = 'RUNNING';
      record.start_time = run.clock().toISOString();
      record.state_history.push({ update_time: record.start_time, state: 'RUNNING' });
      this.writeWorkflowStatus(run, 'Running');
      try {
        const produced = await this.runTask(run, ir, task, outputs);
        outputs.set(task.name, produced);
        const root = `${ir.name}/${run.run_id}/${task.name}`;
        for (const [key, body] of produced) await this.putArtifact(`${root}/${key}`, body);
        record.outputs = {
          artifacts: Object.fromEntries([...produced.keys()].map((k) => [k, { uri: `s3://${this.objectStore().bucket}/${root}/${k}` }])),
        };
        record.state = 'SUCCEEDED';
      } catch (e) {
        record.state = 'FAILED';
        record.error = { code: 2, message: (e as Error).message };
        failed = `task ${task.name} failed: ${(e as Error).message}`;
      }
      record.end_time = run.clock().toISOString();
      record.state_history.push({ update_time: record.end_time, state: record.state });
      await Promise.resolve();
    }
    if (run.terminate) this.setState(run, 'CANCELED');
    else if (failed) this.setState(run, 'FAILED', failed);
    else this.setState(run, 'SUCCEEDED');
    this.writeWorkflowStatus(run, run.state === 'SUCCEEDED' ? 'Succeeded' : 'Failed', failed);
    this.onRunFinished(run);
  }

  /** The DSPA's object storage as the API server's environment names it; set by the API server emulator. */
  objectStoreConfig?: ObjectStoreConfig;

  private objectStore(): ObjectStoreConfig {
    if (!this.objectStoreConfig) throw new Error('the pipeline server has no object storage configured');
    return this.objectStoreConfig;
  }

  private s3(config: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; ca: string[] }): S3Client {
    const agents = this.deps.network.agents(this.deps.namespace, { ca: config.ca, rejectUnauthorized: true });
    return podS3Client(agents, {
      endpoint: config.endpoint,
      region: config.region || 'us-east-1',
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      maxAttempts: 2,
    });
  }

  private async putArtifact(key: string, body: Buffer): Promise<void> {
    const store = this.objectStore();
    const client = this.s3(store);
    try {
      await client.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: body }));
    } catch (e) {
      throw new Error(`failed to upload the output artifact to s3://${store.bucket}/${key}: ${s3Message(e)}`, { cause: e });
    } finally {
      client.destroy();
    }
  }

  /** Plays one task's executor; returns its output artifacts by key. */
  private async runTask(
    run: RunRecord,
    ir: PipelineIr,
    task: IrTask,
    outputs: Map<string, Map<string, Buffer>>,
  ): Promise<Map<string, Buffer>> {
    const executor = ir.spec.deploymentSpec.executors[task.executor];
    const container = executor?.container ?? {};
    const args: string[] = (container.args ?? []).map(String);
    const fn = args[args.indexOf('--function_to_execute') + 1] ?? task.name.replace(/-/g, '_');
    const input = (name: string): Buffer => {
      const a = task.inputArtifacts[name];
      const b = a && outputs.get(a.producerTask)?.get(a.outputArtifactKey);
      if (!b) throw new Error(`FileNotFoundError: [Errno 2] No such file or directory: the input artifact ${name}`);
      return b;
    };
    const env = this.taskEnvironment(ir, task, container);
    const produced = new Map<string, Buffer>();
    const script = args.join('\n');
    if (script.includes('bootstrapper.py')) {
      await runElyraBootstrapper(script, env, {
        s3: (c) => this.s3({ ...c, ca: this.objectStore().ca }),
        train: (csv) => Buffer.from(runTutorialTraining(csv).files['models/fraud/1/model.onnx']),
        uploadModel: (e, model) => this.uploadModel(e, model),
        faults: this.deps.faults,
      });
      return produced;
    }
    if (this.deps.faults.has(TASK_FAILS_FAULT) && fn === 'train_model')
      throw new Error(
        'Traceback (most recent call last): ... ValueError: Input contains NaN, infinity or a value too large for dtype(float64).',
      );
    // A component that uses the CodeFlare SDK really runs (twin/emulators/codeflare-sdk/pipeline-task.ts).
    const sdkTask = codeflareSdkTask(container, fn);
    if (sdkTask) {
      const out = await runCodeflareSdkTask(sdkTask, env, this.deps.network, this.deps.log, this.deps.faults);
      for (const key of task.outputArtifacts) produced.set(key, Buffer.from(out));
      return produced;
    }
    switch (fn) {
      case 'get_data':
        produced.set('data_output_path', Buffer.from(toCardCsv(generateCardTransactions({ rows: 2000 }))));
        break;
      case 'train_model': {
        const trained = runTutorialTraining(input('data_input_path').toString('utf8'));
        produced.set('model_output_path', Buffer.from(trained.files['models/fraud/1/model.onnx']));
        break;
      }
      case 'upload_model':
        await this.uploadModel(env, input('input_model_path'));
        break;
      default:
        for (const key of task.outputArtifacts) produced.set(key, Buffer.from(`${fn} of run ${run.run_id}\n`));
    }
    return produced;
  }

  /** The task's environment: container env plus the platform spec's secretAsEnv (kfp-kubernetes use_secret_as_env). */
  private taskEnvironment(ir: PipelineIr, task: IrTask, container: Json): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) env[e.name] = String(e.value ?? '');
    const k8s = ir.platform?.platforms?.kubernetes?.deploymentSpec?.executors?.[task.executor];
    for (const s of k8s?.secretAsEnv ?? []) {
      const secret = this.deps.client.get('v1', 'Secret', s.secretName, this.deps.namespace);
      if (!secret) throw new Error(`CreateContainerConfigError: secret "${s.secretName}" not found`);
      for (const m of s.keyToEnv ?? []) {
        const raw = secret.data?.[m.secretKey];
        if (raw === undefined)
          throw new Error(`CreateContainerConfigError: couldn't find key ${m.secretKey} in Secret ${this.deps.namespace}/${s.secretName}`);
        env[m.envVar] = Buffer.from(raw, 'base64').toString('utf8');
      }
    }
    return env;
  }

  private async uploadModel(env: Record<string, string>, model: Buffer): Promise<void> {
    const key = env.S3_KEY;
    if (!env.AWS_S3_BUCKET || !key)
      throw new Error('botocore.exceptions.ParamValidationError: Parameter validation failed: Invalid bucket name "" or key');
    const client = this.s3({
      endpoint: env.AWS_S3_ENDPOINT,
      region: env.AWS_DEFAULT_REGION,
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ca: this.objectStore().ca,
    });
    try {
      await client.send(new PutObjectCommand({ Bucket: env.AWS_S3_BUCKET, Key: key, Body: model }));
    } catch (e) {
      throw new Error(`boto3.exceptions.S3UploadFailedError: Failed to upload ${key} to ${env.AWS_S3_BUCKET}/${key}: ${s3Message(e)}`, {
        cause: e,
      });
    } finally {
      client.destroy();
    }
  }

  // ---- recurring runs ----

  createRecurringRun(body: Json): RecurringRunRecord {
    const display = String(body.display_name ?? '');
    if (!display) throw invalidArgument('Failed to create a recurring run: recurring run display name is empty');
    const v = this.versionOfRequest(body);
    const trigger = body.trigger ?? {};
    const periodic = trigger.periodic_schedule;
    const cron = trigger.cron_schedule;
    if (periodic && cron)
      throw invalidArgument('Failed to create a recurring run: a trigger has either a periodic or a cron schedule, not both');
    if (periodic && !(Number(periodic.interval_second) > 0))
      throw invalidArgument('Failed to create a recurring run: the periodic schedule interval must be a positive number of seconds');
    if (cron && !parseCron(String(cron.cron ?? '')))
      throw invalidArgument(
        `Failed to create a recurring run: invalid cron expression ${JSON.stringify(cron.cron)} (six fields, seconds first)`,
      );
    const maxConcurrency = Number(body.max_concurrency ?? 1);
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10)
      throw invalidArgument('Failed to create a recurring run: max concurrency of the recurring run must be within [1, 10]');
    const mode = body.mode === 'DISABLE' ? 'DISABLE' : 'ENABLE';
    const experimentId = this.experimentFor(body.experiment_id || undefined);
    const swf = this.deps.client.create({
      apiVersion: 'kubeflow.org/v1beta1',
      kind: 'ScheduledWorkflow',
      metadata: {
        generateName: `${
          display
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, '-')
            .replace(/^-+|-+$/g, '')
            .slice(0, 40) || 'recurring'
        }-`,
        namespace: this.deps.namespace,
      },
      spec: {
        enabled: mode === 'ENABLE',
        maxConcurrency,
        noCatchup: body.no_catchup === true,
        trigger: periodic
          ? { periodicSchedule: { intervalSecond: Number(periodic.interval_second), ...times(periodic) } }
          : cron
            ? { cronSchedule: { cron: cron.cron, ...times(cron) } }
            : {},
        workflow: { spec: { pipelineVersionId: v.pipeline_version_id } },
      },
    });
    const now = this.ts();
    const rr: RecurringRunRecord = {
      recurring_run_id: swf.metadata.uid!,
      display_name: display,
      description: String(body.description ?? ''),
      pipeline_version_reference: { pipeline_id: v.pipeline_id, pipeline_version_id: v.pipeline_version_id },
      runtime_config: body.runtime_config ?? { parameters: {} },
      service_account: String(body.service_account || ''),
      max_concurrency: String(maxConcurrency),
      trigger,
      mode,
      status: mode === 'ENABLE' ? 'ENABLED' : 'DISABLED',
      created_at: now,
      updated_at: now,
      no_catchup: body.no_catchup === true,
      namespace: this.deps.namespace,
      experiment_id: experimentId,
      swf: swf.metadata.name!,
    };
    this.recurringRuns.set(rr.recurring_run_id, rr);
    return rr;
  }

  recurringRun(id: string): RecurringRunRecord {
    const r = this.recurringRuns.get(id);
    if (!r) throw notFound(`Failed to get a recurring run ${id}: ResourceNotFoundError: RecurringRun ${id} not found`);
    return r;
  }

  setRecurringRunEnabled(id: string, enabled: boolean): void {
    const r = this.recurringRun(id);
    r.mode = enabled ? 'ENABLE' : 'DISABLE';
    r.status = enabled ? 'ENABLED' : 'DISABLED';
    r.updated_at = this.ts();
    const swf = this.deps.client.get('kubeflow.org/v1beta1', 'ScheduledWorkflow', r.swf, this.deps.namespace);
    if (swf) this.deps.client.update({ ...swf, spec: { ...swf.spec, enabled } });
  }

  deleteRecurringRun(id: string): void {
    const r = this.recurringRun(id);
    this.recurringRuns.delete(id);
    this.deps.client.delete('kubeflow.org/v1beta1', 'ScheduledWorkflow', r.swf, this.deps.namespace);
  }

  recurringRunJson(r: RecurringRunRecord): Json {
    const { swf: _swf, ...json } = r;
    return json;
  }
}

function times(s: Json): Json {
  return { ...(s.start_time ? { startTime: s.start_time } : {}), ...(s.end_time ? { endTime: s.end_time } : {}) };
}

function s3Message(e: unknown): string {
  if (e instanceof S3ServiceException) return `An error occurred (${e.name}): ${e.message}`;
  return (e as Error).message;
}

/** Whether an object store answers for a bucket with these credentials, as the DSPO's health check asks it (StatObject of a random key). */
export async function checkObjectStore(network: ClusterNetwork, namespace: string, store: ObjectStoreConfig): Promise<string | undefined> {
  const agents = network.agents(namespace, { ca: store.ca, rejectUnauthorized: true });
  const client = new S3Client({
    endpoint: store.endpoint,
    region: store.region || 'us-east-1',
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: { httpAgent: agents.http, httpsAgent: agents.https, connectionTimeout: 5_000, requestTimeout: 10_000 },
  });
  try {
    await client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: 'some-random-object' }));
    return undefined;
  } catch (e) {
    if (e instanceof S3ServiceException) {
      const status = e.$metadata?.httpStatusCode;
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchBucket' || status === 404) return undefined;
      const text = status === 403 ? 'Access Denied.' : e.message || e.name;
      return `Could not connect to (${new URL(store.endpoint).host}), Error: ${text}`;
    }
    const err = e as NodeJS.ErrnoException;
    if (/certificate|self.signed|unable to verify/i.test(err.message ?? ''))
      return 'Encountered x509 UnknownAuthorityError when connecting to ObjectStore. If using an tls S3 connection with  self-signed certs, you may specify a custom CABundle to mount on the DSP API Server via the DSPA cr under the spec.apiServer.cABundle field. If you have already provided a CABundle, verify the validity of the provided CABundle.';
    return `Could not connect to (${new URL(store.endpoint).host}), Error: ${err.message}`;
  } finally {
    client.destroy();
  }
}

// ---- cron (KFP's robfig/cron with seconds: six fields, seconds first) ----

type CronField = Set<number>;
export interface Cron {
  second: CronField;
  minute: CronField;
  hour: CronField;
  dom: CronField;
  month: CronField;
  dow: CronField;
}

export function parseCron(expr: string): Cron | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 6) return undefined;
  const ranges: [number, number][] = [
    [0, 59],
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 6],
  ];
  const fields: CronField[] = [];
  for (let i = 0; i < 6; i++) {
    const [lo, hi] = ranges[i];
    const set = new Set<number>();
    for (const piece of parts[i].split(',')) {
      const m = /^(\*|\?|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(piece);
      if (!m) return undefined;
      let from = lo;
      let to = hi;
      if (m[1] !== '*' && m[1] !== '?') {
        const [a, b] = m[1].split('-').map(Number);
        from = a;
        to = b ?? (m[2] ? hi : a);
      }
      const step = m[2] ? Number(m[2]) : 1;
      if (from < lo || to > hi || from > to || step < 1) return undefined;
      for (let x = from; x <= to; x += step) set.add(x);
    }
    fields.push(set);
  }
  return { second: fields[0], minute: fields[1], hour: fields[2], dom: fields[3], month: fields[4], dow: fields[5] };
}

/** The first time strictly after `after` (UTC, whole seconds) matching the cron. */
export function nextCronTime(cron: Cron, after: Date): Date {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  for (let guard = 0; guard < 2_000_000; guard++) {
    if (!cron.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!cron.dom.has(t.getUTCDate()) || !cron.dow.has(t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!cron.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!cron.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!cron.second.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
      continue;
    }
    return t;
  }
  return new Date(8.64e15);
}

export type { KObject };
