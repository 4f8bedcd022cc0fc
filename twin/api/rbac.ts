// RBAC authorization over the Role/ClusterRole/binding objects in the store, with the deny
// messages kube-apiserver gives.
import type { UserInfo } from './auth';
import { labelSelectorFromObject, matchesLabels } from './selectors';
import type { KObject } from './types';

export interface Attributes {
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for non-resource requests such as /version or /apis. */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

type ListFn = (resource: string, namespace?: string) => KObject[];
type GetFn = (resource: string, namespace: string | undefined, name: string) => KObject | undefined;

const RBAC = 'rbac.authorization.k8s.io';

/**
 * What an OAuth token of these scopes may do at most, as OpenShift's scope authorizer decides it
 * (openshift/apiserver-library-go, pkg/authorization/scope/converter.go: user:full is everything the
 * user may do; user:info gets users/~; user:check-access creates self subject access and rules
 * reviews). RBAC then decides within that.
 */
export function scopesAllow(scopes: string[], attrs: Attributes): boolean {
  if (scopes.includes('user:full')) return true;
  if (
    scopes.includes('user:info') &&
    attrs.verb === 'get' &&
    attrs.apiGroup === 'user.openshift.io' &&
    attrs.resource === 'users' &&
    attrs.name === '~'
  )
    return true;
  if (
    scopes.includes('user:check-access') &&
    attrs.verb === 'create' &&
    ['authorization.k8s.io', 'authorization.openshift.io'].includes(attrs.apiGroup ?? '') &&
    ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'].includes(attrs.resource ?? '')
  )
    return true;
  return false;
}

export class Authorizer {
  constructor(
    private readonly list: ListFn,
    private readonly get: GetFn,
    /** Whether the scopes of OAuth tokens limit what they may do (the twin switches it on with the fault oauth-login-token-narrowed). */
    private readonly enforceScopes = false,
  ) {}

