// Per-kind defaulting and validation of built-in objects, as the kube-apiserver and
// openshift-apiserver "strategies" do it: what a create or update gets filled in, and what it is
// refused for.
import type { KObject, StatusCause } from './types';

export interface StrategyEnv {
  appsDomain: string;
  allocateClusterIP(): string;
}

interface Strategy {
  /** Fills defaults on create. */
  create?(obj: KObject, env: StrategyEnv): void;
  /** Carries over what an update may not change, fills defaults. */
  update?(obj: KObject, old: KObject, env: StrategyEnv): void;
  validate?(obj: KObject, old: KObject | undefined): StatusCause[];
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const invalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});
const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });

// Kinds whose names are path segments rather than DNS names (users, RBAC roles, OAuth tokens, events).
const PATH_SEGMENT_NAMES = new Set([
  'User',
  'Group',
  'Identity',
  'OAuthAccessToken',
  'OAuthClient',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'Event',
]);

export function validateName(name: string | undefined, kind: string): StatusCause[] {
  if (!name) return [required('metadata.name')];
  if (PATH_SEGMENT_NAMES.has(kind)) {
    return name === '.' || name === '..' || /[/%]/.test(name)
      ? [invalid('metadata.name', name, "may not contain '/' or '%', and may not be '.' or '..'")]
      : [];
  }
  const label = kind === 'Namespace' || kind === 'Service' || kind === 'Project';
  const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (re.test(name) && name.length <= (label ? 63 : 253)) return [];
  return [
    invalid(
      'metadata.name',
      name,
      label
        ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ),
  ];
}

export function validateLabels(obj: KObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (!LABEL_NAME.test(k))
      causes.push(
        invalid(
          'metadata.labels',
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v))
      causes.push(
        invalid(
          'metadata.labels',
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ),
      );
  }
  return causes;
}

export function isQuantity(v: unknown): boolean {
  return (typeof v === 'string' && QUANTITY.test(v)) || (typeof v === 'number' && Number.isFinite(v));
}

function defaultPodSpec(spec: KObject['spec']): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    c.imagePullPolicy ??= /:latest$|^[^:@]*$/.test(c.image ?? '') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}

function validateContainers(spec: KObject['spec'], prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!spec?.containers?.length) return [required(`${prefix}.containers`)];
  spec.containers.forEach((c: KObject['spec'], i: number) => {
    if (!c.name) causes.push(required(`${prefix}.containers[${i}].name`));
    if (!c.image) causes.push(required(`${prefix}.containers[${i}].image`));
    for (const kind of ['requests', 'limits']) {
      for (const [r, q] of Object.entries(c.resources?.[kind] ?? {})) {
        if (!isQuantity(q))
          causes.push(
            invalid(
              `${prefix}.containers[${i}].resources.${kind}[${r}]`,
              q,
              "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
          );
      }
    }
  });
  return causes;
}

function workloadStrategy(podSpecPath: 'template'): Strategy {
  return {
    create(obj) {
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      if (obj.kind === 'Deployment') {
        // apps/v1 SetDefaults_Deployment: an empty strategy (kubectl create deployment sends
        // `strategy: {}`) is a RollingUpdate of 25%/25%. ReplicaSets have no revisionHistoryLimit.
        obj.spec.revisionHistoryLimit ??= 10;
        obj.spec.progressDeadlineSeconds ??= 600;
        const strategy = (obj.spec.strategy ??= {});
        strategy.type ||= 'RollingUpdate';
        if (strategy.type === 'RollingUpdate') {
          strategy.rollingUpdate ??= {};
          strategy.rollingUpdate.maxUnavailable ??= '25%';
          strategy.rollingUpdate.maxSurge ??= '25%';
        }
      }
      defaultPodSpec(obj.spec[podSpecPath]?.spec);
    },
    update(obj) {
      this.create!(obj, undefined as never);
    },
    validate(obj) {
      const causes: StatusCause[] = [];
      const sel = obj.spec?.selector?.matchLabels;
      if (!obj.spec?.selector) causes.push(required('spec.selector'));
      const labels = obj.spec?.template?.metadata?.labels ?? {};
      if (sel && Object.entries(sel).some(([k, v]) => labels[k] !== v)) {
        causes.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
      }
      return [...causes, ...validateContainers(obj.spec?.template?.spec, 'spec.template.spec')];
    },
  };
}

