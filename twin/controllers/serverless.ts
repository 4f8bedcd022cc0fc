// OpenShift Serverless 1.32 (knative-operator): KnativeServing and its deployments, ready only inside the mesh with Istio ingress.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const SERVERLESS_FAULTS: FaultDefinition[] = [];

export class ServerlessOperator implements Controller {
  readonly name = 'knative-operator';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
