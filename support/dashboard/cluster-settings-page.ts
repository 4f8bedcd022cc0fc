// Settings > Cluster settings (/clusterSettings), as odh-dashboard rhoai-2.9 renders it
// (frontend/src/pages/clusterSettings/*.tsx; Cypress pages/clusterSettings.ts): test ids of
// ../shared/dashboard/testids.tsv only. The helper texts are the page's own messages
// (cluster-settings.md): "Note: PVC size must be between 1 GiB and 16384 GiB." and "Note: Notebook
// culler timeout must be between 10 minutes and 1000 hours."
import type { Locator, Page } from '@playwright/test';
import { expect } from './playwright';

export const PVC_HELP = 'Note: PVC size must be between 1 GiB and 16384 GiB.';
export const CULLER_HELP = 'Note: Notebook culler timeout must be between 10 minutes and 1000 hours.';
export const SAVED_TOAST = 'Cluster settings changes saved';

export class ClusterSettingsPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await this.page.goto(`${origin}/clusterSettings`);
    await expect(this.saveButton).toBeAttached();
  }

  get saveButton(): Locator {
    return this.page.getByTestId('submit-cluster-settings');
  }
  get singleModel(): Locator {
    return this.page.getByTestId('single-model-serving-platform-enabled-checkbox');
  }
  get multiModel(): Locator {
    return this.page.getByTestId('multi-model-serving-platform-enabled-checkbox');
  }
  get platformAlert(): Locator {
    return this.page.getByTestId('serving-platform-warning-alert');
  }
  get pvcSize(): Locator {
    return this.page.getByTestId('pvc-size-input');
  }
  get pvcHelp(): Locator {
    return this.page.getByTestId('pvc-size-helper-text');
  }
  get restoreDefault(): Locator {
    return this.page.getByTestId('restore-default-button');
  }
  get cullerUnlimited(): Locator {
    return this.page.getByTestId('culler-timeout-unlimited');
  }
  get cullerLimited(): Locator {
    return this.page.getByTestId('culler-timeout-limited');
  }
  get hours(): Locator {
    return this.page.getByTestId('hour-input');
  }
  get minutes(): Locator {
    return this.page.getByTestId('minute-input');
  }
  get cullerHelp(): Locator {
    return this.page.getByTestId('culler-timeout-helper-text');
  }
  get usageData(): Locator {
    return this.page.getByTestId('usage-data-checkbox');
  }
  get tolerationsEnabled(): Locator {
    return this.page.getByTestId('tolerations-enabled-checkbox');
  }
  get tolerationKey(): Locator {
    return this.page.getByTestId('toleration-key-input');
  }
  get tolerationError(): Locator {
    return this.page.getByTestId('toleration-helper-text-error');
  }

  /** The toast after a save: its title (a PatternFly alert heading). */
  toast(title: string): Locator {
    return this.page.getByRole('heading', { name: new RegExp(title) });
  }

  async setPvcSize(value: string): Promise<void> {
    await this.pvcSize.fill(value);
  }

  async setCuller(hours: number, minutes: number): Promise<void> {
    await this.cullerLimited.check();
    await this.hours.fill(String(hours));
    await this.minutes.fill(String(minutes));
  }

  /** Save changes, then the success toast (the backend answered); fails with the error toast's text. */
  async save(): Promise<void> {
    await expect(this.saveButton).toBeEnabled();
    await this.saveButton.click();
    const error = this.toast('Danger alert');
    await expect(this.toast(SAVED_TOAST).or(error)).toBeVisible();
    if (await error.isVisible()) {
      const text = await this.page.getByRole('alert').textContent();
      throw new Error(`the cluster settings page reported an error on save: ${text?.trim()}`);
    }
  }
}
