// The cluster's apps domain, read as §7.1 of the reference reads it:
// `oc get ingresses.config.openshift.io cluster -o jsonpath='{.spec.domain}'`.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { RhoaiWorld } from '../core/world';

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

export type ClusterReader = Pick<RhoaiWorld, 'cluster'>;

export async function readAppsDomain(world: ClusterReader): Promise<string> {
  const ingress = await world.cluster.get({ apiVersion: 'config.openshift.io/v1', kind: 'Ingress', name: 'cluster' });
  expectOk(ingress, 'the cluster has no ingresses.config.openshift.io "cluster": cannot read the apps domain (is this OpenShift?)');
  const domain = String(ingress.spec?.domain ?? '').toLowerCase();
  expect(
    DNS_NAME.test(domain),
    `ingresses.config.openshift.io cluster has spec.domain ${JSON.stringify(ingress.spec?.domain)}, which is not a DNS name with at least two labels`,
  ).to.equal(true);
  return domain;
}

/** COMMON_NAME of §7.1: the last two labels of the apps domain (`awk -F'.' '{print $(NF-1)"."$NF}'`). */
export function commonNameOf(domain: string): string {
  return domain.split('.').slice(-2).join('.');
}
