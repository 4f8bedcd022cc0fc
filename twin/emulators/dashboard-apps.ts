// The RHOAI 2.9 dashboard's application pages and their backend (part of the odh-dashboard image
// emulator, twin/emulators/dashboard.ts routes to it). Upstream: red-hat-data-services/odh-dashboard,
// branch rhoai-2.9 (commit bcf27bf5):
//   - backend/src/utils/resourceUtils.ts fetchApplications (each OdhApplication of the dashboard
//     namespace with isEnabled and shownOnEnabledPage; an enabled one is recorded in the ConfigMap
//     $ENABLED_APPS_CM = odh-enabled-applications-config, .env) and fetchDocs (the OdhDocuments of an
//     existing application; one with a featureFlag only when that flag is on);
//   - backend/src/utils/componentUtils.ts getIsAppEnabled (kfdefApplications with no KfDef on the
//     cluster; validationConfigMap's validation_result "true"; a Subscription's installed CSV named
//     csvName* in phase Succeeded) and checkJupyterEnabled (notebookController.enabled !== false);
//   - backend/src/routes/api/components/list.ts (GET /api/components, ?installed=true: only
//     shownOnEnabledPage), routes/api/docs, routes/api/dsc (GET /api/dsc/status);
//   - backend/src/utils/notebookUtils.ts (POST /api/notebooks, the Jupyter tile: Notebook
//     jupyter-nb-<usernameTranslate(user)> in notebookController.notebookNamespace, its own PVC
//     jupyterhub-nb-<user>-pvc of pvcSize, the image <ImageStream dockerImageRepository>:<tag>,
//     annotation notebooks.opendatahub.io/inject-oauth; PATCH /api/notebooks stops it with
//     kubeflow-resource-stopped) and backend/src/utils/userUtils.ts usernameTranslate;
//   - frontend/src/pages/enabledApplications/EnabledApplications.tsx and components/OdhAppCard.tsx
//     (cards `card <name>`, not hidden, sorted by display name, "Launch application" to the internal route);
//   - frontend/src/pages/exploreApplication/ExploreApplications.tsx, GetStartedPanel.tsx and
//     components/OdhExploreCard.tsx (every application not hidden; the category badge unless
//     dashboardConfig.disableISVBadges; selecting a card opens the explore-drawer-panel unless
//     disableInfo, which also changes the page description);
//   - frontend/src/pages/learningCenter/LearningCenter.tsx, DocTypeFilters.tsx, useDocFilterer.ts,
//     const.ts, utilities/utils.ts matchesSearch and components/OdhDocCard.tsx (the OdhDocuments, a
//     documentation entry `<app>-doc` per application with a docsLink, the quick starts; the
//     "getting-started" type left out; filters in the query: type (JSON list), keyword);
//   - frontend/src/pages/notebookController/screens/server/SpawnerPage.tsx and NotebookServer.tsx
//     ("Start a notebook server", "Start server"; "Access notebook server", "Stop notebook server");
//   - frontend/src/pages/projects/screens/detail/ProjectDetails.tsx and concepts/areas/const.ts (the
//     project's tabs; "Settings", which holds model bias monitoring, only where the BIAS_METRICS area
//     is available: disableBiasMetrics off and the DataScienceCluster's installedComponents.trustyai).
// Quick starts (OdhQuickStart) are listed when the cluster serves that kind; the twin ships none.
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';

