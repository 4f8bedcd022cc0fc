// The OpenShift OAuth server and authentication operator: identity providers from OAuth 'cluster', the challenging-client login on oauth-openshift.<apps domain>, Users and Identities on first login.
// (to be built: this stub is registered so that the controller only needs filling in)
import type { FaultDefinition } from '../faults';
import type { Controller, ControllerContext } from './runtime';

export const OAUTH_FAULTS: FaultDefinition[] = [];

export class OAuthServer implements Controller {
  readonly name = 'authentication-operator';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    void this.ctx;
  }
}
