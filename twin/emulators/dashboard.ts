// The RHOAI 2.9 dashboard's backend and pages (image odh-dashboard), as an image emulator of the
// twin's kubelet: port 8080 behind the pod's oauth-proxy, which passes the user's access token in
// X-Forwarded-Access-Token. Upstream: red-hat-data-services/odh-dashboard, branch rhoai-2.9
// (commit bcf27bf5), ../shared/dashboard lists its routes, test ids and backend API:
//   - backend/src/routes/api/status/index.ts and utils/adminUtils.ts (isUserAdmin: a cluster-admin
//     (Cluster)RoleBinding of the user or a group of the user, or membership in groupsConfig.adminGroups;
//     isUserAllowed: allowedGroups holds system:authenticated or a group of the user);
//   - backend/src/routes/api/cluster-settings/clusterSettingsUtils.ts (GET/PUT /api/cluster-settings:
//     OdhDashboardConfig spec.notebookController.pvcSize "<n>Gi" and notebookTolerationSettings,
//     dashboardConfig.disableKServe/disableModelMesh, ConfigMap odh-segment-key-config
//     segmentKeyEnabled, ConfigMap notebook-controller-culler-config created/patched/deleted, the
//     notebook controller restarted);
//   - backend/src/routes/api/groups-config/groupsConfigUtil.ts (PUT /api/groups-config: comma-joined
//     adminGroups/allowedGroups, 403 "Error, groups cannot be empty");
//   - backend/src/routes/api/images/imageUtils.ts postImage (ImageStream custom-<display name>, labels
//     app.kubernetes.io/created-by=byon, opendatahub.io/notebook-image, opendatahub.io/dashboard);
//   - backend/src/routes/api/templates (serving runtime Templates labelled opendatahub.io/dashboard);
//   - frontend/src/app/AppRoutes.tsx (admin routes exist only for admins, others get NotFound),
//     frontend/src/pages/clusterSettings/*.tsx and const.ts (the bounds and messages: the PVC size is
//     clamped to 1..16384 GiB, hours to 0..1000, minutes to 0..59, Save disabled below 600 s),
//     pages/groupSettings/GroupSettings.tsx, pages/BYONImages/*, pages/modelServing/customServingRuntimes/*,
//     and the Cypress page objects frontend/src/__tests__/cypress/cypress/pages/*.ts (the test ids used).
// The pages are small server-rendered HTML with a little script; every value shown is read from the
// cluster when the page is served, every form calls the backend path the real frontend calls.
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { appsApi, appsPage, type AppsBackend } from './dashboard-apps';
import { imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from './types';

export const DASHBOARD_UI_FAULTS: FaultDefinition[] = [
  {
    name: 'dashboard-settings-save-ignored',
    description:
      'The dashboard backend answers PUT /api/cluster-settings with success but writes nothing (its service account lost the right to patch OdhDashboardConfig and the ConfigMaps, and the error is swallowed)',
    caughtBy: '@req.UI-SET-02',
    expectMessage: 'after "Save changes" showed "Cluster settings changes saved"',
  },
  {
    name: 'dashboard-pvc-bound-not-enforced',
    description:
      'The cluster settings page does not clamp the PVC size to 16384 GiB (a frontend that lost MAX_PVC_SIZE); the backend does not check the range either, so 16385 GiB is saved',
    caughtBy: '@req.UI-SET-03',
    expectMessage: 'the PVC size field kept 16385',
  },
  {
    name: 'dashboard-culler-in-seconds',
    description:
      'The dashboard backend writes the culler timeout to notebook-controller-culler-config in seconds instead of minutes (CULL_IDLE_TIME "600" for 10 minutes): idle notebooks would be stopped after 10 hours',
    caughtBy: '@req.UI-SET-04',
    expectMessage: 'data.CULL_IDLE_TIME is "600"',
  },
  {
    name: 'dashboard-segment-key-config-missing',
    description:
      "The ConfigMap odh-segment-key-config is missing from the dashboard namespace (deleted by someone): the backend's patch of segmentKeyEnabled fails with 404, which 2.9 only logs, and the page reports the save as done",
    caughtBy: '@req.UI-SET-05',
    expectMessage: 'odh-segment-key-config data.segmentKeyEnabled is undefined',
  },
  {
    name: 'dashboard-toleration-key-unchecked',
    description:
      'The cluster settings page does not check the toleration key against TOLERATION_FORMAT: an invalid key such as "-notebooks" can be saved and every notebook pod would carry it',
    caughtBy: '@req.UI-SET-06',
    expectMessage: 'the toleration key "-notebooks" was not refused',
  },
  {
    name: 'dashboard-custom-runtime-platform-dropped',
    description:
      'Adding a serving runtime stores its Template without opendatahub.io/modelServingSupport (a backend that rebuilds the Template from the runtime alone), so the runtime chosen for the single-model platform is offered for the multi-model one only',
    caughtBy: '@req.ADV-02 or @req.ADV-12',
    expectMessage: 'does not offer the custom runtime',
  },
  {
    name: 'dashboard-api-protocol-not-shown',
    description:
      'Settings > Serving runtimes shows no API protocol (the column of a dashboard older than 2.9): an admin cannot tell the REST runtimes from the gRPC ones',
    caughtBy: '@req.UI-SET-09 or @req.UI-SET-10 or @req.UI-SET-11',
    expectMessage: 'shows no API protocol for',
  },
  {
    name: 'dashboard-accelerator-tolerations-dropped',
    description:
      'Creating an accelerator profile stores it without its tolerations (a backend that builds the spec from the identifier alone): workbenches using it get no toleration for the tainted GPU nodes and are never scheduled there',
    caughtBy: '@req.UI-SET-07 or @req.UI-SET-08 or @req.CMP-03',
    expectMessage: 'has the tolerations []',
  },
  {
    name: 'dashboard-byon-no-imagestream',
    description:
      'Importing a notebook image answers success, but no ImageStream is created (the backend drops the request: an admission webhook refused it and the error was not reported)',
    caughtBy: '@req.UI-SET-01 or @req.CMP-02',
    expectMessage: 'no ImageStream carries opendatahub.io/notebook-image-url',
  },
  {
    name: 'dashboard-everyone-admin',
    description:
      'The dashboard treats every logged-in user as an administrator (an adminGroups of system:authenticated that the backend did not reject): a plain data-science user sees and may use the Settings pages',
    caughtBy: '@req.UI-SET-12 or @req.UI-SET-13',
    expectMessage: 'a user outside every admin group sees the Settings navigation',
  },
  {
    name: 'dashboard-groups-config-ignored',
    description:
      'The dashboard backend reads the admin groups once at start-up and never again: a group added under User management is saved but gives its members nothing until the pods restart',
    caughtBy: '@req.UI-SET-12',
    expectMessage: 'is a member of admin group',
  },
];

const CONFIG_API = 'opendatahub.io/v1alpha';
const CONFIG = 'odh-dashboard-config';
const CULLER = 'notebook-controller-culler-config';
const SEGMENT = 'odh-segment-key-config';
const DEFAULT_CULLER_TIMEOUT = 31536000;
const IMAGE_API = 'image.openshift.io/v1';
const TEMPLATE_API = 'template.openshift.io/v1';

export interface DashboardDeps {
  /** The backend's service account client (the dashboard's own RBAC). */
  client: TwinClient;
  faults: { has(name: string): boolean };
}

export function dashboardEmulator(deps: DashboardDeps): ImageEmulator {
  return {
    name: 'odh-dashboard',
    matches: (image) => /odh-dashboard/.test(imageBaseName(image)),
    start: (ctx) => startDashboard(ctx, deps),
  };
}

interface Viewer {
  name: string;
  groups: string[];
  isAdmin: boolean;
  isAllowed: boolean;
}

function startDashboard(ctx: ContainerContext, deps: DashboardDeps): ContainerEmulator {
  const ns = ctx.pod.metadata.namespace!;
  const backend = new Backend(deps, ns);
  // Under dashboard-groups-config-ignored the admin groups are read once, when the pod starts.
  const startupAdminGroups = deps.faults.has('dashboard-groups-config-ignored') ? backend.groupsConfig().adminGroups : undefined;
  backend.startupAdminGroups = startupAdminGroups;
  ctx.log('odh-dashboard: Server listening at http://0.0.0.0:8080');
  return {
    ports: [
      {
        port: 8080,
        handler: (req, res) => {
          void handle(backend, req, res).catch((error: Error) => json(res, 500, { success: false, error: error.message }));
        },
      },
    ],
  };
}

async function handle(backend: Backend, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const path = url.pathname;
  if (path === '/api/health') return json(res, 200, { health: 'ok' });
  if (path === '/assets/yaml.js') return send(res, 200, 'text/javascript', YAML_BROWSER_BUNDLE());
  if (path === '/metrics') return send(res, 200, 'text/plain', '# odh-dashboard\n');
  const token =
    (req.headers['x-forwarded-access-token'] as string | undefined) || /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const viewer = token ? backend.viewer(token) : undefined;
  if (!viewer) return path.startsWith('/api/') ? json(res, 401, { error: 'Unauthorized' }) : send(res, 401, 'text/plain', 'Unauthorized\n');
  if (path.startsWith('/api/')) return api(backend, viewer, req, res, url);
  return page(backend, viewer, res, path, url);
}

// ---- the backend ----

class Backend {
  startupAdminGroups: string | undefined;

  constructor(
    readonly deps: DashboardDeps,
    readonly ns: string,
  ) {}

  get client(): TwinClient {
    return this.deps.client;
  }

  config(): KObject | undefined {
    return this.client.get(CONFIG_API, 'OdhDashboardConfig', CONFIG, this.ns);
  }

  groupsConfig(): { adminGroups: string; allowedGroups: string } {
    const g = this.config()?.spec?.groupsConfig ?? {};
    return { adminGroups: g.adminGroups ?? '', allowedGroups: g.allowedGroups ?? '' };
  }

  /** The user of a token (TokenReview) with their groups, admin and allowed as adminUtils decides. */
  viewer(token: string): Viewer | undefined {
    const review = this.client.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } });
    if (!review.status?.authenticated) return undefined;
    const name = review.status.user.username as string;
    const groups = this.client
      .list('user.openshift.io/v1', 'Group')
      .filter((g) => ((g.users as string[] | null) ?? []).includes(name))
      .map((g) => g.metadata.name!);
    const { adminGroups, allowedGroups } = this.groupsConfig();
    const admins = (this.startupAdminGroups ?? adminGroups).split(',').filter(Boolean);
    const clusterAdmin = [
      ...this.client.list('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
      ...this.client.list('rbac.authorization.k8s.io/v1', 'RoleBinding', this.ns),
    ].some(
      (b) =>
        b.roleRef?.kind === 'ClusterRole' &&
        b.roleRef?.name === 'cluster-admin' &&
        ((b.subjects as KObject[] | undefined) ?? []).some((s) => s.name === name || groups.includes(s.name)),
    );
    const isAdmin =
      this.deps.faults.has('dashboard-everyone-admin') ||
      clusterAdmin ||
      (!admins.includes('system:authenticated') && admins.some((g) => groups.includes(g)));
    const allowed = allowedGroups.split(',').filter(Boolean);
    // backend/src/routes/api/status/statusUtils.ts: an admin is always allowed.
    const isAllowed = isAdmin || allowed.includes('system:authenticated') || allowed.some((g) => groups.includes(g));
    return { name, groups, isAdmin, isAllowed };
  }

  clusterSettings(): ClusterSettings {
    const spec = this.config()?.spec ?? {};
    const nc = spec.notebookController ?? {};
    const dc = spec.dashboardConfig ?? {};
    const culler = this.client.get('v1', 'ConfigMap', CULLER, this.ns);
    const segment = this.client.get('v1', 'ConfigMap', SEGMENT, this.ns);
    return {
      pvcSize: nc.pvcSize ? Number(String(nc.pvcSize).replace('Gi', '')) : 20,
      cullerTimeout: culler && Boolean(culler.data?.ENABLE_CULLING) ? Number(culler.data?.CULL_IDLE_TIME) * 60 : DEFAULT_CULLER_TIMEOUT,
      userTrackingEnabled: !dc.disableTracking && segment?.data?.segmentKeyEnabled === 'true',
      notebookTolerationSettings: {
        enabled: Boolean(nc.notebookTolerationSettings?.enabled),
        key: nc.notebookTolerationSettings?.key ?? (nc.enabled ? 'NotebooksOnly' : ''),
      },
      modelServingPlatformEnabled: { kServe: !dc.disableKServe, modelMesh: !dc.disableModelMesh },
    };
  }

  /** clusterSettingsUtils.updateClusterSettings, in its order. */
  updateClusterSettings(s: ClusterSettings): { success: boolean; error: string | null } {
    if (this.deps.faults.has('dashboard-settings-save-ignored')) return { success: true, error: null };
    const before = this.clusterSettings();
    const dashboardConfig: Record<string, boolean> = {};
    if (s.modelServingPlatformEnabled.kServe !== before.modelServingPlatformEnabled.kServe)
      dashboardConfig.disableKServe = !s.modelServingPlatformEnabled.kServe;
    if (s.modelServingPlatformEnabled.modelMesh !== before.modelServingPlatformEnabled.modelMesh)
      dashboardConfig.disableModelMesh = !s.modelServingPlatformEnabled.modelMesh;
    if (!(s.pvcSize && s.cullerTimeout)) return { success: false, error: 'Unable to update cluster settings. Invalid settings' };
    const jupyterEnabled = this.config()?.spec?.notebookController?.enabled !== false;
    this.client.patch(
      CONFIG_API,
      'OdhDashboardConfig',
      CONFIG,
      this.ns,
      {
        spec: {
          ...(Object.keys(dashboardConfig).length ? { dashboardConfig } : {}),
          notebookController: {
            enabled: jupyterEnabled,
            pvcSize: `${s.pvcSize}Gi`,
            ...(jupyterEnabled ? { notebookTolerationSettings: s.notebookTolerationSettings } : {}),
          },
        },
      },
      'merge',
    );
    if (this.client.get('v1', 'ConfigMap', SEGMENT, this.ns))
      this.client.patch('v1', 'ConfigMap', SEGMENT, this.ns, { data: { segmentKeyEnabled: String(s.userTrackingEnabled) } }, 'merge');
    const culler = this.client.get('v1', 'ConfigMap', CULLER, this.ns);
    if (s.cullerTimeout === DEFAULT_CULLER_TIMEOUT) {
      if (culler) this.client.delete('v1', 'ConfigMap', CULLER, this.ns);
    } else if (culler) {
      this.client.patch(
        'v1',
        'ConfigMap',
        CULLER,
        this.ns,
        { data: { ENABLE_CULLING: 'true', CULL_IDLE_TIME: this.cullIdleTime(s.cullerTimeout) } },
        'merge',
      );
    } else {
      this.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: CULLER, namespace: this.ns, labels: { 'opendatahub.io/dashboard': 'true' } },
        data: { ENABLE_CULLING: 'true', CULL_IDLE_TIME: this.cullIdleTime(s.cullerTimeout), IDLENESS_CHECK_PERIOD: '1' },
      });
    }
    if (this.client.get('apps/v1', 'Deployment', 'notebook-controller-deployment', this.ns))
      this.client.patch(
        'apps/v1',
        'Deployment',
        'notebook-controller-deployment',
        this.ns,
        {
          spec: {
            template: {
              metadata: {
                annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
                labels: { 'opendatahub.io/dashboard': 'true' },
              },
            },
          },
        },
        'merge',
      );
    return { success: true, error: null };
  }

  /** CULL_IDLE_TIME is in minutes (clusterSettingsUtils.ts: cullerTimeout / 60). */
  private cullIdleTime(seconds: number): string {
    return String(this.deps.faults.has('dashboard-culler-in-seconds') ? seconds : seconds / 60);
  }

  updateGroupsConfig(body: { adminGroups?: { name: string; enabled: boolean }[]; allowedGroups?: { name: string; enabled: boolean }[] }): {
    status: number;
    body: object;
  } {
    const join = (list: { name: string; enabled: boolean }[] | undefined) =>
      (list ?? [])
        .filter((g) => g.enabled)
        .map((g) => g.name)
        .join(',');
    const adminGroups = join(body.adminGroups);
    const allowedGroups = join(body.allowedGroups);
    if (!adminGroups || !allowedGroups) return { status: 403, body: { error: 'Error, groups cannot be empty' } };
    this.client.patch(
      CONFIG_API,
      'OdhDashboardConfig',
      CONFIG,
      this.ns,
      { spec: { groupsConfig: { adminGroups, allowedGroups } } },
      'merge',
    );
    return { status: 200, body: this.groupsSettings() };
  }

  /** GET /api/groups-config: the configured groups and every OpenShift group, each marked enabled or not. */
  groupsSettings(): object {
    const { adminGroups, allowedGroups } = this.groupsConfig();
    const all = this.client.list('user.openshift.io/v1', 'Group').map((g) => g.metadata.name!);
    const mark = (configured: string) => {
      const names = configured.split(',').filter(Boolean);
      return [...new Set([...names, ...all])].map((name) => ({ id: name, name, enabled: names.includes(name) }));
    };
    return { adminGroups: mark(adminGroups), allowedGroups: mark(allowedGroups) };
  }

  images(type: 'byon' | 'jupyter'): KObject[] {
    const selector = type === 'byon' ? 'app.kubernetes.io/created-by=byon' : 'opendatahub.io/notebook-image=true';
    return this.client.list(IMAGE_API, 'ImageStream', this.ns, { labelSelector: selector });
  }

  /** imageUtils.postImage. */
  postImage(body: { url?: string; display_name?: string; description?: string; provider?: string }): {
    success: boolean;
    error: string | null;
  } {
    const url = (body.url ?? '').trim();
    const host = /^([a-z0-9.-]+(:\d+)?)\//i.exec(url)?.[1];
    if (!host || !host.includes('.')) return { success: false, error: `Invalid repository URL: ${url}` };
    const tag = /:([\w][\w.-]*)$/.exec(url.split('/').pop() ?? '')?.[1];
    const display = body.display_name ?? '';
    const name = `custom-${translateDisplayNameForK8s(display)}`;
    if (this.images('byon').some((is) => is.metadata.name === name))
      return { success: false, error: `Duplicated name. Unable to add notebook image: ${display}` };
    if (this.deps.faults.has('dashboard-byon-no-imagestream')) return { success: true, error: null };
    this.client.create({
      apiVersion: IMAGE_API,
      kind: 'ImageStream',
      metadata: {
        name,
        namespace: this.ns,
        labels: { 'app.kubernetes.io/created-by': 'byon', 'opendatahub.io/notebook-image': 'true', 'opendatahub.io/dashboard': 'true' },
        annotations: {
          'opendatahub.io/notebook-image-desc': body.description ?? '',
          'opendatahub.io/notebook-image-name': display,
          'opendatahub.io/notebook-image-url': url,
          'opendatahub.io/notebook-image-creator': body.provider ?? '',
          'opendatahub.io/recommended-accelerators': '[]',
        },
      },
      spec: {
        lookupPolicy: { local: true },
        tags: [
          {
            annotations: {
              'opendatahub.io/notebook-software': '[]',
              'opendatahub.io/notebook-python-dependencies': '[]',
              'openshift.io/imported-from': url,
            },
            from: { kind: 'DockerImage', name: url },
            name: tag ?? 'latest',
          },
        ],
      },
    });
    return { success: true, error: null };
  }

  templates(): KObject[] {
    return this.client.list(TEMPLATE_API, 'Template', this.ns, { labelSelector: 'opendatahub.io/dashboard=true' });
  }
}

