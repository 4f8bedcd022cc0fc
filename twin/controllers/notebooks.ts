// The workbench controllers of RHOAI 2.9 (the DataScienceCluster's workbenches component): the
// Kubeflow notebook controller (red-hat-data-services/kubeflow rhoai-2.9, notebook-controller v1.7)
// and the ODH notebook controller with its mutating webhook (odh-notebook-controller). They act
// while their Deployments, notebook-controller-deployment and odh-notebook-controller-manager, are
// available in the applications namespace (without the webhook the real cluster refuses to create
// Notebooks at all).
//
// A Notebook becomes:
//   - a StatefulSet <name> of one pod <name>-0 (zero while the annotation kubeflow-resource-stopped
//     is set to anything but odh-notebook-controller-lock), selector statefulset=<name>, pod labels
//     statefulset and notebook-name plus the Notebook's labels, its pod spec the Notebook's with
//     NB_PREFIX=/notebook/<ns>/<name> and the first container's defaults (port notebook-port 8888);
//   - a Service <name> (port 80 → 8888, http-<name>);
//   - with notebooks.opendatahub.io/inject-oauth=true: the oauth-proxy sidecar (port oauth-proxy
//     8443, --openshift-sar for `get notebooks <name>`), its ServiceAccount <name> (the pod's), the
//     Secret <name>-oauth-config (cookie secret), the Service <name>-tls (serving certificate
//     <name>-tls from the service CA) and the Route <name> reencrypt to it; without it the Route
//     <name> edge to the Service <name>; NetworkPolicies <name>-ctrl-np and <name>-oauth-np;
//   - when the namespace has odh-trusted-ca-bundle: the ConfigMap workbench-trusted-ca-bundle
//     (ca-bundle.crt: the cluster's bundle and the custom CA), mounted at
//     /etc/pki/tls/custom-certs/ca-bundle.crt, with PIP_CERT, REQUESTS_CA_BUNDLE, SSL_CERT_FILE and
//     PIPELINES_SSL_SA_CERTS pointing there.
// The webhook's changes (sidecar, volumes, service account, CA mount) are made to the StatefulSet's
// pod template here: the twin has no admission webhooks, so the Notebook object keeps the spec the
// dashboard wrote. The Notebook's status: readyReplicas from the StatefulSet, containerState of
// the container named after the Notebook, and conditions mirroring the pod's (Kubeflow 1.7).
// The pod waits until the Secrets it mounts exist, as a real pod waits in ContainerCreating.
import { createHash, randomBytes } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { ownerReference } from '../api/meta';
import type { KObject } from '../api/types';
import { minioDenyingModelWrites, S3_UPLOAD_FAULT } from '../emulators/workbench/s3-write-policy';
import { NO_EGRESS_FAULT, registerWorkbenchImages, REPOSITORY_FAULT, TRAINING_FAULT } from '../emulators/workbench/index';
import { PIPELINES_CA_FAULT } from '../emulators/workbench/elyra';
import type { FaultDefinition } from '../fault-definition';
import { workloadRuntimeOf } from '../network/index';
import { contains } from './dashboard';
import { applicationsNamespace, deploymentAvailable } from './kueue';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext, type ImagePullFailure } from './runtime';

const IMAGE_PULL_FAULT = 'workbench-image-pull-fails';

/**
 * Workbench images the internal registry cannot serve, one fault per image stream: on a
 * disconnected cluster whose mirror lacks that image, its import from quay.io/modh failed, so a
 * workbench of that image stays Pending in ImagePullBackOff while the others run.
 */
const IMAGE_PULL_FAULTS = [
  { name: IMAGE_PULL_FAULT, stream: 'tensorflow', shownAs: 'TensorFlow', caughtBy: '@req.UI-WB-04 or @req.TUT-FD-01' },
  { name: 'workbench-image-pull-fails-minimal', stream: 's2i-minimal-notebook', shownAs: 'Minimal Python', caughtBy: '@req.UI-WB-01' },
  {
    name: 'workbench-image-pull-fails-data-science',
    stream: 's2i-generic-data-science-notebook',
    shownAs: 'Standard Data Science',
    caughtBy: '@req.UI-WB-02',
  },
  { name: 'workbench-image-pull-fails-cuda', stream: 'minimal-gpu', shownAs: 'CUDA', caughtBy: '@req.UI-WB-03' },
  { name: 'workbench-image-pull-fails-trustyai', stream: 'odh-trustyai-notebook', shownAs: 'TrustyAI', caughtBy: '@req.UI-WB-05' },
  { name: 'workbench-image-pull-fails-habana', stream: 'habana-notebook', shownAs: 'HabanaAI', caughtBy: '@req.UI-WB-06' },
  { name: 'workbench-image-pull-fails-code-server', stream: 'code-server-notebook', shownAs: 'code-server', caughtBy: '@req.UI-WB-07' },
];

