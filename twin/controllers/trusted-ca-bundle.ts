// The RHOAI operator's trusted CA bundle: odh-trusted-ca-bundle in every non-reserved namespace, with the DSCI's custom CA.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const TRUSTED_CA_FAULTS: FaultDefinition[] = [];

export class TrustedCaBundle implements Controller {
  readonly name = 'rhods-operator-trustedcabundle';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
