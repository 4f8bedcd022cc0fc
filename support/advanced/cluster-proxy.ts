// ADV-08, a cluster-wide proxy during installation. RHOAI 2.9 has no proxy setting of its own: its
// install docs defer to OpenShift's cluster-wide proxy ("Configuring the cluster-wide proxy", OCP
// 4.15: `oc edit proxy/cluster` with httpProxy, httpsProxy, noProxy and trustedCA naming a ConfigMap
// user-ca-bundle in openshift-config with ca-bundle.crt). What follows from it was decided by the
// upstream source: the Cluster Network Operator publishes the proxy in the Proxy's status (noProxy
// merged with the cluster's own names) and adds the trusted CA to the cluster-wide trust bundle,
// which RHOAI's odh-trusted-ca-bundle ConfigMaps carry in ca-bundle.crt (rhods-operator rhoai-2.9
// pkg/trustedcabundle: the label config.openshift.io/inject-trusted-cabundle); OLM injects
// HTTP_PROXY, HTTPS_PROXY and NO_PROXY from that status into every container of the operators it
// installs, the RHOAI operator included (operator-lifecycle-manager pkg/controller/operators/olm/
// overrides/initializer.go, pkg/lib/proxy/envvar.go). The scenario then removes the proxy again,
// and a cleanup does so too when it fails half-way.
import { expectOk } from '../core/expect';
import type { KObject, ObjectRef } from '../core/cluster';
import { waitForListExplained, waitForObjectExplained } from '../core/cluster/explained-wait';
import { fingerprints, type CustomCa } from '../install/ca-bundle';
import type { RhoaiWorld } from '../core/world';

const PROXY: ObjectRef = { apiVersion: 'config.openshift.io/v1', kind: 'Proxy', name: 'cluster' };
const USER_CA: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'user-ca-bundle', namespace: 'openshift-config' };
const CLUSTER_BUNDLE: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'trusted-ca-bundle', namespace: 'openshift-config-managed' };
const OPERATOR: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rhods-operator', namespace: 'redhat-ods-operator' };
const ALWAYS_DIRECT = ['.cluster.local', '.svc', 'localhost', '127.0.0.1'];
const TWIN_PROXY = 'http://proxy.twin.local:3128';

declare module '../core/world' {
  interface ScenarioFacts {
    clusterProxy?: { url: string; noProxy: string; ca: CustomCa };
  }
}

/** The proxy to configure, or why the scenario does not apply (a cluster that has a proxy of its own, none given). */
export async function proxyNotApplicable(world: RhoaiWorld): Promise<string | undefined> {
  const live = await world.cluster.get(PROXY);
  expectOk(live, 'the cluster has no Proxy "cluster" (config.openshift.io/v1): every OpenShift 4 cluster has one');
  const owned = ((live.metadata.managedFields ?? []) as { manager?: string; fieldsV1?: unknown }[]).some(
    (f: { manager?: string; fieldsV1?: unknown }) =>
      f.manager === 'rhoai-harness' && JSON.stringify(f.fieldsV1 ?? {}).includes('f:httpsProxy'),
  );
  if ((live.spec?.httpsProxy || live.spec?.httpProxy) && !owned)
    return `not applicable: the cluster already has a cluster-wide proxy (${live.spec.httpsProxy || live.spec.httpProxy}) that this run did not set; replacing it would cut the cluster off, so ADV-08 is left to that proxy's owner`;
  const target = await world.target();
  if (!world.settings.clusterProxy && target.kind !== 'twin')
    return 'not applicable: RHOAI_CLUSTER_PROXY is not set — on a real cluster ADV-08 needs a proxy the nodes can reach (a made-up one would cut the cluster off from its registries)';
  return undefined;
}

/** user-ca-bundle with the trusted CA, and Proxy cluster spec {httpProxy, httpsProxy, noProxy, trustedCA}. */
export async function configureProxy(world: RhoaiWorld): Promise<void> {
  const ca = world.facts.customCa;
  expectOk(ca, 'no CA certificates for the proxy: the step "Given the custom CA certificates ..." must come first');
  const url = world.settings.clusterProxy ?? TWIN_PROXY;
  const noProxy = world.settings.clusterNoProxy;
  world.onCleanup('remove the cluster-wide proxy', () => removeProxy(world));
  await world.applyFixture('core/configmap', { name: USER_CA.name, namespace: USER_CA.namespace, data: { 'ca-bundle.crt': ca.pem } });
  // The installer created Proxy cluster with trustedCA.name "": the docs change it with `oc edit`, so the apply takes it over.
  const [proxy] = world.render('advanced/cluster-proxy', { url, noProxy, trustedCA: USER_CA.name });
  await world.cluster.apply(proxy!, { force: true });
  world.facts.clusterProxy = { url, noProxy, ca };
}

function proxyOf(world: RhoaiWorld): NonNullable<RhoaiWorld['facts']['clusterProxy']> {
  const p = world.facts.clusterProxy;
  expectOk(p, 'the cluster-wide proxy has not been configured in this scenario');
  return p;
}

