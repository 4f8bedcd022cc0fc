// The kinds an OpenShift 4.15 API server serves without CRDs (core, apps, rbac, authn/z, and the
// OpenShift aggregated APIs the checklist touches), with the list-merge keys that strategic merge
// patch and server-side apply use for them.
import type { ListSemantics, ListSemanticsFn, PrinterColumn, ResourceType } from './types';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];

// patchMergeKey / listType of Kubernetes built-in types, by field path (list indices omitted).
// Paths are matched by suffix so a pod spec inside a Deployment's template resolves too.
const MAP_LISTS: [string, string[]][] = [
  ['metadata.ownerReferences', ['uid']],
  ['spec.containers', ['name']],
  ['spec.initContainers', ['name']],
  ['spec.ephemeralContainers', ['name']],
  ['containers.env', ['name']],
  ['initContainers.env', ['name']],
  ['containers.ports', ['containerPort']],
  ['containers.volumeMounts', ['mountPath']],
  ['initContainers.volumeMounts', ['mountPath']],
  ['spec.volumes', ['name']],
  ['spec.imagePullSecrets', ['name']],
  ['spec.hostAliases', ['ip']],
  ['spec.ports', ['port']],
  ['status.conditions', ['type']],
  ['secrets', ['name']],
  ['imagePullSecrets', ['name']],
  ['spec.tags', ['name']],
];
const SET_LISTS = ['metadata.finalizers', 'spec.finalizers'];

export const builtinListSemantics: ListSemanticsFn = (path: readonly string[]): ListSemantics => {
  const joined = path.join('.');
  if (SET_LISTS.includes(joined)) return { type: 'set' };
  for (const [suffix, keys] of MAP_LISTS) {
    if (joined === suffix || joined.endsWith('.' + suffix)) return { type: 'map', keys };
  }
  return { type: 'atomic' };
};

interface BuiltinSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  status?: boolean;
  /** Serves the scale subresource (autoscaling/v1 Scale over .spec.replicas). */
  scale?: boolean;
  extraSubresources?: string[];
  virtual?: boolean;
  /** JSONPath printer columns, for kinds printers.ts has no printer for. */
  columns?: PrinterColumn[];
  /** The top-level fields of the kind's Go type besides apiVersion, kind and metadata (default spec, status). */
  fields?: string[];
}

const col = (name: string, jsonPath: string, type = 'string', priority = 0): PrinterColumn => ({ name, type, jsonPath, priority });

