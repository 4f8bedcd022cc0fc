// Settings > User management (/groupSettings), odh-dashboard rhoai-2.9
// frontend/src/pages/groupSettings/GroupSettings.tsx: two group selectors named by their
// descriptions, "Save changes", the toast "Group settings changes saved"
// (frontend/src/utilities/useWatchGroups.tsx). 2.9 has no test ids on this page: role and
// accessible name only.
import type { Locator, Page } from '@playwright/test';
import { expect } from './playwright';

export const ADMIN_GROUPS = 'Select the OpenShift groups that contain all Data Science administrators.';
export const USER_GROUPS = 'Select the OpenShift groups that contain all Data Science users.';

export class GroupSettingsPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await this.page.goto(`${origin}/groupSettings`);
    await expect(this.page.getByTestId('app-page-title')).toHaveText('User management');
  }

  group(selector: typeof ADMIN_GROUPS | typeof USER_GROUPS, name: string): Locator {
    return this.page.getByRole('group', { name: selector }).getByRole('checkbox', { name, exact: true });
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save changes' }).click();
    const saved = this.page.getByRole('heading', { name: /Group settings changes saved/ });
    const error = this.page.getByRole('heading', { name: /Danger alert/ });
    await expect(saved.or(error)).toBeVisible();
    if (await error.isVisible())
      throw new Error(`User management reported an error on save: ${(await this.page.getByRole('alert').textContent())?.trim()}`);
  }
}
