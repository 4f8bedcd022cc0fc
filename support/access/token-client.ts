// A cluster client acting with another bearer token (the new admin's access token) on the same API
// server, trusting the same CA and going through the same proxy as the harness's own connection:
// what `oc login --token=... --server=...` gives a person.
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient, ClusterConnection } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { defaultWaitMs } from '../rhoai/names';

/** Runs `fn` with a client that authenticates with `token`; its connections are closed afterwards. */
export async function withTokenClient<T>(
  world: RhoaiWorld,
  user: string,
  token: string,
  fn: (client: ClusterClient) => Promise<T>,
): Promise<T> {
  const target = await world.target();
  const cluster = target.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`the kubeconfig context ${target.context} has no cluster`);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caData: cluster.caData,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify,
        tlsServerName: cluster.tlsServerName,
        proxyUrl: cluster.proxyUrl,
      },
    ],
    users: [{ name: user, token: world.secret(token, 'OAuth access token') }],
    contexts: [{ name: `${user}@${cluster.name}`, cluster: cluster.name, user }],
    currentContext: `${user}@${cluster.name}`,
  });
  const connection = new ClusterConnection(kubeConfig);
  try {
    return await fn(new ClusterClient(connection, { defaultTimeoutMs: defaultWaitMs(world.settings) }));
  } finally {
    connection.close();
  }
}

/** `oc whoami` with that client: GET /apis/user.openshift.io/v1/users/~. */
export async function whoami(client: ClusterClient): Promise<{ name: string; groups: string[] }> {
  const user = await client.request<{ metadata?: { name?: string }; groups?: string[] | null }>({
    method: 'GET',
    path: '/apis/user.openshift.io/v1/users/~',
  });
  return { name: user?.metadata?.name ?? '', groups: user?.groups ?? [] };
}

export { canI } from '../core/cluster/can-i';
