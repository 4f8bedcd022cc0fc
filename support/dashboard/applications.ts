// UI-APP-01, UI-APP-02, UI-RES-01: the dashboard's Applications (Enabled, Explore) and Resources
// pages, compared with what the cluster holds: the OdhApplication and OdhDocument objects of the
// dashboard's namespace (odh-dashboard rhoai-2.9 backend/src/utils/resourceUtils.ts fetchApplications
// and fetchDocs, frontend/src/pages/learningCenter/LearningCenter.tsx), and the Jupyter tile's
// notebook server: Notebook jupyter-nb-<user> in the notebook namespace (OdhDashboardConfig
// spec.notebookController.notebookNamespace, rhods-notebooks) with the user's own PVC
// jupyterhub-nb-<user>-pvc (backend/src/utils/notebookUtils.ts, userUtils.ts usernameTranslate).
import { expect, openUrl } from './playwright';
import { expect as check } from 'chai';
import type { KObject } from '../core/cluster';
import { applicationsNamespace } from '../serving/runtimes';
import type { RhoaiWorld } from '../core/world';
import { EnabledPage, ExplorePage, JupyterPage, ResourcesPage } from './applications-pages';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { chrome } from './people';

const APP_API = 'dashboard.opendatahub.io/v1';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The Resources page's filters the scenario set (UI-RES-01). */
    resourcesFilter?: { type?: string; keyword?: string };
  }
}

/** Where the dashboard's configuration lives: OdhDashboardConfig odh-dashboard-config of the applications namespace. */
export async function dashboardConfigRef(world: RhoaiWorld) {
  return {
    apiVersion: 'opendatahub.io/v1alpha',
    kind: 'OdhDashboardConfig',
    name: 'odh-dashboard-config',
    namespace: await applicationsNamespace(world),
  };
}

/** The dashboard's configuration (odh-dashboard-config). */
export async function dashboardConfig(world: RhoaiWorld): Promise<KObject | undefined> {
  return world.cluster.get(await dashboardConfigRef(world));
}

/** The OdhApplications the dashboard lists (listComponents: Jupyter only while notebookController.enabled is not false). */
export async function clusterApplications(world: RhoaiWorld): Promise<KObject[]> {
  const namespace = await applicationsNamespace(world);
  const jupyterOn = (await dashboardConfig(world))?.spec?.notebookController?.enabled !== false;
  const apps = await world.cluster.list({ apiVersion: APP_API, kind: 'OdhApplication', namespace });
  return apps.filter((a) => jupyterOn || a.metadata.name !== 'jupyter');
}

// ---- UI-APP-01: Enabled and the Jupyter tile ----

/** backend/src/utils/userUtils.ts usernameTranslate: the user's part of jupyter-nb-<user>. */
export function usernameTranslate(username: string): string {
  return encodeURIComponent(username)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2a')
    .replace(/-/g, '%2d')
    .replace(/\./g, '%2e')
    .replace(/_/g, '%5f')
    .replace(/~/g, '%7f')
    .replace(/%/g, '-')
    .toLowerCase();
}

async function jupyterRefs(world: RhoaiWorld) {
  const user = usernameTranslate(world.facts.dashboardUser!);
  const namespace =
    ((await dashboardConfig(world))?.spec?.notebookController?.notebookNamespace as string | undefined) ||
    (await applicationsNamespace(world));
  return {
    notebook: { apiVersion: 'kubeflow.org/v1', kind: 'Notebook', name: `jupyter-nb-${user}`, namespace },
    pvc: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: `jupyterhub-nb-${user}-pvc`, namespace },
  };
}

/** Applications > Enabled shows the Jupyter card; "Launch application" leads to its notebook server page. */
export async function launchJupyter(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const enabled = new EnabledPage(c.page);
  await enabled.visit(await dashboardOrigin(world));
  await expect(enabled.card('jupyter'), 'Applications > Enabled shows no Jupyter card').toBeVisible();
  await expect(enabled.card('jupyter').getByTestId('cardtitle')).toHaveText('Jupyter');
  await attachScreenshot(world, 'applications: enabled');
  const refs = await jupyterRefs(world);
  // A one-off server: deleted afterwards, with its storage.
  world.onCleanup(`delete the Jupyter notebook server ${refs.notebook.name} and its PVC`, async () => {
    await world.cluster.delete(refs.notebook);
    await world.cluster.delete(refs.pvc);
  });
  await enabled.launch('jupyter').click();
  const jupyter = new JupyterPage(c.page);
  await expect(jupyter.spawnerTitle.or(jupyter.stopButton), '"Launch application" of Jupyter opened no notebook server page').toBeVisible();
  await attachScreenshot(world, 'jupyter: start a notebook server');
}

