// A model's server as pods: on the single-model platform the model's own predictor (KServe's pods
// labelled serving.kserve.io/inferenceservice=<model>, component=predictor), on the multi-model
// platform the project's model server (ModelMesh's Deployment modelmesh-serving-<server>) that all
// of the project's models share.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { hasCondition, WaitTimeoutError, type KObject } from '../core/cluster';
import { k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { isvcRef, type DeployedModel } from './models';
import { applicationsNamespace, assertModelServer, RUNTIME_API } from './runtimes';

/** The Service modelmesh-controller keeps in every namespace it serves (service_controller.go). */
export const MODELMESH_SERVICE = 'modelmesh-serving';

function running(pod: KObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True')
  );
}

/** The pods that serve the model run and are ready. */
export async function assertModelServerPods(world: RhoaiWorld, model: DeployedModel): Promise<KObject[]> {
  if (model.platform === 'single') {
    const selector = `serving.kserve.io/inferenceservice=${model.name},component=predictor`;
    const pods = await world.cluster.waitForList({ apiVersion: 'v1', kind: 'Pod', namespace: model.namespace }, (ps) => ps.some(running), {
      labelSelector: selector,
      describe: `a ready predictor pod of ${model.name} (${selector})`,
    });
    const pod = pods.find(running)!;
    const names = (pod.spec.containers as KObject[]).map((c) => c.name);
    expect(
      names.includes('kserve-container'),
      `predictor pod ${pod.metadata.name} runs ${names.join(', ')}, without the runtime's kserve-container`,
    ).to.equal(true);
    world.report.text(
      'predictor pods',
      pods.map((p) => `${p.metadata.name}: ${(p.spec.containers as KObject[]).map((c) => `${c.name} (${c.image})`).join(', ')}`).join('\n'),
    );
    return pods;
  }
  const deployment = `modelmesh-serving-${model.runtime}`;
  try {
    await world.cluster.waitFor(
      { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, namespace: model.namespace },
      (d) => !!d && hasCondition('Available')(d),
      {
        describe: `the Deployment ${model.namespace}/${deployment} of the model server ${model.runtime} to be Available`,
      },
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError)
      throw new Error(`${await whyNoModelServer(world, model.namespace, model.runtime)}\n${error.message}`, { cause: error });
    throw error;
  }
  const pods = (
    await world.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace: model.namespace }, { labelSelector: `name=${deployment}` })
  ).filter(running);
  expectOk(pods.length, `no ready pod of ${deployment} in ${model.namespace}`);
  world.report.text(
    'model server pods',
    pods.map((p) => `${p.metadata.name}: ${(p.spec.containers as KObject[]).map((c) => c.name).join(', ')}`).join('\n'),
  );
  return pods;
}

/** The models run on the one model server: same runtime, one ModelMesh Deployment for the project. */
export async function assertOneServer(world: RhoaiWorld, models: DeployedModel[], server: string): Promise<void> {
  const name = k8sName(server);
  const namespace = models[0]!.namespace;
  for (const m of models) {
    const isvc = await world.cluster.get(isvcRef(m.namespace, m.name));
    expect(
      isvc?.spec?.predictor?.model?.runtime,
      `model ${m.name} runs on ${isvc?.spec?.predictor?.model?.runtime}, not on the model server ${name}`,
    ).to.equal(name);
    expect(m.namespace, `model ${m.name} is in ${m.namespace}, not in ${namespace}`).to.equal(namespace);
  }
  const deployments = await world.cluster.list(
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
    { labelSelector: 'modelmesh-service=modelmesh-serving' },
  );
  expect(
    deployments.map((d) => d.metadata.name),
    `project ${namespace} has the ModelMesh Deployments ${deployments.map((d) => d.metadata.name).join(', ') || 'none'}: its models do not share one model server`,
  ).to.deep.equal([`modelmesh-serving-${name}`]);
  world.report.text(
    'one model server',
    `${models.map((m) => m.name).join(' and ')} on ${name}: Deployment ${namespace}/modelmesh-serving-${name}`,
  );
}

/** On the single-model platform the model has a model server of its own, named after it, from the template; its pods run. */
export async function assertOwnModelServer(world: RhoaiWorld, model: DeployedModel, template: string): Promise<void> {
  expect(
    model.runtime,
    `the single-model platform gives each model its own model server named after it; ${model.name} runs on ${model.runtime}`,
  ).to.equal(model.name);
  await assertModelServer(world, model.namespace, model.runtime, { template, multiModel: false });
  await assertModelServerPods(world, model);
}