interface ClusterSettings {
  pvcSize: number;
  cullerTimeout: number;
  userTrackingEnabled: boolean;
  notebookTolerationSettings: { enabled: boolean; key: string };
  modelServingPlatformEnabled: { kServe: boolean; modelMesh: boolean };
}

/** backend/src/utils/resourceUtils.ts translateDisplayNameForK8s. */
function translateDisplayNameForK8s(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s/g, '-')
    .replace(/[^A-Za-z0-9-]/g, '');
}

// ---- the API ----

const ADMIN_API = [
  /^\/api\/cluster-settings$/,
  /^\/api\/groups-config$/,
  /^\/api\/images$/,
  /^\/api\/templates(\/|$)/,
  /^\/api\/servingRuntimes$/,
  /^\/api\/accelerator-profiles/,
];

async function api(backend: Backend, viewer: Viewer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  // Fastify routes /api/templates and /api/templates/ alike (the frontend posts to the latter).
  const path = url.pathname.replace(/(.)\/+$/, '$1');
  const method = req.method ?? 'GET';
  if (path === '/api/status')
    return json(res, 200, {
      kube: {
        currentUser: { username: viewer.name },
        userName: viewer.name,
        isAdmin: viewer.isAdmin,
        isAllowed: viewer.isAllowed,
        namespace: backend.ns,
      },
    });
  if (path === '/api/config' && method === 'GET') return json(res, 200, backend.config() ?? {});
  if (path === '/api/dsc/status') {
    const dsc = backend.client.list('datasciencecluster.opendatahub.io/v1', 'DataScienceCluster')[0];
    return dsc ? json(res, 200, dsc.status ?? {}) : json(res, 404, { error: 'No DataScienceCluster' });
  }
  const adminOnly = ADMIN_API.some((r) => r.test(path)) && !(path === '/api/images' && method === 'GET');
  // secureAdminRoute: 403 for a user who is not an admin.
  if (adminOnly && !viewer.isAdmin) return json(res, 403, { error: 'Access to this resource is restricted to administrators' });
  if (path === '/api/cluster-settings') {
    if (method === 'GET') return json(res, 200, backend.clusterSettings());
    if (method === 'PUT') return json(res, 200, backend.updateClusterSettings((await body(req)) as ClusterSettings));
  }
  if (path === '/api/groups-config') {
    if (method === 'GET') return json(res, 200, backend.groupsSettings());
    if (method === 'PUT') {
      const answer = backend.updateGroupsConfig((await body(req)) as Parameters<Backend['updateGroupsConfig']>[0]);
      return json(res, answer.status, answer.body);
    }
  }
  if (path === '/api/images' && method === 'POST') return json(res, 200, backend.postImage((await body(req)) as Record<string, string>));
  const images = /^\/api\/images\/(byon|jupyter)$/.exec(path);
  if (images && method === 'GET') return json(res, 200, backend.images(images[1] as 'byon' | 'jupyter'));
  if (/^\/api\/templates\/[^/]+$/.test(path) && method === 'GET') return json(res, 200, { items: backend.templates() });
  if (path === '/api/accelerator-profiles' && method === 'POST') {
    // backend/src/routes/api/accelerator-profiles/acceleratorProfilesUtils.ts postAcceleratorProfile.
    const spec = (await body(req)) as Record<string, unknown>;
    if (backend.deps.faults.has('dashboard-accelerator-tolerations-dropped')) delete spec.tolerations;
    try {
      backend.client.create({
        apiVersion: 'dashboard.opendatahub.io/v1',
        kind: 'AcceleratorProfile',
        metadata: {
          name: translateDisplayNameForK8s(String(spec.displayName ?? '')),
          namespace: backend.ns,
          annotations: { 'opendatahub.io/modified-date': new Date().toISOString() },
        },
        spec,
      });
      return json(res, 200, { success: true, error: null });
    } catch (error) {
      return json(res, 200, { success: false, error: `Unable to add accelerator profile: ${(error as Error).message}` });
    }
  }
  if (path === '/api/servingRuntimes' && method === 'POST') {
    // backend/src/routes/api/servingRuntimes: a dry-run create of the ServingRuntime (the API server's validation).
    const runtime = (await body(req)) as KObject;
    const problem =
      runtime.kind !== 'ServingRuntime'
        ? `the object is a ${runtime.kind ?? 'thing without kind'}, not a ServingRuntime`
        : !runtime.metadata?.name
          ? 'metadata.name: Required value'
          : !Array.isArray(runtime.spec?.containers) || !runtime.spec.containers.length
            ? 'spec.containers: Required value'
            : undefined;
    return problem ? json(res, 422, { message: `ServingRuntime.serving.kserve.io is invalid: ${problem}` }) : json(res, 200, runtime);
  }
  if (path === '/api/templates' && method === 'POST') {
    const template = (await body(req)) as KObject;
    if (backend.deps.faults.has('dashboard-custom-runtime-platform-dropped'))
      delete template.metadata?.annotations?.['opendatahub.io/modelServingSupport'];
    template.metadata = { ...template.metadata, namespace: backend.ns };
    return json(res, 200, backend.client.create(template));
  }
  // The application pages' paths (twin/emulators/dashboard-apps.ts).
  const origin = `https://${String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '')}`;
  const answer = await appsApi(appsBackend(backend), viewer, method, url, origin, () => body(req));
  if (answer) return json(res, answer.status, answer.body);
  json(res, 404, { error: 'Not Found' });
}

