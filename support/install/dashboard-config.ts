// The dashboard's cluster configuration (checklist "Enabling the single-model serving platform via
// the Dashboard"; RHOAI 2.9 "Enabling the single-model serving platform", install.md §11,
// workloads.md §5.1 and §9.1). Settings > Cluster settings > Model serving platforms writes
// OdhDashboardConfig odh-dashboard-config spec.dashboardConfig.disableKServe (single-model) and
// disableModelMesh (multi-model); Settings > Serving runtimes enables a runtime by keeping its name
// out of spec.templateDisablement. The install applies those fields only: the rest of the object
// is the dashboard's (shipped by the operator, then changed by admins in the UI).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, hasCondition, UnknownKindError, type KObject, type ObjectRef } from '../core/cluster';
import { waitForListExplained, waitForObjectExplained } from '../core/cluster/explained-wait';
import { applyAlongsideOwnedFields } from '../core/cluster/owned-fields';
import type { RhoaiWorld } from '../core/world';
import { applicationsNamespace, DASHBOARD_LABEL as DASHBOARD_LABEL_KEY, DSC_API } from '../rhoai/names';

export const DASHBOARD_CONFIG = 'odh-dashboard-config';
const CONFIG_API = 'opendatahub.io/v1alpha';
const CONFIG_CRD = 'odhdashboardconfigs.opendatahub.io';
const TEMPLATE_API = 'template.openshift.io/v1';
/** The label the dashboard lists serving-runtime templates by (GET /api/templates/<ns>?labelSelector=...). */
export const DASHBOARD_LABEL = `${DASHBOARD_LABEL_KEY}=true`;

/** A pre-installed (or custom) serving runtime as Settings > Serving runtimes lists it. */
export interface ServingRuntimeRow {
  template: string;
  runtime: string;
  displayName: string;
  platform: 'single' | 'multi';
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The dashboard's namespace (the DSCI's applications namespace). */
    dashboardNamespace?: string;
    /** The DataScienceCluster that manages the dashboard, as the scenario found it. */
    dashboardDsc?: KObject;
    /** The serving runtimes the scenario enabled. */
    servingRuntimes?: ServingRuntimeRow[];
  }
}

const configRef = (namespace: string): ObjectRef => ({
  apiVersion: CONFIG_API,
  kind: 'OdhDashboardConfig',
  name: DASHBOARD_CONFIG,
  namespace,
});

export function dashboardNamespace(world: RhoaiWorld): string {
  const ns = world.facts.dashboardNamespace;
  if (!ns)
    throw new Error(
      'the dashboard is not known in this scenario: a step "Given the dashboard component of ... is Managed and running" must come first',
    );
  return ns;
}

/**
 * The DataScienceCluster manages the dashboard, its Deployment is available and its configuration
 * exists. Fails at once when the components are not installed or the dashboard is not Managed.
 */
export async function requireDashboard(world: RhoaiWorld, dscName: string): Promise<KObject> {
  const dsc = await world.cluster.get({ apiVersion: DSC_API, kind: 'DataScienceCluster', name: dscName }).catch((error: unknown) => {
    if (error instanceof UnknownKindError) return undefined;
    throw error;
  });
  expectOk(dsc, `DataScienceCluster ${dscName} does not exist: install the components first (@req.INS-CMP-01)`);
  const state = dsc.spec?.components?.dashboard?.managementState;
  expect(
    state,
    `DataScienceCluster ${dscName} has the dashboard component ${state ?? 'unset'}, not Managed: the dashboard and its configuration exist only when it is Managed`,
  ).to.equal('Managed');
  const namespace = await applicationsNamespace(world);
  world.facts.dashboardNamespace = namespace;
  world.facts.dashboardDsc = dsc;
  await world.cluster.waitFor(
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rhods-dashboard', namespace },
    hasCondition('Available'),
    {
      describe: `the dashboard Deployment ${namespace}/rhods-dashboard to be Available`,
    },
  );
  return (await world.cluster.waitFor(configRef(namespace), (o) => !!o, {
    describe: `the dashboard configuration ${namespace}/${DASHBOARD_CONFIG} to exist`,
  }))!;
}

/** The management state of a component in the DataScienceCluster the scenario found. */
export function componentState(world: RhoaiWorld, component: string): string | undefined {
  const dsc = world.facts.dashboardDsc;
  if (!dsc)
    throw new Error(
      'the DataScienceCluster is not known in this scenario: a step "Given the dashboard component of ... is Managed and running" must come first',
    );
  return dsc.spec?.components?.[component]?.managementState;
}

