// The cluster-wide proxy of OpenShift 4.15 (config.openshift.io/v1 Proxy `cluster`), as two
// platform controllers play it. Upstream followed:
//   - openshift/cluster-network-operator release-4.15 pkg/controller/proxyconfig (controller.go,
//     validation: spec.trustedCA names a ConfigMap of openshift-config whose ca-bundle.crt holds PEM
//     certificates, else the proxy is not applied; status.httpProxy/httpsProxy are spec's; status.noProxy,
//     set only when a proxy is, is spec.noProxy merged with what must never be proxied —
//     pkg/util/proxyconfig/no_proxy.go MergeUserSystemNoProxy: .cluster.local, .svc, localhost,
//     127.0.0.1, api-int.<base domain>, the cluster, service and machine networks — sorted, comma-joined);
//     the trusted CA is added to the cluster-wide trust bundle (twin/controllers/trusted-ca-bundle.ts
//     plays the injection into every labelled ConfigMap);
//   - operator-framework/operator-lifecycle-manager pkg/lib/proxy (querier.go, envvar.go ToEnvVar:
//     HTTP_PROXY, HTTPS_PROXY, NO_PROXY from the Proxy's status, empty ones dropped) and
//     pkg/controller/operators/olm/overrides/initializer.go (DeploymentInitializer: every container of
//     every CSV deployment gets them, unless the Subscription's spec.config.env sets one of them —
//     proxy.IsOverridden); pkg/lib/proxy/syncer.go resyncs the CSVs when the Proxy changes, so the
//     deployments follow it (the variables leave when the proxy goes).
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { WorkQueue, type Controller, type ControllerContext } from './runtime';

export const CLUSTER_PROXY_FAULTS: FaultDefinition[] = [
  {
    name: 'olm-ignores-cluster-proxy',
    description:
      "OLM does not inject the cluster-wide proxy into the RHOAI operator's deployment (as an OLM whose proxy querier cannot read config.openshift.io Proxy): rhods-operator runs without HTTP_PROXY, HTTPS_PROXY and NO_PROXY, so it cannot reach anything outside the cluster behind the proxy",
    caughtBy: '@req.ADV-08',
    expectMessage: 'ignores the cluster-wide proxy',
  },
];

const CONFIG_API = 'config.openshift.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const;

/** The Proxy's trusted CA PEM (openshift-config/<spec.trustedCA.name> ca-bundle.crt), when valid. */
export function proxyTrustedCa(client: TwinClient): string | undefined {
  const proxy = client.get(CONFIG_API, 'Proxy', 'cluster');
  const name: string | undefined = proxy?.spec?.trustedCA?.name;
  if (!name) return undefined;
  const pem: string | undefined = client.get('v1', 'ConfigMap', name, 'openshift-config')?.data?.['ca-bundle.crt'];
  return pem && /-----BEGIN CERTIFICATE-----/.test(pem) ? pem.trim() + '\n' : undefined;
}