  authorize(user: UserInfo, attrs: Attributes): Decision {
    if (this.enforceScopes && user.scopes && !scopesAllow(user.scopes, attrs))
      return {
        allowed: false,
        reason: `scopes [${user.scopes.join(' ')}] prevent this action; User "${user.username}" cannot ${attrs.verb} ${attrs.resource ?? attrs.path ?? ''}`,
      };
    if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    // The reason names the binding's subject that matched, as kube-apiserver's RBAC authorizer does.
    for (const crb of this.list(`${RBAC}/clusterrolebindings`)) {
      const subject = this.matchingSubject(crb, user);
      if (!subject) continue;
      if (this.roleAllows(crb.roleRef, undefined, attrs))
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${crb.metadata.name}" of ClusterRole "${crb.roleRef?.name}" to ${describeSubject(subject, '')}`,
        };
    }
    if (attrs.namespace) {
      for (const rb of this.list(`${RBAC}/rolebindings`, attrs.namespace)) {
        const subject = this.matchingSubject(rb, user);
        if (!subject) continue;
        if (this.roleAllows(rb.roleRef, attrs.namespace, attrs))
          return {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "${rb.metadata.name}/${attrs.namespace}" of ${rb.roleRef?.kind} "${rb.roleRef?.name}" to ${describeSubject(subject, attrs.namespace)}`,
          };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** The rules that apply to a user in a namespace (for SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): Rule[] {
    if (user.groups.includes('system:masters'))
      return [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ];
    const rules: Rule[] = [];
    for (const crb of this.list(`${RBAC}/clusterrolebindings`))
      if (this.bindingApplies(crb, user)) rules.push(...this.rulesOf(crb.roleRef, undefined));
    for (const rb of this.list(`${RBAC}/rolebindings`, namespace))
      if (this.bindingApplies(rb, user)) rules.push(...this.rulesOf(rb.roleRef, namespace));
    return rules;
  }

  private bindingApplies(binding: KObject, user: UserInfo): boolean {
    return !!this.matchingSubject(binding, user);
  }

  private matchingSubject(binding: KObject, user: UserInfo): Subject | undefined {
    return (binding.subjects ?? []).find((s: Subject) => {
      if (s.kind === 'User') return s.name === user.username;
      if (s.kind === 'Group') return user.groups.includes(s.name);
      if (s.kind === 'ServiceAccount')
        return user.username === `system:serviceaccount:${s.namespace ?? binding.metadata.namespace}:${s.name}`;
      return false;
    });
  }

  private rulesOf(roleRef: { kind: string; name: string } | undefined, namespace: string | undefined): Rule[] {
    if (!roleRef) return [];
    if (roleRef.kind === 'Role') return namespace ? (this.get(`${RBAC}/roles`, namespace, roleRef.name)?.rules ?? []) : [];
    const role = this.get(`${RBAC}/clusterroles`, undefined, roleRef.name);
    if (!role) return [];
    return [...(role.rules ?? []), ...this.aggregatedRules(role, new Set([role.metadata.name!]))];
  }

  /**
   * ClusterRoles with an aggregationRule gain the rules of every ClusterRole their selectors match.
   * The aggregation controller fills an aggregated role's own rules too, so it is transitive:
   * admin aggregates edit, whose rules are those of the aggregate-to-edit roles (view's among them).
   */
  private aggregatedRules(role: KObject, seen: Set<string>): Rule[] {
    const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
    if (!selectors.length) return [];
    const rules: Rule[] = [];
    for (const other of this.list(`${RBAC}/clusterroles`)) {
      if (seen.has(other.metadata.name!)) continue;
      if (selectors.some((sel: object) => matchesLabels(labelSelectorFromObject(sel), other.metadata.labels))) {
        seen.add(other.metadata.name!);
        rules.push(...(other.rules ?? []), ...this.aggregatedRules(other, seen));
      }
    }
    return rules;
  }

  private roleAllows(roleRef: { kind: string; name: string } | undefined, namespace: string | undefined, attrs: Attributes): boolean {
    return this.rulesOf(roleRef, namespace).some((r) => ruleAllows(r, attrs));
  }
}

export function ruleAllows(rule: Rule, a: Attributes): boolean {
  const verbs = rule.verbs ?? [];
  if (!verbs.includes('*') && !verbs.includes(a.verb)) return false;
  if (a.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path!.startsWith(u.slice(0, -1))));
  }
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(a.apiGroup ?? '')) return false;
  const resources = rule.resources ?? [];
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource!;
  const resourceOk = resources.some((r) => r === '*' || r === combined || (a.subresource ? r === `*/${a.subresource}` : false));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return !names.length || (a.name !== undefined && names.includes(a.name));
}

/** A binding subject as kube-apiserver's RBAC reasons print it: `ServiceAccount "name/namespace"`, `Group "g"`, `User "u"`. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

export const PROJECT_REQUEST_FORBIDDEN = 'You may not request a new project via this API.';

/** The message kube-apiserver gives with a 403. */
export function forbiddenMessage(user: UserInfo, a: Attributes): string {
  if (a.path !== undefined) return `forbidden: User "${user.username}" cannot ${a.verb} path "${a.path}"`;
  // OpenShift's project request refusal (origin pkg/authorization/authorizer/messages.go
  // DefaultProjectRequestForbidden; openshift-docs disabling-project-self-provisioning.adoc shows it).
  if (a.verb === 'create' && a.resource === 'projectrequests' && (a.apiGroup === 'project.openshift.io' || !a.apiGroup))
    return PROJECT_REQUEST_FORBIDDEN;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const what = a.name
    ? `${a.resource}${a.apiGroup ? '.' + a.apiGroup : ''} "${a.name}" is forbidden`
    : `${a.resource}${a.apiGroup ? '.' + a.apiGroup : ''} is forbidden`;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${what}: User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}
