import { Then, When } from '@cucumber/cucumber';
import * as apps from '../support/dashboard/applications';
import * as options from '../support/dashboard/config-options';
import * as monitoring from '../support/dashboard/model-monitoring';
import type { RhoaiWorld } from '../support/core/world';

// UI-APP-01
When('I launch Jupyter from Applications > Enabled', function (this: RhoaiWorld) {
  return apps.launchJupyter(this);
});
When('I start a notebook server with the {string} image', function (this: RhoaiWorld, image: string) {
  return apps.startJupyterServer(this, image);
});
Then('my own notebook server runs, with my own storage, and the page offers to open and stop it', function (this: RhoaiWorld) {
  return apps.assertJupyterRunning(this);
});

When('I stop the notebook server', function (this: RhoaiWorld) {
  return apps.stopJupyterServer(this);
});
Then('the notebook server is stopped and its storage kept', function (this: RhoaiWorld) {
  return apps.assertJupyterStopped(this);
});

// UI-APP-02
When('I open Applications > Explore', async function (this: RhoaiWorld) {
  await apps.openExplore(this);
});
Then("it shows a card for every application the cluster holds, and a card opens the application's details", function (this: RhoaiWorld) {
  return apps.assertExploreListsApplications(this);
});

// UI-RES-01
When('I open Resources', function (this: RhoaiWorld) {
  return apps.openResources(this);
});
Then("it lists a card for every document of the cluster's applications", function (this: RhoaiWorld) {
  return apps.assertResourcesListed(this);
});
When('I filter Resources by the resource type {string}', function (this: RhoaiWorld, type: string) {
  return apps.filterResourcesByType(this, type);
});
When('I search Resources for {string}', function (this: RhoaiWorld, keyword: string) {
  return apps.searchResources(this, keyword);
});
Then('Resources lists exactly the documents that pass the filters', function (this: RhoaiWorld) {
  return apps.assertResourcesFiltered(this);
});

// CMP-09
Then('the DataScienceCluster has TrustyAI removed, not among its installed components', function (this: RhoaiWorld) {
  return monitoring.assertTrustyAIRemoved(this);
});
Then("the dashboard backend's cluster status has no TrustyAI installed", function (this: RhoaiWorld) {
  return monitoring.assertDashboardSeesNoTrustyAI(this);
});
When('I open the project in the dashboard', function (this: RhoaiWorld) {
  return monitoring.openProject(this);
});
Then(
  'the project shows its Overview, Workbenches, Models and Cluster storage tabs but no Settings tab for model bias monitoring',
  function (this: RhoaiWorld) {
    return monitoring.assertNoModelBiasSettings(this, ['Overview', 'Workbenches', 'Models', 'Cluster storage']);
  },
);

// ADV-11
When(
  'I set the dashboard configuration option {word} to {word} in odh-dashboard-config',
  function (this: RhoaiWorld, option: string, value: string) {
    if (!['disableInfo', 'disableISVBadges', 'notebookController.enabled'].includes(option))
      throw new Error(`dashboard option "${option}": this step knows disableInfo, disableISVBadges and notebookController.enabled`);
    if (value !== 'true' && value !== 'false') throw new Error(`dashboard option ${option}: true or false, not "${value}"`);
    return options.setOption(this, option as options.DashboardOption, value === 'true');
  },
);
Then('Explore shows no category badges on its cards', function (this: RhoaiWorld) {
  return options.assertBadges(this, false);
});
Then('Explore shows each card with its category badge', function (this: RhoaiWorld) {
  return options.assertBadges(this, true);
});
Then('Explore tells users to contact an administrator and its cards open no details', function (this: RhoaiWorld) {
  return options.assertInfo(this, false);
});
Then("Explore's cards open their details again", function (this: RhoaiWorld) {
  return options.assertInfo(this, true);
});
Then('Applications > Enabled shows no Jupyter', function (this: RhoaiWorld) {
  return options.assertJupyterTile(this, false);
});
Then('Applications > Enabled shows Jupyter again', function (this: RhoaiWorld) {
  return options.assertJupyterTile(this, true);
});
