// The twin's dashboard component: what ships with the rhods-dashboard Deployment (odh-dashboard-config
// with the 2.9 defaults, the serving-runtime Templates, the notebook ImageStreams while workbenches
// is Managed), who owns it afterwards, the start-up GPU migration, the GPU node, and the faults.
// The rhods-operator's part (its CRDs, the DataScienceCluster, the dashboard Deployment) is played
// here directly, so these tests do not depend on the DataScienceCluster controller.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { loadYamlObjects } from '../../../twin/bootstrap';
import { contains, servingRuntimeTemplates } from '../../../twin/controllers/dashboard';
import { applications, usernameTranslate, type AppsBackend } from '../../../twin/emulators/dashboard-apps';
import { conditionOf } from '../../../twin/controllers/runtime';
import { startTwin, type Twin } from '../../../twin/server';
import { waitFor as poll } from './helpers';

const APPS = 'redhat-ods-applications';
const CONFIG = 'opendatahub.io/v1alpha';
const PROFILE = 'dashboard.opendatahub.io/v1';
const DSC = 'datasciencecluster.opendatahub.io/v1';
const CRDS = join(__dirname, '../../../twin/crds');

/** Generous: other suites may load the machine while this one runs. */
const waitFor = <T>(what: string, probe: () => T) => poll(what, probe, 15_000);
const settle = () => new Promise((r) => setTimeout(r, 150));

interface Cluster {
  twin: Twin;
  client: TwinClient;
}

/** A twin with the rhods-operator's CRDs and the applications namespace, and a DataScienceCluster managing the given components. */
async function cluster(
  faults: string[] = [],
  components: Record<string, string> = { dashboard: 'Managed', workbenches: 'Managed' },
): Promise<Cluster> {
  const twin = await startTwin({ faults, log: () => undefined });
  const client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
  for (const file of ['rhods-operator.yaml', 'component-dashboard.yaml'])
    for (const crd of loadYamlObjects(join(CRDS, file))) client.create(crd);
  client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS } });
  client.create({
    apiVersion: DSC,
    kind: 'DataScienceCluster',
    metadata: { name: 'default-dsc' },
    spec: { components: Object.fromEntries(Object.entries(components).map(([k, v]) => [k, { managementState: v }])) },
  });
  return { twin, client };
}

/** What the rhods-operator deploys for the dashboard. */
function deployDashboard(c: Cluster): void {
  c.client.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'rhods-dashboard', namespace: APPS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'rhods-dashboard' } },
      template: {
        metadata: { labels: { app: 'rhods-dashboard' } },
        spec: {
          containers: [
            {
              name: 'rhods-dashboard',
              image: 'registry.redhat.io/rhoai/odh-dashboard-rhel8:v2.9',
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  });
}

/** `oc rollout restart`: a new pod template, so new dashboard pods start. */
function restartDashboard(c: Cluster): void {
  c.client.patch('apps/v1', 'Deployment', 'rhods-dashboard', APPS, {
    spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } },
  });
}

function dashboardAvailable(c: Cluster): boolean {
  const d = c.client.get('apps/v1', 'Deployment', 'rhods-dashboard', APPS);
  return conditionOf(d, 'Available')?.status === 'True' && d?.status?.observedGeneration === d?.metadata.generation;
}

const config = (c: Cluster) => c.client.get(CONFIG, 'OdhDashboardConfig', 'odh-dashboard-config', APPS);
const templates = (c: Cluster) =>
  c.client.list('template.openshift.io/v1', 'Template', APPS, { labelSelector: 'opendatahub.io/dashboard=true' });
const images = (c: Cluster) =>
  c.client.list('image.openshift.io/v1', 'ImageStream', APPS, { labelSelector: 'opendatahub.io/notebook-image=true' });
const profiles = (c: Cluster) => c.client.list(PROFILE, 'AcceleratorProfile', APPS);
const migrationFlag = (c: Cluster) => c.client.get('v1', 'ConfigMap', 'migration-gpu-status', APPS);
const managers = (o: KObject | undefined) => ((o?.metadata.managedFields ?? []) as { manager: string }[]).map((m) => m.manager);

