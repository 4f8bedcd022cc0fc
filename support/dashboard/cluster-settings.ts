// Settings > Cluster settings driven in the browser, each change read back from the cluster objects
// the 2.9 backend writes (odh-dashboard rhoai-2.9 backend/src/routes/api/cluster-settings/
// clusterSettingsUtils.ts; ../shared/dashboard/cluster-settings.md): OdhDashboardConfig
// odh-dashboard-config (pvcSize, notebookTolerationSettings, disableKServe/disableModelMesh), the
// ConfigMap notebook-controller-culler-config (CULL_IDLE_TIME in minutes; deleted for "Do not stop"),
// the ConfigMap odh-segment-key-config (segmentKeyEnabled). What the scenario changes is put back
// afterwards, as it was found (the objects' earlier values, restored on the cluster).
import { expect } from './playwright';
import type { KObject, ObjectRef } from '../core/cluster';
import { applicationsNamespace } from '../serving/runtimes';
import type { RhoaiWorld } from '../core/world';
import { attachScreenshot } from './browser';
import { ClusterSettingsPage, CULLER_HELP, PVC_HELP, SAVED_TOAST } from './cluster-settings-page';
import { dashboardOrigin } from './login';
import { chrome } from './people';

declare module '../core/world' {
  interface ScenarioFacts {
    /** Whether the scenario already registered the restore of the cluster settings. */
    clusterSettingsRestore?: boolean;
  }
}

const CONFIG_API = 'opendatahub.io/v1alpha';

async function refs(world: RhoaiWorld): Promise<{ config: ObjectRef; culler: ObjectRef; segment: ObjectRef }> {
  const namespace = await applicationsNamespace(world);
  return {
    config: { apiVersion: CONFIG_API, kind: 'OdhDashboardConfig', name: 'odh-dashboard-config', namespace },
    culler: { apiVersion: 'v1', kind: 'ConfigMap', name: 'notebook-controller-culler-config', namespace },
    segment: { apiVersion: 'v1', kind: 'ConfigMap', name: 'odh-segment-key-config', namespace },
  };
}

/** Opens Cluster settings; the first time in a scenario, remembers what the objects hold to put it back afterwards. */
export async function openClusterSettings(world: RhoaiWorld): Promise<ClusterSettingsPage> {
  const page = new ClusterSettingsPage(chrome(world).page);
  if (!world.facts.clusterSettingsRestore) {
    world.facts.clusterSettingsRestore = true;
    const r = await refs(world);
    const [config, culler, segment] = await Promise.all([
      world.cluster.get(r.config),
      world.cluster.get(r.culler),
      world.cluster.get(r.segment),
    ]);
    world.onCleanup('put the cluster settings back', () => restore(world, r, config, culler, segment));
  }
  await page.visit(await dashboardOrigin(world));
  return page;
}

async function restore(
  world: RhoaiWorld,
  r: Awaited<ReturnType<typeof refs>>,
  config: KObject | undefined,
  culler: KObject | undefined,
  segment: KObject | undefined,
): Promise<void> {
  if (config) {
    const { notebookController, dashboardConfig } = config.spec ?? {};
    await world.cluster.patch(r.config, {
      spec: {
        notebookController: {
          pvcSize: notebookController?.pvcSize ?? null,
          notebookTolerationSettings: notebookController?.notebookTolerationSettings ?? null,
        },
        dashboardConfig: {
          disableKServe: dashboardConfig?.disableKServe ?? null,
          disableModelMesh: dashboardConfig?.disableModelMesh ?? null,
        },
      },
    });
  }
  if (segment) await world.cluster.patch(r.segment, { data: { segmentKeyEnabled: segment.data?.segmentKeyEnabled ?? null } });
  const now = await world.cluster.get(r.culler);
  if (!culler && now) await world.cluster.delete(r.culler);
  else if (culler && now) await world.cluster.patch(r.culler, { data: culler.data ?? {} });
  else if (culler && !now)
    await world.cluster.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: r.culler.name, namespace: r.culler.namespace, labels: culler.metadata.labels },
      data: culler.data,
    });
}

