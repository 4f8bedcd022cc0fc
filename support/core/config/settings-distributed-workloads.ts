// Settings of one domain. Distributed workloads: Kueue quotas and queues, CodeFlare.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { isQuantity, parseQuantity } from '../cluster/quantity';
import { define, InvalidSettingValue } from './setting-kinds';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A positive Kubernetes quantity (resource.Quantity's grammar), kept as written. */
function positiveQuantity(allowed: string, unit: 'cpu' | 'memory') {
  return (raw: string | undefined): string | undefined => {
    if (raw === undefined) return undefined;
    const value = raw.trim();
    if (!isQuantity(value) || value.startsWith('-') || value.startsWith('+'))
      throw new InvalidSettingValue(allowed, `"${raw}" is not a Kubernetes quantity`);
    const amount = parseQuantity(value);
    if (!(amount > 0)) throw new InvalidSettingValue(allowed, 'it must be greater than 0');
    if (unit === 'memory' && !Number.isInteger(amount)) throw new InvalidSettingValue(allowed, 'memory is a whole number of bytes');
    if (unit === 'cpu' && !Number.isInteger(Math.round(amount * 1e6) / 1e3))
      throw new InvalidSettingValue(allowed, 'the finest CPU unit is 1m');
    return value;
  };
}

function bool(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new InvalidSettingValue('true | false');
}

const CPU_ALLOWED = 'a CPU quantity greater than 0: cores (9, 8.5) or millicores (8500m)';
const MEMORY_ALLOWED = 'a memory quantity greater than 0 in bytes or with a suffix: 36Gi, 64G, 512Mi';
const GPU_ALLOWED = 'a whole number of GPUs >= 0 (nvidia.com/gpu is counted in devices)';

/** How DW-CF-02 judges kuberay.ingressDomain. */
export type IngressDomainExpectation = { kind: 'empty-or-apps-domain' } | { kind: 'empty' } | { kind: 'domain'; domain: string };

export const DISTRIBUTED_WORKLOAD_SETTINGS = {
  clusterQueueCpu: define<string | undefined>({
    name: 'RHOAI_CLUSTER_QUEUE_CPU',
    description:
      'nominalQuota of cpu in the ClusterQueue cluster-queue (docs example: 9). By default it is sized from the cluster: the allocatable cpu of the Ready, schedulable worker nodes minus what the pods on them already request (distributed-workload pods excluded), rounded down to whole cores.',
    allowed: CPU_ALLOWED,
    default: 'sized from the worker nodes',
    secret: false,
    parse: positiveQuantity(CPU_ALLOWED, 'cpu'),
  }),
  clusterQueueMemory: define<string | undefined>({
    name: 'RHOAI_CLUSTER_QUEUE_MEMORY',
    description:
      'nominalQuota of memory in the ClusterQueue cluster-queue (docs example: 36Gi). By default sized like the cpu quota, rounded down to whole GiB.',
    allowed: MEMORY_ALLOWED,
    default: 'sized from the worker nodes',
    secret: false,
    parse: positiveQuantity(MEMORY_ALLOWED, 'memory'),
  }),
  clusterQueueGpu: define<string | undefined>({
    name: 'RHOAI_CLUSTER_QUEUE_GPU',
    description:
      'nominalQuota of nvidia.com/gpu in the ClusterQueue cluster-queue (docs example: 5; NVIDIA GPUs are the only accelerators 2.9 supports for distributed workloads). By default the allocatable nvidia.com/gpu of the worker nodes minus what pods already request (0 without GPU nodes).',
    allowed: GPU_ALLOWED,
    default: 'sized from the worker nodes',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw.trim())) throw new InvalidSettingValue(GPU_ALLOWED);
      return String(Number(raw.trim()));
    },
  }),
  dwProject: define<string>({
    name: 'RHOAI_DW_PROJECT',
    description:
      'The data science project (namespace labelled opendatahub.io/dashboard=true) the install prepares for distributed workloads: it is created when missing, gets its local queue (DW-Q-03) and is kept, so that every install covers at least one project and a re-run changes nothing. An existing namespace is used only if it already is a data science project.',
    allowed: 'a DNS-1123 label (lower-case letters, digits and -, at most 63 characters), not openshift-*, kube-* or redhat-ods-*',
    default: 'distributed-workloads',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'distributed-workloads';
      const allowed = 'a DNS-1123 label (lower-case letters, digits and -, at most 63 characters), not openshift-*, kube-* or redhat-ods-*';
      if (!DNS_LABEL.test(value)) throw new InvalidSettingValue(allowed);
      if (/^(openshift|kube|redhat-ods)(-|$)/.test(value) || value === 'default')
        throw new InvalidSettingValue(allowed, 'the dashboard does not list system namespaces as data science projects');
      return value;
    },
  }),
  localQueueName: define<string>({
    name: 'RHOAI_LOCAL_QUEUE_NAME',
    description:
      'Name of the LocalQueue the install creates in every data science project (annotated kueue.x-k8s.io/default-queue so that the CodeFlare SDK uses it when no local_queue is given).',
    allowed: 'a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")',
    default: 'local-queue',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'local-queue';
      if (!DNS_SUBDOMAIN.test(value)) throw new InvalidSettingValue('a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")');
      return value;
    },
  }),
  codeflareIngressDomain: define<IngressDomainExpectation>({
    name: 'RHOAI_CODEFLARE_INGRESS_DOMAIN',
    description:
      'The kuberay.ingressDomain codeflare-operator-config must hold. `default` accepts "" (the 2.9 default: on OpenShift the operator builds Ray dashboard routes on the cluster apps domain) or the apps domain itself; `empty` requires ""; a domain requires exactly that domain.',
    allowed: 'default | empty | a DNS domain',
    default: 'default',
    secret: false,
    parse: (raw) => {
      const value = (raw ?? 'default').toLowerCase();
      if (value === 'default') return { kind: 'empty-or-apps-domain' };
      if (value === 'empty') return { kind: 'empty' };
      if (!DOMAIN.test(value)) throw new InvalidSettingValue('default | empty | a DNS domain');
      return { kind: 'domain', domain: value };
    },
  }),
  codeflareMtlsEnabled: define<boolean>({
    name: 'RHOAI_CODEFLARE_MTLS_ENABLED',
    description:
      'The kuberay.mTLSEnabled value codeflare-operator-config must hold (2.9 default true; the docs require RayJob submissionMode HTTPMode because of it).',
    allowed: 'true | false',
    default: 'true',
    secret: false,
    parse: (raw) => bool(raw, true),
  }),
  codeflareDashboardOAuthEnabled: define<boolean>({
    name: 'RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED',
    description:
      'The kuberay.rayDashboardOAuthEnabled value codeflare-operator-config must hold (2.9 default true: an OpenShift OAuth proxy in front of the Ray dashboard).',
    allowed: 'true | false',
    default: 'true',
    secret: false,
    parse: (raw) => bool(raw, true),
  }),
} as const;
