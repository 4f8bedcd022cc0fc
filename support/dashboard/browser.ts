// A real browser for the @dashboard features: @playwright/test's Chromium, headless, one per run
// (launched on first use) and a new context per scenario (its own cookies: every scenario logs in
// as a person does). The executable comes from RHOAI_BROWSER (default Debian's /usr/bin/chromium,
// else Playwright's own). Route hosts are reached with the run's RHOAI_RESOLVE rules
// (--host-resolver-rules) and trusted by key: the cluster's ingress CA (openshift-config-managed/
// default-ingress-cert) and the route certificates that Node verified against it are pinned with
// --ignore-certificate-errors-spki-list — certificate errors are never ignored wholesale.
//
// Reports: a screenshot after every step that changes the page (`world.dashboardShot`), and a
// Playwright trace when a scenario fails (unless RHOAI_BROWSER_TRACE=off). Passwords are typed only into password fields (masked in
// screenshots) and the trace is paused while they are typed and sent; every trace is then rewritten
// with the redactor (every registered secret, the session cookies included) before it is attached.
import { createHash, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { rootCertificates } from 'node:tls';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { playwright } from './playwright';
import { matchResolveRule, type ResolveRule } from '../core/http/resolve-rules';
import { routeTrust } from '../core/http/route-trust';
import type { RhoaiWorld } from '../core/world';
import { redactZip } from './trace-redaction';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The scenario's browser context and page (support/dashboard/browser.ts). */
    browser?: ScenarioBrowser;
    /** Trace chunks of the scenario's earlier browser sessions. */
    browserTraces?: string[];
  }
}

export interface ScenarioBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Finished trace chunks (files) of every context of the scenario, attached when it fails. */
  readonly traces: string[];
  tracing: boolean;
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser session's cookies and storage (Playwright's storage state), kept in memory only. */
export type SessionState = Exclude<BrowserContextOptions['storageState'], string | undefined>;

/**
 * The run's browser: launched once, for the hosts it is told about first (their certificates are
 * pinned at launch); and the session each person's last login in this run left (kept in memory,
 * never written: its cookies are secrets), which a later scenario whose precondition is being logged
 * in resumes (support/dashboard/login.ts).
 */
class BrowserHost {
  private launched: Promise<Browser> | undefined;
  readonly traceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-traces-'));
  readonly sessions = new Map<string, SessionState>();

  browser(world: RhoaiWorld, hosts: string[]): Promise<Browser> {
    this.launched ??= this.launch(world, hosts);
    return this.launched;
  }

  private async launch(world: RhoaiWorld, hosts: string[]): Promise<Browser> {
    const target = await world.target();
    const trust = await routeTrust(world.cluster);
    const pins = new Set<string>();
    const bundle = trust.ca.length > rootCertificates.length ? trust.ca[trust.ca.length - 1]! : '';
    for (const pem of splitPem(bundle)) pins.add(spkiHash(new X509Certificate(pem)));
    for (const host of hosts) {
      const cert = await verifiedCertificate(host, target.resolve, trust.ca);
      pins.add(spkiHash(cert));
    }
    const rules = target.resolve.map((r) => `MAP ${r.pattern} ${r.address.includes(':') ? `[${r.address}]` : r.address}:${r.port}`);
    const executablePath = world.settings.browser;
    const args = [
      ...LAUNCH_ARGS,
      ...(rules.length ? [`--host-resolver-rules=${rules.join(',')}`] : []),
      `--ignore-certificate-errors-spki-list=${[...pins].join(',')}`,
    ];
    try {
      return await playwright().chromium.launch({ headless: true, ...(executablePath ? { executablePath } : {}), args });
    } catch (error) {
      throw new Error(
        `could not launch the browser ${executablePath ?? "(Playwright's own Chromium)"}: ${(error as Error).message.split('\n')[0]} — set RHOAI_BROWSER to a Chromium executable (Debian: apt-get install chromium)`,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    const launched = this.launched;
    this.launched = undefined;
    this.sessions.clear();
    if (launched) await (await launched.catch(() => undefined))?.close();
    fs.rmSync(this.traceDir, { recursive: true, force: true });
  }
}

const host = new BrowserHost();

/** Closes the run's browser (AfterAll). */
export function closeBrowser(): Promise<void> {
  return host.close();
}

/** The session the last login of `user` in this run left (its cookies and storage), if any. */
export function keptSession(user: string): SessionState | undefined {
  return host.sessions.get(user);
}

/** Keeps the session of the scenario's browser as `user`'s, for later scenarios of this run to resume. */
export async function keepSession(world: RhoaiWorld, user: string): Promise<void> {
  const b = world.facts.browser;
  if (b) host.sessions.set(user, await b.context.storageState());
}

/** Forgets `user`'s session (it no longer logs the user in). */
export function forgetSession(user: string): void {
  host.sessions.delete(user);
}

/**
 * The scenario's page: a new context of the run's browser (with a kept session's cookies when
 * given), traced from the start. The trace records a DOM snapshot at every action, not a screencast
 * (measured: the screencast was ≈ 70% of what tracing costs the browser, and every step that changes
 * the page attaches a screenshot anyway).
 */
export async function scenarioPage(world: RhoaiWorld, hosts: string[], session?: SessionState): Promise<ScenarioBrowser> {
  if (world.facts.browser) return world.facts.browser;
  const browser = await host.browser(world, hosts);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...(session ? { storageState: session } : {}) });
  const tracing = world.settings.browserTrace !== 'off';
  if (tracing) await context.tracing.start({ screenshots: false, snapshots: true, title: 'rhoai-harness dashboard scenario' });
  const page = await context.newPage();
  world.facts.browser = { context, page, traces: world.facts.browserTraces ?? [], tracing };
  return world.facts.browser;
}

