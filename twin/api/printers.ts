// kube-apiserver's (and openshift-apiserver's) table printers for built-in kinds, after
// k8s.io/kubernetes pkg/printers/internalversion/printers.go: columns whose cells are computed
// (READY "1/2", a pod's STATUS reason, PORT(S)) rather than read at a JSONPath, as `kubectl get`
// shows them. The server always fills the wide (priority 1) columns; kubectl hides them unless -o wide.
import type { KObject } from './types';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  cells(o: KObject): unknown[];
}

const col = (name: string, type = 'string', priority = 0, format = ''): ColumnDefinition => ({
  name,
  type,
  format,
  description: '',
  priority,
});
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');
/** The columns -o wide adds for what runs containers: their names and images. */
const CONTAINER_COLUMNS = [col('Containers', 'string', 1), col('Images', 'string', 1)];
/** ... and for a workload that selects its pods, the selector too. */
const WORKLOAD_COLUMNS = [...CONTAINER_COLUMNS, col('Selector', 'string', 1)];

/** 0/1 → "0/1"; a missing count is 0. */
const ratio = (a: unknown, b: unknown) => `${Number(a ?? 0)}/${Number(b ?? 0)}`;
const count = (x: unknown) => (x && typeof x === 'object' ? Object.keys(x as object).length : 0);
const createdAt = (o: KObject) => o.metadata.creationTimestamp ?? '';

