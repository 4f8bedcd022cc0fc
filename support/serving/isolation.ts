// One serving platform per project, as the API shows it: a multi-model server and its model added
// to a single-model project are served by nobody — ModelMesh serves only projects labelled
// modelmesh-enabled=true, and KServe leaves ModelMesh InferenceServices alone. An absence has no
// event, so it is watched for a quiet period: any ModelMesh pod, Deployment or status appearing
// within it fails the step at once.
import { WaitTimeoutError, type KObject } from '../core/cluster';
import { dataConnectionSecretName, k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { addModelServer } from './runtimes';

/** Adds a multi-model server and a model on it, whatever the project's platform (deleted after the scenario). */
export async function addOtherPlatformModel(world: RhoaiWorld, namespace: string, server: string, model: string): Promise<void> {
  const sr = await addModelServer(world, {
    namespace,
    displayName: server,
    runtimeDisplayName: 'OpenVINO Model Server',
    platform: 'multi',
    externalRoute: false,
    tokenAuth: false,
  });
  world.deleteAfterwards(sr);
  const [isvc] = await world.applyFixture('serving/inference-service-modelmesh', {
    name: k8sName(model),
    namespace,
    displayName: model,
    modelFormat: { name: 'onnx', version: '1' },
    runtime: sr.metadata.name,
    storageKey: dataConnectionSecretName('My Storage'),
    storagePath: 'models/fraud',
  });
  world.deleteAfterwards(isvc!);
}

/** Nothing serves the server or its model for `seconds`. */
export async function assertNotServed(world: RhoaiWorld, namespace: string, server: string, model: string, seconds: number): Promise<void> {
  const deployment = `modelmesh-serving-${k8sName(server)}`;
  const quiet = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof WaitTimeoutError) return undefined;
        throw error;
      },
    );
  await Promise.all([
    quiet(
      world.cluster.waitForList(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
        (ds) => {
          const d = ds.find((x) => x.metadata.name === deployment);
          return d
            ? {
                fail: `ModelMesh made the Deployment ${namespace}/${deployment} for the multi-model server "${server}" in a single-model project`,
              }
            : false;
        },
        { timeoutMs: seconds * 1000, describe: `no Deployment ${deployment} in ${namespace} for ${seconds} s` },
      ),
    ),
    quiet(
      world.cluster.waitForList(
        { apiVersion: 'v1', kind: 'Pod', namespace },
        (ps) => {
          const p = ps.find((x) => x.metadata.labels?.['modelmesh-service'] === 'modelmesh-serving');
          return p ? { fail: `ModelMesh runs the pod ${namespace}/${p.metadata.name} in a single-model project` } : false;
        },
        { timeoutMs: seconds * 1000, describe: `no ModelMesh pod in ${namespace} for ${seconds} s` },
      ),
    ),
    quiet(
      world.cluster.waitFor(
        { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: k8sName(model), namespace },
        (i?: KObject) => {
          const status = i?.status ?? {};
          return Object.keys(status).length
            ? {
                fail: `InferenceService ${namespace}/${k8sName(model)} got a status in a single-model project: ${JSON.stringify(status).slice(0, 400)}`,
              }
            : false;
        },
        { timeoutMs: seconds * 1000, describe: `no status on InferenceService ${k8sName(model)} in ${namespace} for ${seconds} s` },
      ),
    ),
  ]);
  world.report.text(
    'not served',
    `for ${seconds} s: no Deployment ${deployment}, no ModelMesh pod, no status on InferenceService ${k8sName(model)} in ${namespace}`,
  );
}
