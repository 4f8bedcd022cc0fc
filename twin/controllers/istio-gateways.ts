// Istio gateways as the ingress gateway serves them: Gateways with TLS credentials from Secrets in istio-system, presented on the twin's ingress for the matching hosts.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const ISTIO_GATEWAY_FAULTS: FaultDefinition[] = [];

export class IstioGateways implements Controller {
  readonly name = 'istio-ingressgateway';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
