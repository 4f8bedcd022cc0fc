// Logging in to the dashboard as a person does: open the rhods-dashboard route; its oauth-proxy
// offers "Log in with OpenShift" (odh-dashboard rhoai-2.9 manifests/base/deployment.yaml: no
// --skip-provider-button); the OpenShift OAuth server offers its identity providers when it has
// several ("Log in with…", openshift/oauth-server selectprovider) — choose RHOAI_HTPASSWD_PROVIDER
// — then the login form (Username, Password, "Log in"); back on the dashboard, its page is there.
// The password goes only into the password field, with the trace paused (support/dashboard/browser.ts).
//
// A login is an act (`When … logs in`: always through the whole flow, since group changes take
// effect at the next login) or a precondition (`Given I am logged in …`): then the session the
// person's last login in this run left is resumed when the dashboard still takes it — a new browser
// context with that session's cookies, as a person who stays logged in opens the dashboard again —
// and only otherwise is the login made again (which then says what went wrong, if anything did).
// Measured on the embedded twin: a login flow costs the browser ≈ 1–1.5 CPU-s (its pages on two
// hosts, each a renderer of its own), a resumed session one page.
import { expect, shownText } from './playwright';
import { oauthServer } from '../access/oauth-login';
import type { RhoaiWorld } from '../core/world';
import { applicationsNamespace } from '../serving/runtimes';
import { attachScreenshot, endSession, forgetSession, keepSession, keptSession, pauseTrace, resumeTrace, scenarioPage } from './browser';
import { AppChrome } from './app-chrome';

declare module '../core/world' {
  interface ScenarioFacts {
    /** Who is logged in to the dashboard in this scenario's browser. */
    dashboardUser?: string;
  }
}

const UI_TIMEOUT = 30_000;

/** https://<rhods-dashboard route host>. */
export async function dashboardOrigin(world: RhoaiWorld): Promise<string> {
  const namespace = await applicationsNamespace(world);
  const route = await world.cluster.get({ apiVersion: 'route.openshift.io/v1', kind: 'Route', name: 'rhods-dashboard', namespace });
  if (!route?.spec?.host)
    throw new Error(
      `there is no Route rhods-dashboard with a host in ${namespace}: the dashboard is not deployed (DataScienceCluster dashboard Managed?)`,
    );
  return `https://${route.spec.host}`;
}

/** What the dashboard route shows a person: the oauth-proxy's button, the OAuth login form, or the refusal of a user outside the user groups. */
function signInLocators(page: import('@playwright/test').Page) {
  return {
    proxyButton: page.getByRole('button', { name: 'Log in with OpenShift' }),
    username: page.getByLabel('Username'),
    refused: page.getByRole('heading', { name: 'Access permissions needed' }),
  };
}

/** How a step logs in: the whole flow, or resuming the person's session of this run where there is one. */
export type LoginAs = 'act' | 'precondition';

