// Settings > Accelerator profiles (/acceleratorProfiles, /acceleratorProfiles/create), odh-dashboard
// rhoai-2.9 frontend/src/pages/acceleratorProfiles (screens/list, screens/manage: ManageAcceleratorProfile,
// ManageAcceleratorProfileTolerationsSection, ManageTolerationModal; Cypress pages/acceleratorProfile.ts).
import type { Locator, Page } from '@playwright/test';
import { expectBackOnList, openListPage } from './list-pages';
import { expect } from './playwright';

export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export class AcceleratorProfilesPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await openListPage(this.page, `${origin}/acceleratorProfiles`, this.createButton);
  }

  get createButton(): Locator {
    return this.page.getByTestId('create-accelerator-profile');
  }
  get table(): Locator {
    return this.page.getByTestId('accelerator-profile-table');
  }
  row(displayName: string): Locator {
    return this.table.getByRole('row', { name: new RegExp(displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  }

  async create(displayName: string, identifier: string, description: string, tolerations: Toleration[]): Promise<void> {
    await this.createButton.click();
    await this.page.getByTestId('accelerator-name-input').fill(displayName);
    await this.page.getByTestId('accelerator-identifier-input').fill(identifier);
    await this.page.getByTestId('accelerator-description-input').fill(description);
    for (const t of tolerations) {
      await this.page.getByTestId('add-toleration-button').click();
      await this.page.getByTestId('toleration-operator-select').selectOption(t.operator);
      await this.page.getByTestId('toleration-key-input').fill(t.key);
      if (t.value !== undefined) await this.page.getByTestId('toleration-value-input').fill(t.value);
      await this.page.getByTestId('toleration-effect-select').selectOption(t.effect ?? '');
      await this.page.getByTestId('modal-submit-button').click();
    }
    await expect(this.page.getByTestId('toleration-table').getByRole('row')).toHaveCount(tolerations.length + 1);
    await this.page.getByTestId('accelerator-profile-create-button').click();
    await expectBackOnList(this.page, this.createButton, `Create accelerator profile did not create ${displayName}`);
  }
}
