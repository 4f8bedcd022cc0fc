// What the dashboard's Settings list pages with an add/create form share (Accelerator profiles,
// Serving runtimes): the list is open once its add button shows; a submitted form is taken when the
// dashboard goes back to the list, and otherwise the form stays with the backend's error in an alert.
import type { Locator, Page } from '@playwright/test';
import { expect, openUrl, shownText } from './playwright';

/** Opens `url` and waits until `addButton` (the list's add/create button) shows. */
export async function openListPage(page: Page, url: string, addButton: Locator): Promise<void> {
  await openUrl(page, url); // the page may be on its way there itself (after a submitted form)
  await expect(addButton).toBeVisible();
}

/** After a form's submit: back on the list (`addButton` shows), or an error `<failure>: <the page's alert, or 'no message'>`. */
export async function expectBackOnList(page: Page, addButton: Locator, failure: string): Promise<void> {
  try {
    await expect(addButton).toBeVisible();
  } catch (error) {
    const alert = await shownText(page.getByRole('alert'));
    throw new Error(`${failure}: ${alert || 'no message'}`, { cause: error });
  }
}
