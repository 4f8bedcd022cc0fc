import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import * as settings from '../support/dashboard/cluster-settings';
import * as accelerators from '../support/dashboard/accelerator-profiles';
import * as images from '../support/dashboard/notebook-images';
import * as people from '../support/dashboard/people';
import * as runtimes from '../support/dashboard/serving-runtimes';
import * as users from '../support/dashboard/user-management';
import type { RhoaiWorld } from '../support/core/world';

defineParameterType({
  name: 'dashboardPerson',
  regexp: /the admin user|a data science user|the data science admin/,
  transformer: (s: string) => s as people.DashboardPerson,
});
defineParameterType({ name: 'platform', regexp: /single|multi/, transformer: (s: string) => s as 'single' | 'multi' });
defineParameterType({ name: 'onOff', regexp: /on|off/, transformer: (s: string) => s === 'on' });

Given('I am logged in to the dashboard as {dashboardPerson}', async function (this: RhoaiWorld, who: people.DashboardPerson) {
  await people.logInAs(this, who, 'precondition');
});
When(
  'I open the dashboard and log in as {dashboardPerson} with the htpasswd identity provider',
  async function (this: RhoaiWorld, who: people.DashboardPerson) {
    await people.logInAs(this, who);
  },
);
Then(
  'the Settings navigation offers Notebook images, Cluster settings, Accelerator profiles, Serving runtimes and User management',
  function (this: RhoaiWorld) {
    return people.assertSettingsOffered(this);
  },
);
Then('the dashboard shows no Settings, and the admin pages\' URLs show its "not found" page', function (this: RhoaiWorld) {
  return people.assertNoAdminPages(this);
});
Then('the dashboard answers its health probe and names the logged-in user', function (this: RhoaiWorld) {
  return people.assertDashboardHealthy(this);
});

When(
  'I switch the {platform}-model serving platform {onOff} in Cluster settings and save',
  function (this: RhoaiWorld, p: 'single' | 'multi', on: boolean) {
    return settings.saveServingPlatform(this, p, on);
  },
);
Then(
  'the dashboard config has the {platform}-model serving platform {onOff}',
  function (this: RhoaiWorld, p: 'single' | 'multi', on: boolean) {
    return settings.assertServingPlatform(this, p, on);
  },
);
When('I save the PVC size {int} GiB in Cluster settings', function (this: RhoaiWorld, gib: number) {
  return settings.savePvcSize(this, gib);
});
Then('the dashboard config holds the PVC size {int} GiB', function (this: RhoaiWorld, gib: number) {
  return settings.assertPvcSize(this, gib);
});
Then(
  'the PVC size field refuses {int} GiB, keeping {int}, with the note of its bounds',
  function (this: RhoaiWorld, typed: number, kept: number) {
    return settings.assertPvcSizeRefused(this, typed, kept);
  },
);
When('I save "stop idle notebooks after" {int} hours {int} minutes in Cluster settings', function (this: RhoaiWorld, h: number, m: number) {
  return settings.saveCullerTimeout(this, h, m);
});
Then('the culler ConfigMap stops idle notebooks after {int} minutes', function (this: RhoaiWorld, minutes: number) {
  return settings.assertCullerMinutes(this, minutes);
});
Then('the page refuses to stop idle notebooks after {int} hours {int} minutes', function (this: RhoaiWorld, h: number, m: number) {
  return settings.assertCullerRefused(this, h, m);
});
When('I save "Do not stop idle notebooks" in Cluster settings', function (this: RhoaiWorld) {
  return settings.saveNoCulling(this);
});
Then('the culler ConfigMap is gone', function (this: RhoaiWorld) {
  return settings.assertNoCulling(this);
});
When('I {word} the collection of usage data in Cluster settings and save', function (this: RhoaiWorld, verb: string) {
  return settings.saveUsageData(this, verb === 'allow');
});
Then('the segment key ConfigMap has usage data collection {onOff}', function (this: RhoaiWorld, on: boolean) {
  return settings.assertUsageData(this, on);
});
When('I add the notebook pod toleration key {string} in Cluster settings and save', function (this: RhoaiWorld, key: string) {
  return settings.saveToleration(this, key);
});
Then('the dashboard config tolerates the taint key {string} on notebook pods', function (this: RhoaiWorld, key: string) {
  return settings.assertToleration(this, key);
});
Then('the page refuses the toleration key {string} with its format message', function (this: RhoaiWorld, key: string) {
  return settings.assertTolerationKeyRefused(this, key);
});

When("I add the data science admins' group to the administrator groups in User management and save", function (this: RhoaiWorld) {
  return users.addAdminsGroup(this);
});
Then("the dashboard config's admin groups are the earlier ones plus the data science admins' group", function (this: RhoaiWorld) {
  return users.assertAdminGroupsSaved(this);
});
When('{dashboardPerson} logs in to the dashboard', async function (this: RhoaiWorld, who: people.DashboardPerson) {
  await people.logInAs(this, who);
});
Then('the dashboard shows the data science admin the Settings pages, through the admin group', function (this: RhoaiWorld) {
  return users.assertAdminByGroup(this);
});
When("I make the data science users' group the only user group in User management and save", function (this: RhoaiWorld) {
  return users.onlyUsersGroup(this);
});
Then("the dashboard config's user groups are the data science users' group only", function (this: RhoaiWorld) {
  return users.assertUserGroupsSaved(this);
});
Then('the dashboard refuses them with "Access permissions needed"', function (this: RhoaiWorld) {
  return people.assertAccessRefused(this);
});

When(
  'I import the notebook image {string} named {string} in Settings > Notebook images',
  function (this: RhoaiWorld, url: string, name: string) {
    return images.importCustomImage(this, url, name);
  },
);
Then('Settings > Notebook images lists it', function (this: RhoaiWorld) {
  return images.assertImageListed(this);
});
Then(
  'it becomes an ImageStream of the dashboard namespace that the workbench form offers, pointing at that image',
  function (this: RhoaiWorld) {
    return images.assertImageStream(this);
  },
);

When('I open Settings > Serving runtimes', async function (this: RhoaiWorld) {
  await runtimes.openServingRuntimes(this);
});
Then('it lists the runtimes 2.9 ships with their platforms, API protocols and model formats', function (this: RhoaiWorld) {
  return runtimes.assertShippedRuntimes(this);
});
When(
  'I add a serving runtime {string} from YAML for the single-model platform with the REST protocol',
  function (this: RhoaiWorld, displayName: string) {
    return runtimes.addCustomRuntime(this, displayName);
  },
);
Then('it is listed and the single-model platform offers it', function (this: RhoaiWorld) {
  return runtimes.assertCustomRuntime(this);
});

When(
  'I create the accelerator profile {string} with the identifier {string} and a toleration of the taint key {string}',
  function (this: RhoaiWorld, name: string, identifier: string, key: string) {
    return accelerators.createProfile(this, name, identifier, key);
  },
);
Then('it is listed, enabled, with that identifier', function (this: RhoaiWorld) {
  return accelerators.assertProfile(this);
});
Then('its toleration lets pods onto the nodes that advertise the identifier', function (this: RhoaiWorld) {
  return accelerators.assertTolerations(this);
});
Then('the workbench form offers it', function (this: RhoaiWorld) {
  return accelerators.assertOfferedForWorkbenches(this);
});