/** The model runs on the multi-model server `server` (display name), made from the ovms template; its pods run. */
export async function assertMultiModelServer(world: RhoaiWorld, model: DeployedModel, server: string): Promise<void> {
  await assertModelServer(world, model.namespace, model.runtime, { template: 'ovms', multiModel: true });
  expect(model.runtime, `the model runs on ${model.runtime}, not on the model server "${server}"`).to.equal(
    server.toLowerCase().replace(/\s/g, '-'),
  );
  await assertModelServerPods(world, model);
}

/** Why ModelMesh runs no model server `runtime` in `namespace`: what the cluster shows about each thing it needs. */
async function whyNoModelServer(world: RhoaiWorld, namespace: string, runtime: string): Promise<string> {
  const appsNs = await applicationsNamespace(world);
  const controller = await world.cluster.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'modelmesh-controller',
    namespace: appsNs,
  });
  if (!controller || !hasCondition('Available')(controller))
    return `ModelMesh is not running: the Deployment ${appsNs}/modelmesh-controller is ${controller ? 'not Available' : 'missing'}`;
  const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  const label = ns?.metadata.labels?.['modelmesh-enabled'];
  if (label !== 'true')
    return `the project ${namespace} is labelled modelmesh-enabled=${label ?? '(none)'}, not true: ModelMesh serves only the projects of the multi-model platform`;
  const sr = await world.cluster.get({ apiVersion: RUNTIME_API, kind: 'ServingRuntime', name: runtime, namespace });
  if (!sr) return `there is no ServingRuntime ${namespace}/${runtime}: the model server was not added`;
  if (sr.spec?.multiModel !== true)
    return `the ServingRuntime ${namespace}/${runtime} is not a multi-model runtime (spec.multiModel ${sr.spec?.multiModel}): ModelMesh runs only multi-model runtimes`;
  const d = await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: `modelmesh-serving-${runtime}`, namespace });
  if (d)
    return `ModelMesh made the Deployment ${namespace}/modelmesh-serving-${runtime}, but it is not Available (conditions: ${(d.status?.conditions ?? []).map((c: KObject) => `${c.type}=${c.status} ${c.message ?? ''}`).join('; ') || 'none'})`;
  return `ModelMesh does not serve the project ${namespace}: it is labelled modelmesh-enabled=true and has the multi-model ServingRuntime ${runtime}, and modelmesh-controller runs, yet ModelMesh made no Deployment modelmesh-serving-${runtime} for it`;
}

/**
 * ModelMesh takes up (`served`) or lets go a project whose platform the dashboard changed: its
 * ServiceReconciler (service_controller.go, cluster scope) keeps the Service modelmesh-serving in
 * every namespace labelled modelmesh-enabled=true — a model server or not — and deletes it from a
 * namespace that loses the label. What the cluster did with the label, not the label itself.
 */
export async function assertModelMeshServes(world: RhoaiWorld, namespace: string, served: boolean): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Service', name: MODELMESH_SERVICE, namespace };
  const ours = (svc: KObject | undefined) =>
    !!svc && !svc.metadata.deletionTimestamp && svc.metadata.labels?.['modelmesh-service'] === MODELMESH_SERVICE;
  try {
    const svc = await world.cluster.waitFor(ref, (s) => ours(s) === served, {
      describe: `the Service ${namespace}/${MODELMESH_SERVICE} to be ${served ? 'there' : 'gone'}`,
    });
    world.report.text(
      'ModelMesh and the project',
      served
        ? `Service ${namespace}/${MODELMESH_SERVICE}: ports ${((svc?.spec?.ports ?? []) as KObject[]).map((p) => `${p.name} ${p.port}`).join(', ')}`
        : `no Service ${namespace}/${MODELMESH_SERVICE}`,
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const ns = await world.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    const label = ns?.metadata.labels?.['modelmesh-enabled'] ?? '(none)';
    const why = served
      ? `ModelMesh did not take up the project ${namespace}: it is labelled modelmesh-enabled=${label}, yet modelmesh-controller made no Service ${MODELMESH_SERVICE} there (it makes one in every namespace so labelled)`
      : `ModelMesh did not let the project ${namespace} go: it is labelled modelmesh-enabled=${label}, yet the Service ${MODELMESH_SERVICE} of ModelMesh is still there`;
    throw new Error(`${why}\n${error.message}`, { cause: error });
  }
}