/** Opens the dashboard and logs in with the htpasswd provider; returns the app chrome of the landing page. */
export async function logInToDashboard(world: RhoaiWorld, user: string, password: string, as: LoginAs = 'act'): Promise<AppChrome> {
  world.secret(password, `password of ${user}`);
  // As the login form posts it (application/x-www-form-urlencoded), for the trace's record of that request.
  world.secret(encodeURIComponent(password), `password of ${user}, form-encoded`);
  world.secret(new URLSearchParams({ p: password }).toString().slice(2), `password of ${user}, form-encoded`);
  if (world.facts.browser) {
    await endSession(world); // another person logs in: a new browser context, as a new browser would be
    world.facts.dashboardUser = undefined;
  }
  const origin = await dashboardOrigin(world);
  const oauthHost = new URL((await oauthServer(world)).authorizationEndpoint).hostname;
  const hosts = [new URL(origin).hostname, oauthHost];
  if (as === 'precondition') {
    const resumed = await resumeSession(world, user, origin, hosts);
    if (resumed) return resumed;
  }
  const { page } = await scenarioPage(world, hosts);
  await page.goto(`${origin}/`);
  const { proxyButton, username, refused } = signInLocators(page);
  const providerLink = page.getByRole('link', { name: world.settings.htpasswdProvider, exact: true });
  const chrome = new AppChrome(page);
  await expect(proxyButton.or(providerLink).or(username).or(chrome.main)).toBeVisible({ timeout: UI_TIMEOUT });
  await attachScreenshot(world, 'dashboard route: oauth-proxy sign-in');
  if (await proxyButton.isVisible()) await proxyButton.click();
  await expectOAuthPage(world, providerLink.or(username));
  if (await providerLink.isVisible()) {
    await attachScreenshot(world, 'OAuth server: identity providers');
    await providerLink.click();
  }
  await expectOAuthPage(world, username);
  await username.fill(user);
  await pauseTrace(world);
  try {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page)
      .not.toHaveURL(/\/login\//, { timeout: UI_TIMEOUT })
      .catch(async () => {
        const alert = await shownText(page.getByRole('alert'));
        throw new Error(`the OAuth server did not accept the login of ${user}: ${alert || 'the login form is still shown'}`);
      });
  } finally {
    await resumeTrace(world);
  }
  try {
    await expect(chrome.main.or(refused)).toBeVisible({ timeout: UI_TIMEOUT });
  } catch (error) {
    const text = (await shownText(page.locator('body')))?.slice(0, 400);
    await attachScreenshot(world, 'login: no dashboard page');
    throw new Error(`after logging in as ${user}, the browser is at ${page.url()} and shows no dashboard page: ${text}`, { cause: error });
  }
  world.facts.dashboardUser = user;
  for (const cookie of await page.context().cookies()) world.secret(cookie.value, `browser cookie ${cookie.name}`);
  await keepSession(world, user);
  world.report.text('dashboard login', `${user} logged in through the OAuth server's login form`);
  await attachScreenshot(world, `dashboard: logged in as ${user}`);
  return chrome;
}

/**
 * The dashboard opened with the session `user`'s last login of this run left, when there is one and
 * the dashboard shows its page with it; otherwise (no session, or it no longer logs in: expired,
 * refused) undefined, the session forgotten and the browser context closed, for the whole login.
 */
async function resumeSession(world: RhoaiWorld, user: string, origin: string, hosts: string[]): Promise<AppChrome | undefined> {
  const session = keptSession(user);
  if (!session) return undefined;
  for (const cookie of session.cookies) world.secret(cookie.value, `browser cookie ${cookie.name}`);
  const { page } = await scenarioPage(world, hosts, session);
  await page.goto(`${origin}/`);
  const chrome = new AppChrome(page);
  const { proxyButton, username, refused } = signInLocators(page);
  const shown = await expect(chrome.main.or(proxyButton).or(username).or(refused).first())
    .toBeVisible({ timeout: UI_TIMEOUT })
    .then(() => true)
    .catch(() => false);
  if (!shown || !(await chrome.main.isVisible()) || (await refused.isVisible())) {
    forgetSession(user);
    await endSession(world);
    return undefined;
  }
  world.facts.dashboardUser = user;
  world.report.text('dashboard login', `${user} is still logged in from an earlier scenario of this run: the dashboard took the session`);
  await attachScreenshot(world, `dashboard: ${user}, still logged in from an earlier scenario`);
  return chrome;
}

/** The OAuth server's page shows `wanted`; an OAuth error instead is named with the client that was refused. */
async function expectOAuthPage(world: RhoaiWorld, wanted: import('@playwright/test').Locator): Promise<void> {
  const page = wanted.page();
  try {
    await expect(wanted).toBeVisible({ timeout: UI_TIMEOUT });
  } catch (error) {
    const url = new URL(page.url());
    const body =
      (
        await page
          .locator('body')
          .textContent()
          .catch(() => '')
      )?.trim() ?? '';
    let oauthError: { error?: string; error_description?: string } | undefined;
    try {
      oauthError = JSON.parse(body) as typeof oauthError;
    } catch {
      oauthError = undefined;
    }
    await attachScreenshot(world, 'login: unexpected page');
    if (oauthError?.error)
      throw new Error(
        `the OAuth server refused the authorization request of client ${url.searchParams.get('client_id')} (redirect_uri ${url.searchParams.get('redirect_uri')}): ${oauthError.error}: ${oauthError.error_description ?? ''} — does OAuthClient ${url.searchParams.get('client_id')} list the dashboard route among its redirectURIs?`,
        { cause: error },
      );
    throw new Error(
      `the login did not reach the OAuth server's login form: the browser is at ${url.origin}${url.pathname} showing: ${body.slice(0, 300)}`,
      {
        cause: error,
      },
    );
  }
}
