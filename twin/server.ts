// Assembles a twin: the API server (HTTPS on loopback), the ingress router, the cluster's initial
// state and the operator controllers; writes a kubeconfig for a kube:admin token.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import * as yaml from 'js-yaml';
import { ApiServer } from './api/apiserver';
import { AuditLog } from './api/audit';
import { Authenticator, newOAuthToken, TWIN_SYSTEM } from './api/auth';
import { TwinClient } from './api/client';
import { createApiHttpServer } from './api/http';
import { ClusterLifecycle } from './api/lifecycle';
import { Authorizer } from './api/rbac';
import { createCa, createServingCert, groupedKeys, preloadKeys } from './api/tls';
import { VirtualKinds } from './api/virtual';
import type { KObject } from './api/types';
import { applyProfile, bootstrapCluster, loadNodes, nodeSet, type TwinProfile } from './bootstrap';
import { operatorControllers } from './controllers/index';
import { oauthServerMetadata } from './controllers/oauth-server';
import { createContext, type ControllerContext } from './controllers/runtime';
import { WorkloadControllers } from './controllers/workloads';
import { faultSet } from './faults';
import { IngressRouter } from './ingress/router';
import { startWorkloadRuntime, type SubresourceHandler } from './network/index';
import { restartedObjects, SNAPSHOT_FORMAT, type TwinSnapshot } from './snapshot';

export interface TwinOptions {
  kubeconfig?: string;
  port?: number;
  ingressPort?: number;
  auditLog?: string;
  faults?: string[];
  latencyMs?: number;
  appsDomain?: string;
  /** A named node set (default, no-gpu) or a nodes file (twin/bootstrap.ts nodeSet). */
  nodes?: string;
  /** How the cluster begins (bootstrap.ts TWIN_PROFILES); empty by default. */
  profile?: TwinProfile;
  /** Start from this snapshot instead of a new cluster (twin/snapshot.ts): no bootstrap, no profile. */
  restore?: TwinSnapshot;
  log?: (line: string) => void;
}

export interface Twin {
  apiUrl: string;
  ingressPort: number;
  appsDomain: string;
  /** The RHOAI_RESOLVE value that maps the route hosts to the ingress listener. */
  resolve: string;
  kubeconfig?: string;
  adminToken: string;
  caPem: string;
  ingressCaPem: string;
  api: ApiServer;
  controllers: ControllerContext;
  /** The state to start another twin from (twin/snapshot.ts). */
  snapshot(): TwinSnapshot;
  stop(): Promise<void>;
}

