// Workbenches as the RHOAI 2.9 dashboard creates them (checklist "Workbenches"; workloads.md §3.2,
// §4, §9.1): a Notebook (kubeflow.org/v1) with the image of a notebook ImageStream's tag, a size's
// requests and limits from odh-dashboard-config, an accelerator profile's resource and tolerations,
// environment variables in generated Secrets and ConfigMaps, data connections, and a cluster
// storage PVC — all read from the cluster (ImageStreams, OdhDashboardConfig, AcceleratorProfiles),
// never hard-coded. Running is judged as the dashboard judges it: not stopped, and a pod labelled
// notebook-name=<name> whose containers are all ready and running.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { UnknownKindError, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained } from '../core/cluster/explained-wait';
import { allocatableCount, schedulingTaints, tolerates, type Toleration } from '../install/accelerators';
import { schedulable } from '../install/capacity';
import { dashboardNamespace } from '../install/dashboard-config';
import { GIB, parseQuantity } from '../core/cluster/quantity';
import type { RhoaiWorld } from '../core/world';
import { currentProject } from './projects';
import { dataConnectionSecretName, k8sName, stableChars, translateUsername } from './names';
import { addDataConnection } from './storage';

export const NOTEBOOK_API = 'kubeflow.org/v1';
const IMAGESTREAM_API = 'image.openshift.io/v1';
const PROFILE_API = 'dashboard.opendatahub.io/v1';
const CONFIG_API = 'opendatahub.io/v1alpha';
export const STOP_ANNOTATION = 'kubeflow-resource-stopped';
const RECONCILIATION_LOCK = 'odh-notebook-controller-lock';
const RECOMMENDED_TAG = 'opendatahub.io/workbench-image-recommended';
const OUTDATED_TAG = 'opendatahub.io/image-tag-outdated';
type Part = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Waiting reasons of a container that will not start by waiting longer. */
const STUCK = [
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
];

export interface EnvironmentGroup {
  type: 'ConfigMap' | 'Secret';
  values: Record<string, string>;
  /** Names whose value the harness made up ("(generated)"): a kept Secret's value is reused for them. */
  generated?: string[];
}

export interface WorkbenchRequest {
  displayName: string;
  /** The ImageStream's name or the name the dashboard shows for it. */
  image: string;
  size: string;
  /** New cluster storage (default: named after the workbench, with the cluster's default size). */
  storage?: { displayName?: string; size?: string };
  accelerator?: { identifier: string; count: number };
  environment?: EnvironmentGroup[];
  /** An existing data connection (by display name), or a new one for a bucket of the project's storage. */
  dataConnection?: { existing: string } | { create: { displayName: string; bucket: string } };
}

export interface WorkbenchFacts {
  namespace: string;
  name: string;
  displayName: string;
  image: { stream: string; tag: string; url: string; shownAs: string };
  size: { name: string; resources: Part };
  claim: string;
  accelerator?: { profile: string; identifier: string; count: number; tolerations: Part[] };
  environment: { kind: 'ConfigMap' | 'Secret'; name: string; values: Record<string, string> }[];
  dataConnections: string[];
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The workbench the scenario created. */
    workbench?: WorkbenchFacts;
  }
}

export function currentWorkbench(world: RhoaiWorld): WorkbenchFacts {
  const w = world.facts.workbench;
  if (!w) throw new Error('no workbench in this scenario: a step "When I create the workbench ..." must come first');
  return w;
}

const notebookRef = (w: { namespace: string; name: string }): ObjectRef => ({
  apiVersion: NOTEBOOK_API,
  kind: 'Notebook',
  name: w.name,
  namespace: w.namespace,
});

/** The dashboard's configuration (sizes, storage size, toleration settings), read from the cluster. */
async function dashboardConfig(world: RhoaiWorld): Promise<KObject> {
  const ns = dashboardNamespace(world);
  const config = await world.cluster.get({
    apiVersion: CONFIG_API,
    kind: 'OdhDashboardConfig',
    name: 'odh-dashboard-config',
    namespace: ns,
  });
  expectOk(config, `there is no odh-dashboard-config in ${ns}: the dashboard's sizes and storage defaults are unknown`);
  return config;
}