export const DASHBOARD_APPS_FAULTS: FaultDefinition[] = [
  {
    name: 'dashboard-jupyter-shared-pvc',
    description:
      "The Jupyter tile's backend mounts one PVC, jupyterhub-nb-shared-pvc, into every user's notebook server instead of jupyterhub-nb-<user>-pvc: users see and overwrite each other's files",
    caughtBy: '@req.UI-APP-01',
    expectMessage: "not its user's own jupyterhub-nb-",
  },
  {
    name: 'dashboard-explore-enabled-only',
    description:
      'Explore lists only the applications already enabled (a backend that answers /api/components as if ?installed=true were always set): the optional applications an admin could add are not offered',
    caughtBy: '@req.UI-APP-02',
    expectMessage: 'Explore shows no card for the OdhApplication',
  },
  {
    name: 'dashboard-resources-type-filter-ignored',
    description: 'The Resources page ignores its "Resource type" filter: ticking Tutorial still lists every document',
    caughtBy: '@req.UI-RES-01',
    expectMessage: 'with the resource type filter',
  },
  {
    name: 'dashboard-bias-metrics-without-trustyai',
    description:
      "The dashboard gates model bias monitoring on disableBiasMetrics alone, as before 2.9, not on the DataScienceCluster's installed TrustyAI: it offers a project's Settings (model bias) on a cluster without TrustyAI",
    caughtBy: '@req.CMP-09',
    expectMessage: 'does not gate model bias monitoring on the TrustyAI component',
  },
  {
    name: 'dashboard-isv-badges-option-ignored',
    description:
      'Explore ignores the dashboard configuration option disableISVBadges (a frontend that lost the flag): the support badges stay on every card',
    caughtBy: '@req.ADV-11',
    expectMessage: 'Explore still shows the category badge',
  },
];

const APP_API = 'dashboard.opendatahub.io/v1';
const ENABLED_APPS_CM = 'odh-enabled-applications-config';
/** DocTypeFilters.tsx: value, title (the OdhDocumentType key), the checkbox's test id (its id). */
const DOC_TYPES: [string, string, string][] = [
  ['documentation', 'Documentation', 'data-testid="documentation"'],
  ['how-to', 'HowTo', 'data-testid="how-to"'],
  ['quickstart', 'QuickStart', 'data-testid="quickstart"'],
  ['tutorial', 'Tutorial', 'data-testid="tutorial"'],
];

/** What of the dashboard backend these pages use (twin/emulators/dashboard.ts Backend). */
export interface AppsBackend {
  client: TwinClient;
  ns: string;
  faults: { has(name: string): boolean };
  config(): KObject | undefined;
}

export interface AppsViewer {
  name: string;
  isAdmin: boolean;
}

export type Answer = { status: number; body: unknown };
export type Page = { title: string; body: string; status?: number };

function dashboardFlags(b: AppsBackend): Record<string, unknown> {
  return (b.config()?.spec?.dashboardConfig as Record<string, unknown> | undefined) ?? {};
}

// ---- backend ----

/** resourceUtils.fetchApplications + components/list.ts listComponents. */
export function applications(b: AppsBackend, installed: boolean): KObject[] {
  if (!b.client.hasKind(APP_API, 'OdhApplication')) return [];
  const cm = b.client.get('v1', 'ConfigMap', ENABLED_APPS_CM, b.ns);
  const added: Record<string, string> = {};
  const apps = b.client.list(APP_API, 'OdhApplication', b.ns).map((def) => {
    const name = def.metadata.name!;
    const isEnabled = isAppEnabled(b, def);
    let shown = cm?.data?.[name] === 'true';
    if (isEnabled && !shown) {
      added[name] = 'true';
      shown = true;
    }
    return { ...def, spec: { ...def.spec, isEnabled, shownOnEnabledPage: shown } };
  });
  if (Object.keys(added).length) {
    if (cm) b.client.patch('v1', 'ConfigMap', ENABLED_APPS_CM, b.ns, { data: added }, 'merge');
    else b.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ENABLED_APPS_CM, namespace: b.ns }, data: added });
  }
  const jupyterOn = b.config()?.spec?.notebookController?.enabled !== false;
  const listed = apps.filter((a) => jupyterOn || a.metadata.name !== 'jupyter');
  if (!installed && !b.faults.has('dashboard-explore-enabled-only')) return listed;
  return listed.filter((a) => a.spec.shownOnEnabledPage);
}

