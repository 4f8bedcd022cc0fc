// @playwright/test, loaded when a browser step first needs it. Cucumber loads every support module
// in every run, and most runs (the installer, the tutorials, each fault run of another area) open
// no browser: loading Playwright up front cost most of a CPU-second in each of them. Also
// `shownText`, what a locator shows, for the error messages of failed page checks.
import type * as Playwright from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

let loaded: typeof Playwright | undefined;

/** The @playwright/test module, loaded on first use. */
export function playwright(): typeof Playwright {
  // A synchronous require: `expect` below must stay a plain (synchronous) function.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('@playwright/test') as typeof Playwright);
}

/** @playwright/test's `expect` (auto-waiting locator assertions), loaded on first use. */
export const expect: typeof Playwright.expect = new Proxy(function () {} as unknown as typeof Playwright.expect, {
  apply: (_target, _this, args: unknown[]) => (playwright().expect as unknown as (...a: unknown[]) => unknown)(...args),
  get: (_target, key) => Reflect.get(playwright().expect, key) as unknown,
});

/** The trimmed text `locator` shows; '' when it cannot be read, undefined when it has none (for error messages). */
export async function shownText(locator: Locator): Promise<string | undefined> {
  return (await locator.textContent().catch(() => ''))?.trim();
}

/**
 * Opens `url` in the page. When the page itself was already on its way there (its own script set
 * location.href to the same URL, e.g. after "Start server"), Chromium aborts the goto or Playwright
 * reports it interrupted by that navigation: the page then ends up where it was sent, so that
 * navigation is waited for instead. Any other failure is thrown.
 */
export async function openUrl(page: Page, url: string): Promise<void> {
  try {
    await page.goto(url);
  } catch (error) {
    if (!/net::ERR_ABORTED|is interrupted by another navigation/.test((error as Error).message)) throw error;
    await page.waitForURL(url).catch(() => {
      throw error;
    });
  }
}
