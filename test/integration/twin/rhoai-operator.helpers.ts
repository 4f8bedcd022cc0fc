// A twin with the RHOAI operator subscribed through OLM, for the tests of what the operator does
// once it runs (DSCI/DSC reconciliation, the trusted CA bundle).
import { TWIN_SYSTEM } from '../../../twin/api/auth';
import { TwinClient } from '../../../twin/api/client';
import { startTwin, type Twin } from '../../../twin/server';
import { waitFor as poll } from './helpers';

export const DSCI = 'dscinitialization.opendatahub.io/v1';
export const APPS = 'redhat-ods-applications';

/** Generous: other suites may load the machine while this one runs. */
export const waitFor = <T>(what: string, probe: () => T) => poll(what, probe, 30_000);

export interface Cluster {
  twin: Twin;
  client: TwinClient;
}

/**
 * Subscribes rhods-operator (channel fast, automatic approval) and waits for the operator's
 * default-dsci: created, or reconciled as far as 2.9 goes without the Service Mesh operator (phase
 * Progressing with CapabilityServiceMesh=False MissingOperator while serviceMesh is Managed; Ready
 * under a fault that skips the capability).
 */
export async function clusterWithOperator(faults: string[] = [], until: 'created' | 'reconciled' = 'reconciled'): Promise<Cluster> {
  const twin = await startTwin({ faults, log: () => undefined });
  const client = new TwinClient(twin.api, 'test', TWIN_SYSTEM);
  client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'redhat-ods-operator' } });
  client.create({
    apiVersion: 'operators.coreos.com/v1',
    kind: 'OperatorGroup',
    metadata: { name: 'rhods-operator', namespace: 'redhat-ods-operator' },
    spec: {},
  });
  client.create({
    apiVersion: 'operators.coreos.com/v1alpha1',
    kind: 'Subscription',
    metadata: { name: 'rhods-operator', namespace: 'redhat-ods-operator' },
    spec: {
      name: 'rhods-operator',
      channel: 'fast',
      source: 'redhat-operators',
      sourceNamespace: 'openshift-marketplace',
      installPlanApproval: 'Automatic',
    },
  });
  const dsci = () => client.get(DSCI, 'DSCInitialization', 'default-dsci');
  const reconciled = () =>
    dsci()?.status?.phase === 'Ready' ||
    dsci()?.status?.conditions?.some(
      (c: { type: string; reason?: string }) => c.type === 'CapabilityServiceMesh' && c.reason === 'MissingOperator',
    );
  if (until === 'reconciled') await waitFor('default-dsci reconciled', reconciled);
  else await waitFor('default-dsci', dsci);
  return { twin, client };
}