/** The notebook image and the tag the dashboard preselects (the recommended one, else the newest not outdated). */
export async function resolveImage(world: RhoaiWorld, image: string): Promise<WorkbenchFacts['image']> {
  const ns = dashboardNamespace(world);
  const streams = await world.cluster.list(
    { apiVersion: IMAGESTREAM_API, kind: 'ImageStream', namespace: ns },
    { labelSelector: 'opendatahub.io/notebook-image=true' },
  );
  const shownAs = (s: KObject) => s.metadata.annotations?.['opendatahub.io/notebook-image-name'] ?? s.metadata.name!;
  const stream = streams.find((s) => s.metadata.name === image) ?? streams.find((s) => shownAs(s) === image);
  expectOk(
    stream,
    `the dashboard offers no notebook image "${image}" (ImageStreams labelled opendatahub.io/notebook-image=true in ${ns}: ${streams.map((s) => `${s.metadata.name} "${shownAs(s)}"`).join(', ') || 'none'})`,
  );
  const imported = new Set(((stream.status?.tags ?? []) as KObject[]).filter((t) => t.items?.length).map((t) => t.tag as string));
  const tags = ((stream.spec?.tags ?? []) as KObject[]).filter((t) => imported.has(t.name) && t.annotations?.[OUTDATED_TAG] !== 'true');
  const tag =
    tags.find((t) => t.annotations?.[RECOMMENDED_TAG] === 'true') ??
    [...tags].sort((a, b) => String(b.name).localeCompare(String(a.name), undefined, { numeric: true }))[0];
  expectOk(
    tag,
    `notebook image ${stream.metadata.name} has no imported tag that is not outdated (spec.tags: ${((stream.spec?.tags ?? []) as KObject[]).map((t) => t.name).join(', ') || 'none'}; imported: ${[...imported].join(', ') || 'none'})`,
  );
  const repository = stream.status?.dockerImageRepository;
  expectOk(
    repository,
    `notebook image ${stream.metadata.name} has no status.dockerImageRepository: the cluster's internal image registry does not serve it, so the dashboard cannot name its image`,
  );
  return { stream: stream.metadata.name!, tag: tag.name, url: `${repository}:${tag.name}`, shownAs: shownAs(stream) };
}

/** A size of odh-dashboard-config spec.notebookSizes, by name. */
export async function notebookSize(world: RhoaiWorld, name: string): Promise<{ name: string; resources: Part }> {
  const config = await dashboardConfig(world);
  const sizes = (config.spec?.notebookSizes ?? []) as KObject[];
  const size = sizes.find((s) => s.name === name);
  expectOk(size, `odh-dashboard-config offers no notebook size "${name}" (sizes: ${sizes.map((s) => s.name).join(', ') || 'none'})`);
  return { name, resources: structuredClone(size.resources ?? {}) };
}

/**
 * Whether one schedulable node has room for a size's requests: its allocatable CPU and memory minus
 * what the pods placed on it request (pods of the current project left out, so a kept workbench of
 * an earlier run does not count against itself). A size that fits no node would leave the workbench
 * Pending for the whole wait (Medium/Large/X Large ask for 3/24Gi, 7/56Gi, 15/120Gi): undefined
 * when it fits, else why not, with the numbers.
 */
