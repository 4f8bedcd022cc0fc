// A CA bundle for data science pipelines only (ADV-09; RHOAI 2.9 docs "Adding a CA bundle" for
// pipelines; data-science-pipelines-operator rhoai-2.9 dspipeline_params.go and
// config/internal/apiserver/default/deployment.yaml.tmpl): the DSPA's spec.apiServer.cABundle names a
// ConfigMap of the project; the operator copies it into dsp-trusted-ca-<dspa> (key dsp-ca.crt) and
// mounts that on the API server at /dsp-custom-certs, telling the artifact steps where it is
// (ARTIFACT_COPY_STEP_CABUNDLE_*). Nothing cluster-wide changes: the DSCInitialization's trusted CA
// bundle is left as it was.
import { expect } from 'chai';
import { DEFAULT_INGRESS_CA, INGRESS_CA_KEY } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';
import { ARTIFACTS_CONNECTION, DSPA_NAME, externalStorageOf, waitForPipelineServer } from './server';
import { dataConnection } from '../s3';
import { dataConnectionSecretName } from '../tutorial/names';
import { DSCI_API } from '../rhoai/names';

declare module '../core/world' {
  interface ScenarioFacts {
    pipelinesCa?: { pem: string; dsciBundle: string };
  }
}

/** "Configure pipeline server" with a CA bundle of its own (the cluster's ingress CA here, a real CA the pipeline server is told to trust). */
export async function createPipelineServerWithCaBundle(world: RhoaiWorld, namespace: string): Promise<void> {
  const ingress = await world.cluster.get(DEFAULT_INGRESS_CA);
  const pem = String(ingress?.data?.[INGRESS_CA_KEY] ?? '');
  expect(pem, `${DEFAULT_INGRESS_CA.namespace}/${DEFAULT_INGRESS_CA.name} has no CA certificate to use as the bundle`).to.match(
    /BEGIN CERTIFICATE/,
  );
  const dsci = (await world.cluster.list({ apiVersion: DSCI_API, kind: 'DSCInitialization' }))[0];
  world.facts.pipelinesCa = { pem, dsciBundle: JSON.stringify(dsci?.spec?.trustedCABundle ?? null) };
  await world.applyFixture('pipelines/ca-bundle-configmap', { namespace, pem });
  const connection = await dataConnection(world, namespace, dataConnectionSecretName(ARTIFACTS_CONNECTION));
  await world.applyFixture('pipelines/dspa-secret', {
    namespace,
    accessKeyId: connection.accessKeyId,
    secretAccessKey: connection.secretAccessKey,
  });
  await world.applyFixture('pipelines/dspa-ca-bundle', {
    namespace,
    ...externalStorageOf(connection.endpoint, connection.bucket ?? 'pipeline-artifacts', connection.region),
  });
  await waitForPipelineServer(world, namespace, 'default');
}

/** The operator gave the bundle to the API server (and only to it): dsp-trusted-ca-dspa holds it, the API server mounts it; the cluster's bundle is unchanged. */
export async function assertPipelinesCaBundle(world: RhoaiWorld, namespace: string): Promise<void> {
  const ca = world.facts.pipelinesCa!;
  const copy = await world.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: `dsp-trusted-ca-${DSPA_NAME}`, namespace });
  expect(
    Boolean(copy),
    `the operator made no ConfigMap dsp-trusted-ca-${DSPA_NAME} in ${namespace} from the DSPA's spec.apiServer.cABundle`,
  ).to.equal(true);
  expect(
    Boolean(String(copy!.data?.['dsp-ca.crt'] ?? '').includes(ca.pem.trim())),
    `dsp-trusted-ca-${DSPA_NAME} (key dsp-ca.crt) does not hold the CA bundle of custom-ca-bundle`,
  ).to.equal(true);
  const api = await world.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: `ds-pipeline-${DSPA_NAME}`, namespace });
  const pod = api?.spec?.template?.spec;
  const volume = (pod?.volumes ?? []).find((v: { configMap?: { name: string } }) => v.configMap?.name === `dsp-trusted-ca-${DSPA_NAME}`);
  expect(
    Boolean(volume),
    `the API server ds-pipeline-${DSPA_NAME} has no volume of the ConfigMap dsp-trusted-ca-${DSPA_NAME}: it does not trust the bundle`,
  ).to.equal(true);
  const container = (pod.containers ?? []).find((c: { name: string }) => c.name === 'ds-pipeline-api-server');
  const mount = (container?.volumeMounts ?? []).find((m: { name: string }) => m.name === volume.name);
  expect(mount?.mountPath, `the API server mounts the bundle at ${mount?.mountPath ?? 'nowhere'}, not /dsp-custom-certs`).to.equal(
    '/dsp-custom-certs',
  );
  const env = new Map((container?.env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]));
  expect(
    env.get('ARTIFACT_COPY_STEP_CABUNDLE_CONFIGMAP_NAME'),
    'the API server does not tell the pipeline steps the bundle (ARTIFACT_COPY_STEP_CABUNDLE_CONFIGMAP_NAME)',
  ).to.equal(`dsp-trusted-ca-${DSPA_NAME}`);
  const dsci = (await world.cluster.list({ apiVersion: DSCI_API, kind: 'DSCInitialization' }))[0];
  expect(
    JSON.stringify(dsci?.spec?.trustedCABundle ?? null),
    "the cluster-wide trusted CA bundle (the DSCInitialization's) changed: the bundle was meant for pipelines only",
  ).to.equal(ca.dsciBundle);
  world.report.text(
    'CA bundle for pipelines',
    `dsp-trusted-ca-${DSPA_NAME} (dsp-ca.crt) mounted on ds-pipeline-api-server at ${mount.mountPath}; the DSCInitialization's trustedCABundle unchanged`,
  );
}
