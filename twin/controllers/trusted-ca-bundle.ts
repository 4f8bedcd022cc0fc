// The RHOAI 2.9 operator's trusted CA bundle (rhods-operator rhoai-2.9 pkg/trustedcabundle and
// controllers/certconfigmapgenerator), and the part of the Cluster Network Operator it relies on.
//
// While the rhods-operator runs and DSCI spec.trustedCABundle.managementState is Managed, every
// non-reserved namespace (not openshift-*, kube-*, default or openshift) that has not opted out
// with the annotation security.opendatahub.io/inject-trusted-ca-bundle=false gets the ConfigMap
// odh-trusted-ca-bundle, labelled app.kubernetes.io/part-of=opendatahub-operator and
// config.openshift.io/inject-trusted-cabundle=true, with odh-ca-bundle.crt = customCABundle; new
// namespaces get it when created; an edited or deleted one is restored, and in an opted-out
// namespace such an event deletes it (annotating a namespace false starts no reconcile by itself:
// certconfigmapgenerator watchNamespaceResource maps only namespaces ShouldInjectTrustedBundle
// allows). Removed deletes the ConfigMaps from every Active namespace and stops the per-namespace
// reconciles; Unmanaged leaves them as they are (ConfigureTrustedCABundle's three cases).
// The Cluster Network Operator fills ca-bundle.crt of every ConfigMap with that label with the
// cluster-wide trust bundle (published as openshift-config-managed/trusted-ca-bundle); on the twin
// that bundle is the twin's ingress and API server CAs.
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { proxyTrustedCa } from './cluster-proxy';
import { WorkQueue, type Controller, type ControllerContext } from './runtime';

export const TRUSTED_CA_FAULTS: FaultDefinition[] = [
  {
    name: 'trusted-ca-bundle-stale',
    description:
      'The RHOAI operator creates odh-trusted-ca-bundle ConfigMaps but never updates an existing one: they keep the custom CA they were created with (none), whatever DSCI customCABundle says',
    caughtBy: '@req.INS-CA-01',
    expectMessage: 'odh-ca-bundle.crt',
  },
  {
    name: 'trusted-ca-bundle-ignores-opt-out',
    description:
      'The RHOAI operator ignores the namespace annotation security.opendatahub.io/inject-trusted-ca-bundle=false and puts odh-trusted-ca-bundle in opted-out namespaces too',
    caughtBy: '@req.INS-CA-01',
    expectMessage: 'security.opendatahub.io/inject-trusted-ca-bundle',
  },
  {
    name: 'trusted-ca-bundle-pass-ignores-opt-out',
    description:
      "The RHOAI operator honours the opt-out annotation only on a namespace's own events (created, annotation changed): its pass over every namespace after a change of DSCI spec.trustedCABundle (AddCABundleConfigMapInAllNamespaces) puts odh-trusted-ca-bundle into an opted-out namespace that existed before the change, and the reconcile of that ConfigMap's change keeps it",
    caughtBy: '@req.INS-CA-01',
    expectMessage: 'the operator ignores the opt-out',
  },
  {
    name: 'trusted-ca-bundle-removed-keeps-configmaps',
    description:
      'The RHOAI operator treats DSCI spec.trustedCABundle.managementState Removed like Unmanaged: it stops managing odh-trusted-ca-bundle but never runs RemoveCABundleConfigMapInAllNamespaces, so every namespace keeps the ConfigMap',
    caughtBy: '@req.ADV-07',
    expectMessage: 'although DSCInitialization default-dsci has trustedCABundle.managementState Removed',
  },
];

export const CA_CONFIG_MAP = 'odh-trusted-ca-bundle';
export const CUSTOM_CA_KEY = 'odh-ca-bundle.crt';
export const CLUSTER_CA_KEY = 'ca-bundle.crt';
export const OPT_OUT_ANNOTATION = 'security.opendatahub.io/inject-trusted-ca-bundle';
const INJECT_LABEL = 'config.openshift.io/inject-trusted-cabundle';
const DSCI_API = 'dscinitialization.opendatahub.io/v1';
const OLM = 'operators.coreos.com/v1alpha1';

/** pkg/trustedcabundle ShouldInjectTrustedBundle. */
export function shouldInject(ns: KObject, honourOptOut = true): boolean {
  const name = ns.metadata.name!;
  if (name.startsWith('openshift-') || name.startsWith('kube-') || name === 'default' || name === 'openshift') return false;
  return !(honourOptOut && optedOut(ns));
}

/** The annotation parses as a false boolean (strconv.ParseBool: 0, f, F, false, FALSE, False). */
export function optedOut(ns: KObject): boolean {
  const value = ns.metadata.annotations?.[OPT_OUT_ANNOTATION];
  return value !== undefined && ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value);
}

