// The catalogue of ways the twin can be told to fail: the transport's faults and every
// controller's (see fault-definition.ts for an entry's shape, fault-set.ts for the switches).
import { API_FAULTS } from './api/api-faults';
import { CONTROLLER_FAULTS } from './controllers/faults';
import type { FaultDefinition } from './fault-definition';
import { FaultSet } from './fault-set';

export type { FaultDefinition } from './fault-definition';
export { FaultSet, UnknownFaultError } from './fault-set';

export const FAULT_CATALOGUE: FaultDefinition[] = [...API_FAULTS, ...CONTROLLER_FAULTS];

/** The faults of one twin process; an unknown name is an UnknownFaultError listing the known ones. */
export function faultSet(names: string[]): FaultSet {
  return new FaultSet(names, FAULT_CATALOGUE);
}
