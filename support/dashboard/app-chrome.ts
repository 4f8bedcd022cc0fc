// The dashboard's frame on every page (odh-dashboard rhoai-2.9 frontend/src/app/NavSidebar.tsx,
// Cypress pages/appChrome.ts): the sidebar #page-sidebar with expandable sections ("Settings") and
// their links, the page's main area and its title. Selection by role and accessible name, or by a
// test id of ../shared/dashboard.
import type { Locator, Page } from '@playwright/test';
import { expect } from './playwright';

export const SETTINGS_LINKS = [
  'Notebook images',
  'Cluster settings',
  'Accelerator profiles',
  'Serving runtimes',
  'User management',
] as const;

export class AppChrome {
  constructor(readonly page: Page) {}

  /** The page's main area (PageSection of every dashboard page; test id dashboard-page-main). */
  get main(): Locator {
    return this.page.getByTestId('dashboard-page-main');
  }

  get title(): Locator {
    return this.page.getByTestId('app-page-title');
  }

  get nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Global' });
  }

  /** The nav section button (e.g. "Settings"). */
  section(name: string): Locator {
    return this.nav.getByRole('button', { name, exact: true });
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  /** Opens a page from the nav (expanding its section first, as a person does). */
  async navigate(name: string, section?: string): Promise<void> {
    if (section) {
      const button = this.section(section);
      if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    }
    await this.navLink(name).click();
    await expect(this.title).toHaveText(name === 'Enabled' ? 'Enabled' : name);
  }

  /** The NotFound page (frontend/src/pages/NotFound.tsx), what AppRoutes renders for a route the user does not have. */
  get notFound(): Locator {
    return this.page.getByTestId('not-found-page');
  }
}