export async function sizeDoesNotFit(world: RhoaiWorld, sizeName: string): Promise<string | undefined> {
  const size = await notebookSize(world, sizeName);
  const requests = (size.resources.requests ?? {}) as Record<string, string>;
  const need = { cpu: parseQuantity(requests.cpu ?? '0'), memory: parseQuantity(requests.memory ?? '0') };
  const project = currentProject(world).name;
  const [nodes, pods] = await Promise.all([
    world.cluster.list({ apiVersion: 'v1', kind: 'Node' }),
    world.cluster.list({ apiVersion: 'v1', kind: 'Pod' }),
  ]);
  const sum = (items: KObject[], r: 'cpu' | 'memory') =>
    items.reduce(
      (n, p) =>
        n +
        ((p.spec?.containers ?? []) as KObject[]).reduce(
          (m, c) => m + parseQuantity(c.resources?.requests?.[r] ?? c.resources?.limits?.[r] ?? '0'),
          0,
        ),
      0,
    );
  const free = nodes.filter(schedulable).map((node) => {
    const placed = pods.filter(
      (p) =>
        p.spec?.nodeName === node.metadata.name && p.metadata.namespace !== project && !['Succeeded', 'Failed'].includes(p.status?.phase),
    );
    return {
      name: node.metadata.name!,
      cpu: parseQuantity(node.status?.allocatable?.cpu ?? '0') - sum(placed, 'cpu'),
      memory: parseQuantity(node.status?.allocatable?.memory ?? '0') - sum(placed, 'memory'),
    };
  });
  const gib = (n: number) => `${Number((n / GIB).toFixed(1))}Gi`;
  const cores = (n: number) => `${Number(n.toFixed(2))}`;
  const table = free.map((n) => `${n.name} free cpu ${cores(n.cpu)}, memory ${gib(n.memory)}`).join('; ') || 'no schedulable node';
  world.report.text(
    `room for the size ${sizeName}`,
    `requests: cpu ${cores(need.cpu)}, memory ${gib(need.memory)}
free (allocatable minus requests of placed pods): ${table}`,
  );
  if (free.some((n) => n.cpu + 1e-9 >= need.cpu && n.memory >= need.memory)) return undefined;
  return `no schedulable node has room for the size "${sizeName}" (requests cpu ${cores(need.cpu)}, memory ${gib(need.memory)}, from odh-dashboard-config): ${table}. A workbench of this size would stay Pending; use larger workers to check it`;
}

/**
 * The accelerator profile a person picks for an identifier: an enabled one (the dashboard offers
 * only those) whose tolerations let a pod onto a node that advertises the identifier. A cluster may
 * have several — the dashboard's own start-up migration makes `migrated-gpu`, tolerating only the
 * key nvidia.com/gpu — and one that tolerates none of those nodes' taints would leave the workbench
 * Pending: it is reported and passed over.
 */
export async function acceleratorProfileFor(world: RhoaiWorld, identifier: string): Promise<KObject> {
  const ns = dashboardNamespace(world);
  const profiles = await world.cluster.list({ apiVersion: PROFILE_API, kind: 'AcceleratorProfile', namespace: ns });
  const candidates = profiles
    .filter((p) => p.spec?.identifier === identifier && p.spec?.enabled)
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  expectOk(
    candidates.length,
    `the dashboard offers no enabled accelerator profile for ${identifier} in ${ns} (profiles: ${profiles.map((p) => `${p.metadata.name} ${p.spec?.identifier} enabled=${p.spec?.enabled}`).join(', ') || 'none'})`,
  );
  const nodes = (await world.cluster.list({ apiVersion: 'v1', kind: 'Node' })).filter((n) => allocatableCount(n, identifier) > 0);
  const fits = (p: KObject) =>
    nodes.some((n) => schedulingTaints(n).every((t) => tolerates((p.spec?.tolerations ?? []) as Toleration[], t)));
  const usable = candidates.filter(fits);
  const passedOver = candidates
    .filter((p) => !fits(p))
    .map((p) => `${p.metadata.name} (tolerations ${JSON.stringify(p.spec?.tolerations ?? [])})`);
  expectOk(
    usable.length,
    `no enabled accelerator profile for ${identifier} tolerates the taints of a node that advertises it (nodes: ${nodes.map((n) => `${n.metadata.name} ${JSON.stringify(schedulingTaints(n))}`).join(', ') || 'none'}; profiles: ${passedOver.join(', ')}): a workbench using it would stay Pending`,
  );
  world.report.text(
    `accelerator profile for ${identifier}`,
    [
      `chosen: ${usable[0].metadata.name} "${usable[0].spec?.displayName}"`,
      ...passedOver.map((p) => `passed over (its tolerations fit no node with ${identifier}): ${p}`),
    ].join('\n'),
  );
  return usable[0];
}

/** The user the dashboard would write into the Notebook: the one the harness acts as. */
async function currentUser(world: RhoaiWorld): Promise<string> {
  const user = await world.cluster.get({ apiVersion: 'user.openshift.io/v1', kind: 'User', name: '~' }).catch(() => undefined);
  return user?.metadata.name ?? 'kube:admin';
}