describe('the twin dashboard component', () => {
  let c: Cluster;
  before(async () => {
    c = await cluster([], { dashboard: 'Managed', workbenches: 'Removed' });
  });
  after(() => c.twin.stop());

  test('ships nothing until the rhods-dashboard Deployment exists', async () => {
    await settle();
    assert.equal(config(c), undefined);
    assert.equal(templates(c).length, 0);
  });

  test('with the Deployment: odh-dashboard-config with the 2.9 defaults, owned by the dashboard', async () => {
    deployDashboard(c);
    const cfg = await waitFor('odh-dashboard-config', () => config(c));
    const d = cfg.spec.dashboardConfig;
    assert.deepEqual(
      [d.disableKServe, d.disableModelMesh, d.disableTracking, d.disableAcceleratorProfiles, d.disableModelRegistry],
      [false, false, false, false, true],
    );
    assert.deepEqual(cfg.spec.groupsConfig, { adminGroups: 'rhods-admins', allowedGroups: 'system:authenticated' });
    assert.deepEqual(cfg.spec.notebookController, {
      enabled: true,
      pvcSize: '20Gi',
      notebookNamespace: 'rhods-notebooks',
      notebookTolerationSettings: { enabled: false, key: 'NotebooksOnly' },
    });
    assert.deepEqual(
      cfg.spec.notebookSizes.map(
        (s: KObject) =>
          `${s.name} ${s.resources.requests.cpu}/${s.resources.requests.memory} ${s.resources.limits.cpu}/${s.resources.limits.memory}`,
      ),
      ['Small 1/8Gi 2/8Gi', 'Medium 3/24Gi 6/24Gi', 'Large 7/56Gi 14/56Gi', 'X Large 15/120Gi 30/120Gi'],
    );
    assert.deepEqual(
      cfg.spec.modelServerSizes.map((s: KObject) => s.name),
      ['Small', 'Medium', 'Large'],
    );
    assert.deepEqual([cfg.spec.templateOrder, cfg.spec.templateDisablement], [[], []]);
    assert.deepEqual(managers(cfg), ['rhods-dashboard']);
  });

  test('the four pre-installed serving-runtime templates, as the dashboard lists them', async () => {
    const list = await waitFor('four templates', () => (templates(c).length === 4 ? templates(c) : undefined));
    const summary = list
      .map(
        (t) =>
          `${t.metadata.name}: ${t.objects[0].metadata.name} ${t.metadata.annotations?.['opendatahub.io/modelServingSupport']} ${t.metadata.annotations?.['opendatahub.io/apiProtocol']} ootb=${t.metadata.labels?.['opendatahub.io/ootb']}`,
      )
      .sort();
    assert.deepEqual(summary, [
      'caikit-tgis-serving-template: caikit-tgis-runtime ["single"] REST ootb=true',
      'kserve-ovms: kserve-ovms ["single"] REST ootb=true',
      'ovms: ovms ["multi"] REST ootb=true',
      'tgis-grpc-serving-template: tgis-grpc-runtime ["single"] gRPC ootb=true',
    ]);
    const ovms = list.find((t) => t.metadata.name === 'kserve-ovms')!;
    assert.equal(ovms.objects[0].kind, 'ServingRuntime');
    assert.equal(ovms.objects[0].metadata.annotations['openshift.io/display-name'], 'OpenVINO Model Server');
    assert.ok(
      list.every((t) => t.objects[0].metadata.annotations['opendatahub.io/recommended-accelerators'] === '["nvidia.com/gpu"]'),
      'the 2.9 runtimes recommend the NVIDIA GPU',
    );
  });

  test('no notebook images while workbenches is not Managed; all eight once it is', async () => {
    await settle();
    assert.equal(images(c).length, 0);
    c.client.patch(DSC, 'DataScienceCluster', 'default-dsc', undefined, {
      spec: { components: { workbenches: { managementState: 'Managed' } } },
    });
    const list = await waitFor('eight images', () => (images(c).length === 8 ? images(c) : undefined));
    const recommended = Object.fromEntries(
      list.map((i) => [i.metadata.name, i.metadata.annotations?.['opendatahub.io/recommended-accelerators'] ?? null]),
    );
    assert.deepEqual(recommended, {
      'code-server-notebook': null,
      'habana-notebook': '["habana.ai/gaudi"]',
      'minimal-gpu': '["nvidia.com/gpu"]',
      'odh-trustyai-notebook': null,
      pytorch: '["nvidia.com/gpu"]',
      's2i-generic-data-science-notebook': null,
      's2i-minimal-notebook': null,
      tensorflow: '["nvidia.com/gpu"]',
    });
    const tf = list.find((i) => i.metadata.name === 'tensorflow')!;
    assert.equal(tf.metadata.annotations?.['opendatahub.io/notebook-image-name'], 'TensorFlow');
    assert.deepEqual(
      tf.spec.tags.map((t: KObject) => t.name),
      ['2024.1', '2023.2'],
    );
    assert.match(
      JSON.parse(tf.spec.tags[0].annotations['opendatahub.io/notebook-software'])
        .map((s: KObject) => `${s.name} ${s.version}`)
        .join(', '),
      /TensorFlow 2\.15/,
    );
    await waitFor('image status', () =>
      images(c).every(
        (i) => i.status?.dockerImageRepository === `image-registry.openshift-image-registry.svc:5000/${APPS}/${i.metadata.name}`,
      ),
    );
  });

  test('the admins own the configuration: a change stays; shipped templates and images come back as they ship', async () => {
    c.client.patch(CONFIG, 'OdhDashboardConfig', 'odh-dashboard-config', APPS, { spec: { dashboardConfig: { disableKServe: true } } });
    c.client.delete('template.openshift.io/v1', 'Template', 'ovms', APPS);
    c.client.patch('image.openshift.io/v1', 'ImageStream', 'pytorch', APPS, {
      metadata: { annotations: { 'opendatahub.io/notebook-image-name': 'Torch' } },
    });
    await waitFor('ovms back', () => templates(c).some((t) => t.metadata.name === 'ovms'));
    await waitFor(
      'pytorch renamed back',
      () =>
        images(c).find((i) => i.metadata.name === 'pytorch')?.metadata.annotations?.['opendatahub.io/notebook-image-name'] === 'PyTorch',
    );
    assert.equal(config(c)!.spec.dashboardConfig.disableKServe, true, 'the dashboard never overwrites its configuration');
    const live = templates(c).find((t) => t.metadata.name === 'ovms')!;
    assert.ok(
      contains(
        live,
        servingRuntimeTemplates(APPS).find((t) => t.metadata.name === 'ovms'),
      ),
      'restored as it ships',
    );
  });

  test('the CRD prunes fields the 2.9 dashboard does not know', () => {
    c.client.patch(CONFIG, 'OdhDashboardConfig', 'odh-dashboard-config', APPS, {
      spec: { dashboardConfig: { disableNotARealSwitch: true } },
    });
    assert.equal(config(c)!.spec.dashboardConfig.disableNotARealSwitch, undefined);
  });

  test('AcceleratorProfile is served as v1 (stored) and v1alpha, and needs displayName, enabled and identifier', () => {
    c.client.create({
      apiVersion: 'dashboard.opendatahub.io/v1alpha',
      kind: 'AcceleratorProfile',
      metadata: { name: 'old-style', namespace: APPS },
      spec: { displayName: 'Old', enabled: false, identifier: 'example.com/npu' },
    });
    assert.equal(c.client.get(PROFILE, 'AcceleratorProfile', 'old-style', APPS)?.spec.identifier, 'example.com/npu');
    assert.throws(
      () =>
        c.client.create({
          apiVersion: PROFILE,
          kind: 'AcceleratorProfile',
          metadata: { name: 'incomplete', namespace: APPS },
          spec: { displayName: 'X' },
        }),
      /enabled|identifier|Required/,
    );
    c.client.delete(PROFILE, 'AcceleratorProfile', 'old-style', APPS);
  });
});

