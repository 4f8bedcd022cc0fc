// A cluster in use, under a fault: what its administrators and other teams have set up before
// RHOAI comes, and what its storage suffers — the ordinary things that stop a data scientist on a
// real cluster though RHOAI itself is healthy.
// - A project request template (OpenShift's "Configuring project creation": a Template in
//   openshift-config named by project.config.openshift.io/cluster spec.projectRequestTemplate)
//   that puts a LimitRange `<project>-core-resource-limits` in every new project, as the docs'
//   example does; the API server's LimitRanger (twin/api/limit-ranger.ts) then refuses pods whose
//   containers ask for more, and the StatefulSet shows FailedCreate.
// - Another team's pod holding the only NVIDIA GPU (scheduled like any pod, so the scheduler finds
//   Insufficient nvidia.com/gpu for the next one).
// - No default StorageClass (the cluster's default was unset, or its CSI driver never installed):
//   claims without a class stay Pending (the PV controller's FailedBinding), pods using them are
//   unschedulable (twin/controllers/workloads.ts).
// - A project's MinIO whose drive is full, or that lost its read quorum (twin/emulators/minio/faults.ts).
// - A custom ClusterRole aggregated into `edit` (rbac.authorization.k8s.io/aggregate-to-edit) that
//   lets editors manage RoleBindings, so "edit" can change a project's permissions.
// - A policy engine's validating webhook (Kyverno's library policy disallow-secrets-from-env-vars,
//   matched to data science projects) that refuses pods taking Secrets as environment variables.
// - External Secrets Operator keeping the S3 keys of data connections in sync with a vault that
//   rotated them: the Secret changes after the workbench started, its environment is stale.
// - A GitOps controller (Argo CD with managedNamespaceMetadata) that owns requested projects'
//   Namespaces and prunes labels Git does not have, opendatahub.io/dashboard among them.
// - External Secrets Operator owning openshift-config/htpass-secret (synced from a vault): each
//   refresh writes the vault's htpasswd back over any other change.
// - Argo CD (self-heal) owning knative-serving/knative-local-gateway as upstream net-istio ships it
//   (plain HTTP on 8081): it syncs Git's servers back over gateways.yaml's.
// - An administrator who switched multi-model serving off in the dashboard's Cluster settings
//   (odh-dashboard-config spec.dashboardConfig.disableModelMesh: true, written by the dashboard's backend).
// Upstream behaviour followed: openshift/openshift-apiserver
// pkg/project/apiserver/registry/projectrequest/delegated/delegated.go (template processing);
// kubernetes plugin/pkg/admission/limitranger/admission.go (limits);
// kubernetes pkg/controller/volume/persistentvolume/pv_controller.go (FailedBinding "no persistent
// volumes available for this claim and no storage class is set");
// kubernetes pkg/scheduler/framework/plugins/volumebinding ("pod has unbound immediate
// PersistentVolumeClaims") and noderesources/fit.go ("Insufficient <resource>");
// kubernetes pkg/controller/clusterroleaggregation (aggregated rules);
// kyverno/policies other/disallow-secrets-from-env-vars (rule and message) and kyverno
// pkg/webhooks/resource/validation (the denial's wording);
// external-secrets pkg/controllers/externalsecret (a refresh rewrites the target Secret's data);
// argo-cd controller/sync.go with selfHeal (a live object that drifts from Git is synced back);
// knative-extensions/net-istio config/200-gateway.yaml and 203-local-gateway.yaml (knative-local-gateway:
// port 8081, protocol HTTP, no TLS); odh-dashboard backend/src/routes/api/config (the Cluster
// settings page patches odh-dashboard-config's dashboardConfig).
import { randomBytes } from 'node:crypto';
import * as bcrypt from 'bcryptjs';
import type { TwinClient } from '../api/client';
import { ApiError, type KObject } from '../api/types';
import { failingMinio, MINIO_READ_QUORUM, MINIO_STORAGE_FULL } from '../emulators/minio/faults';
import type { FaultDefinition } from '../fault-definition';
import { workloadRuntimeOf } from '../network/index';
import { applicationsNamespace } from './kueue';
import type { Controller, ControllerContext } from './runtime';

