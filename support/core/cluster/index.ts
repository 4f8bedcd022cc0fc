// The cluster client: one module every domain uses to talk to the Kubernetes API.
// (client, waits, errors, types, predicates, plan mode); nothing else in the harness opens a connection.
export {
  ClusterClient,
  ClusterConnection,
  secretValuesIn,
  type ClientObserver,
  type ClusterClientOptions,
  type ListOptions,
} from './client';
export { WaitTimeoutError, WaitFailedError, type Verdict, type ObjectPredicate, type ListPredicate, type WaitOptions } from './wait';
export { ApiError, ApiNetworkError, type ApiRequest, type ApiStatus } from './transport';
export { UnknownKindError } from './discovery';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export {
  FIELD_MANAGER,
  conditionOf,
  conditionsOf,
  describeRef,
  refOf,
  type Condition,
  type KObject,
  type ObjectMeta,
  type ObjectRef,
  type PatchType,
} from './types';
export { hasCondition, phaseIs } from './predicates';
export { Plan, NotRunInPlanMode, fieldChanges, type PlanEntry, type PlanAction, type FieldChange } from './plan';
export { canI } from './can-i';
