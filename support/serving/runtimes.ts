// Model servers as the RHOAI 2.9 dashboard makes them (odh-dashboard rhoai-2.9
// api/k8s/servingRuntimes.ts assembleServingRuntime; workloads.md §5.1-5.3): the ServingRuntime of a
// serving-runtime Template in the dashboard's namespace (label opendatahub.io/dashboard), copied
// under the server's name with the dashboard's labels and annotations, its first container sized as
// the chosen "Model server size" (modelServerSizes) with the /dev/shm volume, and — on the
// multi-model platform — its replicas and the annotations enable-route / enable-auth of the form's
// "external route" and "token authentication" boxes (set to "true" when ticked, left out otherwise).
// opendatahub.io/template-name is the name of the Template's ServingRuntime object, not of the
// Template (servingRuntimes.ts l.69: `servingRuntime.metadata.name`, the runtime taken from the
// template): "ovms" for the ovms Template, "caikit-tgis-runtime" for caikit-tgis-serving-template.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject } from '../core/cluster';
import { k8sName } from '../tutorial/names';
import type { RhoaiWorld } from '../core/world';
import { applicationsNamespace, DASHBOARD_LABEL } from '../rhoai/names';

export const TEMPLATE_API = 'template.openshift.io/v1';
export const RUNTIME_API = 'serving.kserve.io/v1alpha1';

/** The dashboard's default modelServerSizes (OdhDashboardConfig spec.modelServerSizes). */
export const SERVER_SIZES: Record<string, { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }> = {
  Small: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
  Medium: { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '8', memory: '10Gi' } },
  Large: { requests: { cpu: '6', memory: '16Gi' }, limits: { cpu: '10', memory: '20Gi' } },
};

export interface ServerRequest {
  namespace: string;
  /** The display name the form takes (the object is named after it, k8s-ified). */
  displayName: string;
  /** The serving-runtime Template's display name ("OpenVINO Model Server"). */
  runtimeDisplayName: string;
  platform: 'single' | 'multi';
  size?: keyof typeof SERVER_SIZES;
  replicas?: number;
  externalRoute?: boolean;
  tokenAuth?: boolean;
}

/** The dashboard's namespace (DSCInitialization applicationsNamespace), as support/rhoai reads it. */
export { applicationsNamespace };

/** The serving-runtime Templates the dashboard offers for a platform. */
export async function offeredTemplates(world: RhoaiWorld, platform: 'single' | 'multi'): Promise<KObject[]> {
  const ns = await applicationsNamespace(world);
  const templates = await world.cluster.list(
    { apiVersion: TEMPLATE_API, kind: 'Template', namespace: ns },
    { labelSelector: 'opendatahub.io/dashboard=true' },
  );
  return templates.filter((t) => {
    let support: unknown;
    try {
      support = JSON.parse(t.metadata.annotations?.['opendatahub.io/modelServingSupport'] ?? '[]');
    } catch {
      support = [];
    }
    return Array.isArray(support) && support.includes(platform) && t.objects?.[0]?.kind === 'ServingRuntime';
  });
}

/** The Template offered for the platform under the runtime's display name. */
export async function templateFor(world: RhoaiWorld, platform: 'single' | 'multi', runtimeDisplayName: string): Promise<KObject> {
  const offered = await offeredTemplates(world, platform);
  const displayName = (t: KObject) =>
    t.objects[0].metadata?.annotations?.['openshift.io/display-name'] ?? t.metadata.annotations?.['openshift.io/display-name'];
  const template = offered.find((t) => displayName(t) === runtimeDisplayName);
  expectOk(
    template,
    `the dashboard offers no serving runtime "${runtimeDisplayName}" for the ${platform}-model platform; it offers: ${offered.map(displayName).join(', ') || 'none'} (serving-runtime Templates in ${await applicationsNamespace(world)})`,
  );
  return template;
}

/** Adds (or re-applies) the model server; returns the live ServingRuntime. */
export async function addModelServer(world: RhoaiWorld, req: ServerRequest): Promise<KObject> {
  const template = await templateFor(world, req.platform, req.runtimeDisplayName);
  const runtime: KObject = structuredClone(template.objects[0]);
  const size = SERVER_SIZES[req.size ?? 'Small'];
  expectOk(size, `unknown model server size ${req.size}: the dashboard offers ${Object.keys(SERVER_SIZES).join(', ')}`);
  const containers = (runtime.spec?.containers ?? []) as KObject[];
  expectOk(containers.length, `the ServingRuntime of Template ${template.metadata.name} has no containers`);
  const spec = {
    ...runtime.spec,
    ...(req.platform === 'multi' ? { replicas: req.replicas ?? 1 } : {}),
    containers: containers.map((c, i) =>
      i === 0 ? { ...c, resources: size, volumeMounts: [...(c.volumeMounts ?? []), { name: 'shm', mountPath: '/dev/shm' }] } : c,
    ),
    volumes: [...(runtime.spec?.volumes ?? []), { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } }],
  };
  const annotations: Record<string, string> = {
    ...(runtime.metadata?.annotations ?? {}),
    'openshift.io/display-name': req.displayName,
    'opendatahub.io/template-name': runtime.metadata?.name ?? template.metadata.name!,
    'opendatahub.io/template-display-name': runtime.metadata?.annotations?.['openshift.io/display-name'] ?? req.runtimeDisplayName,
    'opendatahub.io/accelerator-name': '',
    ...(template.metadata.annotations?.['opendatahub.io/apiProtocol']
      ? { 'opendatahub.io/apiProtocol': template.metadata.annotations['opendatahub.io/apiProtocol'] }
      : {}),
    ...(req.platform === 'multi' && req.externalRoute ? { 'enable-route': 'true' } : {}),
    ...(req.platform === 'multi' && req.tokenAuth ? { 'enable-auth': 'true' } : {}),
  };
  const [live] = await world.applyFixture('serving/serving-runtime', {
    name: k8sName(req.displayName),
    namespace: req.namespace,
    annotations,
    spec,
  });
  return live!;
}

/** The ServingRuntime carries what the dashboard writes: its labels, template annotations, multi-model flag. */
export async function assertModelServer(
  world: RhoaiWorld,
  namespace: string,
  name: string,
  wanted: { template: string; multiModel: boolean },
): Promise<KObject> {
  const sr = await world.cluster.get({ apiVersion: RUNTIME_API, kind: 'ServingRuntime', name, namespace });
  expectOk(sr, `there is no ServingRuntime ${namespace}/${name}: the model server was not added`);
  expect(
    sr.metadata.labels?.[DASHBOARD_LABEL],
    `ServingRuntime ${name} is not labelled opendatahub.io/dashboard=true: the dashboard does not list it`,
  ).to.equal('true');
  expect(
    sr.metadata.annotations?.['opendatahub.io/template-name'],
    `ServingRuntime ${name} comes from template ${sr.metadata.annotations?.['opendatahub.io/template-name']}, not ${wanted.template}`,
  ).to.equal(wanted.template);
  expect(
    !!sr.spec?.multiModel,
    `ServingRuntime ${name} has multiModel=${!!sr.spec?.multiModel}: it is a ${sr.spec?.multiModel ? 'multi' : 'single'}-model server`,
  ).to.equal(wanted.multiModel);
  return sr;
}