/** Reads a field of a cluster object after a save the page reported as done. */
async function readBack(
  world: RhoaiWorld,
  ref: ObjectRef,
  what: string,
  read: (o: KObject | undefined) => unknown,
  expected: unknown,
): Promise<void> {
  const found = read(await world.cluster.get(ref));
  if (JSON.stringify(found) !== JSON.stringify(expected))
    throw new Error(
      `${what} is ${JSON.stringify(found)} after "Save changes" showed "${SAVED_TOAST}" in the browser; expected ${JSON.stringify(expected)}: the dashboard backend did not write what the page saved`,
    );
}

// ---- UI-SET-02 serving platforms ----

export async function saveServingPlatform(world: RhoaiWorld, platform: 'single' | 'multi', enabled: boolean): Promise<void> {
  const page = await openClusterSettings(world);
  const box = platform === 'single' ? page.singleModel : page.multiModel;
  await expect(box, `the ${platform}-model serving platform checkbox is disabled (is its component Managed?)`).toBeEnabled();
  if ((await box.isChecked()) === enabled) {
    // Already so: switch it the other way first, so that the save under test changes something.
    await box.setChecked(!enabled);
    await page.save();
  }
  await box.setChecked(enabled);
  if (!enabled)
    await expect(page.platformAlert).toContainText(
      platform === 'multi' ? 'Disabling multi-model serving' : 'Disabling single-model serving',
    );
  await attachScreenshot(world, `cluster settings: ${platform}-model platform ${enabled ? 'on' : 'off'}`);
  await page.save();
  await attachScreenshot(world, 'cluster settings: saved');
}

export async function assertServingPlatform(world: RhoaiWorld, platform: 'single' | 'multi', enabled: boolean): Promise<void> {
  const field = platform === 'single' ? 'disableKServe' : 'disableModelMesh';
  await readBack(
    world,
    (await refs(world)).config,
    `odh-dashboard-config spec.dashboardConfig.${field}`,
    (o) => o?.spec?.dashboardConfig?.[field],
    !enabled,
  );
}

// ---- UI-SET-03 PVC size ----

export async function savePvcSize(world: RhoaiWorld, gib: number): Promise<void> {
  const page = await openClusterSettings(world);
  if ((await page.pvcSize.inputValue()) === String(gib)) {
    await page.restoreDefault.click();
    if (gib === 20) await page.setPvcSize('21');
    await page.save();
  }
  await page.setPvcSize(String(gib));
  await expect(page.pvcSize).toHaveValue(String(gib));
  await page.save();
  await attachScreenshot(world, `cluster settings: PVC size ${gib} GiB saved`);
}

export async function assertPvcSize(world: RhoaiWorld, gib: number): Promise<void> {
  await readBack(
    world,
    (await refs(world)).config,
    'odh-dashboard-config spec.notebookController.pvcSize',
    (o) => o?.spec?.notebookController?.pvcSize,
    `${gib}Gi`,
  );
}

/** The page does not take the value: the field is clamped to the bound, with the page's own note. */
export async function assertPvcSizeRefused(world: RhoaiWorld, typed: number, kept: number): Promise<void> {
  const page = await openClusterSettings(world);
  await page.setPvcSize(String(typed));
  const value = await page.pvcSize.inputValue();
  if (value !== String(kept))
    throw new Error(`the PVC size field kept ${value} after typing ${typed}: the page must clamp it to ${kept} GiB ("${PVC_HELP}")`);
  await expect(page.pvcHelp).toHaveText(PVC_HELP);
  await attachScreenshot(world, `cluster settings: PVC size ${typed} refused`);
  // An empty field is the page's one way to 0: Save stays disabled.
  await page.setPvcSize('');
  await expect(page.saveButton, 'Save changes is enabled with an empty PVC size').toBeDisabled();
}

// ---- UI-SET-04 stop idle notebooks ----

export async function saveCullerTimeout(world: RhoaiWorld, hours: number, minutes: number): Promise<void> {
  const page = await openClusterSettings(world);
  await page.setCuller(hours, minutes);
  if (await page.saveButton.isDisabled()) {
    await page.setCuller(hours === 1000 ? 999 : hours + 1, 0);
    await page.save();
    await page.setCuller(hours, minutes);
  }
  await page.save();
  await attachScreenshot(world, `cluster settings: idle notebooks stopped after ${hours} h ${minutes} min`);
}

