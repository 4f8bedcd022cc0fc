// INS-GW-07, the ingress gateway checked as a person checks it: `curl --cacert root.crt
// https://<host>.<apps domain>/`. OpenShift exposes the Istio ingress gateway through Routes in
// istio-system with TLS passthrough (odh-model-controller creates one per InferenceService), so the
// harness keeps one such Route for a check host; the router hands the TLS connection unopened to
// the gateway, which must present the wildcard certificate from wildcard-certs. The client trusts
// only the generated root (ca = root.crt, rejectUnauthorized) and sends the host as SNI; the answer
// must come from Envoy (server: istio-envoy), not from the router. RHOAI_RESOLVE (curl --resolve)
// says where the apps domain is when DNS does not (the twin). A failure that a router reload or an
// SDS push still in flight explains is tried again a few times, with backoff (cluster/retry.ts).
import { AssertionError, expect } from 'chai';
import { expectOk } from '../core/expect';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { KObject, ObjectRef } from '../core/cluster';
import { withRetry, type RetryPolicy } from '../core/cluster/retry';
import { resolvingHttpsAgent } from '../core/http/agent';
import { matchResolveRule, type ResolveRule } from '../core/http/resolve-rules';
import type { RhoaiWorld } from '../core/world';
import { TLS_SECRET, wildcardMaterial } from './certificates';
import { INGRESS_GATEWAY, MESH_NAMESPACE } from './gateways';
import { certificatesOf, describeCertificate, distinguishedName, isIssuedBy } from './x509';

/** The Route the harness keeps for the check, and the first label of its host. */
export const CHECK_ROUTE = 'rhoai-gateway-check';
const CONNECT_TIMEOUT_MS = 30_000;
/** Covers the router's reload after admitting a Route (ROUTER_RELOAD_INTERVAL, 5 s) and SDS pushing a new credential. */
const HANDSHAKE_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 5_000 };

declare module '../core/world' {
  interface ScenarioFacts {
    /** The host the secure gateway is checked through (INS-GW-07), and how it answered. */
    gatewayCheck?: { host: string; answer?: { status: number; server: string | undefined } };
  }
}

type World = Pick<RhoaiWorld, 'cluster' | 'report' | 'applyFixture' | 'settings' | 'facts' | 'secret' | 'target'>;

const routeRef = (name: string): ObjectRef => ({ apiVersion: 'route.openshift.io/v1', kind: 'Route', name, namespace: MESH_NAMESPACE });

/** Applies the passthrough Route for `<label>.<apps domain>` and waits for the router to admit it. */
export async function routeCheckHost(world: World, label = CHECK_ROUTE): Promise<string> {
  const { facts } = await wildcardMaterial(world);
  const host = `${label}.${facts.domain}`;
  await world.applyFixture('gateway/check-route', { name: CHECK_ROUTE, meshNamespace: MESH_NAMESPACE, host });
  await world.cluster.waitFor(
    routeRef(CHECK_ROUTE),
    (route?: KObject) => {
      const ingress = (route?.status?.ingress ?? []).find((i: KObject) => i.host === host);
      const admitted = (ingress?.conditions ?? []).find((c: KObject) => c.type === 'Admitted');
      if (admitted?.status === 'False')
        return {
          fail: `the router did not admit Route ${MESH_NAMESPACE}/${CHECK_ROUTE} for ${host}: ${admitted.reason}: ${admitted.message ?? ''}`,
        };
      return admitted?.status === 'True';
    },
    { describe: `the router to admit the passthrough Route ${MESH_NAMESPACE}/${CHECK_ROUTE} (${host} -> Service ${INGRESS_GATEWAY})` },
  );
  world.facts.gatewayCheck = { host };
  return host;
}

interface Answer {
  status: number;
  server: string | undefined;
  chain: X509Certificate[];
}