/** https://<host of the rhods-dashboard route>, or empty when there is none. */
export async function dashboardOrigin(world: RhoaiWorld): Promise<string> {
  const route = await world.cluster.get({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    name: 'rhods-dashboard',
    namespace: dashboardNamespace(world),
  });
  return route?.spec?.host ? `https://${route.spec.host}` : '';
}

/** Whether the project has a pipeline server (the dashboard then gives workbenches Elyra's runtime config). */
async function hasPipelineServer(world: RhoaiWorld, namespace: string): Promise<boolean> {
  try {
    const dspas = await world.cluster.list({
      apiVersion: 'datasciencepipelinesapplications.opendatahub.io/v1alpha1',
      kind: 'DataSciencePipelinesApplication',
      namespace,
    });
    return dspas.length > 0;
  } catch (error) {
    if (error instanceof UnknownKindError) return false;
    throw error;
  }
}

/** Creates the workbench as the dashboard's "Create workbench" form does; returns what it made. */
export async function createWorkbench(world: RhoaiWorld, req: WorkbenchRequest): Promise<WorkbenchFacts> {
  const { name: namespace } = currentProject(world);
  const name = k8sName(req.displayName);
  const image = await resolveImage(world, req.image);
  const size = await notebookSize(world, req.size);
  const config = await dashboardConfig(world);
  const resources: Part = structuredClone(size.resources);
  const tolerations: Part[] = [];
  let accelerator: WorkbenchFacts['accelerator'];
  if (req.accelerator) {
    const profile = await acceleratorProfileFor(world, req.accelerator.identifier);
    resources.requests = { ...(resources.requests ?? {}), [req.accelerator.identifier]: req.accelerator.count };
    resources.limits = { ...(resources.limits ?? {}), [req.accelerator.identifier]: req.accelerator.count };
    tolerations.push(...((profile.spec?.tolerations ?? []) as Part[]));
    accelerator = {
      profile: profile.metadata.name!,
      identifier: req.accelerator.identifier,
      count: req.accelerator.count,
      tolerations: (profile.spec?.tolerations ?? []) as Part[],
    };
  }
  const tolerationSettings = config.spec?.notebookController?.notebookTolerationSettings;
  if (tolerationSettings?.enabled && tolerationSettings.key && !tolerations.some((t) => t.key === tolerationSettings.key)) {
    tolerations.push({ effect: 'NoSchedule', key: tolerationSettings.key, operator: 'Exists' });
  }

  // Cluster storage: a new PVC named after the storage (by default the workbench), the cluster's default size.
  const storageName = req.storage?.displayName ?? req.displayName;
  const claim = k8sName(storageName);
  const storageSize = req.storage?.size ?? config.spec?.notebookController?.pvcSize ?? '20Gi';
  await world.applyFixture('tutorial/pvc', { name: claim, namespace, displayName: storageName, description: '', size: storageSize });

  // Environment variables: one generated Secret or ConfigMap per group, attached with envFrom.
  const envFrom: Part[] = [];
  const environment: WorkbenchFacts['environment'] = [];
  for (const [i, group] of (req.environment ?? []).entries()) {
    const kind = group.type;
    const objectName = `${kind === 'Secret' ? 'secret' : 'configmap'}-${stableChars(namespace, name, String(i), kind)}`;
    if (kind === 'Secret') {
      // A second run on a kept project reuses the generated values the Secret already holds: the
      // running workbench keeps them, as it would when a user saves the form without changing them.
      const kept = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: objectName, namespace });
      for (const key of group.generated ?? []) {
        const value = kept?.data?.[key];
        if (typeof value === 'string') group.values[key] = Buffer.from(value, 'base64').toString('utf8');
      }
      for (const v of Object.values(group.values)) world.secret(v, 'workbench environment variable');
    }
    const [object] = world.render(kind === 'Secret' ? 'tutorial/env-secret' : 'tutorial/env-configmap', { name: objectName, namespace });
    object![kind === 'Secret' ? 'stringData' : 'data'] = { ...group.values };
    await world.cluster.apply(object!);
    envFrom.push(kind === 'Secret' ? { secretRef: { name: objectName } } : { configMapRef: { name: objectName } });
    environment.push({ kind, name: objectName, values: group.values });
  }

  // Data connection: an existing one, or a new one made as "Add data connection" makes it.
  const dataConnections: string[] = [];
  if (req.dataConnection) {
    const displayName = 'existing' in req.dataConnection ? req.dataConnection.existing : req.dataConnection.create.displayName;
    const secretName = dataConnectionSecretName(displayName);
    if ('create' in req.dataConnection) await addDataConnection(world, namespace, displayName, req.dataConnection.create.bucket);
    else
      expectOk(
        await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: secretName, namespace }),
        `there is no data connection "${displayName}" (Secret ${namespace}/${secretName}) to attach to the workbench`,
      );
    envFrom.push({ secretRef: { name: secretName } });
    dataConnections.push(secretName);
  }

  const pipelines = await hasPipelineServer(world, namespace);
  const volumes: Part[] = [{ name: claim, persistentVolumeClaim: { claimName: claim } }];
  const volumeMounts: Part[] = [{ name: claim, mountPath: '/opt/app-root/src' }];
  if (pipelines) {
    volumes.push({ name: 'elyra-dsp-details', secret: { secretName: 'ds-pipeline-config' } });
    volumeMounts.push({ name: 'elyra-dsp-details', mountPath: '/opt/app-root/runtimes' });
  }
  volumes.push({ name: 'shm', emptyDir: { medium: 'Memory' } });
  volumeMounts.push({ name: 'shm', mountPath: '/dev/shm' });

  const username = await currentUser(world);
  const origin = await dashboardOrigin(world);
  const notebookArgs = [
    '--ServerApp.port=8888',
    "--ServerApp.token=''",
    "--ServerApp.password=''",
    `--ServerApp.base_url=/notebook/${namespace}/${name}`,
    '--ServerApp.quit_button=False',
    `--ServerApp.tornado_settings={"user":"${translateUsername(username)}","hub_host":"${origin}","hub_prefix":"/projects/${namespace}"}`,
  ].join('\n                  ');
  const [desired] = world.render('tutorial/notebook', {
    name,
    namespace,
    displayName: req.displayName,
    description: '',
    translatedUser: translateUsername(username),
    username,
    logoutUrl: `${origin}/projects/${namespace}?notebookLogout=${name}`,
    size: size.name,
    imageSelection: `${image.stream}:${image.tag}`,
    imageDisplayName: image.shownAs,
    acceleratorName: accelerator?.profile ?? '',
    image: image.url,
    notebookArgs,
  });
  const pod = desired!.spec.template.spec;
  Object.assign(pod.containers[0], { envFrom, resources, volumeMounts });
  Object.assign(pod, { volumes, tolerations });
  const notebook = await world.cluster.apply(desired!);
  if (pipelines) await world.applyFixture('tutorial/elyra-rolebinding', { namespace, notebook: name, notebookUid: notebook!.metadata.uid });
  const facts: WorkbenchFacts = {
    namespace,
    name,
    displayName: req.displayName,
    image,
    size,
    claim,
    accelerator,
    environment,
    dataConnections,
  };
  world.facts.workbench = facts;
  return facts;
}

