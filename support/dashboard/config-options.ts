// ADV-11, the dashboard configuration options: an admin edits OdhDashboardConfig odh-dashboard-config
// (RHOAI 2.9 "Dashboard configuration options": spec.dashboardConfig.disableInfo, disableISVBadges,
// ..., spec.notebookController.enabled) and the dashboard follows. The 2.9 backend caches the object
// (odh-dashboard rhoai-2.9 backend/src/utils/resourceWatcher.ts, refreshed every 2 minutes while
// used) and serves it at GET /api/config; the frontend reads it there
// (pages/exploreApplication/ExploreApplications.tsx: disableInfo changes the description and makes
// the cards unselectable; components/OdhExploreCard.tsx: disableISVBadges hides the category badges;
// backend components/list.ts: notebookController.enabled false takes Jupyter off the pages). So the
// harness waits until /api/config serves the change, then looks at the pages. The options are put
// back as they were afterwards.
import { expect } from './playwright';
import type { RhoaiWorld } from '../core/world';
import { EnabledPage, ExplorePage } from './applications-pages';
import { clusterApplications, dashboardConfigRef } from './applications';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { chrome, fetchInPage } from './people';

/** The backend's configuration cache refreshes every 2 minutes (ResourceWatcher DEFAULT_ACTIVE_TIMEOUT). */
const CONFIG_CACHE_MS = 150_000;

export type DashboardOption = 'disableInfo' | 'disableISVBadges' | 'notebookController.enabled';

declare module '../core/world' {
  interface ScenarioFacts {
    /** Dashboard options as the scenario found them (put back afterwards). */
    optionsBefore?: Partial<Record<DashboardOption, boolean | null>>;
  }
}

function pathOf(option: DashboardOption): [string, string] {
  return option === 'notebookController.enabled' ? ['notebookController', 'enabled'] : ['dashboardConfig', option];
}

/** Merge-patches one option of odh-dashboard-config, remembering its earlier value for the cleanup. */
export async function setOption(world: RhoaiWorld, option: DashboardOption, value: boolean): Promise<void> {
  const ref = await dashboardConfigRef(world);
  const [section, field] = pathOf(option);
  world.facts.optionsBefore ??= {};
  if (!(option in world.facts.optionsBefore)) {
    const before = ((await world.cluster.get(ref))?.spec?.[section]?.[field] as boolean | undefined) ?? null;
    world.facts.optionsBefore[option] = before;
    world.onCleanup(`put the dashboard option ${option} back to ${before}`, () =>
      world.cluster.patch(ref, { spec: { [section]: { [field]: before } } }),
    );
  }
  await world.cluster.patch(ref, { spec: { [section]: { [field]: value } } });
  await backendServes(world, option, value);
}

/** Waits until the dashboard backend's cached configuration (GET /api/config) has the value. */
async function backendServes(world: RhoaiWorld, option: DashboardOption, value: boolean): Promise<void> {
  const c = chrome(world);
  const origin = await dashboardOrigin(world);
  const [section, field] = pathOf(option);
  const fallback = option === 'notebookController.enabled' ? true : false;
  await expect
    .poll(
      async () => {
        const answer = await fetchInPage(c, `${origin}/api/config`);
        const spec = (JSON.parse(answer.body) as { spec?: Record<string, Record<string, boolean | undefined>> }).spec;
        return spec?.[section]?.[field] ?? fallback;
      },
      { message: `the dashboard backend's configuration (GET /api/config) to have ${option} ${value}`, timeout: CONFIG_CACHE_MS },
    )
    .toBe(value);
}

/** disableISVBadges: the cards carry no category badge (true), or each its category (false). */
export async function assertBadges(world: RhoaiWorld, shown: boolean): Promise<void> {
  const explore = new ExplorePage(chrome(world).page);
  await explore.visit(await dashboardOrigin(world));
  await attachScreenshot(world, `explore: badges ${shown ? 'on' : 'off'}`);
  const apps = (await clusterApplications(world)).filter((a) => !a.spec?.hidden && a.spec?.category && !a.spec?.comingSoon);
  for (const app of apps) {
    const badge = explore.card(app.metadata.name!).getByText(app.spec.category, { exact: true });
    if (shown) await expect(badge, `Explore shows no category badge "${app.spec.category}" on ${app.spec.displayName}`).toBeVisible();
    else
      await expect(
        badge,
        `odh-dashboard-config has spec.dashboardConfig.disableISVBadges true (and the backend serves it), yet Explore still shows the category badge "${app.spec.category}" on ${app.spec.displayName}`,
      ).toHaveCount(0);
  }
}

const DESCRIPTION = 'Add optional applications to your Red Hat OpenShift AI instance.';
const NO_INFO_DESCRIPTION =
  'View optional applications for your Red Hat OpenShift AI instance. Contact an administrator to install these applications.';

/** disableInfo: the page says to contact an administrator and a card opens no details (true), or opens them (false). */
export async function assertInfo(world: RhoaiWorld, shown: boolean): Promise<void> {
  const explore = new ExplorePage(chrome(world).page);
  await explore.visit(await dashboardOrigin(world));
  await expect(
    explore.description(shown ? DESCRIPTION : NO_INFO_DESCRIPTION),
    `Explore's description with disableInfo ${!shown}`,
  ).toBeVisible();
  await explore.card('jupyter').click();
  if (shown) await expect(explore.drawer, 'a selected card opens no details panel').toBeVisible();
  else await expect(explore.drawer, 'with disableInfo true a card still opens its details').toHaveCount(0);
  await attachScreenshot(world, `explore: info ${shown ? 'on' : 'off'}`);
}

/** notebookController.enabled: Jupyter on the Enabled page (true) or not (false). */
export async function assertJupyterTile(world: RhoaiWorld, shown: boolean): Promise<void> {
  const enabled = new EnabledPage(chrome(world).page);
  await enabled.visit(await dashboardOrigin(world));
  await attachScreenshot(world, `enabled: jupyter ${shown ? 'on' : 'off'}`);
  if (shown) await expect(enabled.card('jupyter'), 'Applications > Enabled shows no Jupyter card').toBeVisible();
  else
    await expect(
      enabled.card('jupyter'),
      'odh-dashboard-config has spec.notebookController.enabled false, yet Applications > Enabled still shows Jupyter',
    ).toHaveCount(0);
}
