// The dashboard's application pages, odh-dashboard rhoai-2.9 frontend/src (and the Cypress page
// objects frontend/src/__tests__/cypress/cypress/pages/enabledPage.ts, explore.ts, resources.ts):
//   - Applications > Enabled (/, pages/enabledApplications/EnabledApplications.tsx): the section
//     enabled-application, a card `card <OdhApplication name>` per enabled application (OdhAppCard,
//     title cardtitle) with "Launch application";
//   - Applications > Explore (/explore, pages/exploreApplication): cards `card <name>` (OdhExploreCard,
//     cardtitle, the category badge), the drawer explore-drawer-panel of the selected card (GetStartedPanel);
//   - Resources (/resources, pages/learningCenter): the filters learning-center-filters with the
//     "Resource type" checkboxes (test ids documentation, how-to, quickstart, tutorial), the search
//     field of learning-center-toolbar (PatternFly SearchInput, "Search input"), the cards
//     `card <OdhDocument name>` in learning-center-card-view, empty-state-title when none match;
//   - the Jupyter tile (/notebookController, pages/notebookController/screens/server): "Start a
//     notebook server" with the image radios and "Start server"; when running, "Access notebook
//     server" and "Stop notebook server";
//   - a project's details (/projects/<namespace>, pages/projects/screens/detail/ProjectDetails.tsx):
//     its tabs by name.
// Selection by role and accessible name, or by a test id of ../shared/dashboard.
import type { Locator, Page } from '@playwright/test';
import { expect } from './playwright';
import { AppChrome } from './app-chrome';

export class EnabledPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await this.page.goto(`${origin}/`);
    await expect(new AppChrome(this.page).title).toHaveText('Enabled');
  }

  get section(): Locator {
    return this.page.getByTestId('enabled-application');
  }
  card(name: string): Locator {
    return this.section.getByTestId(`card ${name}`);
  }
  cards(): Locator {
    return this.section.getByRole('listitem');
  }
  launch(name: string): Locator {
    return this.card(name).getByRole('link', { name: 'Launch application' });
  }
}

export class ExplorePage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await this.page.goto(`${origin}/explore`);
    await expect(new AppChrome(this.page).title).toHaveText('Explore');
  }

  get root(): Locator {
    return this.page.getByTestId('explore-applications');
  }
  card(name: string): Locator {
    return this.root.getByTestId(`card ${name}`);
  }
  cards(): Locator {
    return this.root.getByRole('listitem');
  }
  cardTitle(name: string): Locator {
    return this.card(name).getByTestId('cardtitle');
  }
  get drawer(): Locator {
    return this.page.getByTestId('explore-drawer-panel');
  }
  /** The page's description under its title (ExploreApplications.tsx: it changes with disableInfo). */
  description(text: string): Locator {
    return new AppChrome(this.page).main.getByText(text, { exact: true });
  }
}

export class ResourcesPage {
  constructor(readonly page: Page) {}

  async visit(origin: string): Promise<void> {
    await this.page.goto(`${origin}/resources`);
    await expect(new AppChrome(this.page).title).toHaveText('Resources');
  }

  get filters(): Locator {
    return this.page.getByTestId('learning-center-filters');
  }
  /** A "Resource type" checkbox: documentation, how-to, quickstart or tutorial. */
  typeFilter(type: 'documentation' | 'how-to' | 'quickstart' | 'tutorial'): Locator {
    return this.filters.getByTestId(type);
  }
  get search(): Locator {
    return this.page.getByTestId('learning-center-toolbar').getByRole('textbox', { name: 'Search input' });
  }
  get cardView(): Locator {
    return this.page.getByTestId('learning-center-card-view');
  }
  card(name: string): Locator {
    return this.page.getByTestId(`card ${name}`);
  }
  get emptyState(): Locator {
    return this.page.getByTestId('empty-state-title');
  }

  /** The test ids of the cards shown (`card <name>` → name). */
  async shownNames(): Promise<string[]> {
    await expect(this.cardView.or(this.emptyState)).toBeVisible();
    const ids = await this.cardView.getByRole('listitem').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.replace(/^card /, ''));
  }
}

export class JupyterPage {
  constructor(readonly page: Page) {}

  get spawnerTitle(): Locator {
    return this.page.getByRole('heading', { name: 'Start a notebook server' });
  }
  image(displayName: string): Locator {
    return this.page.getByRole('radio', { name: displayName });
  }
  get startButton(): Locator {
    return this.page.getByRole('button', { name: 'Start server', exact: true });
  }
  get accessLink(): Locator {
    return this.page
      .getByRole('link', { name: 'Access notebook server' })
      .or(this.page.getByRole('button', { name: 'Access notebook server' }));
  }
  get stopButton(): Locator {
    return this.page.getByRole('button', { name: 'Stop notebook server' });
  }
  /** StopServerModal.tsx: "Stop server" confirms. */
  get stopModal(): Locator {
    return this.page.getByRole('dialog', { name: 'Stop server modal' });
  }
  async stop(): Promise<void> {
    await this.stopButton.click();
    await expect(this.stopModal).toBeVisible();
    await this.stopModal.getByRole('button', { name: 'Stop server', exact: true }).click();
  }
}

export class ProjectDetailsPage {
  constructor(readonly page: Page) {}

  async visit(origin: string, namespace: string): Promise<void> {
    await this.page.goto(`${origin}/projects/${encodeURIComponent(namespace)}`);
    await expect(this.tab('Overview')).toBeVisible();
  }

  tab(name: string): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }
  tabs(): Locator {
    return this.page.getByRole('tab');
  }
}