/** The htpasswd Secret of the docs (oc create secret generic htpass-secret -n openshift-config). */
const HTPASSWD_SECRET = { name: 'htpass-secret', namespace: 'openshift-config' };

/** The dashboard's notebook sizes (odh-dashboard-config) and, per size, a container cpu cap that the size exceeds but the next smaller one fits. */
const SIZE_CAPS = [
  { size: 'Small', id: 'UI-WB-08', fault: 'project-template-limits-below-small', cap: '1', limit: '2' },
  { size: 'Medium', id: 'UI-WB-09', fault: 'project-template-limits-below-medium', cap: '4', limit: '6' },
  { size: 'Large', id: 'UI-WB-10', fault: 'project-template-limits-below-large', cap: '8', limit: '14' },
  { size: 'X Large', id: 'UI-WB-11', fault: 'project-template-limits-below-xlarge', cap: '16', limit: '30' },
];

export const GPU_HELD_FAULT = 'gpu-held-by-another-project';
export const NO_DEFAULT_STORAGE_CLASS_FAULT = 'no-default-storage-class';
const EDIT_MANAGES_BINDINGS_FAULT = 'edit-role-aggregates-rolebindings';
const SECRET_ENV_POLICY_FAULT = 'policy-disallows-secrets-in-env';
const ROTATED_KEYS_FAULT = 'external-secrets-rotates-s3-keys';
const LABEL_PRUNING_FAULT = 'gitops-prunes-project-labels';
const HTPASSWD_SYNC_FAULT = 'external-secrets-owns-htpasswd';
const GATEWAY_SYNC_FAULT = 'gitops-reverts-local-gateway';
const MULTI_MODEL_OFF_FAULT = 'dashboard-multi-model-switched-off';
const DASHBOARD_LABEL = 'opendatahub.io/dashboard';
/** net-istio's knative-local-gateway servers (config/203-local-gateway.yaml): what the GitOps repository holds. */
const NET_ISTIO_LOCAL_SERVERS = [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }];
const TEMPLATE = 'project-request';