export class TrustedCaBundle implements Controller {
  readonly name = 'rhods-operator-trustedcabundle';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly networkOperator: ClusterNetworkOperatorTrust;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('rhods-operator', 'redhat-ods-operator:rhods-operator');
    this.queue = new WorkQueue('rhods-operator/trustedcabundle', ctx.settings.latencyMs, (k) => this.reconcile(k), ctx.settings.log);
    this.networkOperator = new ClusterNetworkOperatorTrust(ctx);
  }

  start(): void {
    this.networkOperator.start();
    this.client.watch(OLM, 'ClusterServiceVersion', (_t, csv) => csv.metadata.name?.startsWith('rhods-operator.') && this.requeueAll());
    this.client.watch(DSCI_API, 'DSCInitialization', (type) => type !== 'DELETED' && this.queue.enqueue('dsci'));
    // certconfigmapgenerator's predicates: an eligible namespace created, or its opt-out annotation
    // set or changed — and then its map function (watchNamespaceResource) asks for a reconcile only
    // when ShouldInjectTrustedBundle holds for the namespace as it is now: annotating an existing
    // namespace false starts no reconcile in 2.9, so its ConfigMap stays until the ConfigMap itself
    // changes or is deleted (ConfigMapChangedPredicate), whose reconcile then deletes it.
    this.client.watch('v1', 'Namespace', (type, ns, old) => {
      const annotationChanged = old?.metadata.annotations?.[OPT_OUT_ANNOTATION] !== ns.metadata.annotations?.[OPT_OUT_ANNOTATION];
      const eligible = shouldInject(ns, this.honoursOptOut());
      if (
        (type === 'ADDED' && eligible) ||
        (type === 'MODIFIED' && ((annotationChanged && eligible) || old?.status?.phase !== ns.status?.phase))
      )
        this.queue.enqueue(`ns/${ns.metadata.name}`);
    });
    // ... or its odh-trusted-ca-bundle ConfigMap's data changed, or it was deleted.
    this.client.watch('v1', 'ConfigMap', (type, cm, old) => {
      if (cm.metadata.name !== CA_CONFIG_MAP) return;
      if (type === 'DELETED' || (type === 'MODIFIED' && JSON.stringify(cm.data) !== JSON.stringify(old?.data)))
        this.queue.enqueue(`${this.ctx.faults.has('trusted-ca-bundle-pass-ignores-opt-out') ? 'cm' : 'ns'}/${cm.metadata.namespace}`);
    });
  }

  private requeueAll(): void {
    this.queue.enqueue('dsci');
    for (const ns of this.client.list('v1', 'Namespace')) this.queue.enqueue(`ns/${ns.metadata.name}`);
  }

  /** The operator acts only while its CSV has succeeded. */
  private running(): boolean {
    return this.client
      .list(OLM, 'ClusterServiceVersion')
      .some((c) => c.metadata.name!.startsWith('rhods-operator.') && c.status?.phase === 'Succeeded');
  }

  /** The one DSCInitialization (the operator refuses to act on more than one). */
  private dsci(): KObject | undefined {
    const all = this.client.list(DSCI_API, 'DSCInitialization');
    return all.length === 1 ? all[0] : undefined;
  }

  private reconcile(key: string): void {
    if (!this.running()) return;
    const dsci = this.dsci();
    if (!dsci || dsci.metadata.deletionTimestamp) return;
    if (key === 'dsci') this.configureTrustedCaBundle(dsci);
    else this.reconcileNamespace(key.slice('ns/'.length), dsci, key.startsWith('cm/'));
  }

  /** pkg/trustedcabundle ConfigureTrustedCABundle, as the DSCI controller calls it. */
  private configureTrustedCaBundle(dsci: KObject): void {
    const state: string = dsci.spec?.trustedCABundle?.managementState ?? 'Removed';
    const custom: string = dsci.spec.trustedCABundle?.customCABundle ?? '';
    if (state === 'Managed') {
      // The 2.9 operator re-checks all namespaces when the state changed or the applications
      // namespace's bundle is out of date; the twin re-checks them on every DSCI change (each check
      // is a no-op when the bundle is current), so that no namespace is left behind by the order
      // in which its own events arrive.
      // pkg/trustedcabundle AddCABundleConfigMapInAllNamespaces: ShouldInjectTrustedBundle skips the opted out.
      const honour = this.honoursOptOut() && !this.ctx.faults.has('trusted-ca-bundle-pass-ignores-opt-out');
      for (const ns of this.client.list('v1', 'Namespace')) {
        if (ns.status?.phase === 'Active' && shouldInject(ns, honour)) this.ensureConfigMap(ns.metadata.name!, custom);
      }
    } else if (state === 'Removed' && !this.ctx.faults.has('trusted-ca-bundle-removed-keeps-configmaps')) {
      for (const ns of this.client.list('v1', 'Namespace')) {
        if (ns.status?.phase === 'Active') this.client.delete('v1', 'ConfigMap', CA_CONFIG_MAP, ns.metadata.name);
      }
    }
    // Unmanaged: the ConfigMaps stay as they are and are no longer updated.
  }

  /** controllers/certconfigmapgenerator Reconcile. */
  private reconcileNamespace(name: string, dsci: KObject, fromConfigMap = false): void {
    const ns = this.client.get('v1', 'Namespace', name);
    if (!ns || ns.status?.phase !== 'Active') return;
    if (dsci.spec?.trustedCABundle?.managementState !== 'Managed') return;
    if (this.honoursOptOut() && optedOut(ns)) {
      if (fromConfigMap) return; // trusted-ca-bundle-pass-ignores-opt-out: only the namespace's own events honour it
      this.client.delete('v1', 'ConfigMap', CA_CONFIG_MAP, name);
      return;
    }
    if (shouldInject(ns, this.honoursOptOut())) this.ensureConfigMap(name, dsci.spec.trustedCABundle.customCABundle ?? '');
  }

  private honoursOptOut(): boolean {
    return !this.ctx.faults.has('trusted-ca-bundle-ignores-opt-out');
  }

  /** pkg/trustedcabundle CreateOdhTrustedCABundleConfigMap: create it, or update odh-ca-bundle.crt when it differs. */
  private ensureConfigMap(namespace: string, custom: string): void {
    const live = this.client.get('v1', 'ConfigMap', CA_CONFIG_MAP, namespace);
    if (!live) {
      this.client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: CA_CONFIG_MAP,
          namespace,
          labels: { 'app.kubernetes.io/part-of': 'opendatahub-operator', [INJECT_LABEL]: 'true' },
        },
        data: { [CUSTOM_CA_KEY]: custom },
      });
      return;
    }
    if (live.data?.[CUSTOM_CA_KEY] === custom || this.ctx.faults.has('trusted-ca-bundle-stale')) return;
    this.client.update({ ...live, data: { ...(live.data ?? {}), [CUSTOM_CA_KEY]: custom } });
  }
}

