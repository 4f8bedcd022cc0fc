// The API server's RBAC bootstrap reconcile ("rbac/bootstrap-roles" post-start hook) of OpenShift
// 4.15, for the default cluster roles and bindings of twin/bootstrap/rbac.yaml.
//
// Upstream: kubernetes pkg/registry/rbac/rest/storage_rbac.go (ensureRBACPolicy, run on every API
// server start: ReconcileRoleOptions{Confirm: true, RemoveExtraPermissions: false} for each bootstrap
// ClusterRole, ReconcileRoleBindingOptions{Confirm: true, RemoveExtraSubjects: false} for each bootstrap
// ClusterRoleBinding) and pkg/registry/rbac/reconciliation/reconcile_rolebindings.go
// (computeReconciledRoleBinding: `Protected` when the existing object is annotated
// rbac.authorization.kubernetes.io/autoupdate=false, and a protected object is never written; a missing
// one is created; otherwise the expected annotations and labels are merged under the existing ones and
// the missing default subjects are added back, extra subjects kept); reconcile_role.go does the same for
// rules. OpenShift adds its own defaults to the same reconcile (openshift/kubernetes
// openshift-kube-apiserver bootstrappolicy: ClusterRoleBinding self-provisioners → ClusterRole
// self-provisioner → Group system:authenticated:oauth). That is why the OpenShift 4.15 procedure
// "Disabling project self-provisioning" (openshift-docs modules/disabling-project-self-provisioning.adoc)
// annotates the binding autoupdate=false: without it the next API server restart (an upgrade) restores
// the default subject.
//
// The twin's API server does not restart; it runs the reconcile when the controllers start (after the
// bootstrap) and, as an "API server restart", when a fault asks for one.
import { join } from 'node:path';
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import { WorkQueue, type Controller, type ControllerContext } from './runtime';

export const RBAC_BOOTSTRAP_FAULTS: FaultDefinition[] = [
  {
    name: 'self-provisioners-restored',
    description:
      'After the self-provisioners ClusterRoleBinding is changed, the API server restarts (an upgrade) and its RBAC bootstrap reconcile does not honour rbac.authorization.kubernetes.io/autoupdate=false on it, as if the annotation were missing: the default subject Group system:authenticated:oauth comes back and every logged-in user may request projects again',
    caughtBy: '@req.Q-01',
    expectMessage: 'the default subject was restored',
  },
  {
    name: 'project-request-granted-to-plain-user',
    description:
      'Besides the default self-provisioners binding, a ClusterRoleBinding "self-provisioner" (the name `oc adm policy add-cluster-role-to-group self-provisioner system:authenticated:oauth` gives it) grants self-provisioner to every OAuth user: removing the group from self-provisioners alone leaves datascience-users able to request projects',
    caughtBy: '@req.Q-01',
    expectMessage: 'ClusterRoleBinding self-provisioner (not the default self-provisioners) also grants',
  },
  {
    name: 'workspace-edit-role-emptied',
    description:
      'ClusterRole system:aggregate-to-edit was emptied and protected with autoupdate=false (a cluster "locked down" by hand): the admin role a workspace RoleBinding grants no longer lets its user create ConfigMaps, Secrets or Pods in the workspace',
    caughtBy: '@req.Q-02',
    expectMessage: 'although RoleBinding',
  },
];

export const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
const RBAC_API = 'rbac.authorization.k8s.io/v1';
const MANAGER = 'kube-apiserver';
const DEFAULTS_FILE = join(__dirname, '..', 'bootstrap', 'rbac.yaml');

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** What one reconcile did, by object ("ClusterRoleBinding self-provisioners: added subjects Group system:authenticated:oauth"). */
export type ReconcileReport = string[];