/** componentUtils.getIsAppEnabled. */
function isAppEnabled(b: AppsBackend, app: KObject): boolean {
  const spec = app.spec ?? {};
  // hasKfDefForApp: no KfDef on a 2.9 cluster, so an application naming kfdefApplications is enabled.
  if (Array.isArray(spec.kfdefApplications) && spec.kfdefApplications.length) return true;
  const validation = spec.enable?.validationConfigMap as string | undefined;
  if (validation && b.client.get('v1', 'ConfigMap', validation, b.ns)?.data?.validation_result === 'true') return true;
  if (spec.csvName) {
    const sub = b.client
      .list('operators.coreos.com/v1alpha1', 'Subscription')
      .find((s) => String(s.status?.installedCSV ?? '').startsWith(spec.csvName as string));
    const csvNs = sub?.status?.installPlanRef?.namespace as string | undefined;
    if (sub && csvNs) {
      const csv = b.client.get('operators.coreos.com/v1alpha1', 'ClusterServiceVersion', sub.status.installedCSV as string, csvNs);
      if (csv?.status?.phase === 'Succeeded') return true;
    }
  }
  return false;
}

/** resourceUtils.fetchDocs. */
function odhDocuments(b: AppsBackend): KObject[] {
  if (!b.client.hasKind(APP_API, 'OdhDocument')) return [];
  const apps = new Set(b.client.list(APP_API, 'OdhApplication', b.ns).map((a) => a.metadata.name));
  const flags = dashboardFlags(b);
  return b.client
    .list(APP_API, 'OdhDocument', b.ns)
    .filter((d) => apps.has(d.spec?.appName) && (!d.spec?.featureFlag || flags[d.spec.featureFlag] === true));
}

interface Doc {
  name: string;
  type: string;
  displayName: string;
  description: string;
  appName?: string;
  appDisplayName?: string;
  provider?: string;
  url?: string;
}

/** LearningCenter.tsx: the documents, an application's documentation, the quick starts. */
function learningCenterDocs(b: AppsBackend): Doc[] {
  const apps = applications(b, false);
  const docs: Doc[] = odhDocuments(b).map((d) => ({
    name: d.metadata.name!,
    type: d.spec.type,
    displayName: d.spec.displayName,
    description: d.spec.description ?? '',
    appName: d.spec.appName,
    provider: d.spec.provider,
    url: d.spec.url,
  }));
  for (const a of apps)
    if (a.spec.docsLink)
      docs.push({
        name: `${a.metadata.name}-doc`,
        type: 'documentation',
        appName: a.metadata.name,
        provider: a.spec.provider,
        url: a.spec.docsLink,
        displayName: a.spec.displayName,
        description: a.spec.description ?? '',
      });
  if (b.client.hasKind('console.openshift.io/v1', 'OdhQuickStart'))
    for (const q of b.client.list('console.openshift.io/v1', 'OdhQuickStart', b.ns))
      docs.push({
        name: q.metadata.name!,
        type: 'quickstart',
        displayName: q.spec?.displayName ?? q.metadata.name!,
        description: q.spec?.description ?? '',
        appName: q.spec?.appName,
      });
  return docs
    .filter((d) => d.type !== 'getting-started')
    .map((d) => {
      const app = apps.find((a) => a.metadata.name === d.appName);
      return app
        ? {
            ...d,
            appDisplayName: app.spec.displayName,
            provider: d.provider || app.spec.provider,
            description: d.description || app.spec.description,
          }
        : d;
    });
}

/** userUtils.usernameTranslate. */
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

function notebookNamespace(b: AppsBackend): string {
  return b.config()?.spec?.notebookController?.notebookNamespace || b.ns;
}

function jupyterNotebook(b: AppsBackend, user: string): KObject | undefined {
  return b.client.get('kubeflow.org/v1', 'Notebook', `jupyter-nb-${usernameTranslate(user)}`, notebookNamespace(b));
}

function notebookSizes(b: AppsBackend): { name: string; resources: Record<string, unknown> }[] {
  const sizes = b.config()?.spec?.notebookSizes as { name: string; resources: Record<string, unknown> }[] | undefined;
  return sizes?.length
    ? sizes
    : [{ name: 'Small', resources: { requests: { cpu: '1', memory: '8Gi' }, limits: { cpu: '2', memory: '8Gi' } } }];
}

