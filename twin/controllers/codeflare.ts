// The CodeFlare operator of RHOAI 2.9 (codeflare-operator-manager in the applications namespace).
// What it does at start-up with its configuration (main.go loadIntoOrCreate): when the ConfigMap
// codeflare-operator-config is missing it creates it with the 2.9 defaults under the key
// config.yaml; when it exists it reads it and never writes it. It reads the configuration once per
// process, so the twin acts once per manager pod that becomes Ready.
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { applicationsNamespace } from './kueue';
import { conditionOf, WorkQueue, type Controller, type ControllerContext } from './runtime';

export const CODEFLARE_FAULTS: FaultDefinition[] = [
  {
    name: 'codeflare-mtls-disabled',
    description: 'The CodeFlare operator creates codeflare-operator-config with kuberay.mTLSEnabled: false (Ray clusters would run without mTLS)',
    caughtBy: '@req.DW-CF-03',
    expectMessage: 'mTLSEnabled',
  },
];

export const CODEFLARE_DEPLOYMENT = 'codeflare-operator-manager';
export const CODEFLARE_CONFIGMAP = 'codeflare-operator-config';

/**
 * config.yaml as the 2.9 operator writes it: its default CodeFlareOperatorConfiguration marshalled
 * by sigs.k8s.io/yaml (keys sorted; the inlined controller-manager settings at the top level).
 */
export function defaultCodeFlareConfig(mTLSEnabled = true): string {
  return [
    'clientConnection:',
    '  burst: 100',
    '  qps: 50',
    'health:',
    '  bindAddress: :8081',
    '  livenessEndpointName: healthz',
    '  readinessEndpointName: readyz',
    'kuberay:',
    '  ingressDomain: ""',
    `  mTLSEnabled: ${mTLSEnabled}`,
    '  rayDashboardOAuthEnabled: true',
    'leaderElection:',
    '  leaderElect: null',
    '  leaseDuration: 0s',
    '  renewDeadline: 0s',
    '  resourceLock: ""',
    '  resourceName: ""',
    '  resourceNamespace: ""',
    '  retryPeriod: 0s',
    'metrics:',
    '  bindAddress: :8080',
    '',
  ].join('\n');
}

export class CodeFlareOperator implements Controller {
  readonly name = 'codeflare-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  /** Manager pods that have started (and so read or created the configuration). */
  private readonly started = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('codeflare-operator', 'redhat-ods-applications:codeflare-operator-controller-manager');
    this.queue = new WorkQueue('codeflare-operator', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type === 'DELETED') this.started.delete(pod.metadata.uid!);
      else if (this.isManagerPod(pod)) this.queue.enqueue(pod.metadata.uid!);
    });
  }

  private isManagerPod(pod: KObject): boolean {
    return !!pod.metadata.name?.startsWith(`${CODEFLARE_DEPLOYMENT}-`) && pod.metadata.namespace === applicationsNamespace(this.client);
  }

  /** A manager pod that has become Ready has loaded its configuration: create it if it is missing. */
  private reconcile(uid: string): void {
    if (this.started.has(uid)) return;
    const namespace = applicationsNamespace(this.client);
    const pod = this.client.list('v1', 'Pod', namespace).find((p) => p.metadata.uid === uid);
    if (!pod || pod.metadata.deletionTimestamp || conditionOf(pod, 'Ready')?.status !== 'True') return;
    // loadIntoOrCreate reads an existing configuration and never writes it.
    if (!this.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, namespace)) this.createDefaultConfig(namespace);
    this.started.add(uid);
  }

  private createDefaultConfig(namespace: string): void {
    this.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CODEFLARE_CONFIGMAP, namespace },
      data: { 'config.yaml': defaultCodeFlareConfig(!this.ctx.faults.has('codeflare-mtls-disabled')) },
    });
    this.ctx.settings.log(`codeflare-operator: created ConfigMap ${namespace}/${CODEFLARE_CONFIGMAP} with the default configuration`);
  }
}