function appsBackend(backend: Backend): AppsBackend {
  return { client: backend.client, ns: backend.ns, faults: backend.deps.faults, config: () => backend.config() };
}

// ---- the pages ----

const ADMIN_PAGES: Record<string, (b: Backend) => { title: string; body: string }> = {
  '/clusterSettings': clusterSettingsPage,
  '/groupSettings': groupSettingsPage,
  '/notebookImages': notebookImagesPage,
  '/servingRuntimes': servingRuntimesPage,
  '/servingRuntimes/addServingRuntime': addServingRuntimePage,
  '/acceleratorProfiles': acceleratorProfilesPage,
  '/acceleratorProfiles/create': createAcceleratorProfilePage,
};

function page(backend: Backend, viewer: Viewer, res: ServerResponse, path: string, url: URL): void {
  // frontend/src/app/App.tsx renders only UnauthorizedError (pages/UnauthorizedError.tsx) for a user who is not allowed.
  if (!viewer.isAllowed) {
    const body =
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Red Hat OpenShift AI</title></head><body><section>' +
      '<h5>Access permissions needed</h5><p>To access Red Hat OpenShift AI, ask your administrator to adjust your permissions.</p></section></body></html>';
    return send(res, 403, 'text/html; charset=utf-8', body);
  }
  const admin = ADMIN_PAGES[path];
  if (admin) return html(res, viewer, viewer.isAdmin ? admin(backend) : notFound());
  const apps = appsPage(appsBackend(backend), viewer, path, url);
  if (apps) return html(res, viewer, apps, apps.status ?? 200);
  html(res, viewer, notFound(), 404);
}