// ---- running, stopped ----

function containersRunning(pod: KObject): boolean {
  const statuses = (pod.status?.containerStatuses ?? []) as KObject[];
  return statuses.length > 0 && statuses.every((s) => s.ready && s.state?.running);
}

/** Waits until the workbench runs as the dashboard reports it; an image that cannot be pulled or a crash fails at once. */
export async function waitForWorkbenchRunning(
  world: RhoaiWorld,
  w: Pick<WorkbenchFacts, 'namespace' | 'name'> = currentWorkbench(world),
): Promise<KObject> {
  const notebook = await world.cluster.get(notebookRef(w));
  expectOk(notebook, `there is no workbench (Notebook) ${w.namespace}/${w.name}`);
  const stopped = notebook.metadata.annotations?.[STOP_ANNOTATION];
  expect(
    stopped === undefined || stopped === RECONCILIATION_LOCK,
    `workbench ${w.name} is stopped (annotation ${STOP_ANNOTATION}=${stopped})`,
  ).to.equal(true);
  const pods = await waitForListExplained(
    world.cluster,
    { apiVersion: 'v1', kind: 'Pod', namespace: w.namespace },
    (items) => {
      const live = items.filter((p) => !p.metadata.deletionTimestamp);
      if (live.some(containersRunning)) return undefined;
      for (const pod of live) {
        const stuck = ((pod.status?.containerStatuses ?? []) as KObject[]).find((s) => STUCK.includes(s.state?.waiting?.reason));
        if (stuck)
          return {
            fail: `workbench ${w.name} cannot start: container ${stuck.name} of pod ${pod.metadata.name} is ${stuck.state.waiting.reason}: ${stuck.state.waiting.message ?? ''}${stuck.lastState?.terminated?.message ? ` (last exit: ${stuck.lastState.terminated.message})` : ''}`,
          };
      }
      if (!live.length) return `no pod of workbench ${w.name} yet (label notebook-name=${w.name})`;
      const pod = live[0];
      const scheduled = ((pod.status?.conditions ?? []) as KObject[]).find((c) => c.type === 'PodScheduled');
      if (scheduled?.status === 'False') return `pod ${pod.metadata.name} is not scheduled: ${scheduled.message}`;
      const waiting = ((pod.status?.containerStatuses ?? []) as KObject[])
        .filter((s) => !s.ready)
        .map((s) => `${s.name} ${s.state?.waiting?.reason ?? (s.state?.running ? 'running, not ready' : 'not started')}`);
      return `pod ${pod.metadata.name} is ${pod.status?.phase ?? 'Pending'}${waiting.length ? ` (${waiting.join(', ')})` : ''}`;
    },
    `workbench ${w.namespace}/${w.name} to be Running (a pod labelled notebook-name=${w.name} with every container ready)`,
    { labelSelector: `notebook-name=${w.name}` },
  );
  await world.cluster.waitFor(notebookRef(w), (nb) => (nb?.status?.readyReplicas ?? 0) >= 1, {
    describe: `Notebook ${w.namespace}/${w.name} to report readyReplicas >= 1`,
  });
  const pod = pods.find(containersRunning)!;
  world.report.text(
    `workbench ${w.name}`,
    `Running: pod ${pod.metadata.name} on ${pod.spec?.nodeName}; containers ${((pod.status?.containerStatuses ?? []) as KObject[]).map((s) => `${s.name} ready`).join(', ')}`,
  );
  return pod;
}

