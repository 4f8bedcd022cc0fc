// The KFP v2 pipeline IR (PipelineSpec) as the DSP 2.0 API server reads an uploaded file
// (kubeflow/pipelines 2.0.5 = red-hat-data-services/data-science-pipelines rhoai-2.9,
// backend/src/apiserver/template/v2_template.go New/ValidatePipelineSpecAndResourceSpec and
// backend/src/apiserver/server/pipeline_upload_server.go): a YAML file of one PipelineSpec document,
// optionally followed by a PlatformSpec document (`platforms.kubernetes`), with pipelineInfo.name,
// schemaVersion 2.x, root.dag tasks whose componentRef names a component, whose component's
// executorLabel names an executor, and whose dependentTasks name tasks of the same DAG. What it
// refuses it refuses with InvalidArgument, naming the problem; the DAG is returned in dependency
// order for the executor.
import * as yaml from 'js-yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML of any shape
type Doc = Record<string, any>;

export class InvalidPipelineSpec extends Error {}

export interface IrTask {
  name: string;
  /** taskInfo.name: what the run details call the task (an Elyra node's label, set_display_name). */
  displayName: string;
  component: string;
  executor: string;
  dependentTasks: string[];
  /** Input artifacts: input name → the producing task and its output key. */
  inputArtifacts: Record<string, { producerTask: string; outputArtifactKey: string }>;
  outputArtifacts: string[];
}

export interface PipelineIr {
  name: string;
  spec: Doc;
  platform?: Doc;
  /** Tasks in an order where each comes after the tasks it depends on. */
  tasks: IrTask[];
}

/** Parses and validates an uploaded pipeline file; throws InvalidPipelineSpec with the API server's wording. */
export function parsePipelineIr(text: string): PipelineIr {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new InvalidPipelineSpec(`invalid pipeline spec: failed to parse the YAML: ${(e as Error).message}`);
  }
  if (!docs.length) throw new InvalidPipelineSpec('invalid pipeline spec: the file is empty');
  const spec = docs.find((d) => isObject(d) && 'pipelineInfo' in d) as Doc | undefined;
  if (!spec) {
    const first = docs[0] as Record<string, unknown>;
    if (isObject(first) && first.apiVersion)
      throw new InvalidPipelineSpec(
        `invalid pipeline spec: unsupported template: a ${String(first.kind ?? 'Kubernetes')} (${String(first.apiVersion)}) is not a KFP v2 PipelineSpec`,
      );
    throw new InvalidPipelineSpec('invalid v2 pipeline spec: pipelineInfo is missing');
  }
  const platform = docs.find((d) => isObject(d) && 'platforms' in d) as Doc | undefined;
  const extra = docs.filter((d) => d !== spec && d !== platform);
  if (extra.length) throw new InvalidPipelineSpec('invalid pipeline spec: more than one PipelineSpec or unknown documents in the file');
  const name = spec.pipelineInfo?.name;
  if (typeof name !== 'string' || !name) throw new InvalidPipelineSpec('invalid v2 pipeline spec: pipelineInfo.name is empty');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 128)
    throw new InvalidPipelineSpec(
      `invalid v2 pipeline spec: pipeline name ${JSON.stringify(name)} is not a valid name (lowercase alphanumerics and '-', as Kubernetes labels)`,
    );
  const schemaVersion = String(spec.schemaVersion ?? '');
  if (!/^2\.\d+\.\d+$/.test(schemaVersion))
    throw new InvalidPipelineSpec(
      `invalid v2 pipeline spec: schemaVersion ${JSON.stringify(schemaVersion)} is not a 2.x PipelineSpec schema`,
    );
  const dagTasks = spec.root?.dag?.tasks;
  if (!isObject(dagTasks) || !Object.keys(dagTasks).length)
    throw new InvalidPipelineSpec('invalid v2 pipeline spec: root.dag has no tasks');
  const components = isObject(spec.components) ? spec.components : {};
  const executors = isObject(spec.deploymentSpec?.executors) ? spec.deploymentSpec.executors : {};
  const tasks = new Map<string, IrTask>();
  for (const [taskName, t] of Object.entries(dagTasks as Doc)) {
    const component = t?.componentRef?.name;
    if (!component || !components[component])
      throw new InvalidPipelineSpec(
        `invalid v2 pipeline spec: task ${taskName} refers to component ${JSON.stringify(component)}, which is not defined`,
      );
    const executor = components[component].executorLabel;
    if (!executor || !executors[executor])
      throw new InvalidPipelineSpec(
        `invalid v2 pipeline spec: component ${component} refers to executor ${JSON.stringify(executor)}, which is not in deploymentSpec.executors`,
      );
    const inputArtifacts: IrTask['inputArtifacts'] = {};
    for (const [input, a] of Object.entries((t.inputs?.artifacts ?? {}) as Doc)) {
      const producer = a?.taskOutputArtifact;
      if (producer) inputArtifacts[input] = { producerTask: producer.producerTask, outputArtifactKey: producer.outputArtifactKey };
    }
    tasks.set(taskName, {
      name: taskName,
      displayName: typeof t.taskInfo?.name === 'string' && t.taskInfo.name ? t.taskInfo.name : taskName,
      component,
      executor,
      dependentTasks: Array.isArray(t.dependentTasks) ? t.dependentTasks.map(String) : [],
      inputArtifacts,
      outputArtifacts: Object.keys(components[component].outputDefinitions?.artifacts ?? {}),
    });
  }
  for (const t of tasks.values()) {
    for (const d of t.dependentTasks)
      if (!tasks.has(d))
        throw new InvalidPipelineSpec(`invalid v2 pipeline spec: task ${t.name} depends on ${d}, which is not a task of the DAG`);
    for (const [input, a] of Object.entries(t.inputArtifacts))
      if (!tasks.has(a.producerTask))
        throw new InvalidPipelineSpec(
          `invalid v2 pipeline spec: input ${input} of task ${t.name} comes from unknown task ${a.producerTask}`,
        );
  }
  return { name, spec, platform, tasks: topologicalOrder(tasks) };
}

function topologicalOrder(tasks: Map<string, IrTask>): IrTask[] {
  const ordered: IrTask[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: IrTask, path: string[]) => {
    if (state.get(t.name) === 'done') return;
    if (state.get(t.name) === 'visiting')
      throw new InvalidPipelineSpec(`invalid v2 pipeline spec: the DAG has a cycle: ${[...path, t.name].join(' → ')}`);
    state.set(t.name, 'visiting');
    for (const d of [...t.dependentTasks, ...Object.values(t.inputArtifacts).map((a) => a.producerTask)])
      visit(tasks.get(d)!, [...path, t.name]);
    state.set(t.name, 'done');
    ordered.push(t);
  };
  for (const t of [...tasks.values()].sort((a, b) => a.name.localeCompare(b.name))) visit(t, []);
  return ordered;
}

function isObject(x: unknown): x is Doc {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