function notFound(): { title: string; body: string } {
  return {
    title: 'Page not found',
    body:
      '<section data-testid="not-found-page"><h2 data-testid="not-found-page-title">We can‘t find that page</h2>' +
      '<p data-testid="not-found-page-description">Another page might have what you need. Return to the home page.</p>' +
      '<a data-testid="home-page-button" href="/">Home</a></section>',
  };
}

function clusterSettingsPage(backend: Backend): { title: string; body: string } {
  const s = backend.clusterSettings();
  const noClamp = backend.deps.faults.has('dashboard-pvc-bound-not-enforced');
  const limited = s.cullerTimeout !== DEFAULT_CULLER_TIMEOUT;
  const minutes = limited ? s.cullerTimeout / 60 : 240;
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const checked = (b: boolean) => (b ? ' checked' : '');
  const tracking = !backend.config()?.spec?.dashboardConfig?.disableTracking;
  return {
    title: 'Cluster settings',
    body: `<h1 data-testid="app-page-title">Cluster settings</h1><p>Manage global settings for all users.</p>
<form id="settings" onsubmit="return false">
<section aria-label="Model serving platforms"><h2>Model serving platforms</h2>
<p>Select the serving platforms that can be used for deploying models on this cluster.</p>
<input type="checkbox" id="single" data-testid="single-model-serving-platform-enabled-checkbox"${checked(s.modelServingPlatformEnabled.kServe)}><label for="single">Single-model serving platform</label>
<input type="checkbox" id="multi" data-testid="multi-model-serving-platform-enabled-checkbox"${checked(s.modelServingPlatformEnabled.modelMesh)}><label for="multi">Multi-model serving platform</label>
<div id="platform-alert" data-testid="serving-platform-warning-alert" hidden></div></section>
<section aria-label="PVC size"><h2>PVC size</h2>
<p>Changing the PVC size changes the storage size attached to the new notebook servers for all users.</p>
<input type="text" id="pvc-size-input" data-testid="pvc-size-input" aria-label="PVC Size Input" value="${s.pvcSize}"> GiB
<button type="button" data-testid="restore-default-button" id="restore">Restore Default</button>
<p data-testid="pvc-size-helper-text" id="pvc-help">Note: PVC size must be between 1 GiB and 16384 GiB.</p></section>
<section aria-label="Stop idle notebooks"><h2>Stop idle notebooks</h2><p>Set the time limit for idle notebooks to be stopped.</p>
<input type="radio" name="culler" id="unlimited" data-testid="culler-timeout-unlimited"${checked(!limited)}><label for="unlimited">Do not stop idle notebooks</label>
<input type="radio" name="culler" id="limited" data-testid="culler-timeout-limited"${checked(limited)}><label for="limited">Stop idle notebooks after</label>
<input type="text" id="hour" data-testid="hour-input" aria-label="Culler Timeout Hour Input" value="${hour}"${limited ? '' : ' disabled'}> hours
<input type="text" id="minute" data-testid="minute-input" aria-label="Culler Timeout Minute Input" value="${minute}"${limited ? '' : ' disabled'}> minutes
<p data-testid="culler-timeout-helper-text" id="culler-help">Note: Notebook culler timeout must be between 10 minutes and 1000 hours.</p></section>
${
  tracking
    ? `<section aria-label="Usage data collection"><h2>Usage data collection</h2>
<input type="checkbox" id="usage-data-checkbox" data-testid="usage-data-checkbox" aria-label="usageData"${checked(s.userTrackingEnabled)}><label for="usage-data-checkbox">Allow collection of usage data</label></section>`
    : ''
}
<section aria-label="Notebook pod tolerations"><h2>Notebook pod tolerations</h2>
<input type="checkbox" id="tol" data-testid="tolerations-enabled-checkbox"${checked(s.notebookTolerationSettings.enabled)}><label for="tol">Add a toleration to notebook pods to allow them to be scheduled to tainted nodes</label>
<p>Toleration key for notebook pods:</p><input type="text" id="tolkey" data-testid="toleration-key-input" aria-label="Toleration key" placeholder="NotebooksOnly" value="${esc(s.notebookTolerationSettings.key)}"${s.notebookTolerationSettings.enabled ? '' : ' disabled'}>
<p data-testid="toleration-helper-text-error" id="tol-error" hidden>Toleration key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character.</p></section>
<button type="button" data-testid="submit-cluster-settings" id="save" disabled>Save changes</button>
</form><div id="toasts"></div>
<script>
const initial = ${JSON.stringify(s)};
let cur = JSON.parse(JSON.stringify(initial));
let hour = ${hour}, minute = ${minute};
const $ = (id) => document.getElementById(id);
const MAX = ${noClamp ? 'Infinity' : '16384'};
function refresh() {
  const tolErr = ${backend.deps.faults.has('dashboard-toleration-key-unchecked') ? 'false' : 'cur.notebookTolerationSettings.enabled && !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(cur.notebookTolerationSettings.key)'};
  $('tol-error').hidden = !tolErr;
  $('pvc-help').className = !cur.pvcSize ? 'error' : 'indeterminate';
  $('pvc-help').setAttribute('aria-invalid', String(!cur.pvcSize));
  $('culler-help').className = cur.cullerTimeout < 600 ? 'error' : 'indeterminate';
  $('culler-help').setAttribute('aria-invalid', String(cur.cullerTimeout < 600));
  const alert = $('platform-alert');
  const p = cur.modelServingPlatformEnabled;
  alert.hidden = p.kServe && p.modelMesh;
  alert.textContent = !p.kServe && !p.modelMesh ? 'Disabling both model serving platforms prevents new projects from deploying models. Models can still be deployed from existing projects that already have a serving platform.'
    : !p.modelMesh ? 'Disabling multi-model serving means that models in new projects or existing projects with no currently deployed models will be deployed from their own model server. Existing projects with currently deployed models will continue to use the serving platform selected for that project.'
    : 'Disabling single-model serving means that models in new projects or existing projects with no currently deployed models will be deployed from a shared model server. Existing projects with currently deployed models will continue to use the serving platform selected for that project.';
  $('save').disabled = !cur.pvcSize || cur.cullerTimeout < 600 || tolErr || JSON.stringify(cur) === JSON.stringify(initial);
}
$('single').onchange = (e) => { cur.modelServingPlatformEnabled.kServe = e.target.checked; refresh(); };
$('multi').onchange = (e) => { cur.modelServingPlatformEnabled.modelMesh = e.target.checked; refresh(); };
$('pvc-size-input').oninput = (e) => {
  const v = e.target.value.replace(/ /g, '');
  if (v === '') cur.pvcSize = 0;
  else if (/^\\d+$/.test(v)) cur.pvcSize = Math.max(1, Math.min(MAX, Number(v)));
  e.target.value = cur.pvcSize === 0 ? '' : String(cur.pvcSize);
  refresh();
};
$('restore').onclick = () => { cur.pvcSize = 20; $('pvc-size-input').value = '20'; refresh(); };
function culler() { cur.cullerTimeout = (hour * 60 + minute) * 60; }
$('unlimited').onchange = () => { cur.cullerTimeout = ${DEFAULT_CULLER_TIMEOUT}; $('hour').disabled = $('minute').disabled = true; refresh(); };
$('limited').onchange = () => { hour = 4; minute = 0; $('hour').value = '4'; $('minute').value = '0'; culler(); $('hour').disabled = $('minute').disabled = false; refresh(); };
function clampInput(el, max, set) {
  const v = el.value.replace(/ /g, '');
  if (v === '') set(0); else if (/^\\d+$/.test(v)) set(Math.max(0, Math.min(max, Number(v))));
}
$('hour').oninput = (e) => { clampInput(e.target, 1000, (n) => (hour = n)); if (hour === 1000) { minute = 0; $('minute').value = '0'; } e.target.value = String(hour); culler(); refresh(); };
$('minute').oninput = (e) => { clampInput(e.target, hour === 1000 ? 0 : 59, (n) => (minute = n)); e.target.value = String(minute); culler(); refresh(); };
if ($('usage-data-checkbox')) $('usage-data-checkbox').onchange = (e) => { cur.userTrackingEnabled = e.target.checked; refresh(); };
$('tol').onchange = (e) => { cur.notebookTolerationSettings.enabled = e.target.checked; $('tolkey').disabled = !e.target.checked; refresh(); };
$('tolkey').oninput = (e) => { cur.notebookTolerationSettings.key = e.target.value; refresh(); };
$('save').onclick = async () => {
  if (!(cur.pvcSize !== 0 && cur.cullerTimeout >= 600)) return;
  $('save').disabled = true;
  const r = await fetch('/api/cluster-settings', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(cur) });
  const answer = await r.json().catch(() => ({ success: false, error: 'HTTP ' + r.status }));
  const t = document.createElement('div');
  t.setAttribute('role', 'alert');
  if (answer.success) {
    t.innerHTML = '<h4>Success alert: Cluster settings changes saved</h4><p>It may take up to 2 minutes for configuration changes to be applied.</p>';
    Object.assign(initial, JSON.parse(JSON.stringify(cur)));
  } else {
    t.innerHTML = '<h4>Danger alert: Error</h4><p></p>';
    t.querySelector('p').textContent = answer.error;
  }
  $('toasts').replaceChildren(t);
  refresh();
};
refresh();
</script>`,
  };
}

