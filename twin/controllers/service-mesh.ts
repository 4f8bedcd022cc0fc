// OpenShift Service Mesh 2.5 (istio-operator): ServiceMeshControlPlane, ServiceMeshMember and ServiceMeshMemberRoll, the control plane's deployments and mesh config.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const SERVICE_MESH_FAULTS: FaultDefinition[] = [];

export class ServiceMeshOperator implements Controller {
  readonly name = 'istio-operator';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
