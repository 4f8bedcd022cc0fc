// Who logs in to the dashboard: the install's admin (RHOAI_ADMIN_USER, cluster-admin, so a dashboard
// admin by odh-dashboard rhoai-2.9 backend/src/utils/adminUtils.ts isUserClusterRole), a data
// science user (the first of RHOAI_DS_USERS, member of RHOAI_DS_USERS_GROUP only) and the data
// science admin (RHOAI_DS_ADMIN, member of RHOAI_DS_ADMINS_GROUP, not a cluster-admin): htpasswd
// users of the install's identity provider (support/questions/users.ts makes them).
import { expect } from './playwright';
import { expect as check } from 'chai';
import { adminCredentials } from '../access/admin-password';
import { provisionClusterAdmin } from '../access/provisioning';
import { ensureQuestionUsers, questionPeople, userPassword } from '../questions/users';
import type { RhoaiWorld } from '../core/world';
import { AppChrome, SETTINGS_LINKS } from './app-chrome';
import { attachScreenshot } from './browser';
import { dashboardOrigin, logInToDashboard, type LoginAs } from './login';

export type DashboardPerson = 'the admin user' | 'a data science user' | 'the data science admin';

/** Logs `who` in to the dashboard: the act of logging in, or (a precondition) their session of this run resumed where it still works. */
export async function logInAs(world: RhoaiWorld, who: DashboardPerson, as: LoginAs = 'act'): Promise<AppChrome> {
  if (who === 'the admin user') {
    await provisionClusterAdmin(world);
    const { user, password } = await adminCredentials(world);
    return logInToDashboard(world, user, password, as);
  }
  await ensureQuestionUsers(world);
  const people = questionPeople(world);
  const user = who === 'a data science user' ? people.users[0]! : people.admin;
  return logInToDashboard(world, user, userPassword(world, user), as);
}

export function chrome(world: RhoaiWorld): AppChrome {
  const page = world.facts.browser?.page;
  if (!page || !world.facts.dashboardUser)
    throw new Error('nobody is logged in to the dashboard in this scenario: a login step must come first');
  return new AppChrome(page);
}

/** The admin's view: the Settings section with its pages. */
export async function assertSettingsOffered(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const user = world.facts.dashboardUser!;
  await expect(
    c.section('Settings'),
    `the dashboard shows ${user} no Settings navigation, although ${user} is a dashboard admin`,
  ).toBeVisible();
  for (const link of SETTINGS_LINKS) await expect(c.navLink(link), `Settings > ${link} is missing for ${user}`).toBeVisible();
}

/**
 * A user who is not an admin: no Settings section, and each admin page's URL renders the NotFound
 * page (AppRoutes registers admin routes for admins only), while the backend refuses its admin API (403).
 */
export async function assertNoAdminPages(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const user = world.facts.dashboardUser!;
  await expect(c.main).toBeVisible();
  if (await c.section('Settings').isVisible())
    throw new Error(`a user outside every admin group sees the Settings navigation: ${user} is offered the admin pages`);
  const origin = await dashboardOrigin(world);
  for (const path of ['/clusterSettings', '/notebookImages', '/servingRuntimes', '/groupSettings']) {
    await c.page.goto(`${origin}${path}`);
    await expect(c.notFound, `${user} opened ${path}, an admin page, and the dashboard did not refuse it`).toBeVisible();
  }
  await attachScreenshot(world, `${user}: admin page refused`);
  const answer = await fetchInPage(c, `${origin}/api/cluster-settings`);
  check(answer.status, `GET /api/cluster-settings as ${user} answered ${answer.status}, not 403`).to.equal(403);
}

/** CMP-01: the dashboard backend answers its health probe through the route, and its Deployment is available. */
export async function assertDashboardHealthy(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const origin = await dashboardOrigin(world);
  const answer = await fetchInPage(c, `${origin}/api/health`);
  check(answer.status, `GET ${origin}/api/health answered ${answer.status}: ${answer.body}`).to.equal(200);
  check(JSON.parse(answer.body), 'the dashboard health probe').to.deep.equal({ health: 'ok' });
  const status = await fetchInPage(c, `${origin}/api/status`);
  const kube = (JSON.parse(status.body) as { kube?: { userName?: string } }).kube;
  check(kube?.userName, 'GET /api/status names the logged-in user').to.equal(world.facts.dashboardUser);
}

/** A GET from the page itself (same origin, the session cookie of the browser), as the dashboard's frontend calls its backend. */
export async function fetchInPage(c: AppChrome, url: string): Promise<{ status: number; body: string }> {
  return c.page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return { status: r.status, body: await r.text() };
  }, url);
}

/** A user outside the user groups (and no admin) gets only "Access permissions needed" (frontend/src/pages/UnauthorizedError.tsx). */
export async function assertAccessRefused(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const user = world.facts.dashboardUser!;
  await expect(
    c.page.getByRole('heading', { name: 'Access permissions needed' }),
    `${user} is in no user group of the dashboard, yet it was not refused`,
  ).toBeVisible();
  await expect(c.main, `${user} is refused but sees a dashboard page`).toHaveCount(0);
  await attachScreenshot(world, `${user}: access permissions needed`);
}
