// CMP-11, Ray clusters deployed with mTLS by default (codeflare-operator rhoai-2.9
// pkg/controllers/raycluster_webhook.go and raycluster_controller.go; reference workloads.md §8):
// a RayCluster made with the SDK's defaults gets, from the CodeFlare operator, RAY_USE_TLS=1 and
// the create-cert init container on its head and first worker group, and a CA of its own
// (Secret ca-secret-<name>); its Ray client is published by the passthrough Route
// rayclient-<name>, so the TLS a client meets there is Ray's own: a server certificate issued by
// that CA (what the SDK's generate_cert.generate_tls_cert signs client certificates with too).
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import type { KObject } from '../core/cluster';
import { matchResolveRule } from '../core/http/resolve-rules';
import type { RhoaiWorld } from '../core/world';
import { rayClusterRef } from './ray';

const TLS_ENV = 'RAY_USE_TLS';

/** The containers and init containers of the head and the first worker group that lack the operator's mTLS setup. */
export function missingMtls(rc: KObject): string[] {
  const groups: [string, KObject | undefined][] = [
    ['head', rc.spec?.headGroupSpec?.template?.spec],
    [`worker group ${rc.spec?.workerGroupSpecs?.[0]?.groupName}`, rc.spec?.workerGroupSpecs?.[0]?.template?.spec],
  ];
  const out: string[] = [];
  for (const [what, spec] of groups) {
    if (!spec) continue;
    const main = spec.containers?.[0];
    if (!(main?.env ?? []).some((e: KObject) => e.name === TLS_ENV && e.value === '1'))
      out.push(`${what}: no ${TLS_ENV}=1 on ${main?.name}`);
    if (!(spec.initContainers ?? []).some((c: KObject) => c.name === 'create-cert')) out.push(`${what}: no create-cert init container`);
  }
  return out;
}

/** The certificate a TLS client meets on a route host (SNI = host), through RHOAI_RESOLVE when a rule applies. */
async function peerCertificate(world: RhoaiWorld, host: string): Promise<{ cert?: X509Certificate; error?: string }> {
  const target = await world.target();
  const rule = matchResolveRule(target.resolve, host);
  return new Promise((resolve) => {
    const socket = tls.connect({ host: rule?.address ?? host, port: rule?.port ?? 443, servername: host, rejectUnauthorized: false });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      resolve({ cert: raw });
    });
    socket.once('error', (e) => resolve({ error: e.message }));
  });
}

export async function assertMtlsByDefault(world: RhoaiWorld, name: string): Promise<void> {
  const ns = world.settings.dwProject;
  const rc = await world.cluster.get(rayClusterRef(name, ns));
  expectOk(rc, `RayCluster ${ns}/${name} does not exist`);
  const missing = missingMtls(rc);
  expect(missing, `RayCluster ${name} was not given mTLS by the CodeFlare operator: ${missing.join('; ')}`).to.deep.equal([]);
  const secret = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: `ca-secret-${name}`, namespace: ns });
  expectOk(secret?.data?.['ca.crt'], `there is no CA Secret ca-secret-${name} for the cluster's certificates`);
  const ca = new X509Certificate(Buffer.from(secret.data['ca.crt'], 'base64'));
  const route = await world.cluster.waitFor(
    { apiVersion: 'route.openshift.io/v1', kind: 'Route', name: `rayclient-${name}`, namespace: ns },
    (r) =>
      (r?.status?.ingress ?? []).some((i: KObject) =>
        (i.conditions ?? []).some((c: KObject) => c.type === 'Admitted' && c.status === 'True'),
      ),
    { describe: `the CodeFlare operator's Ray client Route rayclient-${name} to be admitted` },
  );
  expect(
    route!.spec?.tls?.termination,
    `Route rayclient-${name} terminates ${route!.spec?.tls?.termination}, not passthrough to Ray's own TLS`,
  ).to.equal('passthrough');
  const { cert, error } = await peerCertificate(world, route!.spec.host);
  world.report.text(
    'Ray client mTLS',
    [
      `RayCluster ${name}: ${TLS_ENV}=1 and create-cert on the head and the first worker group`,
      `CA: ca-secret-${name} (${ca.subject.replace(/\n/g, ', ')})`,
      `Route rayclient-${name} (${route!.spec.tls.termination}) at ${route!.spec.host}: ${cert ? `certificate ${cert.subject.replace(/\n/g, ', ')} issued by ${cert.issuer.replace(/\n/g, ', ')}` : `no TLS: ${error}`}`,
    ].join('\n'),
  );
  expectOk(cert, `the Ray client route ${route!.spec.host} does not speak TLS (${error}): the Ray head's client port is not under mTLS`);
  expectOk(
    cert.checkIssued(ca) && cert.verify(ca.publicKey),
    `the Ray client route presents a certificate not issued by the cluster's CA ca-secret-${name} (issuer ${cert.issuer.replace(/\n/g, ', ')}): the Ray head's client port is not under the cluster's mTLS`,
  );
}