describe('the twin dashboard GPU migration (odh-dashboard cleanupGPU)', () => {
  let c: Cluster;
  before(async () => {
    c = await cluster();
    deployDashboard(c);
  });
  after(() => c.twin.stop());

  test('the GPU worker advertises one nvidia.com/gpu, is labelled as the seed says, and tainted nvidia-gpu-only', () => {
    const gpu = c.client.get('v1', 'Node', 'worker-gpu-0')!;
    assert.equal(gpu.status.allocatable['nvidia.com/gpu'], '1');
    assert.equal(gpu.metadata.labels!['cluster-api/accelerator'], 'nvidia-gpu');
    assert.equal(gpu.metadata.labels!['nvidia.com/gpu.present'], 'true');
    assert.deepEqual(gpu.spec.taints, [{ key: 'nvidia-gpu-only', effect: 'NoSchedule' }]);
  });

  test('the first dashboard start finds GPUs and no profile: it creates migrated-gpu and records the migration', async () => {
    await waitFor('migration recorded', () => migrationFlag(c));
    assert.deepEqual(migrationFlag(c)!.data, { migratedCompleted: 'true' });
    const [profile, ...more] = profiles(c);
    assert.equal(more.length, 0);
    assert.equal(profile.metadata.name, 'migrated-gpu');
    assert.deepEqual(profile.spec, {
      displayName: 'NVIDIA GPU',
      identifier: 'nvidia.com/gpu',
      enabled: true,
      tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }],
    });
  });

  test('a restart with the migration flag present does nothing', async () => {
    c.client.delete(PROFILE, 'AcceleratorProfile', 'migrated-gpu', APPS);
    restartDashboard(c);
    await waitFor('the new rollout is available', () => dashboardAvailable(c));
    await settle();
    assert.equal(profiles(c).length, 0);
  });

  test('deleting the flag and restarting re-runs it (the documented GPU enablement); an existing profile stops it from creating another', async () => {
    c.client.delete('v1', 'ConfigMap', 'migration-gpu-status', APPS);
    restartDashboard(c);
    await waitFor('migrated-gpu again', () => profiles(c).find((p) => p.metadata.name === 'migrated-gpu'));
    await waitFor('flag again', () => migrationFlag(c));
    c.client.create({
      apiVersion: PROFILE,
      kind: 'AcceleratorProfile',
      metadata: { name: 'nvidia-gpu', namespace: APPS },
      spec: { displayName: 'NVIDIA GPU', enabled: true, identifier: 'nvidia.com/gpu' },
    });
    c.client.delete(PROFILE, 'AcceleratorProfile', 'migrated-gpu', APPS);
    c.client.delete('v1', 'ConfigMap', 'migration-gpu-status', APPS);
    restartDashboard(c);
    await waitFor('flag recorded once more', () => migrationFlag(c));
    assert.deepEqual(
      profiles(c).map((p) => p.metadata.name),
      ['nvidia-gpu'],
    );
  });
});