function groupSettingsPage(backend: Backend): { title: string; body: string } {
  const g = backend.groupsSettings() as {
    adminGroups: { name: string; enabled: boolean }[];
    allowedGroups: { name: string; enabled: boolean }[];
  };
  const selector = (id: string, label: string, groups: { name: string; enabled: boolean }[]) =>
    `<fieldset aria-label="${label}">${groups
      .map(
        (x, i) =>
          `<input type="checkbox" id="${id}-${i}" data-group="${esc(x.name)}"${x.enabled ? ' checked' : ''}><label for="${id}-${i}">${esc(x.name)}</label>`,
      )
      .join('')}</fieldset>`;
  return {
    title: 'User management',
    body: `<h1 data-testid="app-page-title">User management</h1><p>Define OpenShift group membership for Data Science administrators and users.</p>
<section><h2>Data Science administrator groups</h2><p>Select the OpenShift groups that contain all Data Science administrators.</p>
${selector('admin', 'Select the OpenShift groups that contain all Data Science administrators.', g.adminGroups)}
<p>All cluster admins are automatically assigned as Data Science administrators.</p></section>
<section><h2>Data Science user groups</h2><p>Select the OpenShift groups that contain all Data Science users.</p>
${selector('user', 'Select the OpenShift groups that contain all Data Science users.', g.allowedGroups)}</section>
<button type="button" data-id="save-button" id="save">Save changes</button><div id="toasts"></div>
<script>
const pick = (sel) => [...document.querySelectorAll(sel + ' input[type=checkbox]')].map((c) => ({ id: c.dataset.group, name: c.dataset.group, enabled: c.checked }));
document.getElementById('save').onclick = async () => {
  const body = { adminGroups: pick('fieldset[aria-label^="Select the OpenShift groups that contain all Data Science administrators"]'), allowedGroups: pick('fieldset[aria-label^="Select the OpenShift groups that contain all Data Science users"]') };
  const r = await fetch('/api/groups-config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await r.json().catch(() => ({}));
  const t = document.createElement('div');
  t.setAttribute('role', 'alert');
  t.innerHTML = r.ok ? '<h4>Success alert: Group settings changes saved</h4>' : '<h4>Danger alert: Error</h4><p></p>';
  if (!r.ok) t.querySelector('p').textContent = answer.error || ('HTTP ' + r.status);
  document.getElementById('toasts').replaceChildren(t);
};
</script>`,
  };
}

