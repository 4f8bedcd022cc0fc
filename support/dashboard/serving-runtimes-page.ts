// Settings > Serving runtimes (/servingRuntimes) and Add serving runtime, odh-dashboard rhoai-2.9
// frontend/src/pages/modelServing/customServingRuntimes (CustomServingRuntimeListView.tsx,
// CustomServingRuntimeTableRow.tsx, CustomServingRuntimeAddTemplate.tsx,
// CustomServingRuntimePlatformsSelector.tsx, CustomServingRuntimeAPIProtocolSelector.tsx; Cypress
// pages/servingRuntimes.ts): rows `serving-runtime <runtime name>` with the platform label; the add
// page's platform and protocol selections, the code editor and the create button.
import type { Locator, Page } from '@playwright/test';
import { expectBackOnList, openListPage } from './list-pages';

export class ServingRuntimesPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await openListPage(this.page, `${origin}/servingRuntimes`, this.addButton);
  }

  get addButton(): Locator {
    return this.page.getByTestId('add-serving-runtime-button');
  }

  row(runtimeName: string): Locator {
    return this.page.getByTestId(`serving-runtime ${runtimeName}`);
  }

  platformLabel(runtimeName: string): Locator {
    return this.row(runtimeName).getByTestId('serving-runtime-platform-label');
  }

  protocolCell(runtimeName: string, protocol: string): Locator {
    return this.row(runtimeName).getByRole('cell', { name: protocol, exact: true });
  }

  /** Add serving runtime: platform, API protocol, the YAML typed into the editor, Create; back on the list. */
  async add(platform: 'single' | 'multi', protocol: 'REST' | 'gRPC', yamlText: string): Promise<void> {
    await this.addButton.click();
    await this.page.getByTestId('custom-serving-runtime-selection').selectOption(platform);
    await this.page.getByTestId('custom-serving-api-protocol-selection').selectOption(protocol);
    await this.page.getByTestId('dashboard-code-editor').fill(yamlText);
    await this.page.getByTestId('create-button').click();
    // Back on the list when the backend took it; otherwise the page stays, with its alert.
    await expectBackOnList(this.page, this.addButton, 'Add serving runtime did not create the runtime');
  }
}