function peerChain(socket: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let peer = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (peer?.raw && !chain.some((c) => c.raw.equals(peer!.raw))) {
    chain.push(new X509Certificate(peer.raw));
    peer = peer.issuerCertificate;
  }
  return chain;
}

/** RHOAI_RESOLVE as the target has it: the setting plus, on the twin, its ingress. */
async function resolveRules(world: World): Promise<readonly ResolveRule[]> {
  return (await world.target()).resolve;
}

function where(rules: readonly ResolveRule[], host: string): { address: string; port: number; text: string } {
  const rule = matchResolveRule(rules, host);
  return rule
    ? { address: rule.address, port: rule.port, text: `${rule.address}:${rule.port} (RHOAI_RESOLVE ${rule.pattern})` }
    : { address: host, port: 443, text: `${host}:443` };
}

/** GET https://host/ trusting only `rootPem`. */
function request(rules: readonly ResolveRule[], host: string, rootPem: string): Promise<Answer> {
  const agent = resolvingHttpsAgent(rules, { keepAlive: false });
  return new Promise<Answer>((resolve, reject) => {
    const req = https.request(
      {
        host,
        port: 443,
        path: '/',
        method: 'GET',
        agent,
        ca: rootPem,
        rejectUnauthorized: true,
        servername: host,
        timeout: CONNECT_TIMEOUT_MS,
      },
      (res) => {
        const chain = peerChain(res.socket as tls.TLSSocket);
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, server: [res.headers.server].flat()[0], chain }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  }).finally(() => agent.destroy());
}

/** What the gateway presents when the client does not insist on trust: for the failure message. */
function presented(
  rules: readonly ResolveRule[],
  host: string,
): Promise<{ chain: X509Certificate[]; authorizationError?: string } | { error: string }> {
  const to = where(rules, host);
  return new Promise((resolve) => {
    const socket = tls.connect(
      { host: to.address, port: to.port, servername: host, rejectUnauthorized: false, timeout: CONNECT_TIMEOUT_MS },
      () => {
        const chain = peerChain(socket);
        socket.destroy();
        resolve({ chain, authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined });
      },
    );
    socket.on('timeout', () => socket.destroy(new Error(`no handshake within ${CONNECT_TIMEOUT_MS / 1000} s`)));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error: `${error.code ? `${error.code}: ` : ''}${error.message}` }));
  });
}

/** Why a presented chain is not the gateway's: the SAN check, then the chain to the root. */
export function problemsOf(chain: X509Certificate[], host: string, root: X509Certificate): string[] {
  const [leaf] = chain;
  if (!leaf) return ['it presented no certificate'];
  const problems: string[] = [];
  if (!leaf.checkHost(host))
    problems.push(
      `its certificate does not cover ${host}: SANs ${leaf.subjectAltName ?? 'none'} (subject "${distinguishedName(leaf.subject)}")`,
    );
  const anchored = chain.some((c) => isIssuedBy(c, root) || c.raw.equals(root.raw));
  if (!anchored)
    problems.push(
      `its chain does not verify against the generated root "${distinguishedName(root.subject)}": the certificate was issued by "${distinguishedName(leaf.issuer)}"`,
    );
  return problems;
}

/**
 * Why the handshake failed, and whether trying again may help: right after a Route is admitted the
 * router may not have reloaded yet (it answers with its default certificate, or resets), and a
 * Gateway just applied may not have its credential pushed to Envoy yet. A certificate that chains to
 * the root but names other hosts, or a host that does not resolve, will not get better.
 */
