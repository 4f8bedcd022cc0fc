// The faults every controller module implements, gathered for the catalogue.
import type { FaultDefinition } from '../fault-definition';
import { AUTHORINO_FAULTS } from './authorino';
import { CLUSTER_IN_USE_FAULTS } from './cluster-in-use';
import { CODEFLARE_FAULTS } from './codeflare';
import { DASHBOARD_FAULTS } from './dashboard';
import { ISTIO_GATEWAY_FAULTS } from './istio-gateways';
import { KSERVE_FAULTS } from './kserve';
import { KUEUE_FAULTS } from './kueue';
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
  ...DATA_SCIENCE_PIPELINES_FAULTS,
];
