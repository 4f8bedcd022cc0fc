// The CodeFlare operator: its codeflare-operator-config ConfigMap (created with defaults when missing).
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const CODEFLARE_FAULTS: FaultDefinition[] = [];

export class CodeFlareOperator implements Controller {
  readonly name = 'codeflare-operator';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
