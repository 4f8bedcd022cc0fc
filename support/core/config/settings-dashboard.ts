// Settings of one domain: the dashboard driven in a real browser (features/30-dashboard).
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { define, InvalidSettingValue, oneOf } from './setting-kinds';

const BROWSER_ALLOWED =
  'the path of an executable Chromium or Chrome (e.g. /usr/bin/chromium), or "playwright" for the Chromium of `npx playwright install`';
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const DASHBOARD_SETTINGS = {
  browser: define<string | undefined>({
    name: 'RHOAI_BROWSER',
    description:
      "The browser the @dashboard features drive with @playwright/test, headless: a Chromium or Chrome executable (Debian: `apt-get install chromium`, /usr/bin/chromium; CI installs it in .ci/run), or `playwright` for the browser Playwright downloads itself (`npx playwright install chromium`, where its download site is reachable). Default: /usr/bin/chromium when it exists, else Playwright's own. Route hosts are reached with RHOAI_RESOLVE (Chromium --host-resolver-rules) and the cluster's ingress CA is trusted by its key (--ignore-certificate-errors-spki-list), never by ignoring certificate errors.",
    allowed: BROWSER_ALLOWED,
    default: `${DEBIAN_CHROMIUM} when it exists, else playwright`,
    secret: false,
    parse: (raw) => {
      if (raw === undefined || raw === '') return fs.existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
      if (raw === 'playwright') return undefined;
      const file = path.resolve(raw);
      try {
        fs.accessSync(file, fs.constants.X_OK);
      } catch {
        throw new InvalidSettingValue(BROWSER_ALLOWED, `${file} is not an executable file`);
      }
      if (!fs.statSync(file).isFile()) throw new InvalidSettingValue(BROWSER_ALLOWED, `${file} is not a file`);
      return file;
    },
  }),
  browserTrace: define({
    name: 'RHOAI_BROWSER_TRACE',
    description:
      "Whether the browser records a Playwright trace of each @dashboard scenario (a DOM snapshot of every action, the network and the console; no screencast), kept, redacted, only when the scenario fails: `retain-on-failure`, or `off` for runs that need only the verdict and its message (the acceptance tests turn it off for the fault catalogue's runs). A screenshot after each step that changes the page is attached either way.",
    secret: false,
    ...oneOf(['retain-on-failure', 'off'], 'retain-on-failure'),
  }),
};
