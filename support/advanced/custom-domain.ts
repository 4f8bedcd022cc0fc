// ADV-05 and ADV-06: a custom domain in front of Knative Serving, behind the Istio ingress gateway.
//   - ADV-06, the secure gateway with a wildcard certificate for the custom domain (OpenShift
//     Serverless "Using Service Mesh with OpenShift Serverless": a wildcard certificate signed by a
//     root, its TLS Secret in the mesh namespace, a Gateway server for *.<domain> with credentialName
//     that Secret, TLS mode SIMPLE on 443; the same OpenSSL commands as RHOAI's "Creating secure
//     gateways for Knative Serving"). The install's knative-ingress-gateway keeps serving the apps
//     domain ('*'); the custom domain's server is a Gateway of its own, so nothing of the install
//     changes, and Envoy picks the more specific server for the custom names.
//   - ADV-05, a DomainMapping secured with a certificate of its own (Serverless "Creating a custom
//     domain mapping", "Securing a mapped service using a TLS certificate"): the TLS Secret in the
//     mapping's namespace, labelled networking.internal.knative.dev/certificate-uid (the RHOAI
//     KnativeServing turns on net-istio's secret filtering), the DomainMapping serving.knative.dev/v1beta1
//     named after the host with spec.tls.secretName, in a namespace of the mesh (net-istio's Gateway for
//     the host lives there, and Istio only reads Gateways of member namespaces).
// Each host is reached the way OpenShift exposes the ingress gateway: a passthrough Route in
// istio-system to istio-ingressgateway; the check is a TLS handshake that trusts only the custom
// domain's root and must be presented the expected certificate (by fingerprint).
import { AssertionError } from 'chai';
import { expectOk } from '../core/expect';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { KObject, ObjectRef } from '../core/cluster';
import { waitForObjectExplained } from '../core/cluster/explained-wait';
import { withRetry, type RetryPolicy } from '../core/cluster/retry';
import { readAppsDomain } from '../gateway/apps-domain';
import { MESH_NAMESPACE } from '../gateway/gateways';
import { problemsOf } from '../gateway/handshake';
import { joinMesh } from '../install/mesh';
import { checkOpenSsl, runOpenSsl, signedWithSanArgs, x509RequestArgs } from '../gateway/openssl';
import { certificatesOf, describeCertificate, distinguishedName, keyMatchesCertificate } from '../gateway/x509';
import { matchResolveRule } from '../core/http/resolve-rules';
import type { RhoaiWorld } from '../core/world';

export const WILDCARD_SECRET = 'custom-domain-wildcard-certs';
export const WILDCARD_GATEWAY = 'knative-custom-domain-gateway';
export const MAPPED_LABEL = 'model';
export const WILDCARD_CHECK_LABEL = 'wildcard-check';
const DAYS = 825;
const RENEW_BEFORE_DAYS = 30;
const HANDSHAKE_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 5_000 };
const CERT_UID_LABEL = 'networking.internal.knative.dev/certificate-uid';

interface Pair {
  certPem: string;
  keyPem: string;
  cert: X509Certificate;
}

export interface CustomDomainMaterial {
  domain: string;
  dir: string;
  root: Pair;
  wildcard: Pair;
  mapped: Pair;
}

declare module '../core/world' {
  interface ScenarioFacts {
    customDomain?: CustomDomainMaterial;
    /** The project the DomainMapping goes into. */
    domainMappingNamespace?: string;
    /** The DomainMapping of the scenario: its namespace and TLS secret. */
    domainMapping?: { namespace: string; host: string; secret: string };
  }
}

type World = RhoaiWorld;

async function domainOf(world: World): Promise<string> {
  return world.settings.customDomain ?? `custom.${await readAppsDomain(world)}`;
}

function read(dir: string, name: string): Pair | undefined {
  try {
    const certPem = fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8');
    const keyPem = fs.readFileSync(path.join(dir, `${name}.key`), 'utf8');
    const [cert] = certificatesOf(certPem);
    if (!cert || !keyMatchesCertificate(keyPem, cert)) return undefined;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_DAYS * 86_400_000) return undefined;
    return { certPem, keyPem, cert };
  } catch {
    return undefined;
  }
}