export const NOTEBOOK_FAULTS: FaultDefinition[] = [
  ...IMAGE_PULL_FAULTS.map(({ name, stream, shownAs, caughtBy }) => ({
    name,
    description: `The cluster cannot pull the ${shownAs} workbench image: the internal registry answers "manifest unknown" for redhat-ods-applications/${stream} (its import from quay.io/modh failed, as on a disconnected cluster whose mirror lacks it), so every ${shownAs} workbench pod stays Pending in ImagePullBackOff and the workbench never becomes ready`,
    caughtBy,
    expectMessage: 'ImagePullBackOff',
  })),
  {
    name: REPOSITORY_FAULT,
    description:
      'No Git server is reachable from the workbenches: github.com (and every mirror) does not resolve inside the cluster, as on a disconnected cluster without a Git mirror, so cloning the tutorial repository fails',
    caughtBy: '@req.TUT-FD-02',
    expectMessage: 'Could not resolve host',
  },
  {
    name: NO_EGRESS_FAULT,
    description:
      "The workbenches have no egress: no package index answers from inside them (pypi.org and every RHOAI_PIP_INDEX_URL are unreachable, as on a disconnected cluster without a mirror), so the training notebook's `pip install onnx onnxruntime seaborn tf2onnx` could not fetch what the image lacks",
    caughtBy: '@req.TUT-FD-03',
    expectMessage: 'cannot reach the package index https://pypi.org/simple',
  },
  {
    name: TRAINING_FAULT,
    description:
      "The tutorial's training cannot export its model: tf2onnx fails to convert the trained Keras model, so 1_experiment_train.ipynb fails and models/fraud/1/model.onnx is never written",
    caughtBy: '@req.TUT-FD-03',
    expectMessage: 'model.onnx',
  },
  {
    name: S3_UPLOAD_FAULT,
    description:
      "The project's S3 storage refuses writes under models/ (a bucket policy that denies s3:PutObject there): 2_save_model.ipynb fails with AccessDenied and the model never reaches the bucket",
    caughtBy: '@req.TUT-FD-04',
    expectMessage: 'AccessDenied',
  },
];

const NOTEBOOK_API = 'kubeflow.org/v1';
export const STOP_ANNOTATION = 'kubeflow-resource-stopped';
export const RECONCILIATION_LOCK = 'odh-notebook-controller-lock';
const INJECT_OAUTH = 'notebooks.opendatahub.io/inject-oauth';
const LOGOUT_URL = 'notebooks.opendatahub.io/oauth-logout-url';
const KF_DEPLOYMENT = 'notebook-controller-deployment';
const ODH_DEPLOYMENT = 'odh-notebook-controller-manager';
const CLUSTER_CA = 'odh-trusted-ca-bundle';
const WORKBENCH_CA = 'workbench-trusted-ca-bundle';
const CA_MOUNT = '/etc/pki/tls/custom-certs/ca-bundle.crt';
const DEFAULT_PORT = 8888;
/** The oauth-proxy image of OpenShift 4.15 the ODH notebook controller is configured with. */
export const OAUTH_PROXY_IMAGE =
  'registry.redhat.io/openshift4/ose-oauth-proxy@sha256:4bef31eb993feb6f1096b51b4876c65a6fb1f4401fee97fa4f4542b6b7c9bc46';