const SPECS: BuiltinSpec[] = [
  // core/v1
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    extraSubresources: ['finalize'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    namespaced: true,
    shortNames: ['cm'],
    fields: ['data', 'binaryData', 'immutable'],
  },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, fields: ['data', 'stringData', 'type', 'immutable'] },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
    extraSubresources: ['token'],
    fields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    status: true,
    categories: ['all'],
  },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'], fields: ['subsets'] },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    status: true,
    categories: ['all'],
    extraSubresources: ['exec', 'log', 'binding', 'eviction'],
  },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], status: true },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
    fields: [
      'involvedObject',
      'reason',
      'message',
      'source',
      'firstTimestamp',
      'lastTimestamp',
      'count',
      'type',
      'eventTime',
      'series',
      'action',
      'related',
      'reportingComponent',
      'reportingInstance',
    ],
  },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    status: true,
  },
  { group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, shortNames: ['pv'], status: true },
  { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, shortNames: ['quota'], status: true },
  { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'], fields: ['spec'] },
  // apps/v1
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    status: true,
    categories: ['all'],
    scale: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    status: true,
    categories: ['all'],
    scale: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    status: true,
    categories: ['all'],
    scale: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    status: true,
    categories: ['all'],
  },
  // batch/v1
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, status: true, categories: ['all'] },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    status: true,
    categories: ['all'],
  },
  // networking, coordination, policy, storage
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], status: true },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true, fields: ['spec'] },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    namespaced: false,
    shortNames: ['sc'],
    fields: [
      'provisioner',
      'parameters',
      'reclaimPolicy',
      'mountOptions',
      'allowVolumeExpansion',
      'volumeBindingMode',
      'allowedTopologies',
    ],
  },
  // rbac
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true, fields: ['rules'] },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    namespaced: true,
    fields: ['subjects', 'roleRef'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    namespaced: false,
    fields: ['rules', 'aggregationRule'],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
    fields: ['subjects', 'roleRef'],
  },
  // authentication / authorization (create-only virtual kinds)
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenReview',
    plural: 'tokenreviews',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectReview',
    plural: 'selfsubjectreviews',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SubjectAccessReview',
    plural: 'subjectaccessreviews',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'LocalSubjectAccessReview',
    plural: 'localsubjectaccessreviews',
    namespaced: true,
    verbs: ['create'],
    virtual: true,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  },
  // apiextensions
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    status: true,
    categories: ['api-extensions'],
  },
  // OpenShift aggregated APIs
  {
    group: 'project.openshift.io',
    version: 'v1',
    kind: 'Project',
    plural: 'projects',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    virtual: true,
  },
  {
    group: 'project.openshift.io',
    version: 'v1',
    kind: 'ProjectRequest',
    plural: 'projectrequests',
    namespaced: false,
    verbs: ['create', 'list'],
    virtual: true,
    fields: ['displayName', 'description'],
  },
  {
    group: 'route.openshift.io',
    version: 'v1',
    kind: 'Route',
    plural: 'routes',
    namespaced: true,
    status: true,
    categories: ['all'],
    extraSubresources: ['custom-host'],
  },
  {
    group: 'user.openshift.io',
    version: 'v1',
    kind: 'User',
    plural: 'users',
    namespaced: false,
    fields: ['fullName', 'identities', 'groups'],
  },
  { group: 'user.openshift.io', version: 'v1', kind: 'Group', plural: 'groups', namespaced: false, fields: ['users'] },
  {
    group: 'user.openshift.io',
    version: 'v1',
    kind: 'Identity',
    plural: 'identities',
    namespaced: false,
    fields: ['providerName', 'providerUserName', 'user', 'extra'],
  },
  {
    group: 'oauth.openshift.io',
    version: 'v1',
    kind: 'OAuthAccessToken',
    plural: 'oauthaccesstokens',
    namespaced: false,
    fields: [
      'clientName',
      'expiresIn',
      'scopes',
      'redirectURI',
      'userName',
      'userUID',
      'authorizeToken',
      'refreshToken',
      'inactivityTimeoutSeconds',
    ],
  },
  {
    group: 'oauth.openshift.io',
    version: 'v1',
    kind: 'OAuthClient',
    plural: 'oauthclients',
    namespaced: false,
    fields: [
      'secret',
      'additionalSecrets',
      'respondWithChallenges',
      'redirectURIs',
      'grantMethod',
      'scopeRestrictions',
      'accessTokenMaxAgeSeconds',
      'accessTokenInactivityTimeoutSeconds',
    ],
  },
  {
    group: 'image.openshift.io',
    version: 'v1',
    kind: 'ImageStream',
    plural: 'imagestreams',
    namespaced: true,
    shortNames: ['is'],
    status: true,
    categories: ['all'],
  },
  {
    group: 'template.openshift.io',
    version: 'v1',
    kind: 'Template',
    plural: 'templates',
    namespaced: true,
    fields: ['message', 'objects', 'parameters', 'labels'],
  },
  {
    group: 'packages.operators.coreos.com',
    version: 'v1',
    kind: 'PackageManifest',
    plural: 'packagemanifests',
    namespaced: true,
    verbs: READ_VERBS,
    columns: [col('Catalog', '.status.catalogSourceDisplayName')],
  },
];

export function builtinResourceTypes(): ResourceType[] {
  return SPECS.map((s) => ({
    group: s.group,
    versions: [s.version],
    storageVersion: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    namespaced: s.namespaced,
    verbs: s.verbs ?? ALL_VERBS,
    subresources: { status: s.status, scale: s.scale, extra: s.extraSubresources },
    printerColumns: s.columns ? { [s.version]: s.columns } : undefined,
    listSemantics: builtinListSemantics,
    virtual: s.virtual,
    topLevelFields: s.fields ?? ['spec', 'status'],
  }));
}