/** notebookUtils.createNotebook / updateNotebook (the Jupyter tile's "Start server"). */
function startNotebook(b: AppsBackend, viewer: AppsViewer, data: KObject, origin: string): Answer {
  if (data.state !== 'started') return { status: 400, body: { message: 'state must be "started"' } };
  const ns = notebookNamespace(b);
  const user = usernameTranslate(viewer.name);
  const name = `jupyter-nb-${user}`;
  const stream = b.client.get('image.openshift.io/v1', 'ImageStream', String(data.imageName ?? ''), b.ns);
  const tag = ((stream?.spec?.tags as KObject[] | undefined) ?? []).find((t) => t.name === data.imageTagName);
  if (!stream || !tag)
    return { status: 500, body: { message: `Error getting the image for ${data.imageName}:${data.imageTagName}, not found` } };
  const imageUrl = `${stream.status?.dockerImageRepository}:${tag.name}`;
  const size = notebookSizes(b).find((s) => s.name === data.notebookSizeName) ?? notebookSizes(b)[0]!;
  const pvcName = b.faults.has('dashboard-jupyter-shared-pvc') ? 'jupyterhub-nb-shared-pvc' : `jupyterhub-nb-${user}-pvc`;
  if (!b.client.get('v1', 'PersistentVolumeClaim', pvcName, ns))
    b.client.create({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: pvcName, namespace: ns, labels: { 'opendatahub.io/dashboard': 'true' } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: b.config()?.spec?.notebookController?.pvcSize ?? '20Gi' } },
        volumeMode: 'Filesystem',
      },
    });
  const tolerationSettings = b.config()?.spec?.notebookController?.notebookTolerationSettings;
  const notebook: KObject = {
    apiVersion: 'kubeflow.org/v1',
    kind: 'Notebook',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name, 'opendatahub.io/odh-managed': 'true', 'opendatahub.io/user': user, 'opendatahub.io/dashboard': 'true' },
      annotations: {
        'notebooks.opendatahub.io/oauth-logout-url': `${origin}/notebookController/${user}/home`,
        'notebooks.opendatahub.io/last-size-selection': size.name,
        'notebooks.opendatahub.io/last-image-selection': `${stream.metadata.name}:${tag.name}`,
        'opendatahub.io/username': viewer.name,
        'opendatahub.io/accelerator-name': '',
        'notebooks.opendatahub.io/inject-oauth': 'true',
      },
    },
    spec: {
      template: {
        spec: {
          enableServiceLinks: false,
          containers: [
            {
              name,
              image: imageUrl,
              imagePullPolicy: 'Always',
              workingDir: '/opt/app-root/src',
              env: [
                { name: 'NOTEBOOK_ARGS', value: `--ServerApp.port=8888 --ServerApp.base_url=/notebook/${ns}/${name}` },
                { name: 'JUPYTER_IMAGE', value: imageUrl },
                { name: 'JUPYTER_NOTEBOOK_PORT', value: '8888' },
              ],
              resources: size.resources,
              volumeMounts: [
                { mountPath: '/opt/app-root/src', name: pvcName },
                { mountPath: '/dev/shm', name: 'shm' },
              ],
              ports: [{ name: 'notebook-port', containerPort: 8888, protocol: 'TCP' }],
            },
          ],
          volumes: [
            { name: pvcName, persistentVolumeClaim: { claimName: pvcName } },
            { name: 'shm', emptyDir: { medium: 'Memory' } },
          ],
          tolerations: tolerationSettings?.enabled ? [{ effect: 'NoSchedule', key: tolerationSettings.key, operator: 'Exists' }] : [],
        },
      },
    },
  };
  const live = jupyterNotebook(b, viewer.name);
  if (!live) return { status: 200, body: b.client.create(notebook) };
  // updateNotebook: the new spec, the stop annotation removed.
  const annotations = { ...notebook.metadata.annotations, 'kubeflow-resource-stopped': null };
  return {
    status: 200,
    body: b.client.patch('kubeflow.org/v1', 'Notebook', name, ns, { metadata: { annotations }, spec: notebook.spec }, 'merge'),
  };
}

