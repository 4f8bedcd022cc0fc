// Kinds that are answers rather than stored objects: token and access reviews, TokenRequest,
// `users/~`, and OpenShift Projects (a view of Namespaces) with ProjectRequest.
import { ANONYMOUS, type Authenticator, type UserInfo } from './auth';
import { type ApiServer, resourceKey, type RequestContext, type WatchEvent } from './apiserver';
import { timestamp } from './meta';
import type { Authorizer, Attributes } from './rbac';
import { ApiError, type KObject, type ResourceType } from './types';

export class VirtualKinds {
  constructor(
    private readonly api: ApiServer,
    private readonly authn: Authenticator,
    private readonly authz: Authorizer,
  ) {
    const on = (group: string, plural: string, fn: (body: KObject, ctx: RequestContext, ns?: string) => KObject) =>
      api.virtualCreate.set(`${group}/${plural}`, (_rt, ns, body, ctx) => fn(body, ctx, ns));
    on('authentication.k8s.io', 'tokenreviews', (b) => this.tokenReview(b));
    on('authentication.k8s.io', 'selfsubjectreviews', (b, ctx) => ({
      ...b,
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      status: { userInfo: ctx.user },
    }));
    on('authorization.k8s.io', 'selfsubjectaccessreviews', (b, ctx) => this.accessReview(b, ctx.user, 'SelfSubjectAccessReview'));
    on('authorization.k8s.io', 'subjectaccessreviews', (b) => this.accessReview(b, subjectOf(b), 'SubjectAccessReview'));
    on('authorization.k8s.io', 'localsubjectaccessreviews', (b, _ctx, ns) =>
      this.accessReview(
        { ...b, spec: { ...b.spec, resourceAttributes: { ...(b.spec?.resourceAttributes ?? {}), namespace: ns } } },
        subjectOf(b),
        'LocalSubjectAccessReview',
      ),
    );
    on('authorization.k8s.io', 'selfsubjectrulesreviews', (b, ctx) => this.rulesReview(b, ctx.user));
    on('project.openshift.io', 'projectrequests', (b, ctx) => this.requestProject(b, ctx));
    on('project.openshift.io', 'projects', (b, ctx) =>
      this.requestProject(
        {
          ...b,
          displayName: b.metadata?.annotations?.['openshift.io/display-name'],
          description: b.metadata?.annotations?.['openshift.io/description'],
        },
        ctx,
      ),
    );
  }

  private tokenReview(body: KObject): KObject {
    const token: string | undefined = body.spec?.token;
    const who = token ? this.authn.authenticate(token) : 'invalid';
    const ok = who !== 'invalid' && who !== ANONYMOUS;
    const audiences = token && ok && token.split('.').length === 3 ? this.authn.audiencesOf(token) : ['https://kubernetes.default.svc'];
    return {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: { creationTimestamp: null as unknown as string },
      spec: { ...body.spec, token: undefined },
      status: ok
        ? { authenticated: true, user: { username: who.username, ...(who.uid ? { uid: who.uid } : {}), groups: who.groups }, audiences }
        : { user: {}, error: 'token lookup failed' },
    };
  }

