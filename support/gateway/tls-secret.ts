// INS-GW-05: the kubernetes.io/tls Secret the ingress gateway loads (§7.5 of the reference), and the
// check a person makes with `oc get secret wildcard-certs -n istio-system` (TYPE kubernetes.io/tls),
// plus that it holds this run's wildcard certificate and the key that goes with it.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import { TLS_SECRET, wildcardMaterial, type GatewayWorld } from './certificates';
import { certificatesOf, describeCertificate, keyMatchesCertificate } from './x509';

export const secretRef = (name: string = TLS_SECRET.name, namespace: string = TLS_SECRET.namespace): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'Secret',
  name,
  namespace,
});

type World = GatewayWorld & { applyFixture(name: string, extra?: Record<string, unknown>): Promise<KObject[]> };

/** Applies the Secret from the wildcard certificate (followed by the root) and its key. */
export async function createTlsSecret(
  world: World,
  name: string = TLS_SECRET.name,
  namespace: string = TLS_SECRET.namespace,
): Promise<KObject> {
  const { certPem, keyPem, rootPem } = await wildcardMaterial(world);
  // A Secret's type is immutable: one of another type (e.g. Opaque from `oc create secret generic`) cannot become kubernetes.io/tls, and the harness deletes nothing it did not make.
  const existing = await world.cluster.get(secretRef(name, namespace));
  expect(
    !existing || (existing.type ?? 'Opaque') === 'kubernetes.io/tls',
    `Secret ${namespace}/${name} already exists with type ${existing?.type ?? 'Opaque'} (keys: ${Object.keys(existing?.data ?? {}).join(', ') || 'none'}), and a Secret's type cannot change: it cannot become the kubernetes.io/tls Secret the Gateway needs. Delete it (oc delete secret ${name} -n ${namespace}) if nothing else uses it, then run again`,
  ).to.equal(true);
  const chain = `${certPem.trim()}\n${rootPem.trim()}\n`;
  const [live] = await world.applyFixture('gateway/tls-secret', {
    name,
    namespace,
    tlsCrt: Buffer.from(chain).toString('base64'),
    tlsKey: world.secret(Buffer.from(keyPem).toString('base64'), 'gateway wildcard key'),
  });
  return live!;
}

/** The Secret is kubernetes.io/tls and holds the wildcard certificate of the work directory and its key. */
export async function assertTlsSecret(
  world: GatewayWorld,
  name: string = TLS_SECRET.name,
  namespace: string = TLS_SECRET.namespace,
): Promise<void> {
  const { certPem } = await wildcardMaterial(world);
  const secret = await world.cluster.get(secretRef(name, namespace));
  expectOk(secret, `there is no Secret ${namespace}/${name}: the Gateway's credentialName would find nothing to serve`);
  expect(secret.type, `Secret ${namespace}/${name} has type ${secret.type}, not kubernetes.io/tls`).to.equal('kubernetes.io/tls');
  const decode = (key: string) => Buffer.from(String(secret.data?.[key] ?? ''), 'base64').toString('utf8');
  const keyPem = decode('tls.key');
  if (keyPem) world.secret(keyPem, 'gateway wildcard key');
  const [served] = certificatesOf(decode('tls.crt'));
  expectOk(served, `Secret ${namespace}/${name} has no certificate in tls.crt`);
  const [wanted] = certificatesOf(certPem);
  expect(
    served.fingerprint256,
    `Secret ${namespace}/${name} holds another certificate (${describeCertificate(served)}) than the generated wildcard certificate (${describeCertificate(wanted!)})`,
  ).to.equal(wanted!.fingerprint256);
  expect(
    keyMatchesCertificate(keyPem, served),
    `Secret ${namespace}/${name}: tls.key is not the private key of the certificate in tls.crt`,
  ).to.equal(true);
  world.report.text(
    `Secret ${namespace}/${name}`,
    `type kubernetes.io/tls; tls.crt: ${describeCertificate(served)}; tls.key: the matching private key (not shown)`,
  );
}