function notebookImagesPage(backend: Backend): { title: string; body: string } {
  const rows = backend
    .images('byon')
    .map((is) => {
      const a = is.metadata.annotations ?? {};
      return `<tr data-testid="table-row-title-${esc(a['opendatahub.io/notebook-image-name'] ?? is.metadata.name!)}"><td>${esc(a['opendatahub.io/notebook-image-name'] ?? is.metadata.name!)}</td><td>${esc(a['opendatahub.io/notebook-image-desc'] ?? '')}</td><td>${esc(is.metadata.name!)}</td></tr>`;
    })
    .join('');
  return {
    title: 'Notebook images',
    body: `<h1 data-testid="app-page-title">Notebook images</h1><p>Manage your notebook images.</p>
<button type="button" data-testid="import-new-image" id="import">Import new image</button>
<table data-testid="notebook-images-table" aria-label="Notebook images table"><thead><tr><th>Name</th><th>Description</th><th>ImageStream</th></tr></thead><tbody>${rows}</tbody></table>
<dialog id="modal" data-testid="notebook-image-modal" aria-labelledby="modal-title"><h2 id="modal-title">Import notebook image</h2>
<label for="loc">Image location</label><input id="loc" type="text" data-testid="byon-image-location-input">
<label for="nm">Name</label><input id="nm" type="text" data-testid="byon-image-name-input">
<label for="desc">Description</label><input id="desc" type="text" data-testid="byon-image-description-input">
<p id="err" role="alert" hidden></p>
<footer><button type="button" id="submit" disabled>Import</button><button type="button" id="cancel">Cancel</button></footer></dialog>
<script>
const $ = (id) => document.getElementById(id);
$('import').onclick = () => $('modal').showModal();
$('cancel').onclick = () => $('modal').close();
const ready = () => { $('submit').disabled = !$('loc').value.trim() || !$('nm').value.trim(); };
$('loc').oninput = ready; $('nm').oninput = ready;
$('submit').onclick = async () => {
  const r = await fetch('/api/images', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: $('loc').value, display_name: $('nm').value, description: $('desc').value, provider: ${JSON.stringify('')}, packages: [], software: [] }) });
  const answer = await r.json().catch(() => ({ success: false, error: 'HTTP ' + r.status }));
  if (answer.success) location.reload(); else { $('err').hidden = false; $('err').textContent = answer.error; }
};
</script>`,
  };
}

