// Trusting route hosts (*.apps.<domain>) the way a client of the cluster should: the system roots
// plus the CA bundle the cluster publishes for its default ingress certificate
// (openshift-config-managed/default-ingress-cert, key ca-bundle.crt), which signs the router's
// wildcard certificate when no custom one is installed. With RHOAI_RESOLVE rules the agent reaches
// route hosts that DNS does not know (the twin's ingress on loopback), keeping SNI and Host.
import type * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { ApiError, type ClusterClient, type ObjectRef } from '../cluster';
import { resolvingHttpsAgent } from './agent';
import type { ResolveRule } from './resolve-rules';

export const DEFAULT_INGRESS_CA: ObjectRef = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: 'default-ingress-cert',
  namespace: 'openshift-config-managed',
};
export const INGRESS_CA_KEY = 'ca-bundle.crt';

export interface RouteTrust {
  /** PEM certificates to trust: the system roots, then the ingress CA bundle when the cluster publishes one. */
  readonly ca: string[];
  /** Where the trust comes from, for the report. */
  readonly describe: string;
}

/** The system roots plus the cluster's default ingress CA bundle (absent or unreadable: system roots only, and it says so). */
export async function routeTrust(cluster: ClusterClient): Promise<RouteTrust> {
  let bundle: string | undefined;
  let note: string;
  try {
    const cm = await cluster.get(DEFAULT_INGRESS_CA);
    bundle =
      typeof cm?.data?.[INGRESS_CA_KEY] === 'string' && cm.data[INGRESS_CA_KEY].includes('BEGIN CERTIFICATE')
        ? cm.data[INGRESS_CA_KEY]
        : undefined;
    note = bundle
      ? `the system roots and ${INGRESS_CA_KEY} of ${DEFAULT_INGRESS_CA.namespace}/${DEFAULT_INGRESS_CA.name} (${countCertificates(bundle)} certificate(s))`
      : `the system roots only (${DEFAULT_INGRESS_CA.namespace}/${DEFAULT_INGRESS_CA.name} ${cm ? `has no ${INGRESS_CA_KEY}` : 'does not exist'})`;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    note = `the system roots only (${DEFAULT_INGRESS_CA.namespace}/${DEFAULT_INGRESS_CA.name} is not readable: HTTP 403)`;
  }
  return { ca: [...rootCertificates, ...(bundle ? [bundle] : [])], describe: note };
}

/** An HTTPS agent for route hosts: RHOAI_RESOLVE rules and the route trust. Destroy it when done. */
export function routeHttpsAgent(trust: RouteTrust, rules: readonly ResolveRule[], options: https.AgentOptions = {}): https.Agent {
  return resolvingHttpsAgent(rules, { ...options, ca: trust.ca });
}

function countCertificates(pem: string): number {
  return (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}
