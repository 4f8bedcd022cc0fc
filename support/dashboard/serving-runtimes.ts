// Settings > Serving runtimes in the browser: the runtimes RHOAI 2.9 ships (UI-SET-09..11; odh-dashboard
// rhoai-2.9 manifests/modelserving/*.yaml, workloads.md §5.1) with their platform and API protocol as
// the page shows them and their model formats as their Templates hold them (the 2.9 list does not
// show formats); and a custom runtime added from YAML for the single-model platform (ADV-02, ADV-12),
// stored as the Template the 2.9 frontend assembles (frontend/src/api/k8s/templates.ts
// assembleServingRuntimeTemplate: label opendatahub.io/dashboard, annotations modelServingSupport and
// apiProtocol) and offered for single-model deployments. The custom Template is deleted afterwards.
import { expect } from './playwright';
import { expect as check } from 'chai';
import * as yaml from 'js-yaml';
import type { KObject } from '../core/cluster';
import { applicationsNamespace, offeredTemplates } from '../serving/runtimes';
import type { RhoaiWorld } from '../core/world';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { chrome } from './people';
import { ServingRuntimesPage } from './serving-runtimes-page';

declare module '../core/world' {
  interface ScenarioFacts {
    customRuntime?: { name: string; displayName: string };
  }
}

export interface ShippedRuntime {
  runtime: string;
  platform: 'single' | 'multi';
  protocol: 'REST' | 'gRPC';
  formats: string[];
}

/** What 2.9 ships (checklist UI-SET-09..11). */
export const SHIPPED_RUNTIMES: ShippedRuntime[] = [
  { runtime: 'caikit-tgis-runtime', platform: 'single', protocol: 'REST', formats: ['caikit'] },
  {
    runtime: 'kserve-ovms',
    platform: 'single',
    protocol: 'REST',
    formats: ['openvino_ir opset13', 'onnx 1', 'tensorflow 1', 'tensorflow 2', 'paddle 2', 'pytorch 2'],
  },
  { runtime: 'ovms', platform: 'multi', protocol: 'REST', formats: ['openvino_ir opset1', 'onnx 1', 'tensorflow 2'] },
  { runtime: 'tgis-grpc-runtime', platform: 'single', protocol: 'gRPC', formats: ['pytorch'] },
];

const PLATFORM_LABEL = { single: 'Single-model', multi: 'Multi-model' } as const;

async function templates(world: RhoaiWorld): Promise<KObject[]> {
  return world.cluster.list(
    { apiVersion: 'template.openshift.io/v1', kind: 'Template', namespace: await applicationsNamespace(world) },
    { labelSelector: 'opendatahub.io/dashboard=true' },
  );
}

export async function openServingRuntimes(world: RhoaiWorld): Promise<ServingRuntimesPage> {
  const page = new ServingRuntimesPage(chrome(world).page);
  await page.visit(await dashboardOrigin(world));
  await attachScreenshot(world, 'serving runtimes');
  return page;
}

export async function assertShippedRuntimes(world: RhoaiWorld): Promise<void> {
  const page = new ServingRuntimesPage(chrome(world).page);
  const all = await templates(world);
  for (const r of SHIPPED_RUNTIMES) {
    await expect(page.row(r.runtime), `Settings > Serving runtimes does not list ${r.runtime}`).toBeVisible();
    await expect(page.platformLabel(r.runtime), `the platforms of ${r.runtime}`).toHaveText(PLATFORM_LABEL[r.platform]);
    await expect(
      page.protocolCell(r.runtime, r.protocol),
      `Settings > Serving runtimes shows no API protocol for ${r.runtime} (expected ${r.protocol})`,
    ).toBeVisible();
    const template = all.find((t) => t.objects?.[0]?.metadata?.name === r.runtime);
    const formats = ((template?.objects?.[0]?.spec?.supportedModelFormats ?? []) as { name: string; version?: string }[]).map((f) =>
      f.version ? `${f.name} ${f.version}` : f.name,
    );
    check(formats, `the model formats of ${r.runtime} (its Template's ServingRuntime)`).to.deep.equal(r.formats);
  }
}

export async function addCustomRuntime(world: RhoaiWorld, displayName: string): Promise<void> {
  const name = 'tgi-harness-runtime';
  world.facts.customRuntime = { name, displayName };
  const ours = (t: KObject) =>
    t.objects?.[0]?.metadata?.name === name && t.objects[0].metadata.labels?.['app.kubernetes.io/created-by'] === 'rhoai-harness';
  // An earlier run's runtime of that name (ours, by its label) would be refused as a duplicate.
  for (const t of (await templates(world)).filter(ours))
    await world.cluster.delete({ apiVersion: t.apiVersion, kind: t.kind, name: t.metadata.name, namespace: t.metadata.namespace });
  world.onCleanup(`delete the Template of serving runtime ${name}`, async () => {
    for (const t of (await templates(world)).filter(ours))
      await world.cluster.delete({ apiVersion: t.apiVersion, kind: t.kind, name: t.metadata.name, namespace: t.metadata.namespace });
  });
  const [runtime] = world.render('dashboard/tgi-serving-runtime', { name, displayName });
  const page = await openServingRuntimes(world);
  await page.add('single', 'REST', yaml.dump(runtime, { lineWidth: -1 }));
  await attachScreenshot(world, `serving runtimes: ${displayName} added`);
}

export async function assertCustomRuntime(world: RhoaiWorld): Promise<void> {
  const { name, displayName } = world.facts.customRuntime!;
  const page = new ServingRuntimesPage(chrome(world).page);
  await expect(page.row(name), `Settings > Serving runtimes does not list ${name}`).toBeVisible();
  const offered = await offeredTemplates(world, 'single');
  const template = offered.find((t) => t.objects[0]?.metadata?.name === name);
  if (!template) {
    const stored = (await templates(world)).find((t) => t.objects?.[0]?.metadata?.name === name);
    throw new Error(
      `the single-model platform does not offer the custom runtime ${displayName} (${name}): its Template ${stored?.metadata.name ?? '(none)'} has opendatahub.io/modelServingSupport ${JSON.stringify(stored?.metadata.annotations?.['opendatahub.io/modelServingSupport'])}`,
    );
  }
  await expect(page.platformLabel(name)).toHaveText(PLATFORM_LABEL.single);
  check(template.metadata.annotations?.['opendatahub.io/apiProtocol'], 'the API protocol of the custom runtime').to.equal('REST');
  check(template.objects[0].spec?.containers?.[0]?.image, 'the TGI image of the custom runtime').to.match(/text-generation-inference/);
}