function podStatus(pod: KObject): { ready: string; reason: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let lastRestart = 0;
  let reason: string = status.reason || status.phase || '';
  const noteRestart = (c: KObject) => {
    restarts += Number(c.restartCount ?? 0);
    const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
    if (finished > lastRestart) lastRestart = finished;
  };
  let initializing = false;
  const inits: KObject[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    noteRestart(c);
    const terminated = c.state?.terminated;
    if (terminated && Number(terminated.exitCode ?? 0) === 0) continue;
    if (terminated)
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  let ready = 0;
  if (!initializing) {
    restarts = 0;
    let running = false;
    const statuses: KObject[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      noteRestart(c);
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        running = true;
        ready++;
      }
    }
    if (reason === 'Completed' && running)
      reason = (status.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartText =
    restarts !== 0 && lastRestart > 0 ? `${restarts} (${age(new Date(lastRestart).toISOString())} ago)` : String(restarts);
  return { ready: `${ready}/${(spec.containers ?? []).length}`, reason, restarts: restartText };
}

function containerCells(template: KObject | undefined): [string, string] {
  const containers: KObject[] = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

/** The wide columns of a workload (-o wide): its containers, their images and its selector. */
function workloadCells(o: KObject): [string, string, string] {
  return [...containerCells(o.spec?.template), selectorText(o.spec?.selector)];
}

function selectorText(sel: KObject | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelector(sel: Record<string, string> | undefined): string {
  const parts = Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.sort().join(',') : '<none>';
}

function servicePorts(ports: KObject[] | undefined): string {
  if (!ports?.length) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

function serviceExternalIp(svc: KObject): string {
  const spec = svc.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'LoadBalancer': {
      const ingress: string[] = (svc.status?.loadBalancer?.ingress ?? []).map((i: KObject) => i.ip || i.hostname).filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '<none>';
    default:
      return external.length ? external.join(',') : '<none>';
  }
}

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

function subjectsOf(binding: KObject, kind: string): string {
  return (binding.subjects ?? [])
    .filter((s: KObject) => s.kind === kind)
    .map((s: KObject) => (kind === 'ServiceAccount' ? `${s.namespace ?? binding.metadata.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

const bindingPrinter: Printer = {
  columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
  cells: (o) => [
    o.metadata.name,
    `${o.roleRef?.kind}/${o.roleRef?.name}`,
    age(o.metadata.creationTimestamp),
    subjectsOf(o, 'User'),
    subjectsOf(o, 'Group'),
    subjectsOf(o, 'ServiceAccount'),
  ],
};

const createdAtPrinter: Printer = {
  columns: [NAME, col('Created At', 'date')],
  cells: (o) => [o.metadata.name, createdAt(o)],
};

const PRINTERS: Record<string, Printer> = {
  '/Pod': {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      AGE,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(o) {
      const { ready, reason, restarts } = podStatus(o);
      const ip = o.status?.podIPs?.[0]?.ip || o.status?.podIP || '<none>';
      const gates: KObject[] = o.spec?.readinessGates ?? [];
      const gateText = gates.length
        ? `${gates.filter((g) => (o.status?.conditions ?? []).some((c: KObject) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
        : '<none>';
      return [
        o.metadata.name,
        ready,
        reason,
        restarts,
        age(o.metadata.creationTimestamp),
        ip,
        o.spec?.nodeName || '<none>',
        o.status?.nominatedNodeName || '<none>',
        gateText,
      ];
    },
  },
  'apps/Deployment': {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, ...WORKLOAD_COLUMNS],
    cells: (o) => [
      o.metadata.name,
      ratio(o.status?.readyReplicas, o.spec?.replicas),
      Number(o.status?.updatedReplicas ?? 0),
      Number(o.status?.availableReplicas ?? 0),
      age(o.metadata.creationTimestamp),
      ...workloadCells(o),
    ],
  },
  'apps/ReplicaSet': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, ...WORKLOAD_COLUMNS],
    cells: (o) => [
      o.metadata.name,
      Number(o.spec?.replicas ?? 0),
      Number(o.status?.replicas ?? 0),
      Number(o.status?.readyReplicas ?? 0),
      age(o.metadata.creationTimestamp),
      ...workloadCells(o),
    ],
  },
  'apps/StatefulSet': {
    columns: [NAME, col('Ready'), AGE, ...CONTAINER_COLUMNS],
    cells: (o) => [
      o.metadata.name,
      ratio(o.status?.readyReplicas, o.spec?.replicas),
      age(o.metadata.creationTimestamp),
      ...containerCells(o.spec?.template),
    ],
  },
  'apps/DaemonSet': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      AGE,
      ...WORKLOAD_COLUMNS,
    ],
    cells: (o) => {
      const s = o.status ?? {};
      return [
        o.metadata.name,
        Number(s.desiredNumberScheduled ?? 0),
        Number(s.currentNumberScheduled ?? 0),
        Number(s.numberReady ?? 0),
        Number(s.updatedNumberScheduled ?? 0),
        Number(s.numberAvailable ?? 0),
        mapSelector(o.spec?.template?.spec?.nodeSelector),
        age(o.metadata.creationTimestamp),
        ...workloadCells(o),
      ];
    },
  },
  'batch/Job': {
    columns: [NAME, col('Completions'), col('Duration'), AGE, ...WORKLOAD_COLUMNS],
    cells: (o) => {
      const completions =
        o.spec?.completions !== undefined
          ? ratio(o.status?.succeeded, o.spec.completions)
          : `${Number(o.status?.succeeded ?? 0)}/1 of ${Number(o.spec?.parallelism ?? 1)}`;
      const start = Date.parse(o.status?.startTime ?? '');
      const end = Date.parse(o.status?.completionTime ?? '') || Date.now();
      const duration = Number.isNaN(start) ? '' : age(new Date(Date.now() - (end - start)).toISOString());
      return [o.metadata.name, completions, duration, age(o.metadata.creationTimestamp), ...workloadCells(o)];
    },
  },
  '/Service': {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: (o) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '<none>',
      serviceExternalIp(o),
      servicePorts(o.spec?.ports),
      age(o.metadata.creationTimestamp),
      mapSelector(o.spec?.selector),
    ],
  },
  '/Node': {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells(o) {
      const ready = (o.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
      let status = ready ? (ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown') : 'Unknown';
      if (o.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .filter(Boolean)
        .sort();
      const address = (type: string) => (o.status?.addresses ?? []).find((a: KObject) => a.type === type)?.address ?? '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        age(o.metadata.creationTimestamp),
        info.kubeletVersion ?? '',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion ?? '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  '/Namespace': {
    columns: [NAME, col('Status'), AGE],
    cells: (o) => [o.metadata.name, o.status?.phase ?? '', age(o.metadata.creationTimestamp)],
  },
  '/ConfigMap': {
    columns: [NAME, col('Data', 'integer'), AGE],
    cells: (o) => [o.metadata.name, count(o.data) + count(o.binaryData), age(o.metadata.creationTimestamp)],
  },
  '/Secret': {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    cells: (o) => [o.metadata.name, o.type ?? '', count(o.data), age(o.metadata.creationTimestamp)],
  },
  '/ServiceAccount': {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    cells: (o) => [o.metadata.name, (o.secrets ?? []).length, age(o.metadata.creationTimestamp)],
  },
  '/Event': {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 'string', 1),
      col('Source', 'string', 1),
      col('Message'),
      col('First Seen', 'string', 1),
      col('Count', 'string', 1),
      col('Name', 'string', 1),
    ],
    cells(o) {
      const first = o.firstTimestamp || o.eventTime || o.metadata.creationTimestamp;
      const last = o.lastTimestamp || o.series?.lastObservedTime || first;
      const involved = o.involvedObject ?? {};
      const source = [o.source?.component ?? o.reportingComponent, o.source?.host].filter(Boolean).join(', ');
      return [
        age(last),
        o.type ?? '',
        o.reason ?? '',
        `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
        involved.fieldPath ?? '',
        source,
        String(o.message ?? '').trim(),
        age(first),
        Number(o.count ?? 1),
        o.metadata.name,
      ];
    },
  },
  '/PersistentVolumeClaim': {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      AGE,
      col('VolumeMode', 'string', 1),
    ],
    cells(o) {
      const bound = o.status?.phase === 'Bound';
      const modes = (o.status?.accessModes ?? []).map((m: string) => ACCESS_MODES[m] ?? m).join(',');
      return [
        o.metadata.name,
        o.status?.phase ?? '',
        o.spec?.volumeName ?? '',
        bound ? (o.status?.capacity?.storage ?? '') : '',
        modes,
        o.spec?.storageClassName ?? '',
        age(o.metadata.creationTimestamp),
        o.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
  'storage.k8s.io/StorageClass': {
    columns: [NAME, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion'), AGE],
    cells(o) {
      const isDefault = o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [
        isDefault ? `${o.metadata.name} (default)` : o.metadata.name,
        o.provisioner ?? '',
        o.reclaimPolicy ?? 'Delete',
        o.volumeBindingMode ?? 'Immediate',
        Boolean(o.allowVolumeExpansion),
        age(o.metadata.creationTimestamp),
      ];
    },
  },
  'coordination.k8s.io/Lease': {
    columns: [NAME, col('Holder'), AGE],
    cells: (o) => [o.metadata.name, o.spec?.holderIdentity ?? '', age(o.metadata.creationTimestamp)],
  },
  'rbac.authorization.k8s.io/RoleBinding': bindingPrinter,
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindingPrinter,
  'rbac.authorization.k8s.io/Role': createdAtPrinter,
  'rbac.authorization.k8s.io/ClusterRole': createdAtPrinter,
  'apiextensions.k8s.io/CustomResourceDefinition': createdAtPrinter,
  // openshift-apiserver's printers
  'route.openshift.io/Route': {
    columns: [NAME, col('Host/Port'), col('Path'), col('Services'), col('Port'), col('Termination'), col('Wildcard')],
    cells(o) {
      const spec = o.spec ?? {};
      const admitted = (o.status?.ingress ?? []).some((i: KObject) =>
        (i.conditions ?? []).some((c: KObject) => c.type === 'Admitted' && c.status === 'True'),
      );
      const host = spec.host
        ? admitted || !(o.status?.ingress ?? []).length
          ? spec.host
          : `${spec.host} ... ${o.status?.ingress?.length ?? 0} rejected`
        : '';
      const backends = [spec.to, ...(spec.alternateBackends ?? [])].filter(Boolean) as KObject[];
      const services = backends.length > 1 ? backends.map((b) => `${b.name}(${b.weight ?? 100}%)`).join(',') : (spec.to?.name ?? '');
      const termination = spec.tls ? [spec.tls.termination, spec.tls.insecureEdgeTerminationPolicy].filter(Boolean).join('/') : '';
      return [
        o.metadata.name,
        host,
        spec.path ?? '',
        services,
        spec.port?.targetPort ?? '<all>',
        termination,
        spec.wildcardPolicy ?? 'None',
      ];
    },
  },
  'project.openshift.io/Project': {
    columns: [NAME, col('Display Name'), col('Status')],
    cells: (o) => [o.metadata.name, o.metadata.annotations?.['openshift.io/display-name'] ?? '', o.status?.phase ?? ''],
  },
  'user.openshift.io/User': {
    columns: [NAME, col('UID'), col('Full Name'), col('Identities')],
    cells: (o) => [o.metadata.name, o.metadata.uid, o.fullName ?? '', (o.identities ?? []).join(', ')],
  },
  'user.openshift.io/Group': {
    columns: [NAME, col('Users')],
    cells: (o) => [o.metadata.name, (o.users ?? []).join(', ')],
  },
  'user.openshift.io/Identity': {
    columns: [NAME, col('IDP Name'), col('IDP User Name'), col('User Name'), col('User UID')],
    cells: (o) => [o.metadata.name, o.providerName ?? '', o.providerUserName ?? '', o.user?.name ?? '', o.user?.uid ?? ''],
  },
};

/** The printer of a built-in kind, when kube-apiserver computes its columns. */
export function builtinPrinter(group: string, kind: string): Printer | undefined {
  return PRINTERS[`${group}/${kind}`];
}

/** A timestamp's age as kubectl prints it (duration.HumanDuration of k8s.io/apimachinery): 45s, 3m20s, 2h, 5d. */
export function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
