// Every controller of the twin, in start order. The workload controllers (deployments, pods, the
// scheduler, the kubelet) start before the cluster is bootstrapped; the operators after.
import { AuthorinoOperator } from './authorino';
import { ClusterInUse } from './cluster-in-use';
import { ClusterProxy } from './cluster-proxy';
import { CodeFlareOperator } from './codeflare';
import { DashboardComponent } from './dashboard';
import { DomainMappingController } from './domain-mapping';
import { IstioGateways } from './istio-gateways';
import { KServeController } from './kserve';
import { MachineConfigOperator } from './machine-config';
import { KueueController } from './kueue';
import { KueueWorkloads } from './kueue-workloads';
import { KubeRay } from './kuberay';
import { ModelMeshController } from './modelmesh';
import { NotebookController } from './notebooks';
import { OAuthServer } from './oauth-server';
import { OdhModelController } from './odh-model-controller';
import { OlmController } from './olm';
import { PodExec } from './pod-exec';
import { RbacBootstrap } from './rbac-bootstrap';
import { RhoaiOperator } from './rhoai-operator';
import type { Controller, ControllerContext } from './runtime';
import { ServerlessOperator } from './serverless';
import { ServiceCa } from './service-ca';
import { ServiceMeshOperator } from './service-mesh';
import { ServingWorkloads } from './serving-workloads';
import { StatefulSetController } from './statefulsets';
import { TrustedCaBundle } from './trusted-ca-bundle';
import { DataSciencePipelinesOperator } from './data-science-pipelines';
import { EarlierUninstalls } from './leftovers';
import { JobController } from './jobs';

export function operatorControllers(ctx: ControllerContext): Controller[] {
  return [
    new RbacBootstrap(ctx),
    new PodExec(ctx),
    new StatefulSetController(ctx),
    new ClusterInUse(ctx),
    new ServiceCa(ctx),
    new OlmController(ctx),
    new OAuthServer(ctx),
    new RhoaiOperator(ctx),
    new TrustedCaBundle(ctx),
    new DashboardComponent(ctx),
    new ServiceMeshOperator(ctx),
    new ServerlessOperator(ctx),
    new IstioGateways(ctx),
    new AuthorinoOperator(ctx),
    new KueueController(ctx),
    new CodeFlareOperator(ctx),
    new NotebookController(ctx),
    new ServingWorkloads(ctx),
    new KServeController(ctx),
    new ModelMeshController(ctx),
    new OdhModelController(ctx),
    new KueueWorkloads(ctx),
    new KubeRay(ctx),
    new DomainMappingController(ctx),
    new ClusterProxy(ctx),
    new MachineConfigOperator(ctx),
    new DataSciencePipelinesOperator(ctx),
    new EarlierUninstalls(ctx),
    new JobController(ctx),
  ];
}