/** What "Model serving platforms" writes with both checkboxes ticked, applied without taking over anything else. */
export async function enableServingPlatforms(world: RhoaiWorld): Promise<KObject> {
  const namespace = dashboardNamespace(world);
  const [desired] = world.render('dashboard/serving-platforms', { namespace });
  try {
    return await applyAlongsideOwnedFields(world.cluster, desired!);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    throw new Error(
      `${namespace}/${DASHBOARD_CONFIG}: ${error.body?.message ?? error.message}. Someone else set the serving platform switches to another value (the field manager above); the install does not take over the dashboard's fields: enable the platforms in Settings > Cluster settings > Model serving platforms, or remove that manager's value`,
      { cause: error },
    );
  }
}

async function crdKnowsField(world: RhoaiWorld, field: string): Promise<boolean | undefined> {
  const crd = await world.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: CONFIG_CRD });
  const version = (crd?.spec?.versions as KObject[] | undefined)?.find((v) => v.storage);
  if (!version) return undefined;
  return !!version.schema?.openAPIV3Schema?.properties?.spec?.properties?.dashboardConfig?.properties?.[field];
}

/** disableKServe and disableModelMesh are false on the live object (a pruned field is named as such). */
export async function assertServingPlatformsEnabled(world: RhoaiWorld): Promise<void> {
  const namespace = dashboardNamespace(world);
  const live = await world.cluster.get(configRef(namespace));
  expectOk(live, `${namespace}/${DASHBOARD_CONFIG} does not exist`);
  const settings = live.spec?.dashboardConfig ?? {};
  for (const [field, platform] of [
    ['disableKServe', 'single-model'],
    ['disableModelMesh', 'multi-model'],
  ] as const) {
    if (settings[field] === undefined) {
      const known = await crdKnowsField(world, field);
      expect.fail(
        `${namespace}/${DASHBOARD_CONFIG} has no spec.dashboardConfig.${field} although the install applied ${field}: false` +
          (known === false
            ? `: the OdhDashboardConfig CRD on the cluster does not define ${field}, so the API server pruned it (a CRD from a dashboard older than the ${platform} serving platform)`
            : ''),
      );
    }
    expect(
      settings[field],
      `${namespace}/${DASHBOARD_CONFIG} has spec.dashboardConfig.${field}: ${settings[field]}: the ${platform} serving platform is disabled`,
    ).to.equal(false);
  }
  const kserve = componentState(world, 'kserve');
  const modelmesh = componentState(world, 'modelmeshserving');
  world.report.text(
    'serving platforms',
    [
      `${namespace}/${DASHBOARD_CONFIG}: disableKServe false (single-model serving on), disableModelMesh false (multi-model serving on)`,
      `default-dsc: kserve ${kserve ?? 'unset'}, modelmeshserving ${modelmesh ?? 'unset'}${kserve === 'Managed' ? '' : ' (the dashboard offers the single-model platform once kserve is Managed)'}`,
    ].join('\n'),
  );
}

// ---- serving runtimes ----

/** The ServingRuntime a template wraps (the dashboard reads objects[0]). */
export function runtimeOf(template: KObject): KObject | undefined {
  const first = (template.objects as KObject[] | undefined)?.[0];
  return first?.kind === 'ServingRuntime' ? first : undefined;
}

