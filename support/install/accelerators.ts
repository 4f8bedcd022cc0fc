// GPU support on the RHOAI side (checklist "Enabling GPU support"; RHOAI 2.9 "Enabling GPU
// support", "Working with accelerator profiles", install.md §12.2-§12.5):
//   - accelerator profiles: an AcceleratorProfile (dashboard.opendatahub.io/v1) in the dashboard's
//     namespace naming the resource pods request (nvidia.com/gpu) and tolerating the taints of the
//     nodes that have it (the seed's GPU MachineSets taint nvidia-gpu-only);
//   - the recommended accelerator of the notebook images: the ImageStream annotation
//     opendatahub.io/recommended-accelerators (a JSON list of identifiers);
//   - the recommended accelerator of a serving runtime: the same annotation on the ServingRuntime a
//     template wraps; the built-in OpenVINO runtime cannot be edited, so a duplicate carries it.
// The dashboard's own GPU migration (§12.2: delete the ConfigMap migration-gpu-status and restart
// the dashboard, which then creates `migrated-gpu` only if no profile exists, with a toleration for
// the key nvidia.com/gpu) is not used: it deletes and restarts on every run, and its toleration does
// not match a taint of another key such as the seed's nvidia-gpu-only. The profile is created
// explicitly instead, with tolerations read from the GPU nodes; a `migrated-gpu` profile that is
// already there is reported and left alone.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, describeRef, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained } from '../core/cluster/explained-wait';
import { applyAlongsideOwnedFields } from '../core/cluster/owned-fields';
import {
  componentState,
  DASHBOARD_CONFIG,
  DASHBOARD_LABEL,
  dashboardConfigRef,
  dashboardNamespace,
  platformsOf,
  runtimeOf,
} from './dashboard-config';
import { notApplicable } from '../core/not-applicable';
import type { RhoaiWorld } from '../core/world';

export const PROFILE_API = 'dashboard.opendatahub.io/v1';
export const RECOMMENDED_ACCELERATORS = 'opendatahub.io/recommended-accelerators';
/** The label the dashboard lists notebook images by (GET /api/images/jupyter). */
export const NOTEBOOK_IMAGE_LABEL = 'opendatahub.io/notebook-image=true';
const TEMPLATE_API = 'template.openshift.io/v1';
const IMAGESTREAM_API = 'image.openshift.io/v1';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** A notebook image by ImageStream name, and the name the dashboard shows it under. */
export interface NotebookImageRow {
  image: string;
  shownAs: string;
}

export interface AcceleratorNode {
  name: string;
  count: number;
  taints: Taint[];
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The nodes that advertise the accelerator, by identifier. */
    acceleratorNodes?: { identifier: string; nodes: AcceleratorNode[] };
    /** The accelerator profile the scenario created. */
    acceleratorProfile?: KObject;
    /** The notebook images the scenario configured. */
    recommendedImages?: { identifier: string; images: NotebookImageRow[] };
    /** The serving runtime template the scenario created from a built-in one. */
    duplicatedRuntime?: { source: string; template: string; runtime: string; identifier: string };
  }
}

const profileRef = (name: string, namespace: string): ObjectRef => ({
  apiVersion: PROFILE_API,
  kind: 'AcceleratorProfile',
  name,
  namespace,
});

/** The count of `identifier` a node can allocate (extended resources are integers). */
export function allocatableCount(node: KObject, identifier: string): number {
  const value = node.status?.allocatable?.[identifier];
  const count = value === undefined ? 0 : Number.parseInt(String(value), 10);
  return Number.isFinite(count) ? count : 0;
}

/** Taints that keep pods off a node unless tolerated, leaving out the node lifecycle's own (cordon, not-ready, control plane). */
export function schedulingTaints(node: KObject): Taint[] {
  return ((node.spec?.taints ?? []) as Taint[]).filter(
    (t) =>
      ['NoSchedule', 'NoExecute'].includes(t.effect) &&
      !t.key.startsWith('node.kubernetes.io/') &&
      !t.key.startsWith('node-role.kubernetes.io/'),
  );
}

/** Kubernetes' toleration matching (k8s.io/api core/v1 Toleration.ToleratesTaint). */
export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    if (t.operator === 'Exists') return true;
    return (t.value ?? '') === (taint.value ?? '');
  });
}

