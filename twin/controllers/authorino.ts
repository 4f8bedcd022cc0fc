// The Authorino operator: Authorino instances and their deployments and services.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const AUTHORINO_FAULTS: FaultDefinition[] = [];

export class AuthorinoOperator implements Controller {
  readonly name = 'authorino-operator';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
