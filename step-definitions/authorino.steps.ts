// Steps of 10-install/07-authorino.feature (INS-AUTH-*): the Authorino operator and instance, the
// mesh's extension provider and KServe's authorization. Each calls support/install/authorino.
import { Given, Then, When } from '@cucumber/cucumber';
import * as authorino from '../support/install/authorino';
import type { RhoaiWorld } from '../support/core/world';

When('I create the Authorino {string} in {string}', function (this: RhoaiWorld, name: string, namespace: string) {
  return authorino.createAuthorino(this, name, namespace);
});

Then(
  'the Authorino {string} in {string} is ready, with its deployment available',
  function (this: RhoaiWorld, name: string, namespace: string) {
    return authorino.waitForAuthorinoReady(this, name, namespace);
  },
);

Given('the Authorino {string} in {string} is ready', function (this: RhoaiWorld, name: string, namespace: string) {
  return authorino.waitForAuthorinoReady(this, name, namespace);
});

Then(
  'it serves the external authorization API on the Service {string}, port {int}',
  function (this: RhoaiWorld, service: string, port: number) {
    return authorino.assertAuthorizationService(this, service, port);
  },
);

When('I patch the deployment {string} to inject the Istio sidecar', function (this: RhoaiWorld, deployment: string) {
  return authorino.injectSidecar(this, deployment);
});

Then('the authorino pod runs the containers {string} and {string}, all ready', function (this: RhoaiWorld, app: string, sidecar: string) {
  return authorino.assertAuthorinoSidecar(this, [app, sidecar]);
});

When(
  'I register Authorino as the extension provider {string} of the ServiceMeshControlPlane {string} in {string}',
  function (this: RhoaiWorld, provider: string, controlPlane: string, namespace: string) {
    return authorino.registerExtensionProvider(this, provider, controlPlane, namespace);
  },
);

Then(
  'the mesh config of {string} in {string} lists the extension provider {string} at {string} port {int}',
  function (this: RhoaiWorld, controlPlane: string, namespace: string, provider: string, service: string, port: number) {
    return authorino.assertMeshConfigProvider(this, controlPlane, namespace, provider, service, port);
  },
);

When(
  'I create the AuthorizationPolicy {string} in {string} for the provider {string}',
  function (this: RhoaiWorld, name: string, namespace: string, provider: string) {
    return authorino.createAuthorizationPolicy(this, name, namespace, provider);
  },
);

Then(
  '{string} has a CUSTOM AuthorizationPolicy for the KServe predictors using the provider {string} of the mesh config of {string}',
  function (this: RhoaiWorld, namespace: string, provider: string, controlPlane: string) {
    return authorino.assertPredictorAuthorization(this, namespace, provider, controlPlane);
  },
);

When('I create the EnvoyFilter {string} in {string}', function (this: RhoaiWorld, name: string, namespace: string) {
  return authorino.createEnvoyFilter(this, name, namespace);
});

Then(
  'the EnvoyFilter {string} in {string} restores the Host header of the KServe predictors from k-original-host',
  function (this: RhoaiWorld, name: string, namespace: string) {
    return authorino.assertHostHeaderFilter(this, name, namespace);
  },
);