/** The backend's paths these pages call; undefined when the path is not one of them. */
export async function appsApi(
  b: AppsBackend,
  viewer: AppsViewer,
  method: string,
  url: URL,
  origin: string,
  readBody: () => Promise<unknown>,
): Promise<Answer | undefined> {
  const path = url.pathname;
  if (path === '/api/components' && method === 'GET') return { status: 200, body: applications(b, url.searchParams.has('installed')) };
  if (path === '/api/docs' && method === 'GET') return { status: 200, body: odhDocuments(b) };
  if (path === '/api/notebooks' && method === 'POST') return startNotebook(b, viewer, (await readBody()) as KObject, origin);
  if (path === '/api/notebooks' && method === 'PATCH') {
    const data = (await readBody()) as KObject;
    const nb = jupyterNotebook(b, viewer.name);
    if (data.state !== 'stopped' || !nb) return { status: 400, body: { message: 'no notebook to stop' } };
    const stopped = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    b.client.patch(
      'kubeflow.org/v1',
      'Notebook',
      nb.metadata.name!,
      nb.metadata.namespace,
      {
        metadata: { annotations: { 'kubeflow-resource-stopped': stopped } },
      },
      'merge',
    );
    return { status: 200, body: jupyterNotebook(b, viewer.name) };
  }
  return undefined;
}

// ---- pages ----

export function appsPage(b: AppsBackend, viewer: AppsViewer, path: string, url: URL): Page | undefined {
  if (path === '/') return enabledPage(b);
  if (path === '/explore') return explorePage(b, url.searchParams.get('selectId'));
  if (path === '/resources') return resourcesPage(b, url);
  if (path === '/notebookController' || path === '/notebookController/spawner') return jupyterPage(b, viewer);
  const project = /^\/projects\/([^/]+)$/.exec(path);
  if (project) return projectPage(b, viewer, decodeURIComponent(project[1]!));
  return undefined;
}

function byDisplayName(a: KObject, c: KObject): number {
  return String(a.spec.displayName).localeCompare(String(c.spec.displayName));
}

function enabledPage(b: AppsBackend): Page {
  const cards = applications(b, true)
    .filter((a) => !a.spec.hidden)
    .sort(byDisplayName)
    .map((a) => {
      const launch = a.spec.internalRoute
        ? `<a href="/${esc(a.spec.internalRoute)}">Launch application</a>`
        : a.spec.link
          ? `<a href="${esc(a.spec.link)}" target="_blank" rel="noopener noreferrer">Launch application</a>`
          : '';
      return `<article role="listitem" data-testid="card ${esc(a.metadata.name!)}">${appTitle(a)}<p>${esc(a.spec.description ?? '')}</p><footer>${launch}</footer></article>`;
    })
    .join('');
  return {
    title: 'Enabled',
    body:
      '<h1 data-testid="app-page-title">Enabled</h1><p>Launch your enabled applications, view documentation, or get started with quick start instructions and tasks.</p>' +
      `<section data-testid="enabled-application"><div role="list">${cards}</div></section>`,
  };
}

/** SupportedAppTitle: the title (cardtitle) and "by <provider>" (cardprovider). */
function appTitle(a: KObject): string {
  return `<h2 data-testid="cardtitle">${esc(a.spec.displayName)}</h2><p data-testid="cardprovider">by ${esc(a.spec.provider ?? '')}</p>`;
}

