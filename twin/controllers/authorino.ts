// The Authorino operator (Red Hat Authorino 1.0, authorino-operator 0.11): an Authorino CR becomes
// the Deployment <name>, its ServiceAccount and the Services <name>-authorino-authorization (gRPC
// 50051 and HTTP 5001 of the external authorization API), <name>-authorino-oidc (8083) and
// <name>-controller-metrics (8080) in the CR's namespace; the CR is Ready (reason Provisioned) once
// the Deployment is available. The operator applies its Deployment with its own field manager,
// so a change someone else makes to the pod template (the RHOAI docs' sidecar-injection patch)
// stays, and the pods it brings are what the mesh's injector sees.
// Upstream: Kuadrant/authorino-operator controllers/authorino_controller.go (the reconcile of the CR
// into Deployment, Services, RBAC; the Ready condition), pkg/resources/k8s_services.go
// (newAuthService: <prefix>-authorino-authorization with the gRPC port 50051; newOIDCService 8083),
// pkg/resources/k8s_deployment.go (the authorino container and its ports).
import type { TwinClient } from '../api/client';
import { ownerReference, timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, keyOf, setCondition, splitKey, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const AUTHORINO_FAULTS: FaultDefinition[] = [
  {
    name: 'authorino-operator-reverts-deployment',
    description:
      "The Authorino operator replaces its Deployment's pod template with its own on every reconcile (an update, not an apply), dropping the sidecar-injection patch: the authorino pod runs without istio-proxy",
    caughtBy: '@req.INS-AUTH-05',
    expectMessage: 'lost the label sidecar.istio.io/inject=true',
  },
  {
    name: 'authorino-authorization-port-moved',
    description:
      'The Authorino operator publishes the external authorization API on the Service <name>-authorino-authorization at port 50052 instead of 50051 (an operator or instance whose gRPC listener port differs from the one the RHOAI docs register with the mesh): the instance is Ready, but the mesh would call a port nothing answers',
    caughtBy: '@req.INS-AUTH-04',
    expectMessage: 'does not expose port 50051',
  },
];

const AUTHORINO_API = 'operator.authorino.kuadrant.io/v1beta1';
const OLM = 'operators.coreos.com/v1alpha1';
const IMAGE = 'registry.redhat.io/rhcl-1/authorino-rhel9:1.0.1';

export class AuthorinoOperator implements Controller {
  readonly name = 'authorino-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('authorino-operator', 'openshift-operators:authorino-operator');
    this.queue = new WorkQueue('authorino-operator/authorino', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    const requeueAll = () => {
      for (const a of this.client.list(AUTHORINO_API, 'Authorino')) this.queue.enqueue(keyOf(a));
    };
    this.client.watch(OLM, 'ClusterServiceVersion', (_t, csv) => csv.metadata.name!.startsWith('authorino-operator.') && requeueAll());
    this.client.watch(AUTHORINO_API, 'Authorino', (type, a) => type !== 'DELETED' && this.queue.enqueue(keyOf(a)));
    this.client.watch('apps/v1', 'Deployment', (_t, d) => {
      const owner = d.metadata.ownerReferences?.find((r) => r.kind === 'Authorino');
      if (owner) this.queue.enqueue(`${d.metadata.namespace}/${owner.name}`);
    });
  }

  private running(): boolean {
    return this.client
      .list(OLM, 'ClusterServiceVersion')
      .some((c) => c.metadata.name!.startsWith('authorino-operator.') && c.status?.phase === 'Succeeded');
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const { namespace, name } = splitKey(key);
    const authorino = this.client.get(AUTHORINO_API, 'Authorino', name, namespace);
    if (!authorino || authorino.metadata.deletionTimestamp) return;
    const problem = tlsProblem(authorino);
    if (problem) return this.setReady(authorino, 'False', 'UnableToCreateDeployment', problem);
    const owner = ownerReference({ ...authorino, apiVersion: AUTHORINO_API, kind: 'Authorino' });
    const labels = { 'authorino-resource': name!, 'control-plane': 'controller-manager' };
    this.client.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: `${name}-authorino`, namespace, labels, ownerReferences: [owner] },
    });
    for (const svc of services(authorino, labels, owner, this.ctx.faults.has('authorino-authorization-port-moved'))) this.client.apply(svc);
    const desired = authorinoDeployment(authorino, labels, owner);
    const live = this.client.get('apps/v1', 'Deployment', name!, namespace);
    if (
      live &&
      this.ctx.faults.has('authorino-operator-reverts-deployment') &&
      JSON.stringify(live.spec.template.metadata) !== JSON.stringify(desired.spec.template.metadata)
    ) {
      this.client.update({ ...live, spec: { ...live.spec, template: desired.spec.template } });
    } else {
      this.client.apply(desired);
    }
    const deployment = this.client.get('apps/v1', 'Deployment', name!, namespace);
    if (conditionOf(deployment, 'Available')?.status === 'True')
      this.setReady(authorino, 'True', 'Provisioned', 'Authorino instance ready');
    else this.setReady(authorino, 'False', 'Provisioning', 'Authorino Deployment resource not ready');
  }

  private setReady(authorino: KObject, status: 'True' | 'False', reason: string, message: string): void {
    const before = conditionOf(authorino, 'Ready');
    if (before?.status === status && before.reason === reason && before.message === message) return;
    const now = timestamp();
    const conditions: Condition[] = setCondition(
      authorino.status?.conditions,
      { type: 'Ready', status, reason, message, lastUpdatedTime: now },
      now,
    );
    this.client.patchStatus(AUTHORINO_API, 'Authorino', authorino.metadata.name!, authorino.metadata.namespace, { conditions });
    if (status === 'False' && reason !== 'Provisioning') this.client.event(authorino, 'Warning', reason, message);
  }
}

