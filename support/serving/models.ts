// Deployed models: InferenceServices as the RHOAI 2.9 dashboard writes them (workloads.md §5.2,
// §5.3), their readiness as KServe and ModelMesh report it (the Ready condition and
// modelStatus.states.activeModelState Loaded — what the dashboard shows), and what the scenario
// learns about them (world.facts.serving).
import { expect } from 'chai';
import type { KObject, ObjectRef } from '../core/cluster';
import { dataConnectionSecretName, k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { choosePlatform } from './platform';
import { addModelServer, SERVER_SIZES } from './runtimes';

export const ISVC_API = 'serving.kserve.io/v1beta1';
export const ENABLE_AUTH = 'security.opendatahub.io/enable-auth';

export interface DeployedModel {
  namespace: string;
  name: string;
  platform: 'single' | 'multi';
  /** The ServingRuntime serving it. */
  runtime: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The models this scenario deployed or found, by `<namespace>/<name>`; the last one is `current`. */
    serving?: { models: Record<string, DeployedModel>; current?: string };
  }
}

export const isvcRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: ISVC_API,
  kind: 'InferenceService',
  name,
  namespace,
});

/** A framework as the dashboard's list shows it: "onnx - 1" (format and version) or "caikit" (a format the runtime lists without version). */
export function parseFramework(text: string): { name: string; version?: string } {
  const m = /^\s*([A-Za-z0-9_.]+(?:[-_][A-Za-z0-9_.]+)*?)\s*(?:\s-\s*([A-Za-z0-9_.-]+))?\s*$/.exec(text);
  if (!m)
    throw new Error(
      `framework "${text}" is not "<format> - <version>" or "<format>" as the dashboard lists it (e.g. "onnx - 1", "caikit")`,
    );
  return m[2] ? { name: m[1]!, version: m[2] } : { name: m[1]! };
}

export function remember(world: RhoaiWorld, model: DeployedModel): void {
  const key = `${model.namespace}/${model.name}`;
  world.facts.serving = { models: { ...(world.facts.serving?.models ?? {}), [key]: model }, current: key };
}

/** The model the scenario deployed last (or the one named). */
export function currentModel(world: RhoaiWorld, name?: string): DeployedModel {
  const s = world.facts.serving;
  const found = name
    ? Object.values(s?.models ?? {})
        .filter((m) => m.name === name)
        .pop()
    : s?.current
      ? s.models[s.current]
      : undefined;
  if (!found) throw new Error(`no deployed model${name ? ` "${name}"` : ''} in this scenario: a step that deploys it must come first`);
  return found;
}

export interface SingleModelRequest {
  namespace: string;
  displayName: string;
  runtimeDisplayName: string;
  framework: string;
  /** The data connection's display name ("My Storage"). */
  connection: string;
  path: string;
  tokenAuth?: boolean;
  size?: keyof typeof SERVER_SIZES;
}

/**
 * The KServe "Deploy model": the project labelled single-model, the ServingRuntime named after the
 * model from the chosen runtime's Template, then the InferenceService.
 */
export async function deploySingleModel(world: RhoaiWorld, req: SingleModelRequest): Promise<DeployedModel> {
  const name = k8sName(req.displayName);
  const modelFormat = parseFramework(req.framework);
  await choosePlatform(world, req.namespace, 'single-model');
  const runtime = await addModelServer(world, {
    namespace: req.namespace,
    displayName: req.displayName,
    runtimeDisplayName: req.runtimeDisplayName,
    platform: 'single',
    size: req.size,
  });
  const annotations: Record<string, string> = {
    'openshift.io/display-name': req.displayName,
    'serving.knative.openshift.io/enablePassthrough': 'true',
    'sidecar.istio.io/inject': 'true',
    'sidecar.istio.io/rewriteAppHTTPProbers': 'true',
    ...(req.tokenAuth ? { [ENABLE_AUTH]: 'true' } : {}),
  };
  await world.applyFixture('serving/inference-service-kserve', {
    name,
    namespace: req.namespace,
    annotations,
    modelFormat,
    runtime: runtime.metadata.name,
    storageKey: dataConnectionSecretName(req.connection),
    storagePath: req.path.replace(/^\/+/, ''),
    resources: SERVER_SIZES[req.size ?? 'Small'],
  });
  const model: DeployedModel = { namespace: req.namespace, name, platform: 'single', runtime: runtime.metadata.name! };
  remember(world, model);
  return model;
}

export interface MultiModelRequest {
  namespace: string;
  displayName: string;
  /** The project's model server (its display name). */
  server: string;
  framework: string;
  connection: string;
  path: string;
}

/** The ModelMesh "Deploy model" on the project's model server. */
export async function deployMultiModel(world: RhoaiWorld, req: MultiModelRequest): Promise<DeployedModel> {
  const name = k8sName(req.displayName);
  const modelFormat = parseFramework(req.framework);
  const server = k8sName(req.server);
  await world.applyFixture('serving/inference-service-modelmesh', {
    name,
    namespace: req.namespace,
    displayName: req.displayName,
    modelFormat,
    runtime: server,
    storageKey: dataConnectionSecretName(req.connection),
    storagePath: req.path.replace(/^\/+/, ''),
  });
  const model: DeployedModel = { namespace: req.namespace, name, platform: 'multi', runtime: server };
  remember(world, model);
  return model;
}

