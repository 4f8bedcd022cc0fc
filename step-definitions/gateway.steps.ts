// Steps of 10-install/05-secure-gateway.feature (INS-GW-*): the OpenSSL certificates, the TLS Secret,
// the Knative gateways and the handshake that trusts only the generated root. Each calls support/gateway.
import { Given, Then, When } from '@cucumber/cucumber';
import * as certs from '../support/gateway/certificates';
import * as gateways from '../support/gateway/gateways';
import * as handshake from '../support/gateway/handshake';
import * as secret from '../support/gateway/tls-secret';
import type { RhoaiWorld } from '../support/core/world';

// ---- INS-GW-01..04: the certificates, with OpenSSL ----

When('I create the directory for the gateway certificates and keys', function (this: RhoaiWorld) {
  return certs.createCertificateDirectory(this);
});

Then('the certificate directory is private to me and outside the reports', function (this: RhoaiWorld) {
  return certs.assertPrivateDirectory(this);
});

When("I write the OpenSSL configuration for a wildcard certificate of the cluster's apps domain", function (this: RhoaiWorld) {
  return certs.writeSanConfig(this);
});

Then('its subjectAltName is DNS:*.<apps domain>, the domain the cluster reports', function (this: RhoaiWorld) {
  return certs.assertSanConfig(this);
});

Given('the OpenSSL configuration for the wildcard certificate exists', async function (this: RhoaiWorld) {
  await certs.writeSanConfig(this);
  await certs.assertSanConfig(this);
});

When('I generate the root certificate', function (this: RhoaiWorld) {
  return certs.ensureRootCertificate(this);
});

Then("the root certificate is a self-signed CA for the organisation and the apps domain's last two labels", function (this: RhoaiWorld) {
  return certs.assertRootCertificate(this);
});

Then('the {word} key is readable only by me', function (this: RhoaiWorld, which: string) {
  if (which !== 'root' && which !== 'wildcard') throw new Error(`unknown key "${which}": root or wildcard`);
  return certs.assertKeyPrivate(this, which);
});

Given('the root certificate exists', async function (this: RhoaiWorld) {
  await certs.ensureRootCertificate(this);
});

When('I generate the wildcard certificate signed by the root certificate', function (this: RhoaiWorld) {
  return certs.ensureWildcardCertificate(this);
});

Then('{string} answers OK', async function (this: RhoaiWorld, command: string) {
  if (command !== 'openssl verify -CAfile root.crt wildcard.crt') throw new Error(`no such check: "${command}"`);
  await certs.opensslVerify(this);
});

Then('the wildcard certificate is for *.<apps domain> and issued by the root certificate', function (this: RhoaiWorld) {
  return certs.assertWildcardCertificate(this);
});

Given('the wildcard certificate exists', async function (this: RhoaiWorld) {
  await certs.ensureWildcardCertificate(this);
});

// ---- INS-GW-05: the TLS secret ----

When(
  'I create the TLS secret {string} in {string} from the wildcard certificate and key',
  async function (this: RhoaiWorld, name: string, namespace: string) {
    await secret.createTlsSecret(this, name, namespace);
  },
);

Then(
  '{string} has the kubernetes.io\\/tls secret {string} with the wildcard certificate and its key',
  function (this: RhoaiWorld, namespace: string, name: string) {
    return secret.assertTlsSecret(this, name, namespace);
  },
);

Given('the TLS secret {string} exists in {string}', async function (this: RhoaiWorld, name: string, namespace: string) {
  await secret.createTlsSecret(this, name, namespace);
  await secret.assertTlsSecret(this, name, namespace);
});

// ---- INS-GW-06: gateways.yaml ----

Given("the Service Mesh's ingress gateway runs in {string}", function (this: RhoaiWorld, namespace: string) {
  return gateways.waitForMeshIngressGateway(this, namespace);
});

When('I apply gateways.yaml', function (this: RhoaiWorld) {
  return gateways.applyGateways(this);
});

Then(
  "the Service {string} in {string} sends port 80 to the ingress gateway pods' port 8081",
  async function (this: RhoaiWorld, name: string, namespace: string) {
    if (namespace !== gateways.MESH_NAMESPACE)
      throw new Error(`the local gateway Service lives in ${gateways.MESH_NAMESPACE}, not ${namespace}`);
    await gateways.assertLocalGatewayService(this, name);
  },
);

Then(
  'the Gateway {string} serves HTTPS on port {int} with TLS mode SIMPLE and the credential {string}',
  async function (this: RhoaiWorld, name: string, port: number, credentialName: string) {
    await gateways.assertGateway(this, name, { port, mode: 'SIMPLE', credentialName });
  },
);

Then(
  'the Gateway {string} serves HTTPS on port {int} with TLS mode ISTIO_MUTUAL',
  async function (this: RhoaiWorld, name: string, port: number) {
    await gateways.assertGateway(this, name, { port, mode: 'ISTIO_MUTUAL' });
  },
);

Given('the gateways of gateways.yaml exist', async function (this: RhoaiWorld) {
  await gateways.waitForMeshIngressGateway(this);
  await gateways.applyGateways(this);
});

// ---- INS-GW-07: verify the local and ingress gateways ----

Then('the local gateway sends to running ingress gateway pods that both Gateways select', function (this: RhoaiWorld) {
  return gateways.assertLocalGatewayBackends(this);
});

When('I route a host of the apps domain through to the ingress gateway, with TLS passthrough', async function (this: RhoaiWorld) {
  await handshake.routeCheckHost(this);
});

Then(
  'a TLS handshake for that host verifies against the generated root alone, and the gateway presents the wildcard certificate',
  function (this: RhoaiWorld) {
    return handshake.assertGatewayHandshake(this);
  },
);

Then('the answer comes from the Istio ingress gateway', function (this: RhoaiWorld) {
  handshake.assertAnsweredByIstio(this);
});