/**
 * The dashboard's stop: the annotation kubeflow-resource-stopped with the time. (The dashboard sends
 * a JSON patch `add`; the harness sends the same change as a merge patch, which audit-log schema
 * checks can read as a partial Notebook.)
 */
export async function stopWorkbench(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await world.cluster.patch(notebookRef(w), { metadata: { annotations: { [STOP_ANNOTATION]: now } } }, 'merge');
}

/** The dashboard's start: the annotation removed. */
export async function startWorkbench(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  await world.cluster.patch(notebookRef(w), { metadata: { annotations: { [STOP_ANNOTATION]: null } } }, 'merge');
}

/** Stopped as the dashboard shows it: no pod left, readyReplicas 0. */
export async function waitForWorkbenchStopped(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  await world.cluster.waitForList(
    { apiVersion: 'v1', kind: 'Pod', namespace: w.namespace },
    (pods) => pods.filter((p) => !p.metadata.deletionTimestamp).length === 0,
    { labelSelector: `notebook-name=${w.name}`, describe: `the pods of workbench ${w.name} to be gone after the stop` },
  );
  await world.cluster.waitFor(notebookRef(w), (nb) => (nb?.status?.readyReplicas ?? 0) === 0, {
    describe: `Notebook ${w.namespace}/${w.name} to report readyReplicas 0`,
  });
}

/** The running pod of the workbench. */
export async function workbenchPod(world: RhoaiWorld): Promise<KObject> {
  const w = currentWorkbench(world);
  const pods = await world.cluster.list(
    { apiVersion: 'v1', kind: 'Pod', namespace: w.namespace },
    { labelSelector: `notebook-name=${w.name}` },
  );
  const pod = pods.find((p) => !p.metadata.deletionTimestamp && containersRunning(p));
  expectOk(
    pod,
    `workbench ${w.name} has no running pod (pods: ${pods.map((p) => `${p.metadata.name} ${p.status?.phase}`).join(', ') || 'none'})`,
  );
  return pod;
}
