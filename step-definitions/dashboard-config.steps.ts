import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import * as dashboard from '../support/install/dashboard-config';
import type { RhoaiWorld } from '../support/core/world';

/** | serving runtime | runtime | template | platform | rows of a feature table. */
export function servingRuntimeRows(table: DataTable): dashboard.ServingRuntimeRow[] {
  return table.hashes().map((row) => {
    const platform = row.platform;
    if (platform !== 'single' && platform !== 'multi')
      throw new Error(`serving runtime table: platform must be single or multi, not "${platform}"`);
    return { displayName: row['serving runtime']!, runtime: row.runtime!, template: row.template!, platform };
  });
}

Given('the dashboard component of {string} is Managed and running', async function (this: RhoaiWorld, dsc: string) {
  await dashboard.requireDashboard(this, dsc);
});

When('I enable the single-model and the multi-model serving platforms in the dashboard configuration', async function (this: RhoaiWorld) {
  await dashboard.enableServingPlatforms(this);
});

Then('the dashboard configuration has disableKServe false and disableModelMesh false', function (this: RhoaiWorld) {
  return dashboard.assertServingPlatformsEnabled(this);
});

When('I enable the pre-installed serving runtimes:', function (this: RhoaiWorld, table: DataTable) {
  return dashboard.enableServingRuntimes(this, servingRuntimeRows(table));
});

Then('the dashboard offers them, enabled, for their serving platforms', function (this: RhoaiWorld) {
  return dashboard.assertServingRuntimesOffered(this);
});