function explorePage(b: AppsBackend, selectId: string | null): Page {
  const flags = dashboardFlags(b);
  const disableInfo = flags.disableInfo === true;
  const badges = flags.disableISVBadges !== true || b.faults.has('dashboard-isv-badges-option-ignored');
  const apps = applications(b, false)
    .filter((a) => !a.spec.hidden)
    .sort(byDisplayName);
  const selected = disableInfo ? undefined : apps.find((a) => a.metadata.name === selectId);
  const cards = apps
    .map((a) => {
      const name = a.metadata.name!;
      const selectable = !a.spec.comingSoon && !disableInfo;
      const badge = badges && !a.spec.comingSoon && a.spec.category ? `<span class="badge">${esc(a.spec.category)}</span>` : '';
      const select = selectable ? ` onclick="location.search='?selectId=${encodeURIComponent(name)}'" style="cursor:pointer"` : '';
      return `<article role="listitem" data-testid="card ${esc(name)}" id="${esc(name)}"${select}${selected === a ? ' aria-current="true"' : ''}><header>${badge}</header>${appTitle(a)}<div data-testid="cardbody">${esc(a.spec.description ?? '')}</div></article>`;
    })
    .join('');
  const panel = selected
    ? `<aside data-testid="explore-drawer-panel" aria-label="${esc(selected.spec.displayName)} details"><h2>${esc(selected.spec.displayName)}</h2><p>by ${esc(selected.spec.provider ?? '')}</p>` +
      `${selected.spec.getStartedLink ? `<a href="${esc(selected.spec.getStartedLink)}" target="_blank" rel="noopener noreferrer">Get started</a>` : ''}` +
      `<pre>${esc(selected.spec.getStartedMarkDown ?? '')}</pre><a href="/explore">Close</a></aside>`
    : '';
  const description = disableInfo
    ? 'View optional applications for your Red Hat OpenShift AI instance. Contact an administrator to install these applications.'
    : 'Add optional applications to your Red Hat OpenShift AI instance.';
  return {
    title: 'Explore',
    body: `<div data-testid="explore-applications"><h1 data-testid="app-page-title">Explore</h1><p>${description}</p><section data-id="page-content"><div role="list">${cards}</div></section>${panel}</div>`,
  };
}

function resourcesPage(b: AppsBackend, url: URL): Page {
  let types: string[] = [];
  try {
    const raw = url.searchParams.get('type');
    types = raw ? (JSON.parse(raw) as string[]) : [];
  } catch {
    types = [];
  }
  const keyword = (url.searchParams.get('keyword') ?? '').toLowerCase();
  const all = learningCenterDocs(b);
  const ignoreTypes = b.faults.has('dashboard-resources-type-filter-ignored');
  const shown = all
    .filter((d) => ignoreTypes || !types.length || types.includes(d.type))
    .filter(
      (d) =>
        !keyword ||
        [d.name, d.appName ?? '', d.provider ?? '', d.displayName, d.description].some((t) => t.toLowerCase().includes(keyword)),
    )
    .sort((x, y) => x.displayName.localeCompare(y.displayName));
  const label: Record<string, string> = {
    documentation: 'Documentation',
    tutorial: 'Tutorial',
    quickstart: 'Quick start',
    'how-to': 'How-to',
  };
  const filters = DOC_TYPES.map(([value, title, testId]) => {
    const count = all.filter((d) => d.type === value).length;
    return `<label><input type="checkbox" ${testId} data-id="${value}" value="${value}"${types.includes(value) ? ' checked' : ''}> ${title} (${count})</label>`;
  }).join('');
  const cards = shown
    .map(
      (d) =>
        `<article role="listitem" data-testid="card ${esc(d.name)}" data-id="${esc(d.name)}"><h2>${esc(d.displayName)}</h2><small>by ${esc(d.appDisplayName ?? '')}</small><p>${esc(d.description)}</p><span class="doc-type">${esc(label[d.type] ?? d.type)}</span>${d.url ? ` <a href="${esc(d.url)}" target="_blank" rel="noopener noreferrer">View documentation</a>` : ''}</article>`,
    )
    .join('');
  const list = shown.length
    ? `<div data-testid="learning-center-card-view" role="list">${cards}</div>`
    : '<section><h2 data-testid="empty-state-title">No results match your filters</h2><button type="button" data-testid="clear-all-filters" id="clear">Clear all filters</button></section>';
  return {
    title: 'Resources',
    body: `<h1 data-testid="app-page-title">Resources</h1><p>Access all learning resources.</p>
<div data-id="page-content"><aside data-testid="learning-center-filters"><fieldset><legend>Resource type</legend>${filters}</fieldset></aside>
<div data-testid="learning-center-toolbar"><input type="text" id="search" aria-label="Search input" placeholder="Search" value="${esc(keyword)}"></div>
${list}</div>
<script>
const params = new URLSearchParams(location.search);
const go = () => { location.search = params.toString(); };
for (const box of document.querySelectorAll('aside[data-testid="learning-center-filters"] input')) box.onchange = () => {
  const types = JSON.parse(params.get('type') || '[]').filter((t) => t !== box.value);
  if (box.checked) types.push(box.value);
  if (types.length) params.set('type', JSON.stringify(types)); else params.delete('type');
  go();
};
document.getElementById('search').onchange = (e) => { if (e.target.value) params.set('keyword', e.target.value); else params.delete('keyword'); go(); };
const clear = document.getElementById('clear');
if (clear) clear.onclick = () => { location.search = ''; };
</script>`,
  };
}

