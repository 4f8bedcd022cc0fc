// Where a deployed model answers, read from the cluster as the dashboard shows it:
//   - single-model (KServe): status.url, the "Inference endpoint" (its host pattern is unverified,
//     so it is never built: workloads.md §5.2), reached through the passthrough Route
//     odh-model-controller creates for that host in the mesh namespace (istio-system) to the
//     ingress gateway;
//   - multi-model (ModelMesh): https://<host of the Route named after the model>, the route
//     odh-model-controller creates when the model server has an external route; the dashboard's
//     endpoint is https://<host>/v2/models/<model>/infer (workloads.md §5.3).
import { expectOk } from '../core/expect';
import type { KObject } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { isvcRef, type DeployedModel } from './models';

const ROUTE_API = 'route.openshift.io/v1';
export const MESH_NAMESPACE = 'istio-system';

export interface Endpoint {
  /** The base URL: requests go to <base>/v2/models/<name>[/infer]. */
  base: string;
  host: string;
  /** The Route that exposes it (namespace/name). */
  route: string;
}

function admitted(route: KObject): boolean {
  return ((route.status?.ingress ?? []) as KObject[]).some((i) =>
    (i.conditions ?? []).some((c: KObject) => c.type === 'Admitted' && c.status === 'True'),
  );
}

/** The external endpoint of a model, once its Route is admitted. */
export async function externalEndpoint(world: RhoaiWorld, model: DeployedModel): Promise<Endpoint> {
  return model.platform === 'single' ? kserveEndpoint(world, model) : modelMeshEndpoint(world, model);
}

async function kserveEndpoint(world: RhoaiWorld, model: DeployedModel): Promise<Endpoint> {
  const isvc = await world.cluster.get(isvcRef(model.namespace, model.name));
  const url: string | undefined = isvc?.status?.url;
  expectOk(url, `InferenceService ${model.namespace}/${model.name} has no status.url: KServe has not published its endpoint`);
  const host = new URL(url).hostname;
  const routes = await world.cluster.waitForList(
    { apiVersion: ROUTE_API, kind: 'Route', namespace: MESH_NAMESPACE },
    (rs) => {
      const r = rs.find((x) => x.spec?.host === host && !x.metadata.deletionTimestamp);
      if (!r) return false;
      if (r.spec?.tls?.termination !== 'passthrough')
        return {
          fail: `Route ${MESH_NAMESPACE}/${r.metadata.name} for ${host} has TLS termination ${r.spec?.tls?.termination ?? 'none'}, not passthrough to the ingress gateway`,
        };
      return admitted(r);
    },
    { describe: `a Route in ${MESH_NAMESPACE} for ${host} (odh-model-controller makes it for the InferenceService) to be admitted` },
  );
  const route = routes.find((x) => x.spec?.host === host)!;
  return { base: url.replace(/\/+$/, ''), host, route: `${MESH_NAMESPACE}/${route.metadata.name}` };
}

async function modelMeshEndpoint(world: RhoaiWorld, model: DeployedModel): Promise<Endpoint> {
  const route = await world.cluster.waitFor(
    { apiVersion: ROUTE_API, kind: 'Route', name: model.name, namespace: model.namespace },
    (r) => {
      if (!r) return false;
      const rejected = ((r.status?.ingress ?? []) as KObject[])
        .flatMap((i) => i.conditions ?? [])
        .find((c: KObject) => c.type === 'Admitted' && c.status === 'False');
      if (rejected) return { fail: `Route ${model.namespace}/${model.name} was not admitted: ${rejected.reason}: ${rejected.message}` };
      return admitted(r);
    },
    { describe: `the Route ${model.namespace}/${model.name} of the model (the model server's external route) to be admitted` },
  );
  const host: string = route!.spec.host;
  return { base: `https://${host}`, host, route: `${model.namespace}/${model.name}` };
}
