// Settings > Notebook images (/notebookImages), odh-dashboard rhoai-2.9 frontend/src/pages/BYONImages
// (BYONImages.tsx, ImportBYONImageButton.tsx, BYONImageModal/ManageBYONImageModal.tsx,
// ImageLocationField.tsx, BYONImagesTable.tsx; Cypress pages/notebookImageSettings.ts): test ids of
// ../shared/dashboard/testids.tsv, the modal's "Import" button by role and name.
import type { Locator, Page } from '@playwright/test';
import { expect, openUrl } from './playwright';

export class NotebookImagesPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await openUrl(this.page, `${origin}/notebookImages`); // after an import the page reloads itself
    await expect(this.importButton).toBeVisible();
  }

  get importButton(): Locator {
    return this.page.getByTestId('import-new-image');
  }
  get table(): Locator {
    return this.page.getByTestId('notebook-images-table');
  }
  get modal(): Locator {
    return this.page.getByTestId('notebook-image-modal');
  }

  row(displayName: string): Locator {
    return this.table.getByRole('row', { name: new RegExp(displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  }

  async importImage(url: string, name: string, description: string): Promise<void> {
    await this.importButton.click();
    await expect(this.modal).toBeVisible();
    await this.modal.getByTestId('byon-image-location-input').fill(url);
    await this.modal.getByTestId('byon-image-name-input').fill(name);
    await this.modal.getByTestId('byon-image-description-input').fill(description);
    await this.modal.getByRole('button', { name: 'Import', exact: true }).click();
    // The modal closes when the backend took the image; it stays open with an alert when it did not.
    const error = this.modal.getByRole('alert');
    await expect(this.modal.and(this.page.locator(':not([open])')).or(error)).toBeAttached();
    if (await error.isVisible()) throw new Error(`Import notebook image refused ${url}: ${(await error.textContent())?.trim()}`);
  }
}
