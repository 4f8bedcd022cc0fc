// Steps of 10-install/03-service-mesh.feature (INS-SM-*): the Service Mesh operator, the control
// plane "minimal" and its members. Each calls support/install/mesh.
import { Given, Then, When } from '@cucumber/cucumber';
import * as mesh from '../support/install/mesh';
import type { RhoaiWorld } from '../support/core/world';

When('I create the ServiceMeshControlPlane {string} in {string}', function (this: RhoaiWorld, name: string, namespace: string) {
  return mesh.createControlPlane(this, name, namespace);
});

Then('the ServiceMeshControlPlane {string} in {string} is ready', function (this: RhoaiWorld, name: string, namespace: string) {
  return mesh.waitForControlPlaneReady(this, name, namespace);
});

Then('its deployments {string}, {string} and {string} are available', function (this: RhoaiWorld, a: string, b: string, c: string) {
  return mesh.assertDeploymentsAvailable(this, mesh.currentControlPlane(this).namespace, [a, b, c]);
});

Then('the ingress gateway and its pods carry the label {string}', function (this: RhoaiWorld, label: string) {
  return mesh.assertIngressGatewayLabel(this, label);
});

When(
  'I create the ServiceMeshMember of {string} for the control plane {string} in {string}',
  function (this: RhoaiWorld, namespace: string, controlPlane: string, controlPlaneNamespace: string) {
    return mesh.createMember(this, namespace, controlPlane, controlPlaneNamespace);
  },
);

Then('{string} is a configured member of the mesh in {string}', function (this: RhoaiWorld, namespace: string, meshNamespace: string) {
  return mesh.waitForMember(this, namespace, meshNamespace);
});

Given(
  '{string} is a member of the mesh of the control plane {string} in {string}',
  function (this: RhoaiWorld, namespace: string, controlPlane: string, controlPlaneNamespace: string) {
    return mesh.joinMesh(this, namespace, controlPlane, controlPlaneNamespace);
  },
);

Then('{string} is the only ServiceMeshControlPlane on the cluster', function (this: RhoaiWorld, name: string) {
  return mesh.assertOnlyControlPlane(this, name, mesh.currentControlPlane(this).namespace);
});