/** The platforms of opendatahub.io/modelServingSupport (a JSON list), as the dashboard parses it. */
export function platformsOf(template: KObject): string[] {
  try {
    const value = JSON.parse(template.metadata.annotations?.['opendatahub.io/modelServingSupport'] ?? '[]');
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

export function runtimeDisplayName(template: KObject): string | undefined {
  const runtime = runtimeOf(template);
  return runtime?.metadata?.annotations?.['openshift.io/display-name'] ?? template.metadata.annotations?.['openshift.io/display-name'];
}

/** What is wrong with one serving runtime as the dashboard would offer it, if anything. */
export function runtimeProblem(templates: KObject[], row: ServingRuntimeRow, disabled: string[]): string | undefined {
  const template = templates.find((t) => t.metadata.name === row.template);
  if (!template) return `the serving runtime template ${row.template} (${row.displayName}) is missing: the dashboard does not offer it`;
  const runtime = runtimeOf(template);
  if (!runtime)
    return `template ${row.template} does not wrap a ServingRuntime (objects[0] is ${(template.objects as KObject[] | undefined)?.[0]?.kind ?? 'absent'})`;
  if (runtime.metadata?.name !== row.runtime)
    return `template ${row.template} wraps the ServingRuntime ${runtime.metadata?.name}, not ${row.runtime}`;
  const display = runtimeDisplayName(template);
  if (display !== row.displayName) return `template ${row.template} shows as "${display}", not "${row.displayName}"`;
  if (!platformsOf(template).includes(row.platform))
    return `template ${row.template} serves ${JSON.stringify(platformsOf(template))} (opendatahub.io/modelServingSupport), not the ${row.platform}-model platform`;
  if (disabled.includes(row.runtime))
    return `the serving runtime ${row.runtime} is disabled (listed in ${DASHBOARD_CONFIG} spec.templateDisablement)`;
  return undefined;
}

/** The templates the dashboard lists, once all of `rows` are there (the dashboard ships them a moment after it starts). */
export async function waitForTemplates(world: RhoaiWorld, rows: ServingRuntimeRow[]): Promise<KObject[]> {
  const namespace = dashboardNamespace(world);
  return waitForListExplained(
    world.cluster,
    { apiVersion: TEMPLATE_API, kind: 'Template', namespace },
    (templates) => {
      const missing = rows.filter((r) => !templates.some((t) => t.metadata.name === r.template));
      return missing.length
        ? `the serving runtime template(s) ${missing.map((r) => `${r.template} (${r.displayName})`).join(', ')} are missing from ${namespace}`
        : undefined;
    },
    `the serving runtime templates ${rows.map((r) => r.template).join(', ')} in ${namespace}`,
    { labelSelector: DASHBOARD_LABEL },
  );
}

/** Enables the runtimes that are disabled (what the Enabled toggle of Settings > Serving runtimes writes), and nothing when none is. */
export async function enableServingRuntimes(world: RhoaiWorld, rows: ServingRuntimeRow[]): Promise<void> {
  const namespace = dashboardNamespace(world);
  world.facts.servingRuntimes = rows;
  await waitForTemplates(world, rows);
  const live = await world.cluster.get(configRef(namespace));
  expectOk(live, `${namespace}/${DASHBOARD_CONFIG} does not exist`);
  const disabled: string[] = live.spec?.templateDisablement ?? [];
  const ours = new Set(rows.map((r) => r.runtime));
  const remaining = disabled.filter((name) => !ours.has(name));
  if (remaining.length === disabled.length) {
    world.report.text(
      'serving runtimes',
      `none of ${[...ours].join(', ')} is disabled (templateDisablement: ${JSON.stringify(disabled)}): nothing to change`,
    );
    return;
  }
  // The dashboard replaces the whole list; so does this, guarded by the resourceVersion read above.
  await world.cluster.patch(
    configRef(namespace),
    { metadata: { resourceVersion: live.metadata.resourceVersion }, spec: { templateDisablement: remaining } },
    'merge',
  );
}

function disabledRuntimes(config: KObject | undefined): string[] {
  return config?.spec?.templateDisablement ?? [];
}

/** Each runtime is listed by the dashboard, wraps the right ServingRuntime, serves its platform, and is enabled. */
export async function assertServingRuntimesOffered(world: RhoaiWorld, rows = world.facts.servingRuntimes): Promise<void> {
  if (!rows?.length)
    throw new Error('no serving runtimes in this scenario: a step "When I enable the pre-installed serving runtimes:" must come first');
  const namespace = dashboardNamespace(world);
  const templates = await waitForTemplates(world, rows);
  const config = await waitForObjectExplained(
    world.cluster,
    configRef(namespace),
    (cfg) => {
      const problems = rows.map((r) => runtimeProblem(templates, r, disabledRuntimes(cfg))).filter(Boolean);
      return problems.length ? { fail: problems.join('; ') } : undefined;
    },
    `the serving runtimes ${rows.map((r) => r.runtime).join(', ')} to be offered and enabled`,
  );
  world.report.text(
    'serving runtimes offered',
    rows.map((r) => `${r.displayName} (${r.runtime}, template ${r.template}): ${r.platform}-model platform, enabled`).join('\n') +
      `\ntemplateDisablement: ${JSON.stringify(disabledRuntimes(config))}`,
  );
}

export function dashboardConfigRef(namespace: string): ObjectRef {
  return configRef(namespace);
}