/**
 * frontend/src/pages/modelServing/customServingRuntimes/CustomServingRuntimeTableRow.tsx: a row per
 * Template, test id `serving-runtime <runtime name>`, the display name, "Pre-installed" for the
 * shipped ones, the platforms (CustomServingRuntimePlatformsLabelGroup) and the API protocol label.
 */
function servingRuntimesPage(backend: Backend): { title: string; body: string } {
  const noProtocol = backend.deps.faults.has('dashboard-api-protocol-not-shown');
  const rows = backend
    .templates()
    .map((t) => {
      const a = t.metadata.annotations ?? {};
      let platforms: string[];
      try {
        platforms = JSON.parse(a['opendatahub.io/modelServingSupport'] ?? '["multi"]');
      } catch {
        platforms = ['multi'];
      }
      const runtime = (t.objects as KObject[] | undefined)?.[0];
      const name = runtime?.metadata?.name ?? t.metadata.name!;
      const display = runtime?.metadata?.annotations?.['openshift.io/display-name'] ?? name;
      const ootb = t.metadata.labels?.['opendatahub.io/ootb'] === 'true';
      const labels = platforms.map((p) => (p === 'single' ? 'Single-model' : 'Multi-model')).join(' ');
      return `<tr data-testid="serving-runtime ${esc(name)}"><td>${esc(display)}${ootb ? ' <span>Pre-installed</span>' : ''}</td><td><span data-testid="serving-runtime-platform-label">${labels}</span></td><td>${noProtocol ? '' : esc(a['opendatahub.io/apiProtocol'] ?? '')}</td></tr>`;
    })
    .join('');
  return {
    title: 'Serving runtimes',
    body: `<h1 data-testid="app-page-title">Serving runtimes</h1><p>Manage your model serving runtimes.</p>
<a data-testid="add-serving-runtime-button" href="/servingRuntimes/addServingRuntime" role="button">Add serving runtime</a>
<table aria-label="Serving runtimes table"><thead><tr><th>Name</th><th>Serving platforms supported</th><th>API protocol</th></tr></thead><tbody>${rows}</tbody></table>`,
  };
}

/** frontend/src/pages/acceleratorProfiles/screens/list: the profiles of the dashboard namespace (AcceleratorProfilesTable). */
function acceleratorProfilesPage(backend: Backend): { title: string; body: string } {
  const profiles = backend.client.list('dashboard.opendatahub.io/v1', 'AcceleratorProfile', backend.ns);
  const rows = profiles
    .map(
      (p) =>
        `<tr><td>${esc(p.spec?.displayName ?? p.metadata.name!)}</td><td>${esc(p.spec?.identifier ?? '')}</td><td><input type="checkbox" role="switch" data-testid="enable-switch" aria-label="Enabled ${esc(p.metadata.name!)}" disabled${p.spec?.enabled ? ' checked' : ''}></td></tr>`,
    )
    .join('');
  return {
    title: 'Accelerator profiles',
    body: `<h1 data-testid="app-page-title">Accelerator profiles</h1><p>Manage accelerator profile settings for users in your organization.</p>
<a data-testid="create-accelerator-profile" href="/acceleratorProfiles/create" role="button">Create accelerator profile</a>
${profiles.length ? `<table data-testid="accelerator-profile-table" aria-label="Accelerator profiles table"><thead><tr><th>Name</th><th>Identifier</th><th>Enable</th></tr></thead><tbody>${rows}</tbody></table>` : '<p data-testid="no-available-accelerator-profiles">No available accelerator profiles yet</p>'}`,
  };
}

