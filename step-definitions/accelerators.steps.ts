// Steps of 10-install/10-gpu.feature (INS-GPU-*): accelerator profiles, the GPU nodes' taint, and
// the notebook images and serving runtime that recommend the accelerator. Each calls support/install/accelerators.
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import * as accelerators from '../support/install/accelerators';
import type { RhoaiWorld } from '../support/core/world';

function imageRows(table: DataTable): accelerators.NotebookImageRow[] {
  return table.hashes().map((row) => {
    if (!row.image || !row['shown as'])
      throw new Error('notebook image table: every row needs an "image" (the ImageStream name) and "shown as" (its name in the dashboard)');
    return { image: row.image, shownAs: row['shown as'] };
  });
}

Given('the cluster advertises {string} on at least one node', async function (this: RhoaiWorld, identifier: string) {
  await accelerators.requireAcceleratorNodes(this, identifier);
});

Given('the cluster has nodes with {string}, else these items are not applicable', function (this: RhoaiWorld, identifier: string) {
  return accelerators.acceleratorNodesOrNotApplicable(this, identifier);
});

When(
  'I create the accelerator profile {string} named {string} for {string}, tolerating the taints of those nodes',
  async function (this: RhoaiWorld, name: string, displayName: string, identifier: string) {
    await accelerators.createAcceleratorProfile(this, name, identifier, displayName);
  },
);

Then(
  'the dashboard lists the accelerator profile {string}, enabled, for {string}',
  async function (this: RhoaiWorld, name: string, identifier: string) {
    await accelerators.assertProfileListed(this, name, identifier);
  },
);

Then('{string} tolerates the taints of every node that advertises {string}', function (this: RhoaiWorld, name: string, identifier: string) {
  return accelerators.assertProfileToleratesNodes(this, name, identifier);
});

When('I recommend {string} for the notebook images:', async function (this: RhoaiWorld, identifier: string, table: DataTable) {
  if (!accelerators.notebookImagesShipped(this)) return 'skipped';
  await accelerators.recommendForNotebookImages(this, identifier, imageRows(table));
  return undefined;
});

Then('the dashboard shows each of these notebook images with {string} recommended', function (this: RhoaiWorld, identifier: string) {
  return accelerators.assertNotebookImagesRecommend(this, identifier);
});

When(
  'I duplicate the serving runtime {string} as {string}, {string}, recommending {string}',
  async function (this: RhoaiWorld, source: string, runtime: string, displayName: string, identifier: string) {
    await accelerators.duplicateServingRuntime(this, source, runtime, displayName, identifier);
  },
);

Then(
  'the dashboard offers the serving runtime {string} for the {string} platform, enabled, recommending {string}',
  function (this: RhoaiWorld, runtime: string, platform: string, identifier: string) {
    return accelerators.assertDuplicateOffered(this, runtime, identifier, platform);
  },
);

Then('the built-in serving runtime template {string} is unchanged', function (this: RhoaiWorld, source: string) {
  return accelerators.assertBuiltinUntouched(this, source);
});