export async function startTwin(opts: TwinOptions = {}): Promise<Twin> {
  const restore = opts.restore;
  if (restore && opts.appsDomain && opts.appsDomain !== restore.appsDomain)
    throw new Error(`the snapshot is of a cluster with apps domain ${restore.appsDomain}, not ${opts.appsDomain}`);
  if (restore && opts.profile && opts.profile !== 'empty')
    throw new Error('a twin restored from a snapshot begins as the snapshot does: no profile');
  const appsDomain = restore?.appsDomain ?? opts.appsDomain ?? 'apps.twin.local';
  if (restore) preloadKeys(restore.keys); // the CA bundles the objects hold verify what this twin signs
  const log = opts.log ?? ((line: string) => process.stderr.write(`rhoai-twin: ${line}\n`));
  const faults = faultSet(opts.faults ?? []);
  // An explicit node set or file wins; else a fault may model another cluster (FaultDefinition.nodes).
  const nodes = opts.nodes ? nodeSet(opts.nodes) : (faults.nodes() ?? loadNodes());

  const apiCa = createCa('kube-apiserver-twin-signer', 'twin-api');
  const apiCert = createServingCert(
    apiCa,
    '127.0.0.1',
    ['localhost', 'api.twin.local', 'kubernetes.default.svc'],
    ['127.0.0.1'],
    'twin-api',
  );
  const ingressCa = createCa(`ingress-operator@twin`, 'twin-ingress');
  const ingressCert = createServingCert(ingressCa, `*.${appsDomain}`, [`*.${appsDomain}`], [], 'twin-ingress');

  const api = new ApiServer({ appsDomain });
  if (restore) api.restore(restartedObjects(restore.store));
  new ClusterLifecycle(api);
  const authn = new Authenticator(
    (resource, ns, name) => api.store.get(resource, ns, name),
    () => api.store.list('user.openshift.io/groups'),
  );
  // Fault rbac-stale-user-bindings: the authorizer's view of ClusterRoleBindings stops at the ones
  // there when the cluster came up (see api/api-faults.ts); bindings to Users added later are unseen.
  let rbacSnapshot: Set<string> | undefined;
  const authz = new Authorizer(
    (resource, ns) => {
      const items = api.store.list(resource, ns);
      if (!rbacSnapshot || resource !== 'rbac.authorization.k8s.io/clusterrolebindings') return items;
      return items.filter(
        (b: KObject) => rbacSnapshot!.has(b.metadata.name!) || !(b.subjects ?? []).some((s: { kind?: string }) => s.kind === 'User'),
      );
    },
    (resource, ns, name) => api.store.get(resource, ns, name),
    faults.has('oauth-login-token-narrowed'),
  );
  const virtual = new VirtualKinds(api, authn, authz);
  const adminToken = newOAuthToken();
  authn.addStaticToken(adminToken, { username: 'kube:admin', groups: ['system:cluster-admins', 'system:authenticated'] });
  const audit = new AuditLog(opts.auditLog);

  const ingress = new IngressRouter(ingressCert);
  const subresourceHandlers = new Map<string, SubresourceHandler>();
  const apiHttp = createApiHttpServer({
    api,
    authn,
    authz,
    virtual,
    audit,
    faults,
    tls: apiCert,
    oauthMetadata: () => oauthServerMetadata(`oauth-openshift.${appsDomain}`),
    subresourceHandlers,
  });
  await listen(apiHttp, opts.port ?? 0);
  await listen(ingress.server, opts.ingressPort ?? 0);
  const apiPort = (apiHttp.address() as AddressInfo).port;
  const ingressPortOf = () => (ingress.server.address() as AddressInfo).port;
  const apiUrl = `https://127.0.0.1:${apiPort}`;

  const system = new TwinClient(api, 'cluster-bootstrap', TWIN_SYSTEM);
  const settings = {
    appsDomain,
    clusterDomain: 'cluster.local',
    latencyMs: opts.latencyMs ?? 0,
    ingressCaPem: ingressCa.certPem,
    apiCaPem: apiCa.certPem,
    crdDir: join(__dirname, 'crds'),
    catalogDir: join(__dirname, 'catalog'),
    log,
  };
  const ctx = createContext(api, authn, faults, settings, ingress);
  const workloadRuntime = startWorkloadRuntime(ctx, { subresourceHandlers });
  new WorkloadControllers(ctx).start();
  if (restore) {
    // What changed with the restart: the API server's address, and the router's CA certificate (the same key and name).
    system.patchStatus('config.openshift.io/v1', 'Infrastructure', 'cluster', undefined, { apiServerURL: apiUrl });
    system.patch('v1', 'ConfigMap', 'default-ingress-cert', 'openshift-config-managed', { data: { 'ca-bundle.crt': ingressCa.certPem } });
  } else {
    bootstrapCluster(system, { crdDir: settings.crdDir, appsDomain, apiServerURL: apiUrl, ingressCaPem: ingressCa.certPem, nodes });
    applyProfile(system, opts.profile ?? 'empty');
  }
  if (faults.has('rbac-stale-user-bindings'))
    rbacSnapshot = new Set(api.store.list('rbac.authorization.k8s.io/clusterrolebindings').map((b: KObject) => b.metadata.name!));
  for (const c of operatorControllers(ctx)) c.start();

  // Fault kubeconfig-token-revoked: the kubeconfig's token is one the OAuth server never issued (or has deleted).
  if (opts.kubeconfig)
    writeKubeconfig(opts.kubeconfig, apiUrl, apiCa.certPem, faults.has('kubeconfig-token-revoked') ? newOAuthToken() : adminToken);

  return {
    apiUrl,
    ingressPort: ingressPortOf(),
    appsDomain,
    resolve: `*.${appsDomain}=127.0.0.1:${ingressPortOf()}`,
    kubeconfig: opts.kubeconfig,
    adminToken,
    caPem: apiCa.certPem,
    ingressCaPem: ingressCa.certPem,
    api,
    controllers: ctx,
    snapshot: () => ({
      format: SNAPSHOT_FORMAT,
      takenAt: new Date().toISOString(),
      appsDomain,
      store: api.store.dump(),
      keys: groupedKeys(),
    }),
    async stop() {
      await Promise.all([close(apiHttp), close(ingress.server)]);
      await workloadRuntime.stop();
      await audit.close();
    },
  };
}

export function writeKubeconfig(path: string, server: string, caPem: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'twin', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'kube:admin/twin', user: { token } }],
    contexts: [{ name: 'admin', context: { cluster: 'twin', user: 'kube:admin/twin', namespace: 'default' } }],
    'current-context': 'admin',
    preferences: {},
  };
  writeFileSync(path, yaml.dump(config), { mode: 0o600 });
  chmodSync(path, 0o600);
}

function listen(server: import('node:https').Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function close(server: import('node:https').Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