/** The default ClusterRoles and ClusterRoleBindings the reconcile keeps (those of the twin's bootstrap RBAC). */
export function bootstrapRbacDefaults(file = DEFAULTS_FILE): KObject[] {
  return loadYamlObjects(file).filter((o) => o.apiVersion === RBAC_API && (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding'));
}

/**
 * One run of the bootstrap reconcile over `defaults`. `honourAutoupdate: false` is the fault: the
 * autoupdate=false annotation is ignored (the binding treated as if it had none).
 */
export function reconcileBootstrapRbac(
  client: TwinClient,
  defaults: KObject[],
  opts: { honourAutoupdate: boolean } = { honourAutoupdate: true },
): ReconcileReport {
  const report: ReconcileReport = [];
  for (const expected of defaults) {
    const what = `${expected.kind} ${expected.metadata.name}`;
    const existing = client.get(RBAC_API, expected.kind, expected.metadata.name!);
    if (!existing) {
      client.create(structuredClone(expected));
      report.push(`${what}: created`);
      continue;
    }
    if (opts.honourAutoupdate && existing.metadata.annotations?.[AUTOUPDATE] === 'false') continue;
    const next = structuredClone(existing);
    const changes: string[] = [];
    // merge(expected, existing): the existing values win, missing expected keys are added.
    for (const field of ['annotations', 'labels'] as const) {
      const merged = { ...(expected.metadata[field] ?? {}), ...(existing.metadata[field] ?? {}) };
      if (Object.keys(merged).length !== Object.keys(existing.metadata[field] ?? {}).length) {
        next.metadata[field] = merged;
        changes.push(`${field} merged`);
      }
    }
    if (expected.kind === 'ClusterRoleBinding') {
      if (existing.roleRef?.kind !== expected.roleRef?.kind || existing.roleRef?.name !== expected.roleRef?.name) {
        // ReconcileRecreate: a binding to another role is replaced by the default one.
        client.delete(RBAC_API, 'ClusterRoleBinding', expected.metadata.name!);
        client.create(structuredClone(expected));
        report.push(`${what}: recreated (roleRef ${existing.roleRef?.name} → ${expected.roleRef?.name})`);
        continue;
      }
      const have: Subject[] = existing.subjects ?? [];
      const missing = ((expected.subjects as Subject[] | undefined) ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
      if (missing.length) {
        next.subjects = [...have, ...missing];
        changes.push(`added subjects ${missing.map((s) => `${s.kind} ${s.name}`).join(', ')}`);
      }
    } else {
      const have: KObject[] = existing.rules ?? [];
      const missing = ((expected.rules as KObject[] | undefined) ?? []).filter(
        (r) => !have.some((h) => JSON.stringify(h) === JSON.stringify(r)),
      );
      if (missing.length && !expected.aggregationRule) {
        next.rules = [...have, ...missing];
        changes.push(`added ${missing.length} rule(s)`);
      }
    }
    if (!changes.length) continue;
    client.update(next);
    report.push(`${what}: ${changes.join('; ')}`);
  }
  return report;
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

export class RbacBootstrap implements Controller {
  readonly name = 'rbac-bootstrap';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private readonly defaults = bootstrapRbacDefaults();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor(MANAGER);
    this.queue = new WorkQueue('kube-apiserver/rbac-bootstrap', ctx.settings.latencyMs, (key) => this.restart(key), ctx.settings.log);
  }

  start(): void {
    const faults = this.ctx.faults;
    if (faults.has('project-request-granted-to-plain-user')) {
      this.client.create({
        apiVersion: RBAC_API,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'self-provisioner' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'self-provisioner' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated:oauth' }],
      });
    }
    if (faults.has('workspace-edit-role-emptied')) {
      const role = this.client.get(RBAC_API, 'ClusterRole', 'system:aggregate-to-edit');
      if (role)
        this.client.update({
          ...role,
          metadata: { ...role.metadata, annotations: { ...(role.metadata.annotations ?? {}), [AUTOUPDATE]: 'false' } },
          rules: [],
        });
    }
    // The post-start hook of the API server's start.
    this.log(reconcileBootstrapRbac(this.client, this.defaults));
    if (faults.has('self-provisioners-restored')) {
      // An API server restart after every change that takes a default subject away from self-provisioners.
      this.client.watch(RBAC_API, 'ClusterRoleBinding', (type, crb) => {
        if (type === 'DELETED' || crb.metadata.name !== 'self-provisioners') return;
        const expected = this.defaults.find((d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'self-provisioners');
        const missing = (expected?.subjects ?? []).some((s: Subject) => !(crb.subjects ?? []).some((h: Subject) => sameSubject(h, s)));
        if (missing) this.queue.enqueue('restart');
      });
    }
  }

  private restart(_key: string): void {
    this.log(reconcileBootstrapRbac(this.client, this.defaults, { honourAutoupdate: !this.ctx.faults.has('self-provisioners-restored') }));
  }

  private log(report: ReconcileReport): void {
    for (const line of report) this.ctx.settings.log(`rbac-bootstrap: ${line}`);
  }
}
