// The in-cluster configuration, as client-go's rest.InClusterConfig builds it (and client-node's
// KubeConfig.loadFromCluster): the API server at https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
// trusted through the service account's ca.crt, authenticated with its token file (re-read as the
// kubelet rotates it). The directory is RHOAI_SERVICE_ACCOUNT_DIR (in a pod:
// /var/run/secrets/kubernetes.io/serviceaccount), so that a test can point it at files of its own.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigError, type LoadedKubeconfig } from './kubeconfig';

export const IN_CLUSTER_CONTEXT = 'in-cluster';

/** The KubeConfig of the pod's service account; every missing part is an error that names it. */
export function loadInCluster(serviceAccountDir: string, env: NodeJS.ProcessEnv = process.env): LoadedKubeconfig & { token: string } {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KubeconfigError(
      'RHOAI_TARGET=in-cluster, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set (they are set in every pod; outside one, use a kubeconfig)',
    );
  }
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    throw new KubeconfigError(`KUBERNETES_SERVICE_PORT is "${port}"; allowed: a TCP port 1-65535`);
  const tokenFile = path.join(serviceAccountDir, 'token');
  const caFile = path.join(serviceAccountDir, 'ca.crt');
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new KubeconfigError(
        `RHOAI_TARGET=in-cluster: the service account's ${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code}); RHOAI_SERVICE_ACCOUNT_DIR names the directory (in a pod: /var/run/secrets/kubernetes.io/serviceaccount)`,
      );
    }
  };
  const token = read(tokenFile, 'token');
  if (!token) throw new KubeconfigError(`RHOAI_TARGET=in-cluster: the service account's token ${tokenFile} is empty`);
  if (!read(caFile, 'CA bundle').includes('-----BEGIN CERTIFICATE-----'))
    throw new KubeconfigError(`RHOAI_TARGET=in-cluster: ${caFile} holds no PEM certificate`);
  const server = `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: IN_CLUSTER_CONTEXT, server, caFile, skipTLSVerify: false }],
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: IN_CLUSTER_CONTEXT, cluster: IN_CLUSTER_CONTEXT, user: 'service-account' }],
    currentContext: IN_CLUSTER_CONTEXT,
  });
  return { kubeConfig, files: [], context: IN_CLUSTER_CONTEXT, server, userName: 'service-account', token };
}