describe('the twin dashboard faults', () => {
  test('dashboard-config-no-kserve-switch: the CRD has no disableKServe, so the shipped config lacks it and an applied one is pruned', async () => {
    const c = await cluster(['dashboard-config-no-kserve-switch']);
    try {
      deployDashboard(c);
      const cfg = await waitFor('odh-dashboard-config', () => config(c));
      assert.equal(cfg.spec.dashboardConfig.disableKServe, undefined);
      assert.equal(cfg.spec.dashboardConfig.disableModelMesh, false);
      c.client.as('rhoai-harness').apply(
        {
          apiVersion: CONFIG,
          kind: 'OdhDashboardConfig',
          metadata: { name: 'odh-dashboard-config', namespace: APPS },
          spec: { dashboardConfig: { disableKServe: false, disableModelMesh: false } },
        },
        { force: false },
      );
      assert.equal(config(c)!.spec.dashboardConfig.disableKServe, undefined, 'pruned');
    } finally {
      await c.twin.stop();
    }
  });

  test('dashboard-missing-tgis-template: three templates, no TGIS Standalone', async () => {
    const c = await cluster(['dashboard-missing-tgis-template']);
    try {
      deployDashboard(c);
      await waitFor('templates', () => templates(c).length >= 3);
      await settle();
      assert.deepEqual(
        templates(c)
          .map((t) => t.metadata.name)
          .sort(),
        ['caikit-tgis-serving-template', 'kserve-ovms', 'ovms'],
      );
    } finally {
      await c.twin.stop();
    }
  });

  test('gpu-no-capacity: no node advertises nvidia.com/gpu, so the migration creates no profile', async () => {
    const c = await cluster(['gpu-no-capacity']);
    try {
      await waitFor(
        'the GPU worker without nvidia.com/gpu',
        () => c.client.get('v1', 'Node', 'worker-gpu-0')?.status?.allocatable?.['nvidia.com/gpu'] === undefined,
      );
      assert.ok(
        c.client
          .list('v1', 'Node')
          .every((n) => n.status.allocatable['nvidia.com/gpu'] === undefined && n.status.capacity['nvidia.com/gpu'] === undefined),
      );
      deployDashboard(c);
      await waitFor('migration recorded', () => migrationFlag(c));
      assert.equal(profiles(c).length, 0);
    } finally {
      await c.twin.stop();
    }
  });
});

