// The faults every controller module implements, gathered for the catalogue.
import type { FaultDefinition } from '../faults';
import { OLM_FAULTS } from './olm';
import { RHOAI_OPERATOR_FAULTS } from './rhoai-operator';
import { WORKLOAD_FAULTS } from './workloads';

export const CONTROLLER_FAULTS: FaultDefinition[] = [...OLM_FAULTS, ...WORKLOAD_FAULTS, ...RHOAI_OPERATOR_FAULTS];