/** TLS is on unless disabled, and then needs a certificate Secret (the operator refuses otherwise). */
function tlsProblem(authorino: KObject): string | undefined {
  for (const [field, tls] of [
    ['listener', authorino.spec?.listener?.tls],
    ['oidcServer', authorino.spec?.oidcServer?.tls],
  ] as const) {
    if (tls?.enabled !== false && !tls?.certSecretRef?.name)
      return `Failed to create the authorino Deployment: spec.${field}.tls is enabled but spec.${field}.tls.certSecretRef names no Secret (set spec.${field}.tls.enabled: false, or give the TLS Secret)`;
  }
  return undefined;
}

type OwnerRef = NonNullable<KObject['metadata']['ownerReferences']>[number];

function services(authorino: KObject, selector: Record<string, string>, owner: OwnerRef, portMoved = false): KObject[] {
  const name = authorino.metadata.name!;
  const grpc = portMoved ? 50052 : (authorino.spec?.listener?.ports?.grpc ?? authorino.spec?.listener?.port ?? 50051);
  const http = authorino.spec?.listener?.ports?.http ?? 5001;
  const oidc = authorino.spec?.oidcServer?.port ?? 8083;
  const svc = (suffix: string, ports: { name: string; port: number }[]): KObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${name}-${suffix}`, namespace: authorino.metadata.namespace, labels: selector, ownerReferences: [owner] },
    spec: { selector, ports: ports.map((p) => ({ ...p, protocol: 'TCP', targetPort: p.port })) },
  });
  return [
    svc('authorino-authorization', [
      { name: 'grpc', port: grpc },
      { name: 'http', port: http },
    ]),
    svc('authorino-oidc', [{ name: 'http', port: oidc }]),
    svc('controller-metrics', [{ name: 'http', port: authorino.spec?.metrics?.port ?? 8080 }]),
  ];
}

function authorinoDeployment(authorino: KObject, labels: Record<string, string>, owner: OwnerRef): KObject {
  const spec = authorino.spec ?? {};
  const env = [
    ...(spec.clusterWide === false ? [{ name: 'WATCH_NAMESPACE', value: authorino.metadata.namespace }] : []),
    ...(spec.authConfigLabelSelectors ? [{ name: 'AUTH_CONFIG_LABEL_SELECTOR', value: spec.authConfigLabelSelectors }] : []),
    ...(spec.secretLabelSelectors ? [{ name: 'SECRET_LABEL_SELECTOR', value: spec.secretLabelSelectors }] : []),
    ...(spec.logLevel ? [{ name: 'LOG_LEVEL', value: spec.logLevel }] : []),
    ...(spec.logMode ? [{ name: 'LOG_MODE', value: spec.logMode }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: authorino.metadata.name, namespace: authorino.metadata.namespace, labels, ownerReferences: [owner] },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: `${authorino.metadata.name}-authorino`,
          containers: [
            {
              name: 'authorino',
              image: spec.image ?? IMAGE,
              ...(env.length ? { env } : {}),
              ports: [
                { containerPort: 50051, name: 'grpc' },
                { containerPort: 5001, name: 'http' },
                { containerPort: 8083, name: 'oidc' },
                { containerPort: 8080, name: 'metrics' },
              ],
              resources: { requests: { cpu: '10m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}