/** One leaf for `host` (a name or *.domain) signed by the root, with its own OpenSSL configuration file. */
async function leaf(world: World, dir: string, name: string, host: string): Promise<void> {
  const config = path.join(dir, `${name}.config`);
  fs.writeFileSync(
    config,
    `[ req ]\ndistinguished_name = req\n[ san ]\nsubjectAltName = DNS:${host}\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n`,
    { mode: 0o600 },
  );
  await runOpenSsl(
    world.settings.openssl,
    [
      ...x509RequestArgs(DAYS, `/CN=${host}/O=${world.settings.gatewayCertOrganization}`),
      ...signedWithSanArgs(config, { cert: 'root.crt', key: 'root.key' }, { key: `${name}.key`, cert: `${name}.crt` }),
    ],
    dir,
  );
  fs.chmodSync(path.join(dir, `${name}.key`), 0o600);
}

/**
 * The custom domain's root, its wildcard certificate and the mapped host's certificate, under
 * RHOAI_WORK_DIR/custom-domain-certs/<domain> (mode 0700), generated with OpenSSL once and reused
 * while valid; a new root means new leaves.
 */
export async function customDomainMaterial(world: World): Promise<CustomDomainMaterial> {
  if (world.facts.customDomain) return world.facts.customDomain;
  const domain = await domainOf(world);
  const dir = path.join(world.settings.workDir, 'custom-domain-certs', domain);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  let root = read(dir, 'root');
  const made: string[] = [];
  if (!root) {
    await checkOpenSsl(world.settings.openssl);
    await runOpenSsl(
      world.settings.openssl,
      [
        ...x509RequestArgs(DAYS * 2, `/O=${world.settings.gatewayCertOrganization}/CN=${domain} root`),
        '-keyout',
        'root.key',
        '-out',
        'root.crt',
      ],
      dir,
    );
    fs.chmodSync(path.join(dir, 'root.key'), 0o600);
    root = read(dir, 'root');
    made.push('root');
    for (const f of ['wildcard.crt', 'mapped.crt']) fs.rmSync(path.join(dir, f), { force: true });
  }
  expectOk(root, `the custom domain's root certificate in ${dir} could not be read back after generating it`);
  const issued = (pair: Pair | undefined) => (pair && pair.cert.checkIssued(root.cert) ? pair : undefined);
  let wildcard = issued(read(dir, 'wildcard'));
  if (!wildcard) {
    await leaf(world, dir, 'wildcard', `*.${domain}`);
    wildcard = read(dir, 'wildcard');
    made.push('wildcard');
  }
  let mapped = issued(read(dir, 'mapped'));
  if (!mapped) {
    await leaf(world, dir, 'mapped', `${MAPPED_LABEL}.${domain}`);
    mapped = read(dir, 'mapped');
    made.push('mapped host');
  }
  expectOk(wildcard && mapped, `the certificates in ${dir} could not be read back after generating them`);
  world.secret(wildcard.keyPem, 'custom domain wildcard key');
  world.secret(mapped.keyPem, 'mapped host key');
  world.secret(root.keyPem, 'custom domain root key');
  world.report.text(
    `certificates of the custom domain ${domain}`,
    [
      `in ${dir} (${made.length ? `generated now: ${made.join(', ')}` : 'all kept from an earlier run'})`,
      `root: ${describeCertificate(root.cert)}`,
      `wildcard: ${describeCertificate(wildcard.cert)}`,
      `mapped host: ${describeCertificate(mapped.cert)}`,
    ].join('\n'),
  );
  return (world.facts.customDomain = { domain, dir, root, wildcard, mapped });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** ADV-06: the wildcard TLS Secret in istio-system and the Gateway server for *.<domain>. */
export async function applyWildcardGateway(world: World): Promise<void> {
  const m = await customDomainMaterial(world);
  await world.applyFixture('gateway/tls-secret', {
    name: WILDCARD_SECRET,
    namespace: MESH_NAMESPACE,
    tlsCrt: b64(m.wildcard.certPem + m.root.certPem),
    tlsKey: world.secret(b64(m.wildcard.keyPem)),
  });
  await world.applyFixture('advanced/custom-domain-gateway', {
    name: WILDCARD_GATEWAY,
    namespace: 'knative-serving',
    hosts: [`*.${m.domain}`],
    credentialName: WILDCARD_SECRET,
  });
}

/** A passthrough Route in istio-system for `host`, admitted by the router. */
export async function routeHost(world: World, name: string, host: string): Promise<void> {
  await world.applyFixture('gateway/check-route', { name, meshNamespace: MESH_NAMESPACE, host });
  const ref: ObjectRef = { apiVersion: 'route.openshift.io/v1', kind: 'Route', name, namespace: MESH_NAMESPACE };
  await world.cluster.waitFor(
    ref,
    (route?: KObject) => {
      const admitted = (route?.status?.ingress ?? [])
        .find((i: KObject) => i.host === host)
        ?.conditions?.find((c: KObject) => c.type === 'Admitted');
      if (admitted?.status === 'False')
        return {
          fail: `the router did not admit Route ${MESH_NAMESPACE}/${name} for ${host}: ${admitted.reason}: ${admitted.message ?? ''}`,
        };
      return admitted?.status === 'True';
    },
    { describe: `the router to admit the passthrough Route ${MESH_NAMESPACE}/${name} (${host} -> istio-ingressgateway)` },
  );
}

/** What the TLS endpoint for `host` presents: verified against `rootPem` alone, or why not. */
async function handshake(world: World, host: string, rootPem: string): Promise<{ chain: X509Certificate[]; error?: string; to: string }> {
  const rules = (await world.target()).resolve;
  const rule = matchResolveRule(rules, host);
  const to = rule ? { host: rule.address, port: rule.port } : { host, port: 443 };
  const where = `${to.host}:${to.port}${rule ? ` (RHOAI_RESOLVE ${rule.pattern})` : ''}`;
  return new Promise((resolve) => {
    const socket = tls.connect({ ...to, servername: host, ca: rootPem, rejectUnauthorized: false, timeout: 30_000 }, () => {
      const chain: X509Certificate[] = [];
      let peer = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      while (peer?.raw && !chain.some((c) => c.raw.equals(peer!.raw))) {
        chain.push(new X509Certificate(peer.raw));
        peer = peer.issuerCertificate;
      }
      const error = socket.authorized ? undefined : String(socket.authorizationError);
      socket.destroy();
      resolve({ chain, error, to: where });
    });
    socket.on('timeout', () => socket.destroy(new Error('no handshake within 30 s')));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ chain: [], error: `${e.code ? `${e.code}: ` : ''}${e.message}`, to: where }),
    );
  });
}