export async function assertCullerMinutes(world: RhoaiWorld, minutes: number): Promise<void> {
  const r = (await refs(world)).culler;
  await readBack(world, r, `ConfigMap ${r.name} data.CULL_IDLE_TIME`, (o) => o?.data?.CULL_IDLE_TIME, String(minutes));
  await readBack(world, r, `ConfigMap ${r.name} data.ENABLE_CULLING`, (o) => o?.data?.ENABLE_CULLING, 'true');
}

export async function assertCullerRefused(world: RhoaiWorld, hours: number, minutes: number): Promise<void> {
  const page = await openClusterSettings(world);
  await page.setCuller(hours, minutes);
  if (hours > 1000) {
    const kept = await page.hours.inputValue();
    if (kept !== '1000')
      throw new Error(`the hours field kept ${kept} after typing ${hours}: the page must clamp it to 1000 ("${CULLER_HELP}")`);
  } else {
    await expect(page.cullerHelp).toHaveText(CULLER_HELP);
    await expect(page.saveButton, `Save changes is enabled with a timeout of ${hours} h ${minutes} min, below 10 minutes`).toBeDisabled();
  }
  await attachScreenshot(world, `cluster settings: ${hours} h ${minutes} min refused`);
}

export async function saveNoCulling(world: RhoaiWorld): Promise<void> {
  const page = await openClusterSettings(world);
  await page.cullerUnlimited.check();
  await page.save();
}

export async function assertNoCulling(world: RhoaiWorld): Promise<void> {
  const r = (await refs(world)).culler;
  const found = await world.cluster.get(r);
  if (found)
    throw new Error(
      `ConfigMap ${r.name} still exists (CULL_IDLE_TIME ${found.data?.CULL_IDLE_TIME}) after "Do not stop idle notebooks" was saved and "Save changes" showed "${SAVED_TOAST}": the dashboard backend did not write what the page saved`,
    );
}

// ---- UI-SET-05 usage data ----

export async function saveUsageData(world: RhoaiWorld, allowed: boolean): Promise<void> {
  const page = await openClusterSettings(world);
  await expect(page.usageData, 'Usage data collection is not offered (dashboardConfig.disableTracking is true?)').toBeVisible();
  if ((await page.usageData.isChecked()) === allowed) {
    await page.usageData.setChecked(!allowed);
    await page.save();
  }
  await page.usageData.setChecked(allowed);
  await page.save();
  await attachScreenshot(world, `cluster settings: usage data ${allowed ? 'allowed' : 'not allowed'}`);
}

export async function assertUsageData(world: RhoaiWorld, allowed: boolean): Promise<void> {
  const r = (await refs(world)).segment;
  await readBack(world, r, `ConfigMap ${r.name} data.segmentKeyEnabled`, (o) => o?.data?.segmentKeyEnabled, String(allowed));
}

// ---- UI-SET-06 notebook pod tolerations ----

export async function saveToleration(world: RhoaiWorld, key: string): Promise<void> {
  const page = await openClusterSettings(world);
  await page.tolerationsEnabled.check();
  if ((await page.tolerationKey.inputValue()) === key) {
    await page.tolerationKey.fill(`${key}x`);
    await page.save();
  }
  await page.tolerationKey.fill(key);
  await page.save();
  await attachScreenshot(world, `cluster settings: toleration ${key}`);
}

export async function assertToleration(world: RhoaiWorld, key: string): Promise<void> {
  await readBack(
    world,
    (await refs(world)).config,
    'odh-dashboard-config spec.notebookController.notebookTolerationSettings',
    (o) => o?.spec?.notebookController?.notebookTolerationSettings,
    { enabled: true, key },
  );
}

export async function assertTolerationKeyRefused(world: RhoaiWorld, key: string): Promise<void> {
  const page = await openClusterSettings(world);
  await page.tolerationsEnabled.check();
  await page.tolerationKey.fill(key);
  const refusal = `the toleration key "${key}" was not refused`;
  await expect(page.tolerationError, `${refusal}: the page shows no format message`).toBeVisible();
  await expect(page.tolerationError, refusal).toHaveText(
    "Toleration key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character.",
  );
  await expect(page.saveButton, `${refusal}: Save changes is enabled`).toBeDisabled();
  await attachScreenshot(world, `cluster settings: toleration key ${key} refused`);
}