export function explainFailure(
  seen: Awaited<ReturnType<typeof presented>>,
  host: string,
  root: X509Certificate,
  domain: string,
  to: string,
): { detail: string; transient: boolean } {
  if (!('error' in seen)) {
    const problems = problemsOf(seen.chain, host, root);
    return {
      detail: `it presented ${describeCertificate(seen.chain[0]!)}; ${problems.join('; ') || seen.authorizationError}`,
      transient: problems.some((p) => p.includes('does not verify against the generated root')),
    };
  }
  if (/^ENOTFOUND\b/.test(seen.error))
    return { detail: `${host} does not resolve (${seen.error}): set RHOAI_RESOLVE, e.g. *.${domain}=<router IP>:443`, transient: false };
  if (/^(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b|no handshake within/.test(seen.error))
    return { detail: `nothing answers at ${to} (${seen.error}): is the OpenShift router reachable from here?`, transient: true };
  return {
    detail: `the gateway presented no certificate (${seen.error}): it serves nothing for ${host} — does Gateway knative-ingress-gateway load its credential ${TLS_SECRET.namespace}/${TLS_SECRET.name}?`,
    transient: true,
  };
}

/**
 * The TLS handshake for `host` verifies against the generated root alone, the gateway presents
 * the wildcard certificate of the Secret, and the answer comes from the Istio ingress gateway.
 */
export async function assertGatewayHandshake(world: World): Promise<void> {
  const host = checkHost(world);
  const { certPem, rootPem, facts } = await wildcardMaterial(world);
  const [root] = certificatesOf(rootPem);
  const [wildcard] = certificatesOf(certPem);
  const rules = await resolveRules(world);
  const to = where(rules, host);
  const answer = await withRetry(async () => {
    try {
      return await request(rules, host, rootPem);
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      const { detail, transient } = explainFailure(await presented(rules, host), host, root!, facts.domain, to.text);
      throw Object.assign(
        new AssertionError(
          `the TLS handshake for ${host} with ${to.text}, trusting only the generated root, failed (${err.code ?? err.message}): ${detail}`,
        ),
        { transient },
      );
    }
  }, HANDSHAKE_RETRY);
  const [leaf] = answer.chain;
  expectOk(leaf, `the handshake for ${host} succeeded but no certificate was presented`);
  const problems = problemsOf(answer.chain, host, root!);
  expect(problems, `the gateway's certificate for ${host}: ${problems.join('; ')}`).to.deep.equal([]);
  expectOk(
    leaf.subjectAltName?.split(', ').includes(`DNS:*.${facts.domain}`),
    `the certificate presented for ${host} has SANs ${leaf.subjectAltName}, not DNS:*.${facts.domain}`,
  );
  expect(
    leaf.fingerprint256,
    `the gateway presented ${describeCertificate(leaf)} for ${host}, not the wildcard certificate of ${TLS_SECRET.namespace}/${TLS_SECRET.name} (${describeCertificate(wildcard!)})`,
  ).to.equal(wildcard!.fingerprint256);
  world.facts.gatewayCheck!.answer = { status: answer.status, server: answer.server };
  world.report.text(
    'TLS handshake with the ingress gateway',
    `https://${host}/ through ${to.text}, trusting only ${facts.dir}/root.crt:\n  presented ${describeCertificate(leaf)}\n  chain verified against the generated root "${distinguishedName(root!.subject)}"\n  answered HTTP ${answer.status} by ${answer.server ?? 'a server without a Server header'}`,
  );
}

/** The request went through to Envoy (server: istio-envoy), not to the router's own pages. */
export function assertAnsweredByIstio(world: World): void {
  const host = checkHost(world);
  const answer = world.facts.gatewayCheck?.answer;
  expectOk(answer, `https://${host}/ has not been requested yet: the TLS handshake step must come first`);
  expect(
    answer.server,
    `https://${host}/ was answered by ${answer.server ? `"server: ${answer.server}"` : 'a server without a Server header'} (HTTP ${answer.status}), not by the Istio ingress gateway (server: istio-envoy)`,
  ).to.equal('istio-envoy');
}

function checkHost(world: World): string {
  const host = world.facts.gatewayCheck?.host;
  if (!host)
    throw new Error(
      'no check host in this scenario: the step that routes a host of the apps domain to the ingress gateway must come first',
    );
  return host;
}