/**
 * The handshake for `host`, trusting only the custom root, verifies and presents `expected`
 * (compared by fingerprint); retried a few times for a router reload or an SDS push in flight.
 */
async function assertPresented(world: World, host: string, expected: X509Certificate, what: string): Promise<void> {
  const m = await customDomainMaterial(world);
  const seen = await withRetry(async () => {
    const got = await handshake(world, host, m.root.certPem);
    const [presented] = got.chain;
    let problem: string | undefined;
    if (!presented) problem = `the gateway presented no certificate for ${host} at ${got.to} (${got.error ?? 'no certificate'})`;
    else if (presented.fingerprint256 !== expected.fingerprint256)
      problem = `the gateway presented ${describeCertificate(presented)} for ${host}, ${what} (${describeCertificate(expected)})`;
    else {
      const problems = problemsOf(got.chain, host, m.root.cert);
      if (problems.length || got.error)
        problem = `the certificate presented for ${host}: ${[...problems, got.error].filter(Boolean).join('; ')}`;
    }
    if (problem) throw Object.assign(new AssertionError(problem), { transient: true });
    return got;
  }, HANDSHAKE_RETRY);
  world.report.text(
    `TLS handshake for ${host}`,
    `through ${seen.to}, trusting only the custom domain's root "${distinguishedName(m.root.cert.subject)}":\n  presented ${describeCertificate(seen.chain[0]!)}\n  the chain verifies, and it is ${what.replace(/^not /, '')}`,
  );
}

