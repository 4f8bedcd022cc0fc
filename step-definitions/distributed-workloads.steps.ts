import { Given, Then, When } from '@cucumber/cucumber';
import * as codeflare from '../support/distributed-workloads/codeflare';
import {
  assertDistributedWorkloadsManaged,
  assertNoOtherKubeRayOperator,
  assertNoOtherKueue,
  assertNoSeparateCodeFlareOperator,
  componentOf,
} from '../support/distributed-workloads/components';
import * as kueue from '../support/distributed-workloads/kueue';
import * as operators from '../support/distributed-workloads/operators';
import { ensureDistributedWorkloadsProject } from '../support/distributed-workloads/projects';
import type { RhoaiWorld } from '../support/core/world';

// ---- operator pods (DW-POD) ----

Given('the DataScienceCluster {string} manages the distributed workloads components', async function (this: RhoaiWorld, dsc: string) {
  await assertDistributedWorkloadsManaged(this, dsc);
});

Then('no separately installed CodeFlare operator is on the cluster', function (this: RhoaiWorld) {
  return assertNoSeparateCodeFlareOperator(this);
});

Then('no other KubeRay operator runs on the cluster', function (this: RhoaiWorld) {
  return assertNoOtherKubeRayOperator(this);
});

Then('no other Kueue runs on the cluster', function (this: RhoaiWorld) {
  return assertNoOtherKueue(this);
});

Then('the {string} pods are running in {string}', async function (this: RhoaiWorld, deployment: string, namespace: string) {
  await operators.assertOperatorPodsRunning(this, deployment, namespace);
});

Then('the deployment {string} in {string} is available', function (this: RhoaiWorld, deployment: string, namespace: string) {
  return operators.assertDeploymentAvailable(this, deployment, namespace);
});

Then('{string} reports the {string} component ready', function (this: RhoaiWorld, dsc: string, component: string) {
  return operators.assertComponentReady(this, componentOf(component).condition, dsc);
});

// ---- quota management (DW-Q) ----

When('I create the empty resource flavor {string}', function (this: RhoaiWorld, name: string) {
  return kueue.createResourceFlavor(this, name);
});

Given('the resource flavor {string} exists', function (this: RhoaiWorld, name: string) {
  return kueue.createResourceFlavor(this, name);
});

Then('the resource flavor {string} is empty and Kueue has taken charge of it', function (this: RhoaiWorld, name: string) {
  return kueue.assertResourceFlavorEmpty(this, name);
});

When(
  'I create the cluster queue {string} for {string}, with quotas sized to the cluster',
  function (this: RhoaiWorld, name: string, flavor: string) {
    return kueue.createClusterQueue(this, name, flavor);
  },
);

Then(
  'the cluster queue {string} admits every namespace and covers cpu, memory and nvidia.com\\/gpu of {string} with those quotas',
  function (this: RhoaiWorld, name: string, flavor: string) {
    return kueue.assertClusterQueue(this, name, flavor);
  },
);

Given('the data science project for distributed workloads exists', async function (this: RhoaiWorld) {
  await ensureDistributedWorkloadsProject(this);
});

When('I create its local queue, pointing to {string}', async function (this: RhoaiWorld, clusterQueue: string) {
  await kueue.createLocalQueue(this, this.settings.dwProject, clusterQueue);
});

Then(
  "its local queues show the local queue backed by {string}, as the project's default queue",
  function (this: RhoaiWorld, clusterQueue: string) {
    return kueue.assertLocalQueue(this, this.settings.dwProject, clusterQueue);
  },
);

When(
  'I create a local queue pointing to {string} in every data science project that has none',
  function (this: RhoaiWorld, clusterQueue: string) {
    return kueue.coverDataScienceProjects(this, clusterQueue);
  },
);

Then('every data science project has a local queue backed by {string}', function (this: RhoaiWorld, clusterQueue: string) {
  return kueue.assertEveryProjectCovered(this, clusterQueue);
});

Given('quota management for distributed workloads is configured', async function (this: RhoaiWorld) {
  await kueue.ensureQuotaManagement(this);
});

Then('the cluster queue {string} is active', function (this: RhoaiWorld, name: string) {
  return kueue.assertClusterQueueActive(this, name);
});

Then('the local queue of the data science project is active', function (this: RhoaiWorld) {
  return kueue.assertLocalQueueActive(this, this.settings.dwProject);
});

// ---- CodeFlare (DW-CF) ----

Then('the cluster serves the kinds the CodeFlare SDK uses: RayCluster and RayJob, LocalQueue and Workload', function (this: RhoaiWorld) {
  return codeflare.assertSdkKindsServed(this);
});

Then("a bearer token reaches those APIs, as the SDK's TokenAuthentication does", function (this: RhoaiWorld) {
  return codeflare.assertTokenReachesApis(this, this.settings.dwProject);
});

Then('I may create Ray clusters and jobs in the project and read its local queues and workloads', function (this: RhoaiWorld) {
  return codeflare.assertMayUseSdk(this, this.settings.dwProject);
});

Then(
  'a Ray cluster created in the project is admitted and taken in charge by the CodeFlare operator as codeflare-operator-config says, and by KubeRay',
  function (this: RhoaiWorld) {
    return codeflare.assertOperatorTakesRayCluster(this, this.settings.dwProject);
  },
);

Given(
  'the CodeFlare operator has its configuration {string} in {string}',
  async function (this: RhoaiWorld, name: string, namespace: string) {
    await codeflare.readCodeFlareConfig(this, name, namespace);
  },
);

Then("kuberay.ingressDomain is empty or the cluster's apps domain, as RHOAI_CODEFLARE_INGRESS_DOMAIN expects", function (this: RhoaiWorld) {
  return codeflare.assertIngressDomain(this);
});

Then('kuberay.mTLSEnabled is as RHOAI_CODEFLARE_MTLS_ENABLED expects \\(default true)', function (this: RhoaiWorld) {
  codeflare.assertKubeRayFlag(
    this,
    'mTLSEnabled',
    this.settings.codeflareMtlsEnabled,
    `RHOAI_CODEFLARE_MTLS_ENABLED=${this.settings.codeflareMtlsEnabled}`,
  );
});

Then(
  'kuberay.rayDashboardOAuthEnabled is as RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED expects \\(default true)',
  function (this: RhoaiWorld) {
    codeflare.assertKubeRayFlag(
      this,
      'rayDashboardOAuthEnabled',
      this.settings.codeflareDashboardOAuthEnabled,
      `RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED=${this.settings.codeflareDashboardOAuthEnabled}`,
    );
  },
);