const STRATEGIES: Record<string, Strategy> = {
  Namespace: {
    create(obj) {
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name! };
      obj.metadata.annotations = {
        'openshift.io/sa.scc.mcs': 's0:c27,c4',
        'openshift.io/sa.scc.supplemental-groups': '1000710000/10000',
        'openshift.io/sa.scc.uid-range': '1000710000/10000',
        ...(obj.metadata.annotations ?? {}),
      };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec ?? {}) };
      obj.status = { phase: 'Active' };
    },
    update(obj, old) {
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name! };
      obj.spec = old.spec;
      obj.status = old.status;
    },
  },
  Secret: {
    create(obj) {
      normalizeSecret(obj);
    },
    update(obj) {
      normalizeSecret(obj);
    },
    validate(obj, old) {
      const causes: StatusCause[] = [];
      const data = obj.data ?? {};
      for (const [k, v] of Object.entries(data)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
          causes.push(invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      }
      if (obj.type === 'kubernetes.io/tls') {
        for (const k of ['tls.crt', 'tls.key']) if (!(k in data)) causes.push(required(`data[${k}]`));
      }
      if (obj.type === 'kubernetes.io/service-account-token' && !obj.metadata.annotations?.['kubernetes.io/service-account.name']) {
        causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      if (old?.immutable && JSON.stringify(old.data) !== JSON.stringify(obj.data))
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' });
      if (old && old.type !== obj.type) causes.push(invalid('type', obj.type, 'field is immutable'));
      return causes;
    },
  },
  Service: {
    create(obj, env) {
      obj.spec ??= {};
      obj.spec.type ??= 'ClusterIP';
      obj.spec.sessionAffinity ??= 'None';
      if (obj.spec.clusterIP !== 'None') obj.spec.clusterIP ??= env.allocateClusterIP();
      obj.spec.clusterIPs ??= [obj.spec.clusterIP];
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
    },
    update(obj, old) {
      obj.spec ??= {};
      obj.spec.clusterIP = old.spec?.clusterIP;
      obj.spec.clusterIPs = old.spec?.clusterIPs;
      obj.spec.type ??= 'ClusterIP';
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
    },
  },
  Pod: {
    create(obj) {
      defaultPodSpec(obj.spec);
      obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
    },
    update(obj, old) {
      defaultPodSpec(obj.spec);
      if (old.spec?.nodeName && !obj.spec?.nodeName) obj.spec.nodeName = old.spec.nodeName;
    },
    validate(obj) {
      return validateContainers(obj.spec, 'spec');
    },
  },
  Deployment: workloadStrategy('template'),
  ReplicaSet: workloadStrategy('template'),
  Route: {
    create(obj, env) {
      obj.spec ??= {};
      obj.spec.host ??= `${obj.metadata.name}-${obj.metadata.namespace}.${env.appsDomain}`;
      obj.spec.wildcardPolicy ??= 'None';
      if (obj.spec.to) obj.spec.to.weight ??= 100;
    },
    update(obj, old) {
      obj.spec ??= {};
      obj.spec.host ??= old.spec?.host;
    },
    validate(obj) {
      return obj.spec?.to?.name ? [] : [required('spec.to.name')];
    },
  },
  RoleBinding: { validate: validateBinding },
  ClusterRoleBinding: { validate: validateBinding },
  PersistentVolumeClaim: {
    create(obj) {
      obj.spec ??= {};
      obj.spec.volumeMode ??= 'Filesystem';
      obj.status = { phase: 'Pending' };
    },
    validate(obj, old) {
      const size = obj.spec?.resources?.requests?.storage;
      const causes: StatusCause[] = [];
      if (size === undefined) causes.push(required('spec.resources[storage]'));
      else if (!isQuantity(size))
        causes.push(
          invalid(
            'spec.resources.requests[storage]',
            size,
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          ),
        );
      if (!obj.spec?.accessModes?.length) causes.push(required('spec.accessModes'));
      if (old && JSON.stringify(old.spec?.accessModes) !== JSON.stringify(obj.spec?.accessModes))
        causes.push({
          reason: 'FieldValueForbidden',
          message: 'Forbidden: spec is immutable after creation except resources.requests for bound claims',
          field: 'spec',
        });
      return causes;
    },
  },
  Event: {
    create(obj) {
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      obj.firstTimestamp ??= now;
      obj.lastTimestamp ??= now;
      obj.count ??= 1;
      obj.type ??= 'Normal';
    },
    validate(obj) {
      return obj.involvedObject ? [] : [required('involvedObject')];
    },
  },
  User: {
    create(obj) {
      obj.identities ??= [];
      obj.groups ??= null;
    },
  },
};

function validateBinding(obj: KObject, old: KObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!obj.roleRef?.name) causes.push(required('roleRef.name'));
  if (obj.roleRef && !['Role', 'ClusterRole'].includes(obj.roleRef.kind))
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${obj.roleRef.kind}": supported values: "Role", "ClusterRole"`,
      field: 'roleRef.kind',
    });
  if (obj.kind === 'ClusterRoleBinding' && obj.roleRef?.kind === 'Role')
    causes.push({
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Role": supported values: "ClusterRole"',
      field: 'roleRef.kind',
    });
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(obj.roleRef))
    causes.push(invalid('roleRef', obj.roleRef, 'cannot change roleRef'));
  (obj.subjects ?? []).forEach((s: { kind: string; name?: string; namespace?: string }, i: number) => {
    if (!s.name) causes.push(required(`subjects[${i}].name`));
    if (s.kind === 'ServiceAccount' && obj.kind === 'ClusterRoleBinding' && !s.namespace) causes.push(required(`subjects[${i}].namespace`));
  });
  return causes;
}

function normalizeSecret(obj: KObject): void {
  obj.type ??= 'Opaque';
  if (obj.stringData) {
    obj.data = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) obj.data[k] = Buffer.from(String(v)).toString('base64');
    delete obj.stringData;
  }
}

function qosClass(spec: KObject['spec']): string {
  const containers = spec?.containers ?? [];
  const none = containers.every((c: KObject['spec']) => !c.resources?.requests && !c.resources?.limits);
  if (none) return 'BestEffort';
  const guaranteed = containers.every(
    (c: KObject['spec']) =>
      c.resources?.limits?.cpu &&
      c.resources?.limits?.memory &&
      (!c.resources.requests ||
        (c.resources.requests.cpu === c.resources.limits.cpu && c.resources.requests.memory === c.resources.limits.memory)),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function strategyFor(kind: string): Strategy {
  return STRATEGIES[kind] ?? {};
}