function jupyterPage(b: AppsBackend, viewer: AppsViewer): Page {
  if (b.config()?.spec?.notebookController?.enabled === false) return notFoundPage();
  const nb = jupyterNotebook(b, viewer.name);
  const running = nb && !nb.metadata.annotations?.['kubeflow-resource-stopped'];
  if (running) {
    const ready = Number(nb.status?.readyReplicas ?? 0) > 0;
    const route = b.client.get('route.openshift.io/v1', 'Route', nb.metadata.name!, nb.metadata.namespace);
    const link = route?.spec?.host ? `https://${route.spec.host}/notebook/${nb.metadata.namespace}/${nb.metadata.name}` : '#';
    return {
      title: 'Notebook server control panel',
      body: `<h1 data-testid="app-page-title">Notebook server control panel</h1>
${ready ? `<a data-id="return-nb-button" href="${esc(link)}">Access notebook server</a>` : '<p role="status">Starting server</p>'}
<button type="button" data-id="stop-nb-button" id="stop">Stop notebook server</button>
<dialog id="stop-modal" aria-label="Stop server modal"><h2>Stop server</h2><p>Are you sure you want to stop the server? Any changes made without saving will be lost.</p>
<button type="button" data-id="stop-nb-button" id="confirm">Stop server</button> <button type="button" data-id="cancel-button" id="cancel">Cancel</button></dialog>
<script>
const $ = (id) => document.getElementById(id);
$('stop').onclick = () => $('stop-modal').showModal();
$('cancel').onclick = () => $('stop-modal').close();
$('confirm').onclick = async () => {
  $('confirm').disabled = true;
  await fetch('/api/notebooks', { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state: 'stopped' }) });
  location.reload();
};
</script>`,
    };
  }
  const images = b.client
    .list('image.openshift.io/v1', 'ImageStream', b.ns, { labelSelector: 'opendatahub.io/notebook-image=true' })
    .filter((is) => ((is.spec?.tags as KObject[] | undefined) ?? []).length)
    .sort(
      (x, y) =>
        Number(x.metadata.annotations?.['opendatahub.io/notebook-image-order'] ?? 100) -
        Number(y.metadata.annotations?.['opendatahub.io/notebook-image-order'] ?? 100),
    );
  const radios = images
    .map((is, i) => {
      const name = is.metadata.name!;
      const tag = ((is.spec.tags as KObject[])[0] as KObject).name as string;
      const display = is.metadata.annotations?.['opendatahub.io/notebook-image-name'] ?? name;
      return `<div><input type="radio" name="image" id="img-${esc(name)}" data-id="${esc(name)}" value="${esc(name)}" data-tag="${esc(tag)}"${i === 0 ? ' checked' : ''}><label for="img-${esc(name)}">${esc(display)}</label></div>`;
    })
    .join('');
  const sizes = notebookSizes(b)
    .map((s) => `<option value="${esc(s.name)}">${esc(s.name)}</option>`)
    .join('');
  return {
    title: 'Start a notebook server',
    body: `<h1 data-testid="app-page-title">Start a notebook server</h1><p>Select options for your notebook server.</p>
<form id="spawner" onsubmit="return false">
<fieldset><legend>Notebook image</legend>${radios}</fieldset>
<fieldset><legend>Deployment size</legend><label for="size">Container size</label><select id="size" data-id="container-size">${sizes}</select></fieldset>
<p id="err" role="alert" hidden></p>
<button type="button" data-id="start-server-button" id="start">Start server</button> <a href="/" data-id="cancel-button">Cancel</a>
</form>
<script>
document.getElementById('start').onclick = async () => {
  const image = document.querySelector('input[name="image"]:checked');
  const body = { imageName: image.value, imageTagName: image.dataset.tag, notebookSizeName: document.getElementById('size').value,
    acceleratorProfile: { count: 0 }, envVars: { configMap: {}, secrets: {} }, state: 'started' };
  const r = await fetch('/api/notebooks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (r.ok) location.href = '/notebookController';
  else { const e = document.getElementById('err'); e.hidden = false; e.textContent = 'Failed to create the notebook, please try again later: ' + ((await r.json().catch(() => ({}))).message || r.status); }
};
</script>`,
  };
}

