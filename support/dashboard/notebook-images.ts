// UI-SET-01 / CMP-02: a custom notebook image imported by URL in Settings > Notebook images becomes
// the ImageStream the 2.9 backend makes (odh-dashboard rhoai-2.9 backend/src/routes/api/images/
// imageUtils.ts postImage: custom-<display name>, labels app.kubernetes.io/created-by=byon and
// opendatahub.io/notebook-image=true, the URL in opendatahub.io/notebook-image-url and the tag's
// from.name), which the workbench form offers (it lists the ImageStreams of the dashboard namespace
// labelled opendatahub.io/notebook-image=true: frontend/src/pages/projects/screens/spawner/
// useImageStreams and workloads.md §4). The ImageStream is the scenario's: deleted afterwards.
import { expect } from './playwright';
import { expect as check } from 'chai';
import type { ObjectRef } from '../core/cluster';
import { applicationsNamespace } from '../serving/runtimes';
import type { RhoaiWorld } from '../core/world';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { NotebookImagesPage } from './notebook-images-page';
import { chrome } from './people';

declare module '../core/world' {
  interface ScenarioFacts {
    customImage?: { url: string; name: string; ref: ObjectRef };
  }
}

/** backend/src/utils/resourceUtils.ts translateDisplayNameForK8s. */
export function k8sNameOf(displayName: string): string {
  return displayName
    .trim()
    .toLowerCase()
    .replace(/\s/g, '-')
    .replace(/[^A-Za-z0-9-]/g, '');
}

export async function importCustomImage(world: RhoaiWorld, url: string, name: string): Promise<void> {
  const namespace = await applicationsNamespace(world);
  const ref: ObjectRef = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', name: `custom-${k8sNameOf(name)}`, namespace };
  // An earlier run's import of the same image (ours: the same URL) would be refused as a duplicate name.
  const earlier = await world.cluster.get(ref);
  if (earlier?.metadata.annotations?.['opendatahub.io/notebook-image-url'] === url) await world.cluster.delete(ref);
  world.facts.customImage = { url, name, ref };
  world.onCleanup(`delete ImageStream ${ref.name}`, () => world.cluster.delete(ref));
  const page = new NotebookImagesPage(chrome(world).page);
  await page.visit(await dashboardOrigin(world));
  await page.importImage(url, name, 'Imported by rhoai-harness');
  await attachScreenshot(world, `notebook images: ${name} imported`);
}

export async function assertImageListed(world: RhoaiWorld): Promise<void> {
  const image = world.facts.customImage!;
  const page = new NotebookImagesPage(chrome(world).page);
  await page.visit(await dashboardOrigin(world));
  await expect(page.row(image.name), `Settings > Notebook images does not list ${image.name}`).toBeVisible();
}

export async function assertImageStream(world: RhoaiWorld): Promise<void> {
  const image = world.facts.customImage!;
  const streams = await world.cluster.list(
    { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', namespace: image.ref.namespace },
    { labelSelector: 'opendatahub.io/notebook-image=true' },
  );
  const stream = streams.find((s) => s.metadata.annotations?.['opendatahub.io/notebook-image-url'] === image.url);
  if (!stream)
    throw new Error(
      `no ImageStream carries opendatahub.io/notebook-image-url ${image.url} among the ${streams.length} notebook images of ${image.ref.namespace} (${streams.map((s) => s.metadata.name).join(', ')}): the import in the browser made none, so no workbench can use it`,
    );
  check(stream.metadata.name, "the custom image's ImageStream name (custom-<display name>)").to.equal(image.ref.name);
  check(stream.metadata.labels?.['app.kubernetes.io/created-by'], 'label app.kubernetes.io/created-by').to.equal('byon');
  check(stream.metadata.annotations?.['opendatahub.io/notebook-image-name'], 'the display name annotation').to.equal(image.name);
  const tag = (stream.spec?.tags as { name: string; from?: { kind: string; name: string } }[] | undefined)?.[0];
  check(tag?.from, 'the ImageStream tag points at the imported image').to.deep.equal({ kind: 'DockerImage', name: image.url });
  check(tag?.name, 'the tag of the imported URL').to.equal(image.url.split(':').pop());
}