/**
 * The Cluster Network Operator's trusted-CA injection: it publishes the cluster-wide bundle as
 * openshift-config-managed/trusted-ca-bundle and writes it into ca-bundle.crt of every ConfigMap
 * labelled config.openshift.io/inject-trusted-cabundle=true.
 */
class ClusterNetworkOperatorTrust {
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly base: string;

  constructor(ctx: ControllerContext) {
    this.client = ctx.clientFor('cluster-network-operator', 'openshift-network-operator:cluster-network-operator');
    // The network operator is part of the platform: it reacts at once.
    this.queue = new WorkQueue('cluster-network-operator/trusted-ca', 0, (k) => this.reconcile(k), ctx.settings.log);
    this.base = [ctx.settings.ingressCaPem, ctx.settings.apiCaPem].map((pem) => pem.trim() + '\n').join('');
  }

  /**
   * The cluster-wide bundle: the system trust plus the Proxy's trustedCA (cluster-network-operator
   * pkg/controller/proxyconfig: the user CA bundle is merged into the trusted bundle it injects).
   */
  private get bundle(): string {
    return this.base + (proxyTrustedCa(this.client) ?? '');
  }

  start(): void {
    this.queue.enqueue('openshift-config-managed/trusted-ca-bundle');
    this.client.watch('v1', 'ConfigMap', (type, cm) => {
      if (type !== 'DELETED' && cm.metadata.labels?.[INJECT_LABEL] === 'true' && cm.data?.[CLUSTER_CA_KEY] !== this.bundle)
        this.queue.enqueue(`${cm.metadata.namespace}/${cm.metadata.name}`);
      if (cm.metadata.namespace === 'openshift-config') this.requeueAll();
    });
    this.client.watch('config.openshift.io/v1', 'Proxy', () => this.requeueAll());
  }

  private requeueAll(): void {
    this.queue.enqueue('openshift-config-managed/trusted-ca-bundle');
    for (const cm of this.client.list('v1', 'ConfigMap', undefined, { labelSelector: `${INJECT_LABEL}=true` }))
      this.queue.enqueue(`${cm.metadata.namespace}/${cm.metadata.name}`);
  }

  private reconcile(key: string): void {
    const [namespace, name] = key.split('/');
    const live = this.client.get('v1', 'ConfigMap', name, namespace);
    if (key === 'openshift-config-managed/trusted-ca-bundle') {
      if (!live)
        this.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { [CLUSTER_CA_KEY]: this.bundle } });
      else if (live.data?.[CLUSTER_CA_KEY] !== this.bundle)
        this.client.patch('v1', 'ConfigMap', name, namespace, { data: { [CLUSTER_CA_KEY]: this.bundle } });
      return;
    }
    if (!live || live.metadata.labels?.[INJECT_LABEL] !== 'true' || live.data?.[CLUSTER_CA_KEY] === this.bundle) return;
    this.client.patch('v1', 'ConfigMap', name, namespace, { data: { [CLUSTER_CA_KEY]: this.bundle } });
  }
}