/** ProjectDetails.tsx: the tabs of a project the user may create in (the admin here). */
function projectPage(b: AppsBackend, viewer: AppsViewer, namespace: string): Page {
  const project = b.client.get('v1', 'Namespace', namespace);
  if (!project || project.metadata.labels?.['opendatahub.io/dashboard'] !== 'true') return notFoundPage();
  const flags = dashboardFlags(b);
  const installed = (b.client.list('datasciencecluster.opendatahub.io/v1', 'DataScienceCluster')[0]?.status?.installedComponents ??
    {}) as Record<string, boolean>;
  const component = (key: string) => installed[key] === true;
  const modelServing = flags.disableModelServing !== true;
  // concepts/areas/const.ts BIAS_METRICS: the flag, the TrustyAI component, reliant on model serving.
  const biasMetrics =
    flags.disableBiasMetrics !== true && modelServing && (component('trustyai') || b.faults.has('dashboard-bias-metrics-without-trustyai'));
  const pipelines = flags.disablePipelines !== true && component('data-science-pipelines-operator');
  const allowCreate = viewer.isAdmin;
  const tabs = [
    'Overview',
    'Workbenches',
    ...(pipelines ? ['Pipelines'] : []),
    ...(modelServing ? ['Models'] : []),
    'Cluster storage',
    'Data connections',
    ...(flags.disableProjectSharing !== true && allowCreate ? ['Permissions'] : []),
    ...(biasMetrics && allowCreate ? ['Settings'] : []),
  ];
  const display = project.metadata.annotations?.['openshift.io/display-name'] || namespace;
  return {
    title: display,
    body: `<nav aria-label="Breadcrumb"><a href="/projects">Data Science Projects</a> / ${esc(display)}</nav><h1 data-testid="app-page-title">${esc(display)}</h1>
<div role="tablist" aria-label="Project details">${tabs.map((t, i) => `<button type="button" role="tab" aria-selected="${i === 0}">${esc(t)}</button>`).join('')}</div>`,
  };
}

function notFoundPage(): Page {
  return {
    title: 'Page not found',
    status: 404,
    body:
      '<section data-testid="not-found-page"><h2 data-testid="not-found-page-title">We can‘t find that page</h2>' +
      '<p data-testid="not-found-page-description">Another page might have what you need. Return to the home page.</p>' +
      '<a data-testid="home-page-button" href="/">Home</a></section>',
  };
}

function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