/** frontend/src/pages/acceleratorProfiles/screens/manage: name, identifier, description, tolerations (Add toleration modal), Create. */
function createAcceleratorProfilePage(): { title: string; body: string } {
  return {
    title: 'Create accelerator profile',
    body: `<h1 data-testid="app-page-title">Create accelerator profile</h1>
<label for="n">Name</label><input id="n" type="text" data-testid="accelerator-name-input">
<label for="i">Identifier</label><input id="i" type="text" data-testid="accelerator-identifier-input">
<label for="d">Description</label><input id="d" type="text" data-testid="accelerator-description-input">
<h2>Tolerations</h2><button type="button" data-testid="add-toleration-button" id="add">Add toleration</button>
<table data-testid="toleration-table" aria-label="Tolerations table"><thead><tr><th>Operator</th><th>Key</th><th>Value</th><th>Effect</th></tr></thead><tbody id="tols"></tbody></table>
<dialog id="modal" aria-labelledby="mt"><h2 id="mt">Add toleration</h2>
<label for="op">Operator</label><select id="op" data-testid="toleration-operator-select"><option>Equal</option><option>Exists</option></select>
<label for="k">Key</label><input id="k" type="text" data-testid="toleration-key-input">
<label for="v">Value</label><input id="v" type="text" data-testid="toleration-value-input">
<label for="e">Effect</label><select id="e" data-testid="toleration-effect-select"><option value="">None</option><option>NoSchedule</option><option>PreferNoSchedule</option><option>NoExecute</option></select>
<footer><button type="button" data-testid="modal-submit-button" id="ok">Add</button></footer></dialog>
<p id="err" role="alert" hidden></p>
<button type="button" data-testid="accelerator-profile-create-button" id="create">Create accelerator profile</button>
<script>
const $ = (id) => document.getElementById(id);
const tolerations = [];
$('add').onclick = () => $('modal').showModal();
$('ok').onclick = () => {
  const t = { key: $('k').value, operator: $('op').value };
  if ($('op').value === 'Equal') t.value = $('v').value;
  if ($('e').value) t.effect = $('e').value;
  tolerations.push(t);
  const tr = document.createElement('tr');
  for (const c of [t.operator, t.key, t.value || '', t.effect || '']) { const td = document.createElement('td'); td.textContent = c; tr.appendChild(td); }
  $('tols').appendChild(tr);
  $('modal').close();
};
$('create').onclick = async () => {
  const body = { displayName: $('n').value, identifier: $('i').value, enabled: true, tolerations };
  if ($('d').value) body.description = $('d').value;
  const r = await fetch('/api/accelerator-profiles', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await r.json().catch(() => ({ success: false, error: 'HTTP ' + r.status }));
  if (answer.success) location.href = '/acceleratorProfiles'; else { $('err').hidden = false; $('err').textContent = answer.error; }
};
</script>`,
  };
}

/** frontend/src/pages/modelServing/customServingRuntimes/CustomServingRuntimeAddTemplate.tsx: platform, protocol, YAML, Create. */
function addServingRuntimePage(backend: Backend): { title: string; body: string } {
  return {
    title: 'Add serving runtime',
    body: `<h1 data-testid="app-page-title">Add serving runtime</h1><p>Add a new runtime that will be available for users on this cluster.</p>
<label for="platform">Select the model serving platforms this runtime supports</label>
<select id="platform" data-testid="custom-serving-runtime-selection"><option value="">Select a value</option><option value="single">Single-model serving platform</option><option value="multi">Multi-model serving platform</option></select>
<label for="protocol">Select the API protocol this runtime supports</label>
<select id="protocol" data-testid="custom-serving-api-protocol-selection"><option value="">Select a value</option><option value="REST">REST</option><option value="gRPC">gRPC</option></select>
<label for="yaml">Serving runtime YAML</label><textarea id="yaml" data-testid="dashboard-code-editor" rows="20" cols="100"></textarea>
<p id="err" role="alert" hidden></p>
<button type="button" data-testid="create-button" id="create">Create</button> <a href="/servingRuntimes">Cancel</a>
<script src="/assets/yaml.js"></script>
<script>
const $ = (id) => document.getElementById(id);
const fail = (m) => { $('err').hidden = false; $('err').textContent = m; };
$('create').onclick = async () => {
  try {
    const runtime = jsyaml.load($('yaml').value);
    if (!runtime || !runtime.metadata || !runtime.metadata.name) return fail('Serving runtime name is required');
    const platform = $('platform').value, protocol = $('protocol').value;
    if (!platform) return fail('Select the model serving platforms this runtime supports');
    const list = await (await fetch('/api/templates/${backend.ns}?labelSelector=opendatahub.io/dashboard%3Dtrue')).json().catch(() => ({ items: [] }));
    if ((list.items || []).some((t) => t.objects[0].metadata.name === runtime.metadata.name)) return fail('Serving runtime name "' + runtime.metadata.name + '" already exists.');
    const dry = await fetch('/api/servingRuntimes/?dryRun=All', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(runtime) });
    if (!dry.ok) return fail((await dry.json()).message);
    const template = { kind: 'Template', apiVersion: 'template.openshift.io/v1',
      metadata: { name: 'template-' + Math.random().toString(36).slice(2, 7), labels: { 'opendatahub.io/dashboard': 'true' },
        annotations: Object.assign({ 'opendatahub.io/modelServingSupport': JSON.stringify([platform]) }, protocol ? { 'opendatahub.io/apiProtocol': protocol } : {}) },
      objects: [runtime], parameters: [] };
    const r = await fetch('/api/templates/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(template) });
    if (!r.ok) return fail((await r.json().catch(() => ({}))).message || ('HTTP ' + r.status));
    location.href = '/servingRuntimes';
  } catch (e) { fail(String(e.message || e)); }
};
</script>`,
  };
}

let yamlBundle: string | undefined;
/** The YAML parser the page uses (the real frontend bundles one too): js-yaml's browser build. */
function YAML_BROWSER_BUNDLE(): string {
  yamlBundle ??= fs.readFileSync(
    path.join(path.dirname(require.resolve('js-yaml/package.json')), 'dist/browser/js-yaml.umd.min.js'),
    'utf8',
  );
  return yamlBundle;
}

function html(res: ServerResponse, viewer: Viewer, content: { title: string; body: string }, status = 200): void {
  const settings = viewer.isAdmin
    ? `<li><button type="button" aria-expanded="true">Settings</button><ul>
<li><a href="/notebookImages">Notebook images</a></li><li><a href="/clusterSettings">Cluster settings</a></li>
<li><a href="/acceleratorProfiles">Accelerator profiles</a></li><li><a href="/servingRuntimes">Serving runtimes</a></li><li><a href="/groupSettings">User management</a></li></ul></li>`
    : '';
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(content.title)} · Red Hat OpenShift AI</title></head><body>
<header><a href="/">Red Hat OpenShift AI</a> <span aria-label="User menu">${esc(viewer.name)}</span></header>
<nav id="page-sidebar" aria-label="Global"><ul>
<li><button type="button" aria-expanded="true">Applications</button><ul><li><a href="/">Enabled</a></li><li><a href="/explore">Explore</a></li></ul></li>
<li><a href="/projects">Data Science Projects</a></li><li><a href="/resources">Resources</a></li>${settings}</ul></nav>
<main data-testid="dashboard-page-main">${content.body}</main></body></html>`;
  send(res, status, 'text/html; charset=utf-8', body);
}

function esc(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error as Error);
      }
    });
    req.on('error', reject);
  });
}