export class ClusterProxy implements Controller {
  readonly name = 'cluster-proxy';
  private readonly cno: TwinClient;
  private readonly olm: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.cno = ctx.clientFor('cluster-network-operator', 'openshift-network-operator:cluster-network-operator');
    this.olm = ctx.clientFor('olm', 'openshift-operator-lifecycle-manager:olm-operator-serviceaccount');
    // Platform controllers: they react at once.
    this.queue = new WorkQueue('cluster-proxy', 0, (k) => (k === 'proxy' ? this.syncStatus() : this.injectAll()), ctx.settings.log);
  }

  start(): void {
    this.cno.watch(CONFIG_API, 'Proxy', (_t, p) => {
      if (p.metadata.name !== 'cluster') return;
      this.queue.enqueue('proxy');
      this.queue.enqueue('olm');
    });
    this.cno.watch('v1', 'ConfigMap', (_t, cm) => cm.metadata.namespace === 'openshift-config' && this.queue.enqueue('proxy'));
    this.olm.watch('apps/v1', 'Deployment', (_t, d) => {
      if (d.metadata.labels?.['olm.owner']) this.queue.enqueue('olm');
    });
    this.olm.watch(OLM, 'Subscription', () => this.queue.enqueue('olm'));
  }

  /** The Cluster Network Operator's proxyconfig controller: validate, then publish status. */
  private syncStatus(): void {
    const proxy = this.cno.get(CONFIG_API, 'Proxy', 'cluster');
    if (!proxy) return;
    const spec = proxy.spec ?? {};
    if (spec.trustedCA?.name && !proxyTrustedCa(this.cno)) {
      this.ctx.settings.log(
        `cluster-network-operator: failed to validate proxy configuration: trustedCA ConfigMap openshift-config/${spec.trustedCA.name} has no valid ca-bundle.crt`,
      );
      return;
    }
    const httpProxy: string = spec.httpProxy ?? '';
    const httpsProxy: string = spec.httpsProxy ?? '';
    let noProxy = '';
    if (httpProxy || httpsProxy) {
      const base = this.ctx.settings.appsDomain.replace(/^apps\./, '');
      const entries = new Set<string>([
        '.cluster.local',
        '.svc',
        '10.128.0.0/14',
        '127.0.0.1',
        '172.30.0.0/16',
        `api-int.${base}`,
        'localhost',
        ...String(spec.noProxy ?? '')
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      ]);
      noProxy = [...entries].sort().join(',');
    }
    const status = { httpProxy, httpsProxy, noProxy };
    if (JSON.stringify(proxy.status ?? {}) === JSON.stringify(status)) return;
    this.cno.patchStatus(CONFIG_API, 'Proxy', 'cluster', undefined, status);
  }

  /** OLM's DeploymentInitializer, run for every CSV deployment when the proxy or a deployment changes. */
  private injectAll(): void {
    const proxy = this.olm.get(CONFIG_API, 'Proxy', 'cluster');
    const values: Record<string, string> = {
      HTTP_PROXY: proxy?.status?.httpProxy ?? '',
      HTTPS_PROXY: proxy?.status?.httpsProxy ?? '',
      NO_PROXY: proxy?.status?.noProxy ?? '',
    };
    for (const d of this.olm.list('apps/v1', 'Deployment')) {
      const csvName = d.metadata.labels?.['olm.owner'];
      if (!csvName) continue;
      if (this.ctx.faults.has('olm-ignores-cluster-proxy') && csvName.startsWith('rhods-operator.')) continue;
      const overrides = this.subscriptionEnv(csvName, d.metadata.namespace!);
      const overridden = overrides.some((e) => (PROXY_VARS as readonly string[]).includes(e.name.toUpperCase()));
      const containers: KObject[] = d.spec?.template?.spec?.containers ?? [];
      let changed = false;
      const next = containers.map((c) => {
        let env: { name: string; value?: string }[] = [...(c.env ?? [])];
        if (!overridden) {
          for (const name of PROXY_VARS) {
            const at = env.findIndex((e) => e.name === name);
            if (values[name]) {
              if (at < 0) env.push({ name, value: values[name] });
              else if (env[at]!.value !== values[name]) env[at] = { name, value: values[name] };
            } else if (at >= 0) env = env.filter((e) => e.name !== name);
          }
        }
        if (JSON.stringify(env) !== JSON.stringify(c.env ?? [])) changed = true;
        return { ...c, env };
      });
      if (!changed) continue;
      this.olm.update({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: next } } } });
    }
  }

  /** The env of the Subscription whose installed CSV owns the deployment (spec.config.env). */
  private subscriptionEnv(csvName: string, namespace: string): { name: string }[] {
    const sub = this.olm
      .list(OLM, 'Subscription', namespace)
      .find((s) => s.status?.installedCSV === csvName || s.status?.currentCSV === csvName);
    return sub?.spec?.config?.env ?? [];
  }
}
