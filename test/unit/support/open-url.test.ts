// openUrl (support/dashboard/playwright.ts): a goto that the page's own navigation to the same URL
// interrupts (as the Jupyter spawner's script does after "Start server": seen once in a features run,
// "Navigation … is interrupted by another navigation to …") ends where the page was sent; page.goto
// alone fails there (here Chromium reports it as net::ERR_ABORTED). A real headless Chromium against a local page whose target is
// served slowly, so that the page's own navigation starts while the goto is in flight.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from '@playwright/test';
import { openUrl, playwright } from '../../../support/dashboard/playwright';

const CHROMIUM = process.env.RHOAI_BROWSER ?? '/usr/bin/chromium';

describe('openUrl', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}` }, () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  before(async () => {
    server = createServer((req, res) => {
      const send = () => res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title><h1>${req.url}</h1>`);
      if (req.url === '/target') setTimeout(send, 600);
      else send();
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await playwright().chromium.launch({ headless: true, executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** A page on /start whose script sends it to /target in 150 ms (while a goto to /target, served in 600 ms, is in flight). */
  async function racingPage() {
    const page = await browser.newPage();
    await page.goto(`${origin}/start`);
    await page.evaluate("setTimeout(() => { location.href = '/target'; }, 150)");
    return page;
  }

  test('page.goto alone is interrupted by the page going to the same URL', async () => {
    const page = await racingPage();
    await assert.rejects(page.goto(`${origin}/target`), /net::ERR_ABORTED|is interrupted by another navigation/);
    await page.close();
  });

  test('openUrl ends on the URL, the page loaded', async () => {
    const page = await racingPage();
    await openUrl(page, `${origin}/target`);
    assert.equal(page.url(), `${origin}/target`);
    assert.equal(await page.locator('h1').textContent(), '/target');
    await page.close();
  });

  test('openUrl still fails for a URL that cannot be opened', async () => {
    const page = await browser.newPage();
    await assert.rejects(openUrl(page, 'http://127.0.0.1:1/'), /net::ERR_(?!ABORTED)/);
    await page.close();
  });
});