/** Why a model will not become ready (a terminal state), or undefined while it may still. */
export function modelProblem(isvc: KObject): string | undefined {
  const ms = isvc.status?.modelStatus;
  const failure = ms?.lastFailureInfo;
  const where = `InferenceService ${isvc.metadata.namespace}/${isvc.metadata.name}`;
  if (ms?.transitionStatus === 'InvalidSpec')
    return `${where} is not served: modelStatus.transitionStatus InvalidSpec, ${failure?.reason ?? 'no reason'}: ${failure?.message ?? ''}`;
  if (ms?.states?.activeModelState === 'FailedToLoad')
    return `${where}: the model failed to load (modelStatus FailedToLoad), ${failure?.reason ?? ''}: ${failure?.message ?? 'no message'}`;
  return undefined;
}

/** The model fails to load (a terminal state, never Ready), and the reason names `words`; the report shows the reason. */
export async function assertModelFailsToLoad(world: RhoaiWorld, name: string, words: string): Promise<void> {
  const model = currentModel(world, name);
  const isvc = await world.cluster.waitFor(
    isvcRef(model.namespace, model.name),
    (i) => {
      if (!i) return false;
      if ((i.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'))
        return { fail: `InferenceService ${model.namespace}/${model.name} became Ready: the runtime loaded a model that lacks ${words}` };
      return !!modelProblem(i);
    },
    { describe: `InferenceService ${model.namespace}/${model.name} to fail to load its model` },
  );
  const problem = modelProblem(isvc!)!;
  world.report.text('load failure', problem);
  expect(problem.includes(words), `the model ${name} failed to load, but not because of ${words}: ${problem}`).to.equal(true);
}

const conditionTrue = (i: KObject, type: string) =>
  (i.status?.conditions ?? []).some((c: KObject) => c.type === type && c.status === 'True');

/**
 * Ready as KServe reports it. Not status.observedGeneration: KServe copies the Knative Service's
 * observed generation there (PropagateStatus, kserve rhoai-2.9
 * pkg/apis/serving/v1beta1/inference_service_status.go), and an annotation such as
 * security.opendatahub.io/enable-auth moves the Knative Service's generation but not the
 * InferenceService's — the two need never be equal again. On the single-model (Serverless)
 * platform: Ready and PredictorReady True and the predictor's latest created revision is its latest
 * ready one (a change still rolling out is not ready yet); on both platforms the model Loaded.
 */
export function servedAsReported(i: KObject): boolean {
  if (!conditionTrue(i, 'Ready') || i.status?.modelStatus?.states?.activeModelState !== 'Loaded') return false;
  if (i.metadata.annotations?.['serving.kserve.io/deploymentMode'] === 'ModelMesh') return true;
  const predictor = i.status?.components?.predictor;
  return (
    conditionTrue(i, 'PredictorReady') &&
    !!predictor?.latestCreatedRevision &&
    predictor.latestCreatedRevision === predictor.latestReadyRevision
  );
}

/** The Ready condition and the loaded model, as the dashboard shows a deployed model. */
export async function waitForModelReady(world: RhoaiWorld, namespace: string, name: string): Promise<KObject> {
  const isvc = await world.cluster.waitFor(
    isvcRef(namespace, name),
    (i) => {
      if (!i) return false;
      const problem = modelProblem(i);
      if (problem) return { fail: problem };
      return servedAsReported(i);
    },
    { describe: `InferenceService ${namespace}/${name} to be Ready with its model Loaded` },
  );
  return isvc!;
}

/** A KServe model is ready as §5.2 says: Ready, PredictorReady and IngressReady True, model Loaded, an https URL. */
export function assertKServeReady(isvc: KObject): void {
  const where = `InferenceService ${isvc.metadata.namespace}/${isvc.metadata.name}`;
  for (const type of ['PredictorReady', 'IngressReady', 'Ready']) {
    const c = (isvc.status?.conditions ?? []).find((x: KObject) => x.type === type);
    expect(c?.status, `${where}: condition ${type} is ${c ? `${c.status} (${c.reason ?? ''}: ${c.message ?? ''})` : 'missing'}`).to.equal(
      'True',
    );
  }
  expect(
    isvc.status?.modelStatus?.states?.activeModelState,
    `${where}: modelStatus.states.activeModelState is ${isvc.status?.modelStatus?.states?.activeModelState}, not Loaded`,
  ).to.equal('Loaded');
  expect(String(isvc.status?.url ?? ''), `${where}: status.url ${isvc.status?.url ?? '(none)'} is not an https URL`).to.match(
    /^https:\/\//,
  );
}

/** The InferenceService is served by the named runtime and platform (deploymentMode). */
export function assertServedBy(isvc: KObject, runtime: string, platform: 'single' | 'multi'): void {
  const where = `InferenceService ${isvc.metadata.namespace}/${isvc.metadata.name}`;
  expect(
    isvc.spec?.predictor?.model?.runtime,
    `${where} runs on ${isvc.spec?.predictor?.model?.runtime}, not on the model server ${runtime}`,
  ).to.equal(runtime);
  const mode = isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'];
  if (platform === 'multi')
    expect(mode, `${where} has deploymentMode ${mode ?? '(default, Serverless)'}, not ModelMesh`).to.equal('ModelMesh');
  else expect(mode, `${where} has deploymentMode ModelMesh: it is a multi-model deployment`).to.not.equal('ModelMesh');
}
