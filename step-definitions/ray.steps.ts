import { Given, Then, When } from '@cucumber/cucumber';
import * as mtls from '../support/distributed-workloads/ray-mtls';
import * as ray from '../support/distributed-workloads/ray-scenarios';
import * as workbench from '../support/distributed-workloads/ray-workbench';
import * as pipeline from '../support/distributed-workloads/ray-pipeline';
import * as sdk from '../support/distributed-workloads/sdk-notebook';
import type { RhoaiWorld } from '../support/core/world';

Given(
  'a Ray cluster {string} made as the CodeFlare SDK makes it, in the project for distributed workloads',
  function (this: RhoaiWorld, name: string) {
    return ray.rayClusterInProject(this, name);
  },
);

Then('the Ray cluster {string} is admitted through the local queue and ready', function (this: RhoaiWorld, name: string) {
  return ray.assertRayClusterAsSdkMakesIt(this, name);
});

When('I submit a Python job to {string} through its dashboard route and follow it', function (this: RhoaiWorld, cluster: string) {
  return ray.submitAndFollow(this, cluster);
});

When('I stop a long job on {string} and delete it', function (this: RhoaiWorld, cluster: string) {
  return ray.stopAndDelete(this, cluster);
});

Then(
  'the dashboard route of {string} refuses a request without a token and a token without access',
  function (this: RhoaiWorld, cluster: string) {
    return ray.assertRouteRefusesStrangers(this, cluster);
  },
);

When('I create the RayJob {string} with submissionMode {string}', function (this: RhoaiWorld, name: string, mode: string) {
  return ray.runRayJob(this, name, mode);
});

Then('the RayJob {string} is admitted by Kueue and ends SUCCEEDED and Complete', function (this: RhoaiWorld, name: string) {
  return ray.assertRayJobSucceeded(this, name);
});

Then('the RayJob {string} fails, as HTTPMode is the only mode RHOAI 2.9 supports', function (this: RhoaiWorld, name: string) {
  return ray.assertK8sJobModeFails(this, name);
});

Given('a project with a local queue backed by a small cluster queue of its own', function (this: RhoaiWorld) {
  return ray.quotaCheckQueue(this);
});

When('a first Ray cluster runs and a second one does not fit in the quota', function (this: RhoaiWorld) {
  return ray.twoClustersBeyondQuota(this);
});

Then('the second stays suspended, without pods, its Workload pending for lack of quota', function (this: RhoaiWorld) {
  return ray.assertSecondWaits(this);
});

Then('once the first is deleted the second is admitted and becomes ready', function (this: RhoaiWorld) {
  return ray.deleteFirstAndWatchSecond(this);
});

When('Ray clusters ask for an NVIDIA GPU worker and for a Habana Gaudi worker', function (this: RhoaiWorld) {
  return ray.acceleratorClusters(this);
});

Then('the NVIDIA GPU worker is admitted against the GPU quota and the Gaudi worker is not', function (this: RhoaiWorld) {
  return ray.assertOnlyNvidiaAdmitted(this);
});

Given('a data science project without a local queue, and a Ray cluster made for the local queue', function (this: RhoaiWorld) {
  return ray.projectWithoutLocalQueue(this);
});

Then('Kueue does not admit the Ray cluster: its Workload is Inadmissible and it has no pods', function (this: RhoaiWorld) {
  return ray.assertNotAdmittedWithoutQueue(this);
});

Then('creating the local queue makes the Ray cluster run', function (this: RhoaiWorld) {
  return ray.createQueueAndWatch(this);
});

Then(
  'I can list and inspect the Ray cluster {string} and its jobs from outside, and delete it',
  function (this: RhoaiWorld, cluster: string) {
    return ray.assertRemoteControl(this, cluster);
  },
);

Then(
  "the Ray cluster {string} runs with mTLS: its client route presents a certificate of the cluster's own CA",
  function (this: RhoaiWorld, name: string) {
    return mtls.assertMtlsByDefault(this, name);
  },
);

When('I log in to the cluster from the workbench terminal with a token', function (this: RhoaiWorld) {
  return workbench.loginFromWorkbenchTerminal(this);
});

Then('`oc whoami` in the workbench terminal answers the user of that token', function (this: RhoaiWorld) {
  return workbench.assertWorkbenchLoggedIn(this);
});

When(
  'I run the CodeFlare SDK notebook in the workbench: cluster up, wait ready, submit a job, read its result, cluster down',
  function (this: RhoaiWorld) {
    return sdk.runSdkNotebook(this, 'sdk-notebook');
  },
);

When('I run the CodeFlare SDK job as a Python file in a code-server workbench', function (this: RhoaiWorld) {
  return sdk.runSdkFileFromCodeServer(this, 'sdk-vscode');
});

Then(
  'the Ray job of the CodeFlare SDK run succeeded with its result, its Ray cluster admitted through the local queue and deleted at the end',
  function (this: RhoaiWorld) {
    return sdk.assertSdkJobSucceeded(this);
  },
);

When('I run a pipeline whose task creates a Ray cluster, runs a job and tears the cluster down', function (this: RhoaiWorld) {
  return pipeline.runRayPipeline(this, 'ray-pipeline');
});

Then(
  'the pipeline run succeeded with the Ray job SUCCEEDED, its Ray cluster admitted through the local queue and deleted at the end',
  function (this: RhoaiWorld) {
    return pipeline.assertRayPipelineSucceeded(this);
  },
);
