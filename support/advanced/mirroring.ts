// ADV-01, mirroring images for a disconnected installation. RHOAI 2.9 "Installing and uninstalling
// OpenShift AI Self-Managed in a disconnected environment" mirrors the operator's images with
// oc-mirror to a registry the cluster reaches, then applies the ImageDigestMirrorSet (or, on older
// clusters, ImageContentSourcePolicy) oc-mirror writes, so that the nodes pull the images by digest
// from the mirror. The images are the ones the installed CSV lists in spec.relatedImages (what
// oc-mirror's operator catalog filtering collects for the package). What the nodes then do was
// decided by the upstream source: the Machine Config Operator renders the mirror sets into every
// pool's /etc/containers/registries.conf (machine-config-operator release-4.15
// pkg/controller/container-runtime-config helpers.go updateRegistriesConfig), which the harness reads
// back from the MachineConfig 99-<pool>-generated-registries the pool has rolled out.
// The mirror set changes every node (on a real cluster the pools roll): the scenario is opt-in and
// removes its mirror set at its end, and in a cleanup when it fails half-way.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import { waitForObjectExplained } from '../core/cluster/explained-wait';
import type { RhoaiWorld } from '../core/world';

const MC_API = 'machineconfiguration.openshift.io/v1';
const SET_NAME = 'rhoai-2-9-mirror';
const TWIN_MIRROR = 'mirror.twin.local:5000';
const POOLS = ['master', 'worker'];

interface MirrorPlan {
  kind: 'ImageDigestMirrorSet' | 'ImageContentSourcePolicy';
  registry: string;
  images: string[];
  mirrors: { source: string; mirrors: string[] }[];
}

declare module '../core/world' {
  interface ScenarioFacts {
    mirrorPlan?: MirrorPlan;
  }
}

const setRef = (kind: MirrorPlan['kind']): ObjectRef =>
  kind === 'ImageDigestMirrorSet'
    ? { apiVersion: 'config.openshift.io/v1', kind, name: SET_NAME }
    : { apiVersion: 'operator.openshift.io/v1alpha1', kind, name: SET_NAME };

export async function mirrorNotApplicable(world: RhoaiWorld): Promise<string | undefined> {
  if (world.settings.mirrorRegistry) return undefined;
  const target = await world.target();
  return target.kind === 'twin'
    ? undefined
    : 'not applicable: RHOAI_MIRROR_REGISTRY is not set — on a real cluster ADV-01 needs the mirror registry the images were mirrored to (oc-mirror); mirroring to a registry that does not hold them would break every pull';
}

/** The repository of an image reference (no tag, no digest). */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The mirror of a repository: the same path without its registry host, under the mirror registry (oc-mirror's layout). */
export function mirrorOf(repository: string, registry: string): string {
  return `${registry}/${repository.split('/').slice(1).join('/')}`;
}

/** The images of the installed rhods-operator CSV (spec.relatedImages), and the mirror entries of their repositories. */
export async function planMirror(world: RhoaiWorld): Promise<MirrorPlan> {
  const subs = await world.cluster.list({ apiVersion: 'operators.coreos.com/v1alpha1', kind: 'Subscription' });
  const sub = subs.find((s) => s.spec?.name === 'rhods-operator');
  expectOk(sub?.status?.installedCSV, 'the rhods-operator Subscription has no installed CSV: install the operator first (@req.INS-OP-03)');
  const csv = await world.cluster.get({
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'ClusterServiceVersion',
    name: sub.status.installedCSV,
    namespace: sub.metadata.namespace,
  });
  const related = (csv?.spec?.relatedImages ?? []) as { name?: string; image: string }[];
  expectOk(
    related.length,
    `ClusterServiceVersion ${sub.status.installedCSV} lists no spec.relatedImages: nothing says which images to mirror`,
  );
  const notByDigest = related.filter((r) => !r.image.includes('@sha256:'));
  expect(
    notByDigest.map((r) => r.image),
    'relatedImages that are not digest references cannot be served from a digest mirror',
  ).to.deep.equal([]);
  const registry = world.settings.mirrorRegistry ?? TWIN_MIRROR;
  const repositories = [...new Set(related.map((r) => repositoryOf(r.image)))].sort();
  const plan: MirrorPlan = {
    kind: world.settings.mirrorKind,
    registry,
    images: related.map((r) => r.image),
    mirrors: repositories.map((source) => ({ source, mirrors: [mirrorOf(source, registry)] })),
  };
  world.report.text(
    'images to mirror',
    [
      `from ${sub.status.installedCSV} spec.relatedImages (${plan.images.length}):`,
      ...plan.images.map((i) => `  ${i}`),
      '',
      'mirrors:',
      ...plan.mirrors.map((m) => `  ${m.source} -> ${m.mirrors[0]}`),
    ].join('\n'),
  );
  return (world.facts.mirrorPlan = plan);
}

function planOf(world: RhoaiWorld): MirrorPlan {
  const plan = world.facts.mirrorPlan;
  expectOk(plan, 'no mirror plan in this scenario: the step that lists the images to mirror must come first');
  return plan;
}

/** Applies the ImageDigestMirrorSet (or ImageContentSourcePolicy) of the plan. */
export async function applyMirrorSet(world: RhoaiWorld): Promise<void> {
  const plan = planOf(world);
  world.onCleanup(`delete ${plan.kind} ${SET_NAME}`, () => world.cluster.delete(setRef(plan.kind)));
  await world.applyFixture(
    plan.kind === 'ImageDigestMirrorSet' ? 'advanced/image-digest-mirror-set' : 'advanced/image-content-source-policy',
    {
      name: SET_NAME,
      mirrors: plan.mirrors,
    },
  );
}

/** registries.conf of a MachineConfig (its Ignition data URL), or undefined. */
export function registriesConfOf(mc: KObject | undefined): string | undefined {
  const file = ((mc?.spec?.config?.storage?.files ?? []) as KObject[]).find((f) => f.path === '/etc/containers/registries.conf');
  const source: string | undefined = file?.contents?.source;
  if (!source?.startsWith('data:')) return undefined;
  const comma = source.indexOf(',');
  const meta = source.slice(5, comma);
  const data = source.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/** The [[registry]] entries of a registries.conf: location → its mirrors and whether they pull by digest only. */
export function registryMirrors(conf: string): Map<string, { mirrors: string[]; digestOnly: boolean }> {
  const out = new Map<string, { mirrors: string[]; digestOnly: boolean }>();
  for (const block of conf.split(/^\s*\[\[registry\]\]\s*$/m).slice(1)) {
    const [head, ...mirrorBlocks] = block.split(/^\s*\[\[registry\.mirror\]\]\s*$/m);
    const location = /^\s*location\s*=\s*"([^"]*)"/m.exec(head ?? '')?.[1];
    if (!location) continue;
    const mirrors = mirrorBlocks.map((b) => /^\s*location\s*=\s*"([^"]*)"/m.exec(b)?.[1]).filter((m): m is string => !!m);
    const digestOnly =
      /^\s*mirror-by-digest-only\s*=\s*true/m.test(head ?? '') ||
      (mirrorBlocks.length > 0 && mirrorBlocks.every((b) => /pull-from-mirror\s*=\s*"digest-only"/.test(b)));
    out.set(location, { mirrors, digestOnly });
  }
  return out;
}

