// The RHOAI dashboard component's cluster objects: OdhDashboardConfig, AcceleratorProfiles (and the GPU migration), notebook ImageStreams and serving-runtime Templates.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const DASHBOARD_FAULTS: FaultDefinition[] = [];

export class DashboardComponent implements Controller {
  readonly name = 'rhods-dashboard';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
