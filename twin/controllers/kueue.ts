// Kueue (as deployed by the RHOAI kueue component): ResourceFlavors, ClusterQueues and LocalQueues with their status.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const KUEUE_FAULTS: FaultDefinition[] = [];

export class KueueController implements Controller {
  readonly name = 'kueue-controller-manager';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