/** The Cluster Network Operator has published the proxy, with the cluster's own names direct. */
export async function assertProxyPublished(world: RhoaiWorld): Promise<KObject> {
  const { url, noProxy } = proxyOf(world);
  const wanted = noProxy.split(',').filter(Boolean);
  const proxy = await waitForObjectExplained(
    world.cluster,
    PROXY,
    (p) => {
      const status = p?.status ?? {};
      if (status.httpsProxy !== url || status.httpProxy !== url)
        return `Proxy cluster status has httpProxy "${status.httpProxy ?? ''}", httpsProxy "${status.httpsProxy ?? ''}", not ${url}: the Cluster Network Operator has not accepted the proxy (is openshift-config/user-ca-bundle valid?)`;
      const direct = String(status.noProxy ?? '').split(',');
      const missing = [...ALWAYS_DIRECT, ...wanted].filter((e) => !direct.includes(e));
      if (missing.length) return `Proxy cluster status.noProxy "${status.noProxy}" lacks ${missing.join(', ')}`;
      return undefined;
    },
    `the Cluster Network Operator to publish the cluster-wide proxy ${url} in Proxy cluster status`,
  );
  world.report.text(
    'cluster-wide proxy',
    `status: httpProxy ${proxy!.status.httpProxy}, httpsProxy ${proxy!.status.httpsProxy}\nnoProxy ${proxy!.status.noProxy}`,
  );
  return proxy!;
}

function bundleHas(cm: KObject | undefined, pem: string): boolean {
  const have = fingerprints(cm?.data?.['ca-bundle.crt']);
  return fingerprints(pem).every((f) => have.includes(f));
}

/** The proxy's trusted CA is in the cluster-wide bundle and in ca-bundle.crt of odh-trusted-ca-bundle (or, with present=false, in neither). */
export async function assertTrustedCaPropagated(world: RhoaiWorld, namespace: string, present = true): Promise<void> {
  const { ca } = proxyOf(world);
  for (const ref of [CLUSTER_BUNDLE, { apiVersion: 'v1', kind: 'ConfigMap', name: 'odh-trusted-ca-bundle', namespace }]) {
    await waitForObjectExplained(
      world.cluster,
      ref,
      (cm) =>
        bundleHas(cm, ca.pem) === present
          ? undefined
          : `${ref.namespace}/${ref.name} ca-bundle.crt ${present ? 'lacks' : 'still holds'} the proxy's trusted CA (${ca.certificates[0]?.subject.replace(/\n/g, ', ')})`,
      `${ref.namespace}/${ref.name} ca-bundle.crt to ${present ? 'hold' : 'no longer hold'} the proxy's trusted CA`,
    );
  }
}

type Env = Record<string, string> | undefined;

function envOf(c: KObject): Map<string, string | undefined> {
  return new Map(((c.env ?? []) as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
}

function containerProblem(containers: KObject[], where: string, want: Env): string | undefined {
  for (const c of containers) {
    const env = envOf(c);
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
      if (want && env.get(name) !== want[name])
        return `container ${c.name} of ${where} has ${name}=${env.get(name) ?? '(unset)'}, not ${want[name]}: the RHOAI operator ignores the cluster-wide proxy (OLM injects it into the deployments of the operators it installs)`;
      if (!want && env.has(name)) return `container ${c.name} of ${where} still has ${name}=${env.get(name)} after the proxy was removed`;
    }
  }
  return undefined;
}

/** The RHOAI operator's deployment and its running pods carry the proxy variables of the Proxy's status (or none). */
export async function assertOperatorProxyEnv(world: RhoaiWorld, withProxy: boolean): Promise<void> {
  const proxy = withProxy ? await world.cluster.get(PROXY) : undefined;
  const want: Env = proxy
    ? { HTTP_PROXY: proxy.status.httpProxy, HTTPS_PROXY: proxy.status.httpsProxy, NO_PROXY: proxy.status.noProxy }
    : undefined;
  const what = withProxy ? 'with' : 'without';
  const d = await waitForObjectExplained(
    world.cluster,
    OPERATOR,
    (dep) =>
      dep
        ? containerProblem(dep.spec?.template?.spec?.containers ?? [], `Deployment ${OPERATOR.namespace}/${OPERATOR.name}`, want)
        : `Deployment ${OPERATOR.namespace}/${OPERATOR.name} does not exist`,
    `the RHOAI operator's deployment to run ${what} the proxy variables`,
  );
  const selector = Object.entries((d!.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  await waitForListExplained(
    world.cluster,
    { apiVersion: 'v1', kind: 'Pod', namespace: OPERATOR.namespace },
    (pods) => {
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      for (const p of live) {
        const problem = containerProblem(p.spec?.containers ?? [], `pod ${p.metadata.name}`, want);
        if (problem) return `${problem} (the deployment is rolling out)`;
      }
      return live.some((p) => p.status?.phase === 'Running') ? undefined : 'no running pod of the RHOAI operator yet';
    },
    `the RHOAI operator's pods to run ${what} the proxy variables`,
    { labelSelector: selector },
  );
  world.report.text(
    'RHOAI operator environment',
    want ? `HTTP_PROXY=${want.HTTP_PROXY}\nHTTPS_PROXY=${want.HTTPS_PROXY}\nNO_PROXY=${want.NO_PROXY}` : 'no proxy variables',
  );
}

/** Takes the proxy out of Proxy cluster (the fields this run set) and deletes user-ca-bundle. */
export async function removeProxy(world: RhoaiWorld): Promise<void> {
  const [none] = world.render('advanced/cluster-proxy-none', {});
  await world.cluster.apply(none!, { force: true });
  await world.cluster.delete(USER_CA);
  await world.cluster.waitFor(PROXY, (p) => !p?.status?.httpsProxy && !p?.status?.httpProxy, {
    describe: 'the Cluster Network Operator to withdraw the cluster-wide proxy from Proxy cluster status',
  });
}