/** ADV-06: a name of the custom domain is served with the custom wildcard certificate. */
export async function assertWildcardServed(world: World): Promise<void> {
  const m = await customDomainMaterial(world);
  const host = `${WILDCARD_CHECK_LABEL}.${m.domain}`;
  await routeHost(world, 'rhoai-custom-domain-check', host);
  await assertPresented(
    world,
    host,
    m.wildcard.cert,
    `not the custom domain's wildcard certificate of ${MESH_NAMESPACE}/${WILDCARD_SECRET}`,
  );
}

// ---- ADV-05 ----

const dmRef = (host: string, namespace: string): ObjectRef => ({
  apiVersion: 'serving.knative.dev/v1beta1',
  kind: 'DomainMapping',
  name: host,
  namespace,
});

/** The project of the mapping, enrolled in the mesh, with the Service the domain maps to. */
export async function prepareMappingProject(world: World, namespace: string, controlPlane: string): Promise<void> {
  await world.applyFixture('core/namespace', { name: namespace });
  await joinMesh(world, namespace, controlPlane, MESH_NAMESPACE);
  world.facts.domainMappingNamespace = namespace;
  await world.applyFixture('advanced/mapped-service', { name: 'mapped-target', namespace });
}

/** The mapped host's TLS Secret, labelled for net-istio's filtered informer, and the DomainMapping with it. */
export async function createDomainMapping(world: World, namespace: string, secret: string): Promise<void> {
  const m = await customDomainMaterial(world);
  const host = `${MAPPED_LABEL}.${m.domain}`;
  await world.applyFixture('advanced/tls-secret-knative', {
    name: secret,
    namespace,
    certificateUid: 'rhoai-harness-domain-mapping',
    tlsCrt: b64(m.mapped.certPem + m.root.certPem),
    tlsKey: world.secret(b64(m.mapped.keyPem)),
  });
  await world.applyFixture('advanced/domain-mapping', { name: host, namespace, service: 'mapped-target', secretName: secret });
  world.facts.domainMapping = { namespace, host, secret };
}

function mappingOf(world: World): { namespace: string; host: string; secret: string } {
  const dm = world.facts.domainMapping;
  expectOk(dm, 'no DomainMapping in this scenario: the step that creates it must come first');
  return dm;
}

/** The DomainMapping is Ready, at https://<host>. */
export async function assertDomainMappingReady(world: World): Promise<void> {
  const { namespace, host, secret } = mappingOf(world);
  const live = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: secret, namespace });
  expectOk(
    live?.metadata.labels?.[CERT_UID_LABEL],
    `Secret ${namespace}/${secret} lacks the label ${CERT_UID_LABEL}: net-istio's filtered informer would not see it`,
  );
  await waitForObjectExplained(
    world.cluster,
    dmRef(host, namespace),
    (dm) => {
      const conditions = (dm?.status?.conditions ?? []) as KObject[];
      const ready = conditions.find((c) => c.type === 'Ready');
      const failed = conditions.find((c) => c.type !== 'Ready' && c.status === 'False');
      if (failed) return { fail: `DomainMapping ${namespace}/${host}: ${failed.type}=False (${failed.reason}: ${failed.message})` };
      if (ready?.status !== 'True')
        return `DomainMapping ${namespace}/${host} is not Ready: ${conditions.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ') || 'no conditions yet'}`;
      if (dm?.status?.url !== `https://${host}`)
        return `DomainMapping ${namespace}/${host} is Ready at ${dm?.status?.url}, not https://${host}: its TLS secret is not in use`;
      return undefined;
    },
    `DomainMapping ${namespace}/${host} to be Ready at https://${host}`,
  );
}

/** The mapped host answers with the DomainMapping's own certificate, not a wildcard. */
export async function assertMappedHostServed(world: World): Promise<void> {
  const m = await customDomainMaterial(world);
  const { namespace, host, secret } = mappingOf(world);
  await routeHost(world, 'rhoai-domain-mapping', host);
  await assertPresented(world, host, m.mapped.cert, `not the certificate of the DomainMapping's TLS secret ${namespace}/${secret}`);
}