/** Every pool has rolled out a registries.conf that sends each repository of the plan to its mirror, by digest only (or, with present=false, names the mirror nowhere). */
export async function assertNodesUseMirror(world: RhoaiWorld, present = true): Promise<void> {
  const plan = planOf(world);
  for (const pool of POOLS) {
    const mcName = `99-${pool}-generated-registries`;
    await waitForObjectExplained(
      world.cluster,
      { apiVersion: MC_API, kind: 'MachineConfigPool', name: pool },
      (mcp) => {
        const updated = (mcp?.status?.conditions ?? []).find((c: KObject) => c.type === 'Updated')?.status === 'True';
        const sources = ((mcp?.status?.configuration?.source ?? []) as KObject[]).map((s) => s.name);
        if (!updated) return `MachineConfigPool ${pool} is still updating its nodes`;
        if (!sources.includes(mcName)) return `MachineConfigPool ${pool} has not rendered ${mcName} (sources: ${sources.join(', ')})`;
        return undefined;
      },
      `MachineConfigPool ${pool} to have rolled out ${mcName}`,
    );
    const mc = await waitForObjectExplained(
      world.cluster,
      { apiVersion: MC_API, kind: 'MachineConfig', name: mcName },
      (obj) => {
        const conf = registriesConfOf(obj);
        if (conf === undefined) return `MachineConfig ${mcName} has no /etc/containers/registries.conf`;
        const entries = registryMirrors(conf);
        if (!present) {
          const still = [...entries].filter(([, e]) => e.mirrors.some((m) => m.startsWith(plan.registry)));
          return still.length
            ? `the nodes' registries.conf (${mcName}) still sends ${still.map(([s]) => s).join(', ')} to ${plan.registry}`
            : undefined;
        }
        for (const { source, mirrors } of plan.mirrors) {
          const entry = entries.get(source);
          if (!entry?.mirrors.includes(mirrors[0]!))
            return `the nodes' registries.conf has no mirror ${mirrors[0]} for ${source} (${mcName}: ${entry ? `mirrors ${entry.mirrors.join(', ') || 'none'}` : 'no [[registry]] for it'}): the ${plan.kind} is not used`;
          if (!entry.digestOnly) return `the nodes' registries.conf (${mcName}) mirrors ${source} for tags too, not by digest only`;
        }
        return undefined;
      },
      `the ${pool} nodes' registries.conf ${present ? 'to send the RHOAI repositories to' : 'to no longer name'} ${plan.registry}`,
    );
    if (present) world.report.text(`registries.conf of the ${pool} pool`, registriesConfOf(mc)!);
  }
}

/** Deletes the mirror set (the cluster as before the scenario). */
export async function removeMirrorSet(world: RhoaiWorld): Promise<void> {
  const plan = planOf(world);
  await world.cluster.delete(setRef(plan.kind));
}