/** Ends the current browser session (another person logs in next, in a new context); its trace is kept for the scenario. */
export async function endSession(world: RhoaiWorld): Promise<void> {
  const b = world.facts.browser;
  if (!b) return;
  for (const cookie of await b.context.cookies()) world.secret(cookie.value, `browser cookie ${cookie.name}`);
  await pauseTrace(world);
  world.facts.browserTraces = b.traces;
  world.facts.browser = undefined;
  await b.context.close().catch(() => undefined);
}

/** A screenshot of the page as it is now, attached to the report (after a step that changed it). */
export async function attachScreenshot(world: RhoaiWorld, name: string): Promise<void> {
  const b = world.facts.browser;
  if (!b || b.page.isClosed()) return;
  const png = await b.page.screenshot({ fullPage: true, animations: 'disabled' });
  await world.attach(png, { mediaType: 'image/png', fileName: `${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}.png` });
}

/** Pauses the trace (for typing and sending a password); the chunk so far is kept. */
export async function pauseTrace(world: RhoaiWorld): Promise<void> {
  const b = world.facts.browser;
  if (!b?.tracing) return;
  const file = path.join(host.traceDir, `${process.pid}-${Date.now()}-${b.traces.length}.zip`);
  await b.context.tracing.stopChunk({ path: file });
  b.traces.push(file);
  b.tracing = false;
}

export async function resumeTrace(world: RhoaiWorld): Promise<void> {
  const b = world.facts.browser;
  if (!b || b.tracing || world.settings.browserTrace === 'off') return;
  await b.context.tracing.startChunk({ title: 'after the login' });
  b.tracing = true;
}

/**
 * Ends the scenario's browser: on failure the trace (every chunk, redacted) is attached; the
 * session cookies are registered as secrets first, so that no trace or report shows them.
 */
export async function finishScenarioBrowser(world: RhoaiWorld, failed: boolean): Promise<void> {
  const b =
    world.facts.browser ??
    (world.facts.browserTraces ? { traces: world.facts.browserTraces, tracing: false, context: undefined } : undefined);
  if (!b) return;
  world.facts.browser = undefined;
  world.facts.browserTraces = undefined;
  try {
    if (!b.context) return void (failed && (await attachTraces(world, b.traces)));
    for (const cookie of await b.context.cookies()) world.secret(cookie.value, `browser cookie ${cookie.name}`);
    if (b.tracing) {
      const file = path.join(host.traceDir, `${process.pid}-${Date.now()}-${b.traces.length}.zip`);
      await b.context.tracing.stopChunk({ path: failed ? file : undefined });
      if (failed) b.traces.push(file);
    }
    if (failed) await attachTraces(world, b.traces);
  } finally {
    for (const file of b.traces) fs.rmSync(file, { force: true });
    await b.context?.close().catch(() => undefined);
  }
}

async function attachTraces(world: RhoaiWorld, files: string[]): Promise<void> {
  for (const [i, file] of files.entries()) {
    const redacted = redactZip(fs.readFileSync(file), (text) => world.redact(text));
    await world.attach(redacted, { mediaType: 'application/zip', fileName: `playwright-trace-${i + 1}.zip` });
  }
}

function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants it. */
function spkiHash(cert: X509Certificate): string {
  const der = cert.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** The certificate a route host presents, verified by Node against the route trust (system roots + ingress CA). */
function verifiedCertificate(hostname: string, rules: readonly ResolveRule[], ca: string[]): Promise<X509Certificate> {
  const rule = matchResolveRule(rules, hostname);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: rule?.address ?? hostname, port: rule?.port ?? 443, servername: hostname, ca, rejectUnauthorized: true, timeout: 30_000 },
      () => {
        const peer = socket.getPeerX509Certificate();
        socket.end();
        if (!peer) return reject(new Error(`${hostname} presented no certificate`));
        if (!peer.checkHost(hostname)) return reject(new Error(`the certificate of ${hostname} does not name it (${peer.subjectAltName})`));
        resolve(peer);
      },
    );
    socket.on('timeout', () => socket.destroy(new Error(`no TLS answer from ${hostname} within 30 s`)));
    socket.on('error', (error) =>
      reject(new Error(`${hostname}: its certificate is not trusted by the route trust or it cannot be reached: ${error.message}`)),
    );
  });
}
