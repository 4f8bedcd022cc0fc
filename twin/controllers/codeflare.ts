// The CodeFlare operator of RHOAI 2.9 (codeflare-operator-manager in the applications namespace),
// and the little of KubeRay (kuberay-operator) that a RayCluster nobody runs needs.
//
// Upstream it follows:
// - github.com/red-hat-data-services/codeflare-operator, branch rhoai-2.9 (the branch rhods-operator
//   rhoai-2.9 get_all_manifests.sh pins for the codeflare component):
//   - main.go: the default CodeFlareOperatorConfiguration (kuberay: rayDashboardOAuthEnabled true,
//     ingressDomain "", mTLSEnabled true); loadIntoOrCreate creates codeflare-operator-config with
//     them under the key config.yaml when it is missing, and otherwise reads it (exactly one data
//     entry, sigs.k8s.io/yaml, so encoding/json's case-insensitive keys) and never writes it; the
//     configuration is read once per process, so an edited ConfigMap applies only after the pod
//     restarts; an empty ingressDomain becomes the cluster's (getClusterDomain: ingresses.config.
//     openshift.io/cluster spec.domain);
//   - pkg/controllers/raycluster_webhook.go Default (the mutating webhook mraycluster.ray.openshift.ai,
//     CREATE of ray.io/v1 rayclusters, config/webhook/manifests.yaml): with rayDashboardOAuthEnabled
//     the head gets the oauth-proxy container, the proxy-tls-secret volume and the service account
//     <name>-oauth-proxy; with mTLSEnabled the head and the first worker group get the RAY_USE_TLS
//     environment, the ca-vol and server-cert volumes and the create-cert init container;
//   - pkg/controllers/raycluster_controller.go Reconcile: the finalizer
//     ray.openshift.ai/oauth-finalizer (removed on deletion), and with mTLSEnabled the Secret
//     ca-secret-<name> (ca.key, ca.crt).
// - github.com/red-hat-data-services/kuberay, branch rhoai-2.9 (KubeRay 1.1),
//   ray-operator/controllers/ray/raycluster_controller.go calculateStatus: a RayCluster with
//   spec.suspend and no pods has status.state "suspended".
// - pkg/controllers/raycluster_controller.go Reconcile, for a RayCluster that is not suspended with
//   rayDashboardOAuthEnabled: the dashboard Route ray-dashboard-<name> (reencrypt, to the oauth-proxy
//   Service <name>-oauth), the OAuth Secret, Service, ServiceAccount and ClusterRoleBinding, and
//   (support.go desiredRayClientRoute) the Ray client Route rayclient-<name> (passthrough, to the
//   head Service's client port).
// The webhook runs at admission (the API server's admissionWebhooks): a create while no manager
// serves it is refused, as with failurePolicy Fail, and retried by clients. The NetworkPolicies and
// the validating webhook are not modelled; KubeRay's pods and state are kuberay.ts's.
import { createHash, randomBytes } from 'node:crypto';
import * as yaml from 'js-yaml';
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import { createCa } from '../api/tls';
import { ApiError, type KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { deploymentSpec } from './deployment-spec';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { conditionOf, keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

export const CODEFLARE_FAULTS: FaultDefinition[] = [
  {
    name: 'codeflare-mtls-disabled',
    description:
      'The CodeFlare operator creates codeflare-operator-config with kuberay.mTLSEnabled: false (Ray clusters would run without mTLS)',
    caughtBy: '@req.DW-CF-03',
    expectMessage: 'mTLSEnabled',
  },
  {
    name: 'codeflare-community-operator-leftover',
    description:
      'A community CodeFlare operator (codeflare-operator.v1.1.0, installed from OperatorHub for an earlier RHOAI) still runs in openshift-operators: its Subscription was deleted but not its CSV. The 2.9 codeflare component only looks for rhods-codeflare-operator, so codeflareReady stays True while two CodeFlare operators mutate every RayCluster',
    caughtBy: '@req.DW-POD-01',
    expectMessage:
      'a separately installed CodeFlare operator is on the cluster (ClusterServiceVersion openshift-operators/codeflare-operator.v1.1.0',
  },
  {
    name: 'kuberay-helm-operator-alongside',
    description:
      'A KubeRay operator installed with Helm (Deployment ray-system/kuberay-operator, chart kuberay-operator-1.1.0) runs next to the RHOAI one: the 2.9 ray component does not look for it, rayReady stays True, and two KubeRay operators reconcile every RayCluster',
    caughtBy: '@req.DW-POD-02',
    expectMessage: 'another KubeRay operator runs on the cluster: Deployment ray-system/kuberay-operator',
  },
  {
    name: 'codeflare-config-edited-not-restarted',
    description:
      'An administrator edits codeflare-operator-config (kuberay.mTLSEnabled: false) after the operator started and does not restart its pod: the operator reads its configuration only at start, so Ray clusters still get mTLS while the ConfigMap says otherwise',
    caughtBy: '@req.DW-CF-01',
    expectMessage: 'the CodeFlare operator does not run with what codeflare-operator-config says',
  },
  {
    name: 'codeflare-ingress-domain-stale',
    description:
      'codeflare-operator-config carries the ingress domain of another cluster (apps.previous-cluster.example.com, e.g. restored from a backup): Ray dashboard and client routes would get hosts that do not resolve here',
    caughtBy: '@req.DW-CF-02',
    expectMessage: 'kuberay.ingressDomain is "apps.previous-cluster.example.com"',
  },
  {
    name: 'codeflare-dashboard-oauth-disabled',
    description:
      'codeflare-operator-config has kuberay.rayDashboardOAuthEnabled: false: Ray dashboards would be published without the OpenShift OAuth proxy',
    caughtBy: '@req.DW-CF-04',
    expectMessage: 'kuberay.rayDashboardOAuthEnabled is false',
  },
  {
    name: 'ray-dashboard-route-without-oauth',
    description:
      "The CodeFlare operator's dashboard Route ray-dashboard-<cluster> goes straight to the head Service's dashboard port (edge) instead of the oauth-proxy Service: anyone who reaches the route can submit Ray jobs",
    caughtBy: '@req.DW-RAY-01',
    expectMessage: 'answered a request without a bearer token',
  },
];

export const CODEFLARE_DEPLOYMENT = 'codeflare-operator-manager';
export const CODEFLARE_CONFIGMAP = 'codeflare-operator-config';
export const KUBERAY_DEPLOYMENT = 'kuberay-operator';
export const OAUTH_FINALIZER = 'ray.openshift.ai/oauth-finalizer';
const RAY_API = 'ray.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';
/** raycluster_controller.go controllerName: the field manager of what the RayCluster controller applies. */
const RAYCLUSTER_CONTROLLER = 'codeflare-raycluster-controller';
/** The images raycluster_webhook.go puts in (oauthProxyContainer, rayHeadInitContainer). */
const OAUTH_PROXY_IMAGE =
  'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:1ea6a01bf3e63cdcf125c6064cbd4a4a270deaf0f157b3eabb78f60556840366';
const CREATE_CERT_IMAGE = 'quay.io/project-codeflare/ray:latest-py39-cu118';

/** The kuberay part of the configuration, as the operator runs with it. */
export interface KubeRayConfig {
  rayDashboardOAuthEnabled: boolean;
  ingressDomain: string;
  mTLSEnabled: boolean;
}

/**
 * config.yaml as the 2.9 operator writes it: its default CodeFlareOperatorConfiguration marshalled
 * by sigs.k8s.io/yaml (keys sorted; the inlined controller-manager settings at the top level).
 */
export function defaultCodeFlareConfig(mTLSEnabled = true, kuberay: Partial<KubeRayConfig> = {}): string {
  return [
    'clientConnection:',
    '  burst: 100',
    '  qps: 50',
    'health:',
    '  bindAddress: :8081',
    '  livenessEndpointName: healthz',
    '  readinessEndpointName: readyz',
    'kuberay:',
    `  ingressDomain: ${JSON.stringify(kuberay.ingressDomain ?? '')}`,
    `  mTLSEnabled: ${kuberay.mTLSEnabled ?? mTLSEnabled}`,
    `  rayDashboardOAuthEnabled: ${kuberay.rayDashboardOAuthEnabled ?? true}`,
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

/** encoding/json's field matching (sigs.k8s.io/yaml): the exact key, else one equal under case folding. */
function field(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (key in o) return o[key];
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : o[k];
}

/** main.go loadIntoOrCreate: the defaults, overlaid with what config.yaml sets. */
export function loadKubeRayConfig(cm: KObject | undefined): KubeRayConfig {
  const config: KubeRayConfig = { rayDashboardOAuthEnabled: true, ingressDomain: '', mTLSEnabled: true };
  const entries = Object.values((cm?.data ?? {}) as Record<string, string>);
  if (entries.length !== 1) return config;
  const kuberay = field(yaml.load(entries[0]!), 'kuberay');
  const oauth = field(kuberay, 'rayDashboardOAuthEnabled');
  const domain = field(kuberay, 'ingressDomain');
  const mtls = field(kuberay, 'mTLSEnabled');
  if (typeof oauth === 'boolean') config.rayDashboardOAuthEnabled = oauth;
  if (typeof domain === 'string') config.ingressDomain = domain;
  if (typeof mtls === 'boolean') config.mTLSEnabled = mtls;
  return config;
}

export class CodeFlareOperator implements Controller {
  readonly name = 'codeflare-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  /** Manager pods that have started (and so read or created the configuration), with what they read. */
  private readonly started = new Map<string, { config: KubeRayConfig; since: string }>();
  /** RayClusters the webhook has seen (it mutates a create once). */
  private readonly admitted = new Set<string>();
  /** When the first manager (and so the webhook) started serving. */
  private firstSince?: string;
  /** The objects applied per RayCluster (the controller applies them on every reconcile; once is enough for the twin). */
  private readonly applied = new Set<string>();
  /** main.go: the cookie salt the manager generates at start. */
  private readonly cookieSalt = randomBytes(16).toString('hex');

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('codeflare-operator', 'redhat-ods-applications:codeflare-operator-controller-manager');
    this.queue = new WorkQueue('codeflare-operator', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
  }

  start(): void {
    this.client.watch('v1', 'Pod', (type, pod) => {
      if (type === 'DELETED') this.started.delete(pod.metadata.uid!);
      else if (this.isManagerPod(pod)) this.queue.enqueue(`pod/${pod.metadata.uid}`);
    });
    this.client.watch('apps/v1', 'Deployment', (_type, d) => {
      if (d.metadata.name === KUBERAY_DEPLOYMENT || d.metadata.name === CODEFLARE_DEPLOYMENT) this.requeueRayClusters();
    });
    this.client.watch(RAY_API, 'RayCluster', (type, rc) => {
      if (type === 'DELETED') this.admitted.delete(rc.metadata.uid!);
      else this.queue.enqueue(`rc/${keyOf(rc)}`);
    });
    // The mutating webhook mraycluster.ray.openshift.ai (config/webhook/manifests.yaml), called at
    // admission: it changes a RayCluster being created while a manager serves it, and with the
    // operator deployed but no manager serving yet the API server refuses the create
    // (failurePolicy Fail), which a client retries.
    this.ctx.api.admissionWebhooks.push((rt, obj) => {
      if (rt.group === 'ray.io' && rt.kind === 'RayCluster') this.admit(obj);
    });
    if (this.ctx.faults.has('codeflare-community-operator-leftover')) this.leaveCommunityOperator();
    if (this.ctx.faults.has('kuberay-helm-operator-alongside')) this.installHelmKubeRay();
  }

  private admit(rc: KObject): void {
    const namespace = applicationsNamespace(this.client);
    if (!this.client.get('apps/v1', 'Deployment', CODEFLARE_DEPLOYMENT, namespace)) return;
    const operator = this.running();
    if (!operator) {
      throw new ApiError(
        500,
        'InternalError',
        `Internal error occurred: failed calling webhook "mraycluster.ray.openshift.ai": failed to call webhook: Post "https://codeflare-operator-webhook-service.${namespace}.svc:443/mutate-ray-io-v1-raycluster?timeout=10s": dial tcp 172.30.0.10:443: connect: connection refused`,
      );
    }
    rc.spec = webhookDefault(rc, operator.config).spec;
    this.admitted.add(rc.metadata.uid!);
  }

  private isManagerPod(pod: KObject): boolean {
    return !!pod.metadata.name?.startsWith(`${CODEFLARE_DEPLOYMENT}-`) && pod.metadata.namespace === applicationsNamespace(this.client);
  }

  private requeueRayClusters(): void {
    for (const rc of this.client.list(RAY_API, 'RayCluster')) this.queue.enqueue(`rc/${keyOf(rc)}`);
  }

  private reconcile(key: string): void {
    const [kind, ...rest] = key.split('/');
    if (kind === 'pod') this.startManager(rest.join('/'));
    else if (kind === 'rc') this.reconcileRayCluster(rest.join('/'));
  }

  // ---- the manager process: its configuration ----

  /** A manager pod that has become Ready has loaded its configuration: create it if it is missing, read it otherwise. */
  private startManager(uid: string): void {
    if (this.started.has(uid)) return;
    const namespace = applicationsNamespace(this.client);
    const pod = this.client.list('v1', 'Pod', namespace).find((p) => p.metadata.uid === uid);
    if (!pod || pod.metadata.deletionTimestamp || conditionOf(pod, 'Ready')?.status !== 'True') return;
    // loadIntoOrCreate reads an existing configuration and never writes it.
    const cm = this.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, namespace) ?? this.createDefaultConfig(namespace);
    const config = loadKubeRayConfig(cm);
    // main.go: an empty ingressDomain is resolved from the cluster's Ingress config.
    if (!config.ingressDomain) config.ingressDomain = this.client.get('config.openshift.io/v1', 'Ingress', 'cluster')?.spec?.domain ?? '';
    const since = timestamp();
    this.started.set(uid, { config, since });
    // The webhook has been served since the first manager started (a rollout keeps one serving).
    this.firstSince ??= since;
    if (this.ctx.faults.has('codeflare-config-edited-not-restarted')) this.editConfigWithoutRestart(namespace);
    this.requeueRayClusters();
  }

  private createDefaultConfig(namespace: string): KObject {
    const kuberay: Partial<KubeRayConfig> = {};
    if (this.ctx.faults.has('codeflare-mtls-disabled')) kuberay.mTLSEnabled = false;
    if (this.ctx.faults.has('codeflare-ingress-domain-stale')) kuberay.ingressDomain = 'apps.previous-cluster.example.com';
    if (this.ctx.faults.has('codeflare-dashboard-oauth-disabled')) kuberay.rayDashboardOAuthEnabled = false;
    const cm = this.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CODEFLARE_CONFIGMAP, namespace },
      data: { 'config.yaml': defaultCodeFlareConfig(true, kuberay) },
    });
    this.ctx.settings.log(`codeflare-operator: created ConfigMap ${namespace}/${CODEFLARE_CONFIGMAP} with the default configuration`);
    return cm;
  }

  /** The running operator: the configuration of its newest Ready manager pod, and since when a manager (and its webhook) has run. */
  private running(): { config: KubeRayConfig; since: string } | undefined {
    if (!deploymentAvailable(this.client, CODEFLARE_DEPLOYMENT, applicationsNamespace(this.client))) return undefined;
    const started = [...this.started.values()].sort((a, b) => b.since.localeCompare(a.since));
    return started[0] && { config: started[0].config, since: this.firstSince ?? started[started.length - 1]!.since };
  }

  // ---- RayClusters: the webhook's defaults, the controller's finalizer and CA secret, KubeRay's state ----

  private reconcileRayCluster(key: string): void {
    const { namespace, name } = splitKey(key);
    let rc = this.client.get(RAY_API, 'RayCluster', name, namespace);
    if (!rc) return;
    // KubeRay's status.state (suspended, ready) is kuberay.ts's.
    const operator = this.running();
    if (!operator) return;
    const { config } = operator;
    if (rc.metadata.deletionTimestamp) {
      const finalizers: string[] = rc.metadata.finalizers ?? [];
      if (finalizers.includes(OAUTH_FINALIZER))
        this.client.patch(RAY_API, 'RayCluster', name, namespace, {
          metadata: { finalizers: finalizers.filter((f) => f !== OAUTH_FINALIZER), resourceVersion: rc.metadata.resourceVersion },
        });
      return;
    }
    // The webhook saw only the RayClusters created while it was served.
    if (!this.admitted.has(rc.metadata.uid!)) {
      if ((rc.metadata.creationTimestamp ?? '') >= operator.since) rc = this.client.update(webhookDefault(rc, config));
      this.admitted.add(rc.metadata.uid!);
    }
    if (!(rc.metadata.finalizers ?? []).includes(OAUTH_FINALIZER)) {
      rc = this.client.patch(RAY_API, 'RayCluster', name, namespace, {
        metadata: { finalizers: [...(rc.metadata.finalizers ?? []), OAUTH_FINALIZER], resourceVersion: rc.metadata.resourceVersion },
      });
    }
    if (config.mTLSEnabled && !this.client.get('v1', 'Secret', `ca-secret-${name}`, namespace)) this.createCaSecret(rc);
    // `cluster.Status.State != "suspended"`: a new RayCluster (no state yet) gets them at once, before
    // KubeRay marks a queued one suspended; rhoai-2.17 made it depend on spec.suspend instead
    // ("Create oauth objects when RayCluster spec suspend is false").
    if (rc.status?.state !== 'suspended' && config.rayDashboardOAuthEnabled) this.applyOAuthObjects(rc);
  }

  /**
   * raycluster_controller.go Reconcile, for a RayCluster that is not suspended with
   * rayDashboardOAuthEnabled on OpenShift: desiredClusterRoute (ray-dashboard-<name>, reencrypt, to
   * the Service <name>-oauth port oauth-proxy), desiredOAuthSecret (<name>-oauth-config,
   * cookie_secret = base64(sha1(name + cookie salt))), desiredOAuthService (<name>-oauth, port 443 →
   * oauth-proxy, serving certificate <name>-proxy-tls-secret, selecting the head pod),
   * desiredServiceAccount (<name>-oauth-proxy, its OAuth redirect reference to the route),
   * desiredOAuthClusterRoleBinding (<name>-<ns>-auth → system:auth-delegator) and, from support.go,
   * desiredRayClientRoute (rayclient-<name>, passthrough, to <name>-head-svc port client). All applied
   * server-side under the controller's field manager, owned by the RayCluster.
   */
  private applyOAuthObjects(rc: KObject): void {
    const name = rc.metadata.name!;
    const namespace = rc.metadata.namespace!;
    const owner = { apiVersion: RAY_API, kind: 'RayCluster', name, uid: rc.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const labels = { 'ray.io/cluster-name': name };
    const apply = (obj: KObject) => {
      const fingerprint = `${namespace}/${obj.kind}/${obj.metadata.name}/${rc.metadata.uid}`;
      if (this.applied.has(fingerprint)) return;
      this.client.as(RAYCLUSTER_CONTROLLER).apply(obj);
      this.applied.add(fingerprint);
    };
    const bypassProxy = this.ctx.faults.has('ray-dashboard-route-without-oauth');
    apply({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: `ray-dashboard-${name}`, namespace, labels, ownerReferences: [owner] },
      spec: bypassProxy
        ? // The fault: the route goes straight to the head's dashboard port, around the proxy.
          {
            to: { kind: 'Service', name: `${name}-head-svc` },
            port: { targetPort: 'dashboard' },
            tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
          }
        : {
            to: { kind: 'Service', name: `${name}-oauth` },
            port: { targetPort: 'oauth-proxy' },
            tls: { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
          },
    });
    const cookie = createHash('sha1')
      .update(name + this.cookieSalt)
      .digest('base64');
    apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-oauth-config`, namespace, labels, ownerReferences: [owner] },
      stringData: { cookie_secret: cookie },
    });
    apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${name}-oauth`,
        namespace,
        labels,
        annotations: { 'service.beta.openshift.io/serving-cert-secret-name': `${name}-proxy-tls-secret` },
        ownerReferences: [owner],
      },
      spec: {
        ports: [{ name: 'oauth-proxy', port: 443, targetPort: 'oauth-proxy', protocol: 'TCP' }],
        selector: { 'ray.io/cluster': name, 'ray.io/node-type': 'head' },
      },
    });
    apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: `${name}-oauth-proxy`,
        namespace,
        labels,
        annotations: {
          'serviceaccounts.openshift.io/oauth-redirectreference.first': `{"kind":"OAuthRedirectReference","apiVersion":"v1","reference":{"kind":"Route","name":"ray-dashboard-${name}"}}`,
        },
        ownerReferences: [owner],
      },
    });
    apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${name}-${namespace}-auth`, labels },
      subjects: [{ kind: 'ServiceAccount', name: `${name}-oauth-proxy`, namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    });
    apply({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: `rayclient-${name}`, namespace, labels, ownerReferences: [owner] },
      spec: {
        to: { kind: 'Service', name: `${name}-head-svc`, weight: 100 },
        port: { targetPort: 'client' },
        tls: { termination: 'passthrough' },
      },
    });
  }

  /** raycluster_controller.go desiredCASecret: a CA of its own per RayCluster, owned by it. */
  private createCaSecret(rc: KObject): void {
    const ca = createCa('root-ca', 'codeflare-raycluster');
    this.client.as(RAYCLUSTER_CONTROLLER).apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `ca-secret-${rc.metadata.name}`,
        namespace: rc.metadata.namespace,
        labels: { 'ray.io/cluster-name': rc.metadata.name! },
        ownerReferences: [
          {
            apiVersion: RAY_API,
            kind: 'RayCluster',
            name: rc.metadata.name!,
            uid: rc.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      type: 'Opaque',
      data: { 'ca.key': Buffer.from(ca.keyPem).toString('base64'), 'ca.crt': Buffer.from(ca.certPem).toString('base64') },
    });
  }

  // ---- faults ----

  /** codeflare-config-edited-not-restarted: the edit an administrator makes after the operator read its configuration. */
  private editConfigWithoutRestart(namespace: string): void {
    const cm = this.client.get('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, namespace);
    const text: string | undefined = cm?.data?.['config.yaml'];
    if (!text || !/mTLSEnabled: true/.test(text)) return;
    this.client.as('kubectl-edit').patch('v1', 'ConfigMap', CODEFLARE_CONFIGMAP, namespace, {
      data: { 'config.yaml': text.replace('mTLSEnabled: true', 'mTLSEnabled: false') },
    });
  }

  /** codeflare-community-operator-leftover: the CSV of a community CodeFlare operator, left after its Subscription was deleted. */
  private leaveCommunityOperator(): void {
    const labels = { 'app.kubernetes.io/name': 'codeflare-operator', 'app.kubernetes.io/part-of': 'codeflare' };
    this.client.as('olm-previous-install').create({
      apiVersion: OLM,
      kind: 'ClusterServiceVersion',
      metadata: {
        name: 'codeflare-operator.v1.1.0',
        namespace: 'openshift-operators',
        annotations: { 'operators.operatorframework.io/builder': 'operator-sdk-v1.27.0' },
      },
      spec: {
        displayName: 'CodeFlare Operator',
        version: '1.1.0',
        provider: { name: 'CodeFlare' },
        installModes: [
          { type: 'OwnNamespace', supported: false },
          { type: 'SingleNamespace', supported: false },
          { type: 'MultiNamespace', supported: false },
          { type: 'AllNamespaces', supported: true },
        ],
        install: {
          strategy: 'deployment',
          spec: {
            deployments: [
              {
                name: CODEFLARE_DEPLOYMENT,
                spec: deploymentSpec(
                  labels,
                  {
                    containers: [
                      {
                        name: 'manager',
                        image: 'quay.io/project-codeflare/codeflare-operator:v1.1.0',
                        resources: { requests: { cpu: '100m', memory: '64Mi' } },
                      },
                    ],
                  },
                  1,
                ),
              },
            ],
          },
        },
      },
    });
  }

  /** kuberay-helm-operator-alongside: `helm install kuberay-operator kuberay/kuberay-operator -n ray-system`. */
  private installHelmKubeRay(): void {
    const helm = this.client.as('helm');
    const labels = { 'app.kubernetes.io/name': 'kuberay-operator', 'app.kubernetes.io/instance': 'kuberay-operator' };
    helm.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ray-system' } });
    helm.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: KUBERAY_DEPLOYMENT,
        namespace: 'ray-system',
        labels: { ...labels, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'kuberay-operator-1.1.0' },
        annotations: { 'meta.helm.sh/release-name': 'kuberay-operator', 'meta.helm.sh/release-namespace': 'ray-system' },
      },
      spec: deploymentSpec(
        labels,
        {
          containers: [
            {
              name: 'kuberay-operator',
              image: 'quay.io/kuberay/operator:v1.1.0',
              resources: { requests: { cpu: '100m', memory: '512Mi' } },
            },
          ],
        },
        1,
      ),
    });
  }
}

type Named = { name: string };

/** upsert of raycluster_webhook.go: replaces the item of the same name, else appends. */
function upsert<T extends Named>(items: T[] | undefined, item: T): T[] {
  const list = [...(items ?? [])];
  const i = list.findIndex((x) => x.name === item.name);
  if (i >= 0) list[i] = item;
  else list.push(item);
  return list;
}

const TLS_ENV = [
  { name: 'MY_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
  { name: 'RAY_USE_TLS', value: '1' },
  { name: 'RAY_TLS_SERVER_CERT', value: '/home/ray/workspace/tls/server.crt' },
  { name: 'RAY_TLS_SERVER_KEY', value: '/home/ray/workspace/tls/server.key' },
  { name: 'RAY_TLS_CA_CERT', value: '/home/ray/workspace/tls/ca.crt' },
];

const CERT_MOUNTS = [
  { name: 'ca-vol', mountPath: '/home/ray/workspace/ca', readOnly: true },
  { name: 'server-cert', mountPath: '/home/ray/workspace/tls', readOnly: false },
];

/** raycluster_webhook.go Default: the changes the mutating webhook makes to a RayCluster being created. */
export function webhookDefault(rc: KObject, config: KubeRayConfig): KObject {
  const out: KObject = JSON.parse(JSON.stringify(rc));
  const name = out.metadata.name!;
  const head = (out.spec.headGroupSpec.template.spec ??= {});
  if (config.rayDashboardOAuthEnabled) {
    head.containers = upsert(head.containers, {
      name: 'oauth-proxy',
      image: OAUTH_PROXY_IMAGE,
      ports: [{ containerPort: 8443, name: 'oauth-proxy' }],
      env: [{ name: 'COOKIE_SECRET', valueFrom: { secretKeyRef: { name: `${name}-oauth-config`, key: 'cookie_secret' } } }],
      args: [
        '--https-address=:8443',
        '--provider=openshift',
        `--openshift-service-account=${name}-oauth-proxy`,
        '--upstream=http://localhost:8265',
        '--tls-cert=/etc/tls/private/tls.crt',
        '--tls-key=/etc/tls/private/tls.key',
        '--cookie-secret=$(COOKIE_SECRET)',
        `--openshift-delegate-urls={"/":{"resource":"pods","namespace":"${out.metadata.namespace}","verb":"get"}}`,
      ],
      volumeMounts: [{ name: 'proxy-tls-secret', mountPath: '/etc/tls/private', readOnly: true }],
    });
    head.volumes = upsert(head.volumes, { name: 'proxy-tls-secret', secret: { secretName: `${name}-proxy-tls-secret` } });
    head.serviceAccountName = `${name}-oauth-proxy`;
  }
  if (config.mTLSEnabled) {
    const caVolumes = [
      { name: 'ca-vol', secret: { secretName: `ca-secret-${name}` } },
      { name: 'server-cert', emptyDir: {} },
    ];
    const createCert = {
      name: 'create-cert',
      image: CREATE_CERT_IMAGE,
      command: ['sh', '-c', 'cd /home/ray/workspace/tls && openssl req -nodes -newkey rsa:2048 ...'],
      volumeMounts: CERT_MOUNTS,
    };
    const groups = [head, out.spec.workerGroupSpecs?.[0]?.template?.spec].filter(Boolean) as KObject[];
    for (const spec of groups) {
      const main = spec.containers?.[0];
      if (main) {
        for (const env of TLS_ENV) main.env = upsert(main.env, env);
        for (const mount of CERT_MOUNTS) main.volumeMounts = upsert(main.volumeMounts, mount);
      }
      for (const v of caVolumes) spec.volumes = upsert(spec.volumes, v);
      spec.initContainers = upsert(spec.initContainers, createCert);
    }
  }
  return out;
}
