// Steps of 60-advanced (ADV-*): mirroring, mesh customizations, the custom domain, the CA bundle
// variants and the cluster proxy. Each calls support/advanced.
import { Given, Then, When } from '@cucumber/cucumber';
import * as caVariants from '../support/advanced/ca-bundle-variants';
import * as clusterProxy from '../support/advanced/cluster-proxy';
import * as customDomain from '../support/advanced/custom-domain';
import * as meshCustomizations from '../support/advanced/mesh-customizations';
import * as mirroring from '../support/advanced/mirroring';
import { notApplicable } from '../support/core/not-applicable';
import type { RhoaiWorld } from '../support/core/world';
import { DEFAULT_DSCI } from '../support/rhoai/names';

// ---- ADV-07: the trusted CA bundle's management states ----

When('I set the trusted CA bundle of {string} to {word}', function (this: RhoaiWorld, dsci: string, state: caVariants.TrustState) {
  return caVariants.setTrust(this, dsci, state);
});

Then('no namespace has the ConfigMap odh-trusted-ca-bundle any more', function (this: RhoaiWorld) {
  return caVariants.assertNoBundleAnywhere(this, DEFAULT_DSCI);
});

Then('the ConfigMaps odh-trusted-ca-bundle are kept as they were, with the custom CA and not the new bundle', function (this: RhoaiWorld) {
  return caVariants.assertBundlesKept(this, DEFAULT_DSCI);
});

// ---- ADV-05 / ADV-06: a custom domain behind the Istio ingress gateway ----

Given("the custom domain's root, wildcard and mapped-host certificates, made with OpenSSL", async function (this: RhoaiWorld) {
  await customDomain.customDomainMaterial(this);
});

When(
  "I create the custom domain's wildcard TLS secret in istio-system and a Gateway serving its names with it",
  function (this: RhoaiWorld) {
    return customDomain.applyWildcardGateway(this);
  },
);

Then(
  'a TLS handshake for a name of the custom domain, routed to the ingress gateway, verifies against the custom root alone and presents the custom wildcard certificate',
  function (this: RhoaiWorld) {
    return customDomain.assertWildcardServed(this);
  },
);

Given(
  'the project {string} in the mesh of the control plane {string}, with the Service the domain maps to',
  function (this: RhoaiWorld, namespace: string, controlPlane: string) {
    return customDomain.prepareMappingProject(this, namespace, controlPlane);
  },
);

When(
  "I create the TLS secret {string} there from the mapped host's certificate, labelled for net-istio, and the DomainMapping of the mapped host with it",
  function (this: RhoaiWorld, secret: string) {
    return customDomain.createDomainMapping(this, this.facts.domainMappingNamespace!, secret);
  },
);

Then('the DomainMapping is Ready at https:\\/\\/<mapped host>', function (this: RhoaiWorld) {
  return customDomain.assertDomainMappingReady(this);
});

Then(
  "a TLS handshake for the mapped host, routed to the ingress gateway, verifies against the custom root alone and presents the DomainMapping's own certificate",
  function (this: RhoaiWorld) {
    return customDomain.assertMappedHostServed(this);
  },
);

// ---- ADV-04: Service Mesh control-plane customizations ----

When(
  'I customize the ServiceMeshControlPlane {string} in {string}: two ingress gateway replicas, container resources for the gateway and istiod, tracing and the addons off',
  async function (this: RhoaiWorld, name: string, namespace: string) {
    await meshCustomizations.customize(this, name, namespace);
  },
);

Then('the ingress gateway and istiod run as customized', function (this: RhoaiWorld) {
  return meshCustomizations.assertCustomizationsObserved(this, 'minimal', 'istio-system');
});

Then('no tracing or addon deployment runs in {string}', function (this: RhoaiWorld, namespace: string) {
  return meshCustomizations.assertTelemetryOff(this, namespace);
});

When(
  'I put the documented ServiceMeshControlPlane {string} in {string} back',
  function (this: RhoaiWorld, name: string, namespace: string) {
    return meshCustomizations.restoreDocumented(this, name, namespace);
  },
);

// ---- ADV-08: the cluster-wide proxy ----

Given(
  'the cluster has no cluster-wide proxy of its own, and RHOAI_CLUSTER_PROXY says which proxy to use',
  async function (this: RhoaiWorld) {
    const reason = await clusterProxy.proxyNotApplicable(this);
    return reason ? notApplicable(this, reason) : undefined;
  },
);

When('I configure the cluster-wide proxy with those certificates as its trusted CA', function (this: RhoaiWorld) {
  return clusterProxy.configureProxy(this);
});

Then("the cluster publishes the proxy, with the cluster's own names kept direct", async function (this: RhoaiWorld) {
  await clusterProxy.assertProxyPublished(this);
});

Then(
  "the cluster-wide trust bundle and odh-trusted-ca-bundle in {string} hold the proxy's trusted CA",
  function (this: RhoaiWorld, namespace: string) {
    return clusterProxy.assertTrustedCaPropagated(this, namespace, true);
  },
);

Then('the RHOAI operator runs with the HTTP_PROXY, HTTPS_PROXY and NO_PROXY of the cluster-wide proxy', function (this: RhoaiWorld) {
  return clusterProxy.assertOperatorProxyEnv(this, true);
});

When('I remove the cluster-wide proxy', function (this: RhoaiWorld) {
  return clusterProxy.removeProxy(this);
});

Then(
  "the RHOAI operator runs without proxy variables, and odh-trusted-ca-bundle in {string} without the proxy's CA",
  async function (this: RhoaiWorld, namespace: string) {
    await clusterProxy.assertOperatorProxyEnv(this, false);
    await clusterProxy.assertTrustedCaPropagated(this, namespace, false);
  },
);

// ---- ADV-01: mirroring for a disconnected installation ----

Given('the mirror registry RHOAI_MIRROR_REGISTRY that holds the mirrored images', async function (this: RhoaiWorld) {
  const reason = await mirroring.mirrorNotApplicable(this);
  return reason ? notApplicable(this, reason) : undefined;
});

When("I list the images to mirror from the installed CSV's relatedImages", async function (this: RhoaiWorld) {
  await mirroring.planMirror(this);
});

When('I apply the mirror set RHOAI_MIRROR_KIND that sends their repositories to the mirror registry', function (this: RhoaiWorld) {
  return mirroring.applyMirrorSet(this);
});

Then("every node pool's registries.conf sends each of those repositories to the mirror, by digest only", function (this: RhoaiWorld) {
  return mirroring.assertNodesUseMirror(this, true);
});

When('I remove the mirror set', function (this: RhoaiWorld) {
  return mirroring.removeMirrorSet(this);
});

Then("the nodes' registries.conf no longer names the mirror registry", function (this: RhoaiWorld) {
  return mirroring.assertNodesUseMirror(this, false);
});
