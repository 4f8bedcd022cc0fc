// What the administrators of a cluster in use have set up before RHOAI comes, under a fault: the
// ordinary things that stop a workbench on a real cluster though RHOAI itself is healthy.
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
// Upstream behaviour followed: openshift/openshift-apiserver
// pkg/project/apiserver/registry/projectrequest/delegated/delegated.go (template processing);
// kubernetes plugin/pkg/admission/limitranger/admission.go (limits);
// kubernetes pkg/controller/volume/persistentvolume/pv_controller.go (FailedBinding "no persistent
// volumes available for this claim and no storage class is set");
// kubernetes pkg/scheduler/framework/plugins/volumebinding ("pod has unbound immediate
// PersistentVolumeClaims") and noderesources/fit.go ("Insufficient <resource>").
import type { TwinClient } from '../api/client';
import type { FaultDefinition } from '../fault-definition';
import type { Controller, ControllerContext } from './runtime';

/** The dashboard's notebook sizes (odh-dashboard-config) and, per size, a container cpu cap that the size exceeds but the next smaller one fits. */
const SIZE_CAPS = [
  { size: 'Small', id: 'UI-WB-08', fault: 'project-template-limits-below-small', cap: '1', limit: '2' },
  { size: 'Medium', id: 'UI-WB-09', fault: 'project-template-limits-below-medium', cap: '4', limit: '6' },
  { size: 'Large', id: 'UI-WB-10', fault: 'project-template-limits-below-large', cap: '8', limit: '14' },
  { size: 'X Large', id: 'UI-WB-11', fault: 'project-template-limits-below-xlarge', cap: '16', limit: '30' },
];

export const GPU_HELD_FAULT = 'gpu-held-by-another-project';
export const NO_DEFAULT_STORAGE_CLASS_FAULT = 'no-default-storage-class';
const TEMPLATE = 'project-request';

export const CLUSTER_ADMIN_FAULTS: FaultDefinition[] = [
  ...SIZE_CAPS.map(({ size, id, fault, cap, limit }) => ({
    name: fault,
    description: `The cluster's project request template puts a LimitRange in every new project that caps a container at ${cap} CPU, below the limit of the workbench size "${size}" (${limit} CPU in odh-dashboard-config): the API server refuses the workbench's pod and its StatefulSet shows FailedCreate`,
    caughtBy: `@req.${id}`,
    expectMessage: `maximum cpu usage per Container is ${cap}, but limit is ${limit}`,
  })),
  {
    name: GPU_HELD_FAULT,
    description: "Another team's pod (project vision-team) holds the cluster's only NVIDIA GPU: a GPU workbench stays Pending, Insufficient nvidia.com/gpu",
    caughtBy: '@req.UI-WB-12',
    expectMessage: 'Insufficient nvidia.com/gpu',
  },
  {
    name: NO_DEFAULT_STORAGE_CLASS_FAULT,
    description: 'The cluster has no default StorageClass: a workbench\'s cluster storage (a claim without a class) stays Pending, "no persistent volumes available for this claim and no storage class is set", and the workbench pod is unschedulable',
    caughtBy: '@req.UI-WB-15',
    expectMessage: 'no storage class is set',
  },
];

export class ClusterAdminSetup implements Controller {
  readonly name = 'cluster-admin';
  private readonly client: TwinClient;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('system:admin', 'kube:admin');
  }

  start(): void {
    const caps = SIZE_CAPS.find((s) => this.ctx.faults.has(s.fault));
    if (caps) this.projectTemplateLimits(caps.cap);
    if (this.ctx.faults.has(GPU_HELD_FAULT)) this.holdGpu();
    if (this.ctx.faults.has(NO_DEFAULT_STORAGE_CLASS_FAULT)) {
      for (const sc of this.client.list('storage.k8s.io/v1', 'StorageClass')) {
        if (sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') this.client.patch('storage.k8s.io/v1', 'StorageClass', sc.metadata.name!, undefined, { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } });
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
          spec: { limits: [{ type: 'Container', max: { cpu }, default: { cpu: '500m', memory: '1024Mi' }, defaultRequest: { cpu: '50m', memory: '256Mi' } }] },
        },
      ],
      parameters: ['PROJECT_NAME', 'PROJECT_DISPLAYNAME', 'PROJECT_DESCRIPTION', 'PROJECT_ADMIN_USER', 'PROJECT_REQUESTING_USER'].map((name) => ({ name })),
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
        containers: [{ name: 'train', image: 'nvcr.io/nvidia/pytorch:24.04-py3', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }],
        tolerations: [{ key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoSchedule' }],
      },
    });
  }
}
