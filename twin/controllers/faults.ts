// The faults every controller module implements, gathered for the catalogue.
import type { FaultDefinition } from '../fault-definition';
import { AUTHORINO_FAULTS } from './authorino';
import { CLUSTER_IN_USE_FAULTS } from './cluster-in-use';
import { CLUSTER_PROXY_FAULTS } from './cluster-proxy';
import { CODEFLARE_FAULTS } from './codeflare';
import { DASHBOARD_FAULTS } from './dashboard';
import { DOMAIN_MAPPING_FAULTS } from './domain-mapping';
import { ISTIO_GATEWAY_FAULTS } from './istio-gateways';
import { KSERVE_FAULTS } from './kserve';
import { KUEUE_FAULTS } from './kueue';
import { KUEUE_WORKLOAD_FAULTS } from './kueue-workloads';
import { KUBERAY_FAULTS } from './kuberay';
import { WORKBENCH_OC_FAULTS } from '../emulators/workbench/oc';
import { MACHINE_CONFIG_FAULTS } from './machine-config';
import { MODELMESH_FAULTS } from './modelmesh';
import { NOTEBOOK_FAULTS } from './notebooks';
import { OAUTH_FAULTS } from './oauth-server';
import { ODH_MODEL_CONTROLLER_FAULTS } from './odh-model-controller';
import { OLM_FAULTS } from './olm';
import { OPENVINO_FAULTS } from '../emulators/openvino';
import { RBAC_BOOTSTRAP_FAULTS } from './rbac-bootstrap';
import { RHOAI_OPERATOR_FAULTS } from './rhoai-operator';
import { SERVERLESS_FAULTS } from './serverless';
import { SERVICE_MESH_FAULTS } from './service-mesh';
import { TEXT_GENERATION_FAULTS } from '../emulators/text-generation';
import { TRUSTED_CA_FAULTS } from './trusted-ca-bundle';
import { WORKLOAD_FAULTS } from './workloads';
import { DATA_SCIENCE_PIPELINES_FAULTS } from './data-science-pipelines';
import { LEFTOVER_FAULTS } from './leftovers';
import { ELYRA_FAULTS } from '../emulators/workbench/elyra';
import { ELYRA_RUN_FAULTS } from '../emulators/pipelines/elyra-faults';
import { CODEFLARE_SDK_FAULTS } from '../emulators/codeflare-sdk/index';

export const CONTROLLER_FAULTS: FaultDefinition[] = [
  ...OLM_FAULTS,
  ...WORKLOAD_FAULTS,
  ...OAUTH_FAULTS,
  ...RHOAI_OPERATOR_FAULTS,
  ...TRUSTED_CA_FAULTS,
  ...DASHBOARD_FAULTS,
  ...SERVICE_MESH_FAULTS,
  ...SERVERLESS_FAULTS,
  ...ISTIO_GATEWAY_FAULTS,
  ...AUTHORINO_FAULTS,
  ...KUEUE_FAULTS,
  ...CODEFLARE_FAULTS,
  ...NOTEBOOK_FAULTS,
  ...CLUSTER_IN_USE_FAULTS,
  ...KSERVE_FAULTS,
  ...MODELMESH_FAULTS,
  ...ODH_MODEL_CONTROLLER_FAULTS,
  ...OPENVINO_FAULTS,
  ...RBAC_BOOTSTRAP_FAULTS,
  ...TEXT_GENERATION_FAULTS,
  ...KUEUE_WORKLOAD_FAULTS,
  ...KUBERAY_FAULTS,
  ...WORKBENCH_OC_FAULTS,
  ...DOMAIN_MAPPING_FAULTS,
  ...CLUSTER_PROXY_FAULTS,
  ...MACHINE_CONFIG_FAULTS,
  ...DATA_SCIENCE_PIPELINES_FAULTS,
  ...LEFTOVER_FAULTS,
  ...ELYRA_FAULTS,
  ...ELYRA_RUN_FAULTS,
  ...CODEFLARE_SDK_FAULTS,
];