  private accessReview(body: KObject, user: UserInfo, kind: string): KObject {
    const ra = body.spec?.resourceAttributes;
    const nra = body.spec?.nonResourceAttributes;
    if (!ra && !nra)
      throw new ApiError(
        422,
        'Invalid',
        `${kind}.authorization.k8s.io "" is invalid: spec: Invalid value: ...: exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      );
    const attrs: Attributes = ra
      ? {
          verb: ra.verb,
          apiGroup: ra.group ?? '',
          resource: ra.resource,
          subresource: ra.subresource || undefined,
          namespace: ra.namespace || undefined,
          name: ra.name || undefined,
        }
      : { verb: nra.verb, path: nra.path };
    const decision = this.authz.authorize(user, attrs);
    return {
      apiVersion: 'authorization.k8s.io/v1',
      kind,
      metadata: { creationTimestamp: null as unknown as string },
      spec: body.spec,
      status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
    };
  }

  private rulesReview(body: KObject, user: UserInfo): KObject {
    const ns = body.spec?.namespace ?? 'default';
    const rules = this.authz.rulesFor(user, ns);
    return {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: { creationTimestamp: null as unknown as string },
      spec: body.spec,
      status: {
        resourceRules: rules
          .filter((r) => !r.nonResourceURLs)
          .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames })),
        nonResourceRules: rules.filter((r) => r.nonResourceURLs).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      },
    };
  }

  /** ProjectRequest: a namespace with the display name, description and requester, and an admin RoleBinding for the requester. */
  private requestProject(body: KObject, ctx: RequestContext): KObject {
    const name = body.metadata?.name;
    const nsType = this.type('', 'namespaces');
    if (this.api.find(nsType, undefined, name ?? ''))
      throw new ApiError(409, 'AlreadyExists', `project.project.openshift.io "${name}" already exists`, {
        name,
        group: 'project.openshift.io',
        kind: 'projects',
      });
    const ns = this.api.create(
      nsType,
      'v1',
      undefined,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          annotations: {
            ...(body.displayName ? { 'openshift.io/display-name': body.displayName } : {}),
            ...(body.description ? { 'openshift.io/description': body.description } : {}),
            'openshift.io/requester': ctx.user.username,
          },
        },
      },
      ctx,
    );
    // A dry run (dryRun=All) stops after the namespace's admission and validation: the namespace was
    // not stored, so nothing can be created in it (kube-apiserver answers a dry-run create in a
    // missing namespace with NotFound), and nothing else of the request is persisted.
    if (ctx.dryRun) return toProject(ns);
    this.instantiateProjectTemplate(name!, body, ctx);
    if (!ctx.user.groups.includes('system:masters')) {
      this.api.create(
        this.type('rbac.authorization.k8s.io', 'rolebindings'),
        'v1',
        name,
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'admin', namespace: name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: ctx.user.username }],
        },
        ctx,
      );
    }
    return toProject(ns);
  }

  /**
   * The cluster's project request template, as openshift-apiserver's delegated project request
   * does it (openshift/openshift-apiserver pkg/project/apiserver/registry/projectrequest/delegated/
   * delegated.go): when `project.config.openshift.io/cluster` names spec.projectRequestTemplate, the
   * Template of that name in openshift-config is processed with PROJECT_NAME, PROJECT_DISPLAYNAME,
   * PROJECT_DESCRIPTION, PROJECT_ADMIN_USER and PROJECT_REQUESTING_USER, and its objects other than
   * the Project are created in the new project (LimitRanges, quotas, bindings an admin wants in
   * every project).
   */
  private instantiateProjectTemplate(project: string, body: KObject, ctx: RequestContext): void {
    const config = this.api.store.get('config.openshift.io/projects', undefined, 'cluster');
    const templateName: string | undefined = config?.spec?.projectRequestTemplate?.name;
    if (!templateName) return;
    const template = this.api.store.get('template.openshift.io/templates', 'openshift-config', templateName);
    if (!template)
      throw new ApiError(
        500,
        'InternalError',
        `the project request template openshift-config/${templateName} named by project.config.openshift.io/cluster does not exist`,
      );
    const params: Record<string, string> = {
      PROJECT_NAME: project,
      PROJECT_DISPLAYNAME: body.displayName ?? '',
      PROJECT_DESCRIPTION: body.description ?? '',
      PROJECT_ADMIN_USER: ctx.user.username,
      PROJECT_REQUESTING_USER: ctx.user.username,
    };
    const substitute = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replace(/\$\{(\w+)\}/g, (m, k: string) => params[k] ?? m)
        : Array.isArray(v)
          ? v.map(substitute)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x)]))
            : v;
    for (const raw of (template.objects ?? []) as KObject[]) {
      if (raw.kind === 'Project') continue;
      const obj = substitute(raw) as KObject;
      const version = String(obj.apiVersion).split('/').pop()!;
      const rt = this.api.registry.byKind(String(obj.apiVersion), obj.kind);
      if (!rt)
        throw new ApiError(
          500,
          'InternalError',
          `the project request template ${templateName} holds a ${obj.apiVersion} ${obj.kind}, which this cluster does not serve`,
        );
      this.api.create(
        rt,
        version,
        rt.namespaced ? project : undefined,
        { ...obj, metadata: { ...obj.metadata, namespace: rt.namespaced ? project : undefined } },
        ctx,
      );
    }
  }

  // ---- reads on projects and users/~ (the HTTP layer routes them here) ----

  listProjects(user: UserInfo, labelSelector?: string): KObject {
    const nsType = this.type('', 'namespaces');
    const list = this.api.list(nsType, 'v1', undefined, { labelSelector });
    return {
      apiVersion: 'project.openshift.io/v1',
      kind: 'ProjectList',
      metadata: list.metadata,
      items: list.items.filter((ns: KObject) => this.canSee(user, ns.metadata.name!)).map(toProject),
    };
  }

  getProject(user: UserInfo, name: string): KObject {
    const ns = this.api.find(this.type('', 'namespaces'), undefined, name);
    if (!ns || !this.canSee(user, name))
      throw new ApiError(404, 'NotFound', `projects.project.openshift.io "${name}" not found`, {
        name,
        group: 'project.openshift.io',
        kind: 'projects',
      });
    return toProject(ns);
  }

  watchProjects(
    user: UserInfo,
    opts: { resourceVersion?: string; labelSelector?: string; fieldSelector?: string },
    sink: (e: WatchEvent) => void,
  ): () => void {
    return this.api.watch(this.type('', 'namespaces'), 'v1', undefined, opts, (e) => {
      if (e.type === 'BOOKMARK' || e.type === 'ERROR') return sink(e);
      if (this.canSee(user, e.object.metadata.name!)) sink({ type: e.type, object: toProject(e.object) });
    });
  }

  deleteProject(name: string, ctx: RequestContext): KObject {
    const ns = this.api.delete(this.type('', 'namespaces'), 'v1', undefined, name, ctx);
    return toProject(ns);
  }

  currentUser(user: UserInfo): KObject {
    if (user === ANONYMOUS)
      throw new ApiError(
        403,
        'Forbidden',
        'users.user.openshift.io "~" is forbidden: User "system:anonymous" cannot get resource "users" in API group "user.openshift.io" at the cluster scope',
      );
    const stored = this.api.find(this.type('user.openshift.io', 'users'), undefined, user.username);
    return {
      apiVersion: 'user.openshift.io/v1',
      kind: 'User',
      metadata: stored?.metadata ?? {
        name: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        creationTimestamp: null as unknown as string,
      },
      identities: stored?.identities ?? null,
      groups: user.groups,
    };
  }

  /** TokenRequest on serviceaccounts/NAME/token. */
  tokenRequest(namespace: string, name: string, body: KObject): KObject {
    const sa = this.api.find(this.type('', 'serviceaccounts'), namespace, name);
    if (!sa) throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`, { name, kind: 'serviceaccounts' });
    const expirationSeconds = body.spec?.expirationSeconds ?? 3600;
    if (expirationSeconds < 600)
      throw new ApiError(
        422,
        'Invalid',
        `TokenRequest.authentication.k8s.io "${name}" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes`,
      );
    const issued = this.authn.issueServiceAccountToken(sa, { audiences: body.spec?.audiences, expirationSeconds });
    return {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name, namespace, creationTimestamp: timestamp() },
      // No audiences (or an empty list) means the API server's own.
      spec: {
        audiences: body.spec?.audiences?.length ? body.spec.audiences : ['https://kubernetes.default.svc'],
        expirationSeconds,
        boundObjectRef: body.spec?.boundObjectRef ?? null,
      },
      status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
    };
  }

  private canSee(user: UserInfo, namespace: string): boolean {
    return this.authz.authorize(user, { verb: 'get', apiGroup: '', resource: 'namespaces', name: namespace, namespace }).allowed;
  }

  private type(group: string, plural: string): ResourceType {
    const rt = this.api.registry.byResource(group, plural);
    if (!rt) throw new Error(`twin: resource ${resourceKey({ group, plural })} is not registered`);
    return rt;
  }
}

function subjectOf(body: KObject): UserInfo {
  return { username: body.spec?.user ?? '', uid: body.spec?.uid, groups: body.spec?.groups ?? [] };
}

export function toProject(ns: KObject): KObject {
  return {
    apiVersion: 'project.openshift.io/v1',
    kind: 'Project',
    metadata: ns.metadata,
    spec: { finalizers: ns.spec?.finalizers ?? [] },
    status: { phase: ns.status?.phase ?? 'Active' },
  };
}
