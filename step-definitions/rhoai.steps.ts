// Steps about the DSCInitialization default-dsci (02-components.feature and the mesh's order): the
// operator makes it and its projects, and serviceMesh is set Unmanaged. Each calls support/install/dsci.
import { Given, Then, When } from '@cucumber/cucumber';
import * as rhoai from '../support/install/dsci';
import type { RhoaiWorld } from '../support/core/world';

Then(
  'the operator creates the DSCInitialization {string}, which waits for the Service Mesh until it is Unmanaged',
  function (this: RhoaiWorld, name: string) {
    return rhoai.waitForDsciReconciled(this, name);
  },
);

Then('{string} creates the projects {string} and {string}', function (this: RhoaiWorld, dsci: string, a: string, b: string) {
  return rhoai.assertDsciNamespaces(this, dsci, [a, b]);
});

// ---- serviceMesh Unmanaged: the manual Service Mesh ----

Given('the operator has created default-dsci', async function (this: RhoaiWorld) {
  await rhoai.waitForDsciCreated(this, rhoai.DEFAULT_DSCI);
});

When('I change serviceMesh to Unmanaged in default-dsci', async function (this: RhoaiWorld) {
  await rhoai.setServiceMeshUnmanaged(this);
});

Then('default-dsci leaves the Service Mesh to me: serviceMesh Unmanaged, and Ready', async function (this: RhoaiWorld) {
  await rhoai.assertServiceMeshUnmanaged(this);
});

Given('default-dsci leaves the Service Mesh to me', async function (this: RhoaiWorld) {
  await rhoai.assertServiceMeshUnmanaged(this);
});

Then('the operator has built no ServiceMeshControlPlane of its own', function (this: RhoaiWorld) {
  return rhoai.assertNoOperatorControlPlane(this);
});

Then(
  'default-dsci still leaves the Service Mesh to me, and the operator has built no ServiceMeshControlPlane of its own',
  function (this: RhoaiWorld) {
    return rhoai.assertNoOperatorControlPlane(this);
  },
);
