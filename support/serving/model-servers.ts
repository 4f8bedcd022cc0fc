// A model's server as pods: on the single-model platform the model's own predictor (KServe's pods
// labelled serving.kserve.io/inferenceservice=<model>, component=predictor), on the multi-model
// platform the project's model server (ModelMesh's Deployment modelmesh-serving-<server>) that all
// of the project's models share.
import assert from 'node:assert/strict';
import { hasCondition, type KObject } from '../cluster';
import { k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../world';
import { isvcRef, type DeployedModel } from './models';
import { assertModelServer } from './runtimes';

function running(pod: KObject): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');
}

/** The pods that serve the model run and are ready. */
export async function assertModelServerPods(world: RhoaiWorld, model: DeployedModel): Promise<KObject[]> {
  if (model.platform === 'single') {
    const selector = `serving.kserve.io/inferenceservice=${model.name},component=predictor`;
    const pods = await world.cluster.waitForList({ apiVersion: 'v1', kind: 'Pod', namespace: model.namespace }, (ps) => ps.some(running), { labelSelector: selector, describe: `a ready predictor pod of ${model.name} (${selector})` });
    const pod = pods.find(running)!;
    const names = (pod.spec.containers as KObject[]).map((c) => c.name);
    assert.ok(names.includes('kserve-container'), `predictor pod ${pod.metadata.name} runs ${names.join(', ')}, without the runtime's kserve-container`);
    world.report.text('predictor pods', pods.map((p) => `${p.metadata.name}: ${(p.spec.containers as KObject[]).map((c) => `${c.name} (${c.image})`).join(', ')}`).join('\n'));
    return pods;
  }
  const deployment = `modelmesh-serving-${model.runtime}`;
  await world.cluster.waitFor({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, namespace: model.namespace }, (d) => {
    if (!d) return false;
    return hasCondition('Available')(d);
  }, { describe: `ModelMesh's Deployment ${model.namespace}/${deployment} of the model server ${model.runtime} to be Available (ModelMesh serves the projects labelled modelmesh-enabled=true)` });
  const pods = (await world.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace: model.namespace }, { labelSelector: `name=${deployment}` })).filter(running);
  assert.ok(pods.length, `no ready pod of ${deployment} in ${model.namespace}`);
  world.report.text('model server pods', pods.map((p) => `${p.metadata.name}: ${(p.spec.containers as KObject[]).map((c) => c.name).join(', ')}`).join('\n'));
  return pods;
}

/** The models run on the one model server: same runtime, one ModelMesh Deployment for the project. */
export async function assertOneServer(world: RhoaiWorld, models: DeployedModel[], server: string): Promise<void> {
  const name = k8sName(server);
  const namespace = models[0]!.namespace;
  for (const m of models) {
    const isvc = await world.cluster.get(isvcRef(m.namespace, m.name));
    assert.equal(isvc?.spec?.predictor?.model?.runtime, name, `model ${m.name} runs on ${isvc?.spec?.predictor?.model?.runtime}, not on the model server ${name}`);
    assert.equal(m.namespace, namespace, `model ${m.name} is in ${m.namespace}, not in ${namespace}`);
  }
  const deployments = await world.cluster.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace }, { labelSelector: 'modelmesh-service=modelmesh-serving' });
  assert.deepEqual(deployments.map((d) => d.metadata.name), [`modelmesh-serving-${name}`], `project ${namespace} has the ModelMesh Deployments ${deployments.map((d) => d.metadata.name).join(', ') || 'none'}: its models do not share one model server`);
  world.report.text('one model server', `${models.map((m) => m.name).join(' and ')} on ${name}: Deployment ${namespace}/modelmesh-serving-${name}`);
}

/** On the single-model platform the model has a model server of its own, named after it, from the template; its pods run. */
export async function assertOwnModelServer(world: RhoaiWorld, model: DeployedModel, template: string): Promise<void> {
  assert.equal(model.runtime, model.name, `the single-model platform gives each model its own model server named after it; ${model.name} runs on ${model.runtime}`);
  await assertModelServer(world, model.namespace, model.runtime, { template, multiModel: false });
  await assertModelServerPods(world, model);
}

/** The model runs on the multi-model server `server` (display name), made from the ovms template; its pods run. */
export async function assertMultiModelServer(world: RhoaiWorld, model: DeployedModel, server: string): Promise<void> {
  await assertModelServer(world, model.namespace, model.runtime, { template: 'ovms', multiModel: true });
  assert.equal(model.runtime, server.toLowerCase().replace(/\s/g, '-'), `the model runs on ${model.runtime}, not on the model server "${server}"`);
  await assertModelServerPods(world, model);
}