/** Starts the server with the Minimal Python image. */
export async function startJupyterServer(world: RhoaiWorld, image: string): Promise<void> {
  const jupyter = new JupyterPage(chrome(world).page);
  if (await jupyter.stopButton.isVisible()) return; // already running (an earlier step of the same person)
  await jupyter.image(image).check();
  await jupyter.startButton.click();
  // The 2.9 page then shows its "Starting server" modal and opens JupyterLab when it is up; what
  // counts is the Notebook the backend creates (POST /api/notebooks). A refusal shows an alert.
  const refs = await jupyterRefs(world);
  const alert = jupyter.page.getByRole('alert');
  try {
    await world.cluster.waitFor(refs.notebook, (o) => Boolean(o), {
      describe: `"Start server" to create the Notebook ${refs.notebook.namespace}/${refs.notebook.name}`,
      timeoutMs: 60_000,
    });
  } catch (error) {
    if (await alert.isVisible())
      throw new Error(`the Jupyter tile refused to start a server: ${(await alert.textContent())?.trim()}`, { cause: error });
    throw error;
  }
  await attachScreenshot(world, 'jupyter: start server');
}

/** The server runs as the user's own Notebook with the user's own PVC, and the page offers to open and stop it. */
export async function assertJupyterRunning(world: RhoaiWorld): Promise<void> {
  const refs = await jupyterRefs(world);
  const user = world.facts.dashboardUser!;
  const nb = await world.cluster.waitFor(refs.notebook, (o) => (o?.status?.readyReplicas ?? 0) >= 1, {
    describe: `the Jupyter notebook server of ${user}, Notebook ${refs.notebook.namespace}/${refs.notebook.name}, to report readyReplicas >= 1`,
  });
  check(
    nb?.metadata?.annotations?.['opendatahub.io/username'],
    `Notebook ${refs.notebook.name} annotation opendatahub.io/username`,
  ).to.equal(user);
  const claims = ((nb?.spec?.template?.spec?.volumes as KObject[] | undefined) ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName as string | undefined)
    .filter(Boolean);
  if (!claims.includes(refs.pvc.name))
    throw new Error(
      `Notebook ${refs.notebook.namespace}/${refs.notebook.name} of ${user} mounts the PVC(s) ${claims.join(', ') || 'none'}, not its user's own ${refs.pvc.name}: the Jupyter server is not isolated from the other users'`,
    );
  check(await world.cluster.get(refs.pvc), `PVC ${refs.pvc.namespace}/${refs.pvc.name}`).to.not.equal(undefined);
  const c = chrome(world);
  // After "Start server" the page sends itself to /notebookController too (openUrl waits for that).
  await openUrl(c.page, `${await dashboardOrigin(world)}/notebookController`);
  const jupyter = new JupyterPage(c.page);
  await expect(jupyter.accessLink, 'the notebook server page offers no "Access notebook server"').toBeVisible();
  await expect(jupyter.stopButton).toBeVisible();
  await attachScreenshot(world, 'jupyter: server running');
}

/** "Stop notebook server", confirmed: the Notebook gets kubeflow-resource-stopped, its pod goes, the page offers to start again. */
export async function stopJupyterServer(world: RhoaiWorld): Promise<void> {
  const jupyter = new JupyterPage(chrome(world).page);
  await jupyter.stop();
  await expect(jupyter.spawnerTitle, 'after "Stop server" the page does not offer to start a server again').toBeVisible();
  await attachScreenshot(world, 'jupyter: server stopped');
}

export async function assertJupyterStopped(world: RhoaiWorld): Promise<void> {
  const refs = await jupyterRefs(world);
  await world.cluster.waitFor(
    refs.notebook,
    (o) => Boolean(o?.metadata?.annotations?.['kubeflow-resource-stopped']) && (o?.status?.readyReplicas ?? 0) === 0,
    {
      describe: `Notebook ${refs.notebook.namespace}/${refs.notebook.name} to be stopped (annotation kubeflow-resource-stopped, readyReplicas 0)`,
    },
  );
  check(await world.cluster.get(refs.pvc), `PVC ${refs.pvc.name} is kept while the server is stopped`).to.not.equal(undefined);
}

// ---- UI-APP-02: Explore ----

export async function openExplore(world: RhoaiWorld): Promise<ExplorePage> {
  const explore = new ExplorePage(chrome(world).page);
  await explore.visit(await dashboardOrigin(world));
  await attachScreenshot(world, 'applications: explore');
  return explore;
}

/** Every application the cluster holds (not hidden) has its card with its display name; a card opens its details. */
export async function assertExploreListsApplications(world: RhoaiWorld): Promise<void> {
  const explore = new ExplorePage(chrome(world).page);
  const namespace = await applicationsNamespace(world);
  const apps = (await clusterApplications(world)).filter((a) => !a.spec?.hidden);
  check(apps.length, `OdhApplications (not hidden) in ${namespace}`).to.be.greaterThan(0);
  for (const app of apps)
    await expect(
      explore.cardTitle(app.metadata.name!),
      `Explore shows no card for the OdhApplication ${app.metadata.name} ("${app.spec.displayName}") of ${namespace}`,
    ).toHaveText(app.spec.displayName);
  await expect(explore.cards(), `Explore shows cards that are no OdhApplication of ${namespace}`).toHaveCount(apps.length);
  await explore.card('jupyter').click();
  await expect(explore.drawer, 'selecting the Jupyter card opened no details panel').toBeVisible();
  await expect(explore.drawer.getByRole('heading', { name: 'Jupyter' })).toBeVisible();
  await attachScreenshot(world, 'explore: Jupyter selected');
}