export const CLUSTER_IN_USE_FAULTS: FaultDefinition[] = [
  ...SIZE_CAPS.map(({ size, id, fault, cap, limit }) => ({
    name: fault,
    description: `The cluster's project request template puts a LimitRange in every new project that caps a container at ${cap} CPU, below the limit of the workbench size "${size}" (${limit} CPU in odh-dashboard-config): the API server refuses the workbench's pod and its StatefulSet shows FailedCreate`,
    caughtBy: `@req.${id}`,
    expectMessage: `maximum cpu usage per Container is ${cap}, but limit is ${limit}`,
  })),
  {
    name: GPU_HELD_FAULT,
    description:
      "Another team's pod (project vision-team) holds the cluster's only NVIDIA GPU: a GPU workbench stays Pending, Insufficient nvidia.com/gpu",
    caughtBy: '@req.UI-WB-12',
    expectMessage: 'Insufficient nvidia.com/gpu',
  },
  {
    name: NO_DEFAULT_STORAGE_CLASS_FAULT,
    description:
      'The cluster has no default StorageClass: a workbench\'s cluster storage (a claim without a class) stays Pending, "no persistent volumes available for this claim and no storage class is set", and the workbench pod is unschedulable',
    caughtBy: '@req.UI-WB-15 and @req.UI-STO-03',
    expectMessage: 'no storage class is set',
  },
  {
    name: MINIO_STORAGE_FULL,
    description:
      "The drive under a project's MinIO is full: MinIO refuses every object write with 507 XMinioStorageFull (buckets can still be made)",
    caughtBy: '@req.UI-STO-01 and @req.UI-DC-01',
    expectMessage: 'XMinioStorageFull',
  },
  {
    name: MINIO_READ_QUORUM,
    description:
      "A project's MinIO lost more drives than erasure coding bears: writes are acknowledged but every object read fails with 503 XMinioReadQuorum",
    caughtBy: '@req.UI-STO-02',
    expectMessage: 'XMinioReadQuorum',
  },
  {
    name: EDIT_MANAGES_BINDINGS_FAULT,
    description:
      'A custom ClusterRole aggregated into edit (label rbac.authorization.k8s.io/aggregate-to-edit) grants managing RoleBindings, so a user with "edit" on a project can change its permissions',
    caughtBy: '@req.UI-PERM-01',
    expectMessage: 'may create rolebindings',
  },
  {
    name: SECRET_ENV_POLICY_FAULT,
    description:
      "A Kyverno policy (the library's disallow-secrets-from-env-vars, enforced in data science projects) refuses pods that take Secrets as environment variables: a workbench with Secret variables is never created",
    caughtBy: '@req.UI-WB-14',
    expectMessage: 'disallow-secrets-from-env-vars',
  },
  {
    name: ROTATED_KEYS_FAULT,
    description:
      "External Secrets Operator syncs the data connections' S3 keys from a vault that rotated them: once a workbench runs, its data connection's Secret gets new keys, and the workbench's environment holds the old ones",
    caughtBy: '@req.UI-WB-16 or @req.UI-WB-17',
    expectMessage: 'differs from the data connection',
  },
  {
    name: LABEL_PRUNING_FAULT,
    description: `Argo CD owns every requested project's Namespace (managedNamespaceMetadata) and prunes labels that Git does not have: ${DASHBOARD_LABEL} is removed, so the dashboard does not list the project`,
    caughtBy: '@req.UI-PRJ-01',
    expectMessage: `is not labelled ${DASHBOARD_LABEL}=true`,
  },
  {
    name: HTPASSWD_SYNC_FAULT,
    description:
      "External Secrets Operator owns openshift-config/htpass-secret (an ExternalSecret synced from a vault): each refresh writes the vault's htpasswd back, so the admin user's entry added to the Secret disappears",
    caughtBy: '@req.INS-ADM-02',
    expectMessage: 'last written by external-secrets',
  },
  {
    name: GATEWAY_SYNC_FAULT,
    description:
      "Argo CD (self-heal) owns the Gateway knative-serving/knative-local-gateway as upstream net-istio ships it: it syncs Git's plain-HTTP server on 8081 back over the ISTIO_MUTUAL server of gateways.yaml",
    caughtBy: '@req.INS-GW-06',
    expectMessage: 'last written by argocd-application-controller',
  },
  {
    name: MULTI_MODEL_OFF_FAULT,
    description:
      "An administrator switched multi-model serving off in the dashboard's Cluster settings after the install: odh-dashboard-config has disableModelMesh: true, so the dashboard offers no multi-model platform",
    caughtBy: '@req.CMP-05',
    expectMessage: 'disableModelMesh: true',
  },
];