// The applications pages' backend (twin/emulators/dashboard-apps.ts), after odh-dashboard rhoai-2.9
// resourceUtils.ts fetchApplications and componentUtils.ts getIsAppEnabled.
describe('the twin dashboard applications (Enabled, Explore)', () => {
  let c: Cluster;
  let b: AppsBackend;
  const names = (apps: KObject[]) => apps.map((a) => a.metadata.name).sort();
  before(async () => {
    c = await cluster([], { dashboard: 'Managed', workbenches: 'Removed' });
    deployDashboard(c);
    b = { client: c.client, ns: APPS, faults: { has: () => false }, config: () => config(c) };
  });
  after(() => c.twin.stop());

  test('ships the self-managed applications and their documents', async () => {
    await waitFor('the shipped OdhApplications', () => c.client.list(PROFILE, 'OdhApplication', APPS).length === 8 || undefined);
    assert.deepEqual(names(c.client.list(PROFILE, 'OdhApplication', APPS)), [
      'aikit',
      'anaconda-ce',
      'jupyter',
      'openvino',
      'pachyderm',
      'rhoai',
      'starburstenterprise',
      'watson-x-ai',
    ]);
    await waitFor('the shipped OdhDocuments', () => c.client.list(PROFILE, 'OdhDocument', APPS).length === 21 || undefined);
  });

  test('Jupyter is enabled (kfdefApplications, no KfDef on 2.9) and recorded in odh-enabled-applications-config; Explore lists all', () => {
    assert.deepEqual(names(applications(b, true)), ['jupyter']);
    assert.equal(c.client.get('v1', 'ConfigMap', 'odh-enabled-applications-config', APPS)?.data?.jupyter, 'true');
    assert.equal(applications(b, false).length, 8);
  });

  test('an application whose operator CSV succeeded is enabled (csvName, a Subscription installedCSV)', () => {
    c.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'openvino' } });
    c.client.create({
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'Subscription',
      metadata: { name: 'ovms', namespace: 'openvino' },
      spec: { name: 'ovms-operator', source: 'certified-operators', sourceNamespace: 'openshift-marketplace' },
    });
    assert.deepEqual(names(applications(b, true)), ['jupyter'], 'no installed CSV yet');
    c.client.patchStatus('operators.coreos.com/v1alpha1', 'Subscription', 'ovms', 'openvino', {
      installedCSV: 'openvino-operator.v1.1.0',
      installPlanRef: { namespace: 'openvino' },
    });
    c.client.create({
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'ClusterServiceVersion',
      metadata: { name: 'openvino-operator.v1.1.0', namespace: 'openvino' },
      spec: { displayName: 'OpenVINO Toolkit Operator', install: { strategy: 'deployment', spec: { deployments: [] } } },
    });
    assert.deepEqual(names(applications(b, true)), ['jupyter'], 'CSV not Succeeded');
    c.client.patchStatus('operators.coreos.com/v1alpha1', 'ClusterServiceVersion', 'openvino-operator.v1.1.0', 'openvino', {
      phase: 'Succeeded',
    });
    assert.deepEqual(names(applications(b, true)), ['jupyter', 'openvino']);
  });

  test('notebookController.enabled false takes Jupyter off both lists', () => {
    c.client.patch(
      CONFIG,
      'OdhDashboardConfig',
      'odh-dashboard-config',
      APPS,
      { spec: { notebookController: { enabled: false } } },
      'merge',
    );
    assert.ok(!names(applications(b, true)).includes('jupyter'));
    assert.ok(!names(applications(b, false)).includes('jupyter'));
  });

  test('usernameTranslate escapes as the 2.9 backend does', () => {
    assert.equal(usernameTranslate('ds-user1'), 'ds-2duser1');
    assert.equal(usernameTranslate('first.last@example.com'), 'first-2elast-40example-2ecom');
  });
});