// ---- UI-RES-01: Resources ----

interface Resource {
  name: string;
  type: string;
  displayName: string;
  description: string;
  appName?: string;
  provider?: string;
}

/** What LearningCenter.tsx lists of the cluster's objects (quick starts left out: they are counted only by type). */
async function clusterResources(world: RhoaiWorld): Promise<Resource[]> {
  const namespace = await applicationsNamespace(world);
  const apps = await clusterApplications(world);
  const names = new Set(apps.map((a) => a.metadata.name));
  const flags = ((await dashboardConfig(world))?.spec?.dashboardConfig ?? {}) as Record<string, unknown>;
  const docs = (await world.cluster.list({ apiVersion: APP_API, kind: 'OdhDocument', namespace }))
    .filter((d) => names.has(d.spec?.appName) && (!d.spec?.featureFlag || flags[d.spec.featureFlag] === true))
    .map((d) => ({
      name: d.metadata.name!,
      type: d.spec.type as string,
      displayName: d.spec.displayName as string,
      description: (d.spec.description as string | undefined) ?? '',
      appName: d.spec.appName as string,
      provider: d.spec.provider as string | undefined,
    }));
  const appDocs = apps
    .filter((a) => a.spec?.docsLink)
    .map((a) => ({
      name: `${a.metadata.name}-doc`,
      type: 'documentation',
      displayName: a.spec.displayName as string,
      description: (a.spec.description as string | undefined) ?? '',
      appName: a.metadata.name!,
      provider: a.spec.provider as string | undefined,
    }));
  return [...docs, ...appDocs].filter((d) => d.type !== 'getting-started');
}

/** utilities/utils.ts matchesSearch. */
function matchesSearch(d: Resource, keyword: string): boolean {
  const k = keyword.toLowerCase();
  return [d.name, d.appName ?? '', d.provider ?? '', d.displayName, d.description].some((t) => t.toLowerCase().includes(k));
}

export async function openResources(world: RhoaiWorld): Promise<void> {
  await new ResourcesPage(chrome(world).page).visit(await dashboardOrigin(world));
  world.facts.resourcesFilter = {};
  await attachScreenshot(world, 'resources');
}

export async function assertResourcesListed(world: RhoaiWorld): Promise<void> {
  const page = new ResourcesPage(chrome(world).page);
  const expected = await clusterResources(world);
  check(expected.length, 'documents of the applications in the dashboard namespace').to.be.greaterThan(0);
  for (const d of expected)
    await expect(page.card(d.name), `Resources shows no card for "${d.displayName}" (${d.type}, ${d.name})`).toBeVisible();
}

const TYPES: Record<string, 'documentation' | 'how-to' | 'quickstart' | 'tutorial'> = {
  Documentation: 'documentation',
  'How-to': 'how-to',
  'Quick start': 'quickstart',
  Tutorial: 'tutorial',
};

export async function filterResourcesByType(world: RhoaiWorld, label: string): Promise<void> {
  const type = TYPES[label];
  if (!type) throw new Error(`resource type "${label}": one of ${Object.keys(TYPES).join(', ')}`);
  const page = new ResourcesPage(chrome(world).page);
  await page.typeFilter(type).check();
  await expect(page.typeFilter(type)).toBeChecked();
  world.facts.resourcesFilter = { ...world.facts.resourcesFilter, type };
  await attachScreenshot(world, `resources: type ${label}`);
}

export async function searchResources(world: RhoaiWorld, keyword: string): Promise<void> {
  const page = new ResourcesPage(chrome(world).page);
  await page.search.fill(keyword);
  await page.search.press('Enter');
  world.facts.resourcesFilter = { ...world.facts.resourcesFilter, keyword };
  await expect(page.page).toHaveURL(/keyword=/);
  await attachScreenshot(world, `resources: search ${keyword}`);
}

/** The cards shown are exactly the cluster's documents that pass the scenario's filters. */
export async function assertResourcesFiltered(world: RhoaiWorld): Promise<void> {
  const page = new ResourcesPage(chrome(world).page);
  const { type, keyword } = world.facts.resourcesFilter ?? {};
  const expected = (await clusterResources(world))
    .filter((d) => !type || d.type === type)
    .filter((d) => !keyword || matchesSearch(d, keyword))
    .map((d) => d.name)
    .sort();
  check(expected.length, `documents of type ${type ?? 'any'}${keyword ? ` matching "${keyword}"` : ''} on the cluster`).to.be.greaterThan(
    0,
  );
  await expect
    .poll(async () => (await page.shownNames()).sort(), {
      message: `with the resource type filter ${type ?? '(none)'}${keyword ? ` and the search "${keyword}"` : ''}, Resources should show exactly ${expected.join(', ')}`,
    })
    .toEqual(expected);
}