export class NotebookController implements Controller {
  readonly name = 'notebook-controller';
  private readonly kubeflow: TwinClient;
  private readonly odh: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.kubeflow = ctx.clientFor('notebook-controller', 'redhat-ods-applications:notebook-controller-service-account');
    this.odh = ctx.clientFor('odh-notebook-controller', 'redhat-ods-applications:odh-notebook-controller-manager');
    this.queue = new WorkQueue('notebook-controller', ctx.settings.latencyMs, (key) => this.reconcile(key), ctx.settings.log);
    // Asked before any runtime starts a container: images the cluster cannot pull (a fault).
    ctx.podRuntimes.unshift({ behaviour: () => undefined, imagePull: (pod) => this.imagePull(pod) });
  }

  start(): void {
    const runtime = workloadRuntimeOf(this.ctx);
    // The kubelet's projected service-account token of a workbench pod (Elyra authenticates with it).
    const kubelet = this.ctx.clientFor('kubelet');
    registerWorkbenchImages(runtime, this.ctx.faults, (namespace, name) => {
      const sa = kubelet.get('v1', 'ServiceAccount', name, namespace);
      return sa ? this.ctx.authn.issueServiceAccountToken(sa, {}).token : undefined;
    });
    if (this.ctx.faults.has(S3_UPLOAD_FAULT)) runtime.emulators.register(minioDenyingModelWrites);
    const c = this.kubeflow;
    c.watch(NOTEBOOK_API, 'Notebook', (type, nb) => type !== 'DELETED' && this.queue.enqueue(keyOf(nb)));
    const byOwner = (_type: string, obj: KObject) => {
      const owner = obj.metadata.ownerReferences?.find((r) => r.kind === 'Notebook');
      if (owner) this.queue.enqueue(`${obj.metadata.namespace}/${owner.name}`);
    };
    for (const [api, kind] of [
      ['apps/v1', 'StatefulSet'],
      ['v1', 'Service'],
      ['route.openshift.io/v1', 'Route'],
    ] as const)
      c.watch(api, kind, byOwner);
    c.watch('v1', 'Pod', (_type, pod) => {
      const nb = pod.metadata.labels?.['notebook-name'];
      if (nb) this.queue.enqueue(`${pod.metadata.namespace}/${nb}`);
    });
    // The Secrets the pod mounts (the serving certificate comes from the service CA), the CA bundle.
    c.watch('v1', 'Secret', (_type, s) => {
      const m = /^(.+)-(tls|oauth-config)$/.exec(s.metadata.name ?? '');
      if (m) this.queue.enqueue(`${s.metadata.namespace}/${m[1]}`);
    });
    c.watch('v1', 'ConfigMap', (_type, cm) => cm.metadata.name === CLUSTER_CA && this.requeueNamespace(cm.metadata.namespace!));
    c.watch('apps/v1', 'Deployment', (_type, d) => [KF_DEPLOYMENT, ODH_DEPLOYMENT].includes(d.metadata.name!) && this.requeueNamespace());
  }

  private requeueNamespace(namespace?: string): void {
    for (const nb of this.kubeflow.hasKind(NOTEBOOK_API, 'Notebook') ? this.kubeflow.list(NOTEBOOK_API, 'Notebook', namespace) : [])
      this.queue.enqueue(keyOf(nb));
  }

  /** Under an image fault, the internal registry has no image of that stream (by tag or by the digest its tags resolve to). */
  private imagePull(pod: KObject): ImagePullFailure | undefined {
    for (const fault of IMAGE_PULL_FAULTS.filter((f) => this.ctx.faults.has(f.name))) {
      const digests = ['2024.1', '2023.2'].map((tag) => streamDigest(fault.stream, tag));
      const byTag = new RegExp(`(^|/)${fault.stream}(:|@|$)`);
      const c = (pod.spec?.containers ?? []).find(
        (x: KObject) => byTag.test(String(x.image)) || digests.some((d) => String(x.image).endsWith(`@sha256:${d}`)),
      );
      if (!c) continue;
      const image = String(c.image);
      const tag = /:([\w.-]+)$/.exec(image)?.[1] ?? 'latest';
      return {
        container: c.name,
        image,
        message: `rpc error: code = Unknown desc = reading manifest ${tag} in ${image.replace(/[:@][^/]*$/, '')}: manifest unknown: manifest unknown (injected fault ${fault.name})`,
      };
    }
    return undefined;
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const nb = this.kubeflow.get(NOTEBOOK_API, 'Notebook', name, namespace);
    if (!nb || nb.metadata.deletionTimestamp) return;
    const appNs = applicationsNamespace(this.kubeflow);
    if (!deploymentAvailable(this.kubeflow, KF_DEPLOYMENT, appNs) || !deploymentAvailable(this.kubeflow, ODH_DEPLOYMENT, appNs)) return;
    const ns = namespace!;
    const oauth = nb.metadata.annotations?.[INJECT_OAUTH] === 'true';
    const containers: KObject[] = nb.spec?.template?.spec?.containers ?? [];
    if (!containers.length) return;

    // ---- odh-notebook-controller ----
    const caBundle = this.ensureWorkbenchCaBundle(nb);
    if (oauth) {
      this.ensure(this.odh, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name,
          namespace: ns,
          labels: { 'notebook-name': name },
          annotations: {
            'serviceaccounts.openshift.io/oauth-redirectreference.first': JSON.stringify({
              kind: 'OAuthRedirectReference',
              apiVersion: 'v1',
              reference: { kind: 'Route', name },
            }),
          },
          ownerReferences: [ownerReference(nb)],
        },
      });
      if (!this.odh.get('v1', 'Secret', `${name}-oauth-config`, ns)) {
        this.odh.create({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: {
            name: `${name}-oauth-config`,
            namespace: ns,
            labels: { 'notebook-name': name },
            ownerReferences: [ownerReference(nb)],
          },
          data: { cookie_secret: Buffer.from(randomBytes(16).toString('hex')).toString('base64') },
        });
      }
      this.ensure(this.odh, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: `${name}-tls`,
          namespace: ns,
          labels: { 'notebook-name': name },
          annotations: { 'service.beta.openshift.io/serving-cert-secret-name': `${name}-tls` },
          ownerReferences: [ownerReference(nb)],
        },
        spec: { selector: { statefulset: name }, ports: [{ name: 'oauth-proxy', port: 443, protocol: 'TCP', targetPort: 'oauth-proxy' }] },
      });
    }
    this.ensure(this.odh, {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name, namespace: ns, labels: { 'notebook-name': name }, ownerReferences: [ownerReference(nb)] },
      spec: oauth
        ? {
            to: { kind: 'Service', name: `${name}-tls`, weight: 100 },
            port: { targetPort: 'oauth-proxy' },
            tls: { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
            wildcardPolicy: 'None',
          }
        : {
            to: { kind: 'Service', name, weight: 100 },
            port: { targetPort: `http-${name}` },
            tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
            wildcardPolicy: 'None',
          },
    });
    this.ensureNetworkPolicies(nb, appNs, oauth);

    // ---- notebook-controller ----
    this.ensure(this.kubeflow, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, ownerReferences: [ownerReference(nb)] },
      spec: {
        type: 'ClusterIP',
        selector: { statefulset: name },
        ports: [{ name: `http-${name}`, port: 80, protocol: 'TCP', targetPort: containers[0].ports?.[0]?.containerPort ?? DEFAULT_PORT }],
      },
    });
    // The pod mounts these Secrets: it waits for them, as a pod waits in ContainerCreating.
    const mountsReady =
      !oauth || (this.kubeflow.get('v1', 'Secret', `${name}-tls`, ns) && this.kubeflow.get('v1', 'Secret', `${name}-oauth-config`, ns));
    if (mountsReady) this.ensureStatefulSet(nb, oauth, caBundle);
    this.updateStatus(nb);
  }

  /** Creates the object, or updates the fields it sets when they drifted. */
  private ensure(client: TwinClient, desired: KObject): KObject {
    const live = client.get(desired.apiVersion, desired.kind, desired.metadata.name!, desired.metadata.namespace);
    if (!live) return client.create(desired);
    const { metadata, ...rest } = desired;
    if (contains(live, rest) && contains(live.metadata, { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} }))
      return live;
    return client.patch(desired.apiVersion, desired.kind, desired.metadata.name!, desired.metadata.namespace, {
      metadata: { labels: metadata.labels, annotations: metadata.annotations },
      ...rest,
    });
  }

  /** workbench-trusted-ca-bundle from odh-trusted-ca-bundle (both keys in one ca-bundle.crt), when the namespace has it. */
  private ensureWorkbenchCaBundle(nb: KObject): boolean {
    const ns = nb.metadata.namespace!;
    const cluster = this.odh.get('v1', 'ConfigMap', CLUSTER_CA, ns);
    if (!cluster) return false;
    const bundle = [cluster.data?.['ca-bundle.crt'], cluster.data?.['odh-ca-bundle.crt']]
      .filter((s): s is string => !!s?.trim())
      .map((s) => s.trim())
      .join('\n');
    const live = this.odh.get('v1', 'ConfigMap', WORKBENCH_CA, ns);
    const labels = { 'opendatahub.io/managed-by': 'workbenches', 'opendatahub.io/notebooks': 'true' };
    if (!live)
      this.odh.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: WORKBENCH_CA, namespace: ns, labels },
        data: { 'ca-bundle.crt': bundle },
      });
    else if (live.data?.['ca-bundle.crt'] !== bundle)
      this.odh.patch('v1', 'ConfigMap', WORKBENCH_CA, ns, { data: { 'ca-bundle.crt': bundle } });
    return true;
  }

  private ensureNetworkPolicies(nb: KObject, appNs: string, oauth: boolean): void {
    const name = nb.metadata.name!;
    const ns = nb.metadata.namespace!;
    const policy = (suffix: string, port: number, from: Record<string, unknown>[] | undefined): KObject => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${name}-${suffix}`, namespace: ns, ownerReferences: [ownerReference(nb)] },
      spec: {
        podSelector: { matchLabels: { 'notebook-name': name } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port, protocol: 'TCP' }], ...(from ? { from } : {}) }],
      },
    });
    this.ensure(
      this.odh,
      policy('ctrl-np', DEFAULT_PORT, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': appNs } } }]),
    );
    if (oauth) this.ensure(this.odh, policy('oauth-np', 8443, undefined));
  }

  private ensureStatefulSet(nb: KObject, oauth: boolean, caBundle: boolean): void {
    const name = nb.metadata.name!;
    const ns = nb.metadata.namespace!;
    const annotations = nb.metadata.annotations ?? {};
    const stopped = annotations[STOP_ANNOTATION] !== undefined && annotations[STOP_ANNOTATION] !== RECONCILIATION_LOCK;
    const podSpec: KObject = structuredClone(nb.spec.template.spec);
    const first = podSpec.containers[0];
    first.workingDir ??= '/home/jovyan';
    first.ports ??= [{ containerPort: DEFAULT_PORT, name: 'notebook-port', protocol: 'TCP' }];
    first.env = [
      ...(first.env ?? []).filter((e: KObject) => e.name !== 'NB_PREFIX'),
      { name: 'NB_PREFIX', value: `/notebook/${ns}/${name}` },
    ];
    // The ODH webhook's changes.
    const main = podSpec.containers.find((c: KObject) => c.name === name);
    if (caBundle && main) {
      podSpec.volumes = [
        ...(podSpec.volumes ?? []).filter((v: KObject) => v.name !== 'trusted-ca'),
        { name: 'trusted-ca', configMap: { name: WORKBENCH_CA, optional: true, items: [{ key: 'ca-bundle.crt', path: 'ca-bundle.crt' }] } },
      ];
      main.volumeMounts = [
        ...(main.volumeMounts ?? []).filter((m: KObject) => m.name !== 'trusted-ca'),
        { name: 'trusted-ca', readOnly: true, mountPath: CA_MOUNT, subPath: 'ca-bundle.crt' },
      ];
      const present = new Set((main.env ?? []).map((e: KObject) => e.name));
      main.env = [
        ...(main.env ?? []),
        ...['PIP_CERT', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'PIPELINES_SSL_SA_CERTS']
          .filter((n) => !present.has(n) && !(n === 'PIPELINES_SSL_SA_CERTS' && this.ctx.faults.has(PIPELINES_CA_FAULT)))
          .map((n) => ({ name: n, value: CA_MOUNT })),
      ];
    }
    if (oauth) {
      podSpec.containers = [
        ...podSpec.containers.filter((c: KObject) => c.name !== 'oauth-proxy'),
        oauthProxyContainer(name, annotations[LOGOUT_URL]),
      ];
      podSpec.volumes = [
        ...(podSpec.volumes ?? []).filter((v: KObject) => v.name !== 'oauth-config' && v.name !== 'tls-certificates'),
        { name: 'oauth-config', secret: { secretName: `${name}-oauth-config`, defaultMode: 420 } },
        { name: 'tls-certificates', secret: { secretName: `${name}-tls`, defaultMode: 420 } },
      ];
      podSpec.serviceAccountName = name;
    }
    const podAnnotations = Object.fromEntries(
      Object.entries(annotations).filter(([k]) => !k.includes('kubectl') && !k.includes('notebook')),
    );
    this.ensure(this.kubeflow, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: ns, ownerReferences: [ownerReference(nb)] },
      spec: {
        replicas: stopped ? 0 : 1,
        selector: { matchLabels: { statefulset: name } },
        serviceName: '',
        template: {
          metadata: { labels: { statefulset: name, 'notebook-name': name, ...(nb.metadata.labels ?? {}) }, annotations: podAnnotations },
          spec: podSpec,
        },
      },
    });
  }

  private updateStatus(nb: KObject): void {
    const name = nb.metadata.name!;
    const ns = nb.metadata.namespace!;
    const sts = this.kubeflow.get('apps/v1', 'StatefulSet', name, ns);
    const pod = this.kubeflow.get('v1', 'Pod', `${name}-0`, ns);
    const live = pod && !pod.metadata.deletionTimestamp ? pod : undefined;
    const state = live?.status?.containerStatuses?.find((s: KObject) => s.name === name)?.state ?? {};
    const conditions = (live?.status?.conditions ?? []).map((c: KObject) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { lastProbeTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime } : {}),
    }));
    const status = { readyReplicas: sts?.status?.readyReplicas ?? 0, containerState: state, conditions };
    if (JSON.stringify(nb.status ?? {}) !== JSON.stringify(status))
      this.kubeflow.patchStatus(NOTEBOOK_API, 'Notebook', name, ns, { ...status, conditions });
  }
}

/** The sidecar the ODH webhook injects (odh-notebook-controller notebook_webhook.go InjectOAuthProxy). */
function oauthProxyContainer(name: string, logoutUrl: string | undefined): Record<string, unknown> {
  const probe = (initialDelaySeconds: number) => ({
    httpGet: { path: '/oauth/healthz', port: 'oauth-proxy', scheme: 'HTTPS' },
    initialDelaySeconds,
    timeoutSeconds: 1,
    periodSeconds: 5,
    successThreshold: 1,
    failureThreshold: 3,
  });
  return {
    name: 'oauth-proxy',
    image: OAUTH_PROXY_IMAGE,
    imagePullPolicy: 'Always',
    env: [{ name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
    args: [
      '--provider=openshift',
      '--https-address=:8443',
      '--http-address=',
      `--openshift-service-account=${name}`,
      '--cookie-secret-file=/etc/oauth/config/cookie_secret',
      '--cookie-expire=24h0m0s',
      '--tls-cert=/etc/tls/private/tls.crt',
      '--tls-key=/etc/tls/private/tls.key',
      '--upstream=http://localhost:8888',
      '--upstream-ca=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      '--email-domain=*',
      '--skip-provider-button',
      `--openshift-sar={"verb":"get","resource":"notebooks","resourceAPIGroup":"kubeflow.org","resourceName":"${name}","namespace":"$(NAMESPACE)"}`,
      ...(logoutUrl ? [`--logout-url=${logoutUrl}`] : []),
    ],
    ports: [{ name: 'oauth-proxy', containerPort: 8443, protocol: 'TCP' }],
    livenessProbe: probe(30),
    readinessProbe: probe(5),
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    volumeMounts: [
      { name: 'oauth-config', mountPath: '/etc/oauth/config' },
      { name: 'tls-certificates', mountPath: '/etc/tls/private' },
    ],
  };
}

/** The twin's digest of tensorflow:2024.1 and :2023.2 as the dashboard's ImageStreams import them. */
/** The digest an image stream tag of the dashboard's catalogue resolves to (twin/controllers/dashboard.ts). */
function streamDigest(stream: string, tag: string): string {
  return createHash('sha256').update(`${stream}:${tag}`).digest('hex');
}