export class ClusterInUse implements Controller {
  readonly name = 'cluster-admin';
  private readonly client: TwinClient;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('system:admin', 'kube:admin');
  }

  start(): void {
    const caps = SIZE_CAPS.find((s) => this.ctx.faults.has(s.fault));
    if (caps) this.projectTemplateLimits(caps.cap);
    if (this.ctx.faults.has(GPU_HELD_FAULT)) this.holdGpu();
    for (const fault of [MINIO_STORAGE_FULL, MINIO_READ_QUORUM])
      if (this.ctx.faults.has(fault)) workloadRuntimeOf(this.ctx).emulators.register(failingMinio(fault));
    if (this.ctx.faults.has(EDIT_MANAGES_BINDINGS_FAULT)) this.editManagesBindings();
    if (this.ctx.faults.has(SECRET_ENV_POLICY_FAULT)) this.ctx.api.admissionWebhooks.push((rt, obj) => this.refuseSecretEnv(rt.kind, obj));
    if (this.ctx.faults.has(ROTATED_KEYS_FAULT))
      this.client.watch('v1', 'Pod', (type, pod) => type !== 'DELETED' && this.rotateKeysOf(pod));
    if (this.ctx.faults.has(HTPASSWD_SYNC_FAULT)) this.syncHtpasswdFromVault();
    if (this.ctx.faults.has(GATEWAY_SYNC_FAULT))
      this.client.watch('networking.istio.io/v1beta1', 'Gateway', (type, gw) => type !== 'DELETED' && this.syncGatewayFromGit(gw));
    if (this.ctx.faults.has(MULTI_MODEL_OFF_FAULT)) this.switchMultiModelOff();
    if (this.ctx.faults.has(LABEL_PRUNING_FAULT))
      this.client.watch('v1', 'Namespace', (type, ns) => type !== 'DELETED' && this.pruneLabels(ns));
    if (this.ctx.faults.has(NO_DEFAULT_STORAGE_CLASS_FAULT)) {
      for (const sc of this.client.list('storage.k8s.io/v1', 'StorageClass')) {
        if (sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')
          this.client.patch('storage.k8s.io/v1', 'StorageClass', sc.metadata.name!, undefined, {
            metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
          });
      }
    }
  }

  /** The docs' example project template with a LimitRange (oc adm create-bootstrap-project-template, then edited). */
  private projectTemplateLimits(cpu: string): void {
    this.client.create({
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name: TEMPLATE, namespace: 'openshift-config' },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: '${PROJECT_NAME}-core-resource-limits', namespace: '${PROJECT_NAME}' },
          spec: {
            limits: [
              {
                type: 'Container',
                max: { cpu },
                default: { cpu: '500m', memory: '1024Mi' },
                defaultRequest: { cpu: '50m', memory: '256Mi' },
              },
            ],
          },
        },
      ],
      parameters: ['PROJECT_NAME', 'PROJECT_DISPLAYNAME', 'PROJECT_DESCRIPTION', 'PROJECT_ADMIN_USER', 'PROJECT_REQUESTING_USER'].map(
        (name) => ({ name }),
      ),
    });
    this.client.patch('config.openshift.io/v1', 'Project', 'cluster', undefined, { spec: { projectRequestTemplate: { name: TEMPLATE } } });
  }

  private holdGpu(): void {
    this.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vision-team' } });
    this.client.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'detector-training-0', namespace: 'vision-team' },
      spec: {
        containers: [
          {
            name: 'train',
            image: 'nvcr.io/nvidia/pytorch:24.04-py3',
            resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } },
          },
        ],
        tolerations: [{ key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  }

  private editManagesBindings(): void {
    this.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'team-access-managers', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
      rules: [
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings'],
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        },
      ],
    });
  }

  /** Kyverno's disallow-secrets-from-env-vars, enforced for pods of data science projects. */
  private refuseSecretEnv(kind: string, pod: KObject): void {
    if (kind !== 'Pod' || this.client.get('v1', 'Namespace', pod.metadata.namespace!)?.metadata.labels?.[DASHBOARD_LABEL] !== 'true')
      return;
    const containers = (pod.spec?.containers ?? []) as KObject[];
    for (const [i, c] of containers.entries()) {
      const envFrom = ((c.envFrom ?? []) as KObject[]).findIndex((e) => e.secretRef);
      const env = ((c.env ?? []) as KObject[]).findIndex((e) => e.valueFrom?.secretKeyRef);
      const [rule, path] =
        envFrom >= 0
          ? ['secrets-not-from-envfrom', `/spec/containers/${i}/envFrom/${envFrom}/secretRef/`]
          : env >= 0
            ? ['secrets-not-from-env', `/spec/containers/${i}/env/${env}/valueFrom/secretKeyRef/`]
            : [];
      if (!rule) continue;
      throw new ApiError(
        400,
        'BadRequest',
        `admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Pod/${pod.metadata.namespace}/${pod.metadata.name} was blocked due to the following policies \n\ndisallow-secrets-from-env-vars:\n  ${rule}: 'validation error: Secrets must be mounted as volumes, not as environment variables. rule ${rule} failed at path ${path}'`,
      );
    }
  }

  /** An ExternalSecret refresh after the vault rotated the keys: once a pod using a data connection is ready, its Secret gets new keys. */
  private rotateKeysOf(pod: KObject): void {
    if (!pod.status?.conditions?.some((c: KObject) => c.type === 'Ready' && c.status === 'True')) return;
    const names = ((pod.spec?.containers ?? []) as KObject[])
      .flatMap((c) => ((c.envFrom ?? []) as KObject[]).map((e) => e.secretRef?.name as string | undefined))
      .filter((n): n is string => !!n?.startsWith('aws-connection-'));
    for (const name of names) {
      const secret = this.client.get('v1', 'Secret', name, pod.metadata.namespace);
      if (!secret || secret.metadata.annotations?.['reconcile.external-secrets.io/rotated-for'] === pod.metadata.uid) continue;
      const b64 = (v: string) => Buffer.from(v).toString('base64');
      this.client.as('external-secrets').patch('v1', 'Secret', name, pod.metadata.namespace, {
        metadata: { annotations: { 'reconcile.external-secrets.io/rotated-for': pod.metadata.uid } },
        data: {
          AWS_ACCESS_KEY_ID: b64(`AKIA${randomBytes(8).toString('hex').toUpperCase()}`),
          AWS_SECRET_ACCESS_KEY: b64(randomBytes(30).toString('base64')),
        },
      });
    }
  }

  /** ExternalSecret htpass-secret: the vault's htpasswd (one user of its own) is the Secret's, at start and after every other write. */
  private syncHtpasswdFromVault(): void {
    const vault = Buffer.from(`vault-admin:${bcrypt.hashSync(randomBytes(12).toString('hex'), 5)}\n`).toString('base64');
    const eso = this.client.as('external-secrets');
    const sync = (secret: KObject | undefined) => {
      if (secret?.data?.htpasswd === vault) return;
      if (secret) eso.patch('v1', 'Secret', HTPASSWD_SECRET.name, HTPASSWD_SECRET.namespace, { data: { htpasswd: vault } });
      else
        eso.create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { ...HTPASSWD_SECRET, labels: { 'reconcile.external-secrets.io/created-by': 'htpass-secret' } },
          type: 'Opaque',
          data: { htpasswd: vault },
        });
    };
    sync(this.client.get('v1', 'Secret', HTPASSWD_SECRET.name, HTPASSWD_SECRET.namespace));
    this.client.watch('v1', 'Secret', (type, secret) => {
      if (secret.metadata.namespace !== HTPASSWD_SECRET.namespace || secret.metadata.name !== HTPASSWD_SECRET.name) return;
      sync(type === 'DELETED' ? undefined : secret);
    });
  }

  /** Argo CD self-heal: the live knative-local-gateway's servers are Git's (net-istio's) again. */
  private syncGatewayFromGit(gw: KObject): void {
    if (gw.metadata.namespace !== 'knative-serving' || gw.metadata.name !== 'knative-local-gateway') return;
    if (JSON.stringify(gw.spec?.servers) === JSON.stringify(NET_ISTIO_LOCAL_SERVERS)) return;
    this.client
      .as('argocd-application-controller')
      .patch('networking.istio.io/v1beta1', 'Gateway', gw.metadata.name, gw.metadata.namespace, {
        spec: { servers: NET_ISTIO_LOCAL_SERVERS },
      });
  }

  /** The Cluster settings page, saved with multi-model serving unticked: the dashboard's backend patches odh-dashboard-config. */
  private switchMultiModelOff(): void {
    const namespace = applicationsNamespace(this.client);
    const off = (config: KObject) => {
      if (config.metadata.namespace !== namespace || config.metadata.name !== 'odh-dashboard-config') return;
      if (config.spec?.dashboardConfig?.disableModelMesh === true) return;
      this.client.as('odh-dashboard').patch(config.apiVersion, 'OdhDashboardConfig', config.metadata.name, namespace, {
        spec: { dashboardConfig: { disableModelMesh: true } },
      });
    };
    // Once, after the install: as soon as the config holds what the installer applied (at start on a restored cluster).
    let done = false;
    const stop = this.client.watch('opendatahub.io/v1alpha', 'OdhDashboardConfig', (type, config) => {
      const installed = (config.metadata.managedFields ?? []).some((m) => m.manager === 'rhoai-harness');
      if (done || type === 'DELETED' || !installed) return;
      done = true;
      off(config);
      queueMicrotask(() => stop());
    });
  }

  /** Argo CD's managed namespace metadata: labels of requested projects that Git does not have go. */
  private pruneLabels(ns: KObject): void {
    if (!ns.metadata.annotations?.['openshift.io/requester'] || ns.metadata.labels?.[DASHBOARD_LABEL] === undefined) return;
    this.client
      .as('argocd-application-controller')
      .patch('v1', 'Namespace', ns.metadata.name!, undefined, { metadata: { labels: { [DASHBOARD_LABEL]: null } } });
  }
}