/** A JSON list of identifiers, as the dashboard parses the annotation (anything else counts as none). */
export function recommendedOf(annotations: Record<string, string> | undefined): string[] {
  try {
    const value = JSON.parse(annotations?.[RECOMMENDED_ACCELERATORS] ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function conflictMessage(error: unknown, what: string): Error {
  if (error instanceof ApiError && error.status === 409) {
    return new Error(
      `${what}: ${error.body?.message ?? error.message}. Another field manager set this value; the install does not take over fields it did not set: change it where it is managed, or remove that manager's value`,
    );
  }
  return error as Error;
}

// ---- accelerator nodes and profiles ----

/**
 * Whether a node shows itself an NVIDIA GPU node even when nothing advertises nvidia.com/gpu: GPU
 * feature discovery's nvidia.com/gpu.present, Node Feature Discovery's PCI vendor 10de (NVIDIA), or
 * the seed's GPU MachineSet label cluster-api/accelerator=nvidia-gpu.
 */
export function labelledGpuNode(node: KObject): boolean {
  const labels = node.metadata.labels ?? {};
  return (
    labels['nvidia.com/gpu.present'] === 'true' ||
    labels['feature.node.kubernetes.io/pci-10de.present'] === 'true' ||
    labels['cluster-api/accelerator'] === 'nvidia-gpu'
  );
}

/**
 * Why the items of `identifier` do not apply to this cluster, or undefined when they do: they apply
 * when a node advertises it, and also when a node is labelled as a GPU node but advertises none (a
 * broken device plugin is a failure, not a cluster without GPUs).
 */
export function acceleratorNotApplicable(nodes: KObject[], identifier: string): string | undefined {
  if (nodes.some((n) => allocatableCount(n, identifier) > 0 || labelledGpuNode(n))) return undefined;
  return `no node advertises ${identifier} in status.allocatable and none is labelled as an NVIDIA GPU node (${nodes.length} nodes: ${nodes.map((n) => n.metadata.name).join(', ')}): this cluster has no GPUs, so the GPU items do not apply`;
}

/** The nodes with `identifier` (as requireAcceleratorNodes), or 'skipped' with the reason on a cluster without GPUs. */
export async function acceleratorNodesOrNotApplicable(world: RhoaiWorld, identifier: string): Promise<'skipped' | undefined> {
  const why = acceleratorNotApplicable(await world.cluster.list({ apiVersion: 'v1', kind: 'Node' }), identifier);
  if (why) return notApplicable(world, why);
  await requireAcceleratorNodes(world, identifier);
  return undefined;
}

/** The nodes that advertise `identifier` in status.allocatable; fails at once, naming what was found, when none does. */
export async function requireAcceleratorNodes(world: RhoaiWorld, identifier: string): Promise<AcceleratorNode[]> {
  const nodes = await world.cluster.list({ apiVersion: 'v1', kind: 'Node' });
  const found = nodes
    .filter((n) => allocatableCount(n, identifier) > 0)
    .map((n) => ({ name: n.metadata.name!, count: allocatableCount(n, identifier), taints: schedulingTaints(n) }));
  if (!found.length) {
    const labelled = nodes
      .filter((n) => n.metadata.labels?.['nvidia.com/gpu.present'] === 'true' || n.metadata.labels?.['cluster-api/accelerator'])
      .map((n) => n.metadata.name);
    expect.fail(
      `no node advertises ${identifier} in status.allocatable (${nodes.length} nodes: ${nodes.map((n) => n.metadata.name).join(', ')})` +
        (labelled.length
          ? `; ${labelled.join(', ')} ${labelled.length > 1 ? 'are labelled as GPU nodes' : 'is labelled as a GPU node'} but advertise${labelled.length > 1 ? '' : 's'} none: is the NVIDIA GPU Operator's device plugin running (ClusterPolicy ready)?`
          : '') +
        `. Install the Node Feature Discovery and NVIDIA GPU Operators first (RHOAI 2.9 "Enabling GPU support")`,
    );
  }
  world.facts.acceleratorNodes = { identifier, nodes: found };
  world.report.text(
    `nodes with ${identifier}`,
    found
      .map(
        (n) =>
          `${n.name}: ${n.count} ${identifier}; taints ${n.taints.length ? n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') : 'none'}`,
      )
      .join('\n'),
  );
  return found;
}

function acceleratorNodesOf(world: RhoaiWorld, identifier: string): AcceleratorNode[] {
  const known = world.facts.acceleratorNodes;
  if (!known || known.identifier !== identifier)
    throw new Error(
      `the nodes with ${identifier} are not known in this scenario: a step "Given the cluster advertises ${identifier} ..." must come first`,
    );
  return known.nodes;
}

/** One toleration per distinct taint (key and effect) of the accelerator nodes, operator Exists. */
export function tolerationsFor(nodes: AcceleratorNode[]): Toleration[] {
  const seen = new Map<string, Toleration>();
  for (const t of nodes.flatMap((n) => n.taints)) seen.set(`${t.key}:${t.effect}`, { key: t.key, operator: 'Exists', effect: t.effect });
  return [...seen.values()];
}

/** Creates (or keeps) the accelerator profile, tolerating the taints of the nodes that have the accelerator. */
export async function createAcceleratorProfile(world: RhoaiWorld, name: string, identifier: string, displayName: string): Promise<KObject> {
  const namespace = dashboardNamespace(world);
  await world.cluster.waitFor(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'acceleratorprofiles.dashboard.opendatahub.io' },
    (crd) => crd?.status?.conditions?.some((c: KObject) => c.type === 'Established' && c.status === 'True') ?? false,
    {
      describe: 'the AcceleratorProfile CRD (installed with the dashboard) to be established',
    },
  );
  const tolerations = tolerationsFor(acceleratorNodesOf(world, identifier));
  const [profile] = world.render('accelerators/accelerator-profile', {
    name,
    namespace,
    displayName,
    identifier,
    description: `${displayName}s of the nodes that advertise ${identifier}`,
    tolerationKey: tolerations[0]?.key ?? '',
    tolerationEffect: tolerations[0]?.effect ?? '',
  });
  const template = profile!.spec.tolerations[0];
  profile!.spec.tolerations = tolerations.map((t) => ({ ...template, key: t.key, effect: t.effect }));
  if (!tolerations.length) delete profile!.spec.tolerations;
  try {
    world.facts.acceleratorProfile = await applyAlongsideOwnedFields(world.cluster, profile!);
  } catch (error) {
    throw conflictMessage(error, describeRef(profileRef(name, namespace)));
  }
  return world.facts.acceleratorProfile;
}

/** The taints of the accelerator nodes that `tolerations` do not tolerate, as "node (key:effect)". */
function untoleratedTaints(nodes: AcceleratorNode[], tolerations: Toleration[]): string[] {
  return nodes.flatMap((n) =>
    n.taints.filter((t) => !tolerates(tolerations, t)).map((t) => `${n.name} (${t.key}${t.value ? `=${t.value}` : ''}:${t.effect})`),
  );
}

/** The dashboard lists the profile (its namespace's AcceleratorProfiles, v1) as enabled, for the identifier. */
export async function assertProfileListed(world: RhoaiWorld, name: string, identifier: string): Promise<KObject> {
  const namespace = dashboardNamespace(world);
  const profiles = await world.cluster.list({ apiVersion: PROFILE_API, kind: 'AcceleratorProfile', namespace });
  const profile = profiles.find((p) => p.metadata.name === name);
  expectOk(
    profile,
    `the dashboard lists no accelerator profile ${name} in ${namespace} (it lists: ${profiles.map((p) => p.metadata.name).join(', ') || 'none'})`,
  );
  expect(
    profile.spec?.enabled,
    `accelerator profile ${name} is not enabled (spec.enabled ${profile.spec?.enabled}): the dashboard hides it from new workbenches and model servers`,
  ).to.equal(true);
  expect(profile.spec?.identifier, `accelerator profile ${name} requests ${profile.spec?.identifier}, not ${identifier}`).to.equal(
    identifier,
  );
  const nodes = world.facts.acceleratorNodes?.identifier === identifier ? world.facts.acceleratorNodes.nodes : [];
  const others = profiles
    .filter((p) => p.metadata.name !== name)
    .map((p) => {
      const missing = untoleratedTaints(nodes, p.spec?.tolerations ?? []);
      const fit =
        p.spec?.identifier === identifier && missing.length
          ? `; it does not tolerate the taint(s) of ${missing.join(', ')}, so pods using it stay Pending`
          : '';
      return `also listed (not the install's, left as it is): ${p.metadata.name}: "${p.spec?.displayName}", ${p.spec?.identifier}, enabled ${p.spec?.enabled}, tolerations ${JSON.stringify(p.spec?.tolerations ?? [])}${fit}`;
    });
  world.report.text(
    'accelerator profiles',
    [
      `${name}: "${profile.spec.displayName}", ${identifier}, enabled, tolerations ${JSON.stringify(profile.spec.tolerations ?? [])}`,
      ...others,
    ].join('\n'),
  );
  return profile;
}

/** The profile's tolerations let a pod that uses it onto every node that has the accelerator. */
export async function assertProfileToleratesNodes(world: RhoaiWorld, name: string, identifier: string): Promise<void> {
  const namespace = dashboardNamespace(world);
  const profile = await world.cluster.get(profileRef(name, namespace));
  expectOk(profile, `there is no accelerator profile ${namespace}/${name}`);
  const untolerated = untoleratedTaints(acceleratorNodesOf(world, identifier), profile.spec?.tolerations ?? []);
  expect(
    untolerated.length,
    `accelerator profile ${name} does not tolerate the taint(s) of ${untolerated.join(', ')}: pods using it could not be scheduled there`,
  ).to.equal(0);
}

// ---- notebook images ----

/**
 * Whether the cluster has notebook images at all: they come with the workbenches component, which a
 * profile without workbenches (RHOAI_PROFILE=infer-only) leaves out; the scenario is then skipped.
 */
export function notebookImagesShipped(world: RhoaiWorld): boolean {
  const state = componentState(world, 'workbenches');
  if (state === 'Managed') return true;
  notApplicable(world, `default-dsc has workbenches ${state ?? 'unset'}: there are no notebook images to configure`);
  return false;
}

/** Waits for the notebook ImageStreams (shipped with the workbenches component) to be listed by the dashboard. */
async function notebookImages(world: RhoaiWorld, images: string[]): Promise<KObject[]> {
  const namespace = dashboardNamespace(world);
  return waitForListExplained(
    world.cluster,
    { apiVersion: IMAGESTREAM_API, kind: 'ImageStream', namespace },
    (streams) => {
      const missing = images.filter((name) => !streams.some((s) => s.metadata.name === name));
      return missing.length
        ? `the dashboard lists no notebook image ${missing.join(', ')} in ${namespace} (ImageStreams labelled ${NOTEBOOK_IMAGE_LABEL}; they come with the workbenches component)`
        : undefined;
    },
    `the notebook images ${images.join(', ')} in ${namespace}`,
    { labelSelector: NOTEBOOK_IMAGE_LABEL },
  );
}

/** Adds `identifier` to the recommended accelerators of each image (keeping the ones it recommends already). */
export async function recommendForNotebookImages(world: RhoaiWorld, identifier: string, rows: NotebookImageRow[]): Promise<void> {
  const namespace = dashboardNamespace(world);
  world.facts.recommendedImages = { identifier, images: rows };
  const images = rows.map((r) => r.image);
  const streams = await notebookImages(world, images);
  for (const name of images) {
    const stream = streams.find((s) => s.metadata.name === name)!;
    const current = recommendedOf(stream.metadata.annotations);
    // Already recommended: apply the value as it is (the same value is no conflict with its owner).
    const value = current.includes(identifier)
      ? stream.metadata.annotations![RECOMMENDED_ACCELERATORS]!
      : JSON.stringify([...current, identifier]);
    const [desired] = world.render('accelerators/imagestream-recommended-accelerators', {
      name,
      namespace,
      recommendedAccelerators: value,
    });
    try {
      await applyAlongsideOwnedFields(world.cluster, desired!);
    } catch (error) {
      throw conflictMessage(error, `ImageStream ${namespace}/${name} annotation ${RECOMMENDED_ACCELERATORS}`);
    }
  }
}

/** The dashboard's image list (ImageStreams labelled opendatahub.io/notebook-image=true) recommends `identifier` for each image. */
export async function assertNotebookImagesRecommend(
  world: RhoaiWorld,
  identifier: string,
  rows = world.facts.recommendedImages?.images,
): Promise<void> {
  if (!rows?.length)
    throw new Error('no notebook images in this scenario: a step "When I recommend ... for the notebook images:" must come first');
  const streams = await notebookImages(
    world,
    rows.map((r) => r.image),
  );
  const lines = rows.map(({ image: name, shownAs }) => {
    const stream = streams.find((s) => s.metadata.name === name)!;
    const shown = stream.metadata.annotations?.['opendatahub.io/notebook-image-name'];
    expect(
      shown,
      `notebook image ${name} is shown as "${shown}" (annotation opendatahub.io/notebook-image-name), not "${shownAs}"`,
    ).to.equal(shownAs);
    const recommended = recommendedOf(stream.metadata.annotations);
    expect(
      recommended.includes(identifier),
      `notebook image ${name} recommends ${JSON.stringify(recommended)} (annotation ${RECOMMENDED_ACCELERATORS}: ${stream.metadata.annotations?.[RECOMMENDED_ACCELERATORS] ?? '<none>'}), not ${identifier}`,
    ).to.equal(true);
    return `${shown} (${name}): recommends ${recommended.join(', ')}`;
  });
  world.report.text('notebook images', lines.join('\n'));
}

// ---- serving runtimes ----

/**
 * Duplicates a built-in serving runtime template the way Settings > Serving runtimes > Duplicate
 * does (the copy wraps the same ServingRuntime under a new name, for the same platforms and API
 * protocol), with `identifier` as its recommended accelerator and its own display name.
 */
export async function duplicateServingRuntime(
  world: RhoaiWorld,
  source: string,
  runtime: string,
  displayName: string,
  identifier: string,
): Promise<KObject> {
  const namespace = dashboardNamespace(world);
  const original = await world.cluster.get({ apiVersion: TEMPLATE_API, kind: 'Template', name: source, namespace });
  expectOk(original, `there is no serving runtime template ${source} in ${namespace} to duplicate`);
  const sourceRuntime = runtimeOf(original);
  expectOk(sourceRuntime, `template ${source} wraps no ServingRuntime`);
  const copy: KObject = structuredClone(sourceRuntime);
  copy.metadata = {
    ...copy.metadata,
    name: runtime,
    annotations: {
      ...(copy.metadata?.annotations ?? {}),
      'openshift.io/display-name': displayName,
      [RECOMMENDED_ACCELERATORS]: JSON.stringify([identifier]),
    },
  };
  const [desired] = world.render('accelerators/serving-runtime-template', {
    name: runtime,
    namespace,
    modelServingSupport: JSON.stringify(platformsOf(original)),
    apiProtocol: original.metadata.annotations?.['opendatahub.io/apiProtocol'] ?? 'REST',
    servingRuntime: copy,
  });
  world.facts.duplicatedRuntime = { source, template: runtime, runtime, identifier };
  try {
    return await applyAlongsideOwnedFields(world.cluster, desired!);
  } catch (error) {
    throw conflictMessage(error, `Template ${namespace}/${runtime}`);
  }
}

/** The dashboard lists the duplicate (label opendatahub.io/dashboard=true), enabled, for its platform, recommending the accelerator. */
export async function assertDuplicateOffered(world: RhoaiWorld, runtime: string, identifier: string, platform: string): Promise<void> {
  const namespace = dashboardNamespace(world);
  const templates = await world.cluster.list({ apiVersion: TEMPLATE_API, kind: 'Template', namespace }, { labelSelector: DASHBOARD_LABEL });
  const template = templates.find((t) => runtimeOf(t)?.metadata?.name === runtime);
  expectOk(
    template,
    `the dashboard lists no serving runtime ${runtime} in ${namespace} (templates labelled ${DASHBOARD_LABEL}: ${templates.map((t) => t.metadata.name).join(', ')})`,
  );
  const served = runtimeOf(template)!;
  const recommended = recommendedOf(served.metadata?.annotations);
  expect(
    recommended.includes(identifier),
    `serving runtime ${runtime} (template ${template.metadata.name}) recommends ${JSON.stringify(recommended)}, not ${identifier}`,
  ).to.equal(true);
  expect(
    platformsOf(template).includes(platform),
    `serving runtime ${runtime} serves ${JSON.stringify(platformsOf(template))}, not the ${platform}-model platform`,
  ).to.equal(true);
  const config = await world.cluster.get(dashboardConfigRef(namespace));
  const disabled: string[] = config?.spec?.templateDisablement ?? [];
  expect(
    !disabled.includes(runtime),
    `serving runtime ${runtime} is disabled (listed in ${DASHBOARD_CONFIG} spec.templateDisablement)`,
  ).to.equal(true);
  world.report.text(
    'custom serving runtime',
    `${served.metadata?.annotations?.['openshift.io/display-name']} (${runtime}, template ${template.metadata.name}): ${platform}-model platform, enabled, recommends ${recommended.join(', ')}`,
  );
}

/** The install did not edit the built-in template (it has no field manager of the harness). */
export async function assertBuiltinUntouched(world: RhoaiWorld, source: string): Promise<void> {
  const namespace = dashboardNamespace(world);
  const original = await world.cluster.get({ apiVersion: TEMPLATE_API, kind: 'Template', name: source, namespace });
  expectOk(original, `the built-in serving runtime template ${source} is gone from ${namespace}`);
  const managers = ((original.metadata.managedFields ?? []) as { manager?: string }[]).map((m) => m.manager);
  expect(
    !managers.includes('rhoai-harness'),
    `the built-in serving runtime template ${source} was changed by the install (field manager rhoai-harness): built-in runtimes are not to be edited, only duplicated`,
  ).to.equal(true);
}
