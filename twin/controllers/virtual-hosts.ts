// The ingress gateway's virtual hosts beyond the Gateway servers: what Istio's VirtualServices add.
// istio-gateways.ts serves the TLS of the hosts routed to the gateway and asks the router set here
// what to do with each plain request; a host no router takes gets Envoy's 404 there. The KServe
// controller sets the router (mesh-traffic.ts): InferenceService hosts go to their predictors.
// Upstream followed: github.com/maistra/istio pilot/pkg/networking/core/v1alpha3 (virtual hosts of
// a Gateway's HTTP routes: a host no VirtualService routes gets Envoy's 404 from the gateway).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControllerContext } from './runtime';

/** Takes a request for `host` (true) or leaves it (false: no virtual host matches). */
export type VirtualHostRouter = (host: string, req: IncomingMessage, res: ServerResponse) => boolean;

const routers = new WeakMap<ControllerContext, VirtualHostRouter>();

export function setVirtualHostRouter(ctx: ControllerContext, router: VirtualHostRouter): void {
  routers.set(ctx, router);
}

/** Routes a request through the router set for this twin; false when none takes the host. */
export function routeVirtualHost(ctx: ControllerContext, host: string, req: IncomingMessage, res: ServerResponse): boolean {
  return routers.get(ctx)?.(host, req, res) ?? false;
}
