// The OpenShift OAuth server and the authentication operator of OpenShift 4.15.
//
// The operator observes OAuth `cluster` (spec.identityProviders) and the Secrets they reference in
// openshift-config. A valid configuration is copied into openshift-authentication
// (v4-0-config-user-idp-<i>-file-data) and rolled out: the oauth-openshift Deployment's pod template
// carries the configuration's hash (operator.openshift.io/rvs-hash), so a change rolls out a new
// ReplicaSet, and ClusterOperator `authentication` reports Progressing (OAuthServerDeployment_*) until
// the new pods are ready. An invalid configuration (a referenced Secret or key missing, a type without
// its configuration) is reported as Degraded (OAuthServerConfigObservation_Error) and, as the real
// config observer does, the previous configuration stays in place: nothing is rolled out.
//
// The OAuth server (oauth-openshift.<apps domain> on the ingress) serves only what the ready pods
// carry: the configuration of their hash. /oauth/authorize for openshift-challenging-client answers
// the basic-auth challenge (401, `WWW-Authenticate: Basic realm="openshift"`, refused without an
// X-CSRF-Token header), verifies htpasswd entries (bcrypt, {SHA}), maps the identity to a User
// (mappingMethod claim/add/lookup), stores an OAuthAccessToken and redirects to
// /oauth/token/implicit with the token in the fragment (response_type=token); with
// response_type=code it redirects with a code that POST /oauth/token exchanges (PKCE plain/S256),
// the flow `oc login -u -p` of OpenShift 4.x uses.
// Upstream followed: github.com/openshift/oauth-server (the /oauth/authorize and /oauth/token
// endpoints, the htpasswd identity provider) and github.com/openshift/cluster-authentication-operator
// (config observation of OAuth `cluster`, a new oauth-openshift rollout per revision).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as bcrypt from 'bcryptjs';
import { newOAuthToken, oauthTokenObjectName } from '../api/auth';
import type { TwinClient } from '../api/client';
import { deepEqual, timestamp } from '../api/meta';
import { ApiError, type KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { conditionOf, setCondition, WorkQueue, type Condition, type Controller, type ControllerContext } from './runtime';

export const OAUTH_FAULTS: FaultDefinition[] = [
  {
    name: 'oauth-rollout-stuck',
    description:
      'The authentication operator starts rolling out a new identity-provider configuration, but the new oauth-openshift pods crash-loop: ClusterOperator authentication stays Progressing (OAuthServerDeployment_PodsUpdating) and the new identity provider is never served',
    caughtBy: '@req.INS-ADM-03',
    expectMessage: 'OAuthServerDeploymentProgressing',
  },
  {
    name: 'oauth-broken-existing-idp',
    description:
      'OAuth cluster already lists an LDAP identity provider (corp-ldap) whose bind-password Secret is missing: the operator reports Degraded (OAuthServerConfigObservation_Error) and rolls out no identity-provider change, so the htpasswd provider added next is never served',
    caughtBy: '@req.INS-ADM-03',
    expectMessage: 'corp-ldap-bind-password',
  },
  {
    name: 'oauth-htpasswd-not-synced',
    description:
      "The operator's copy of the htpasswd Secret in openshift-authentication stays empty (a stuck resource sync): the provider is rolled out and the ClusterOperator reports no problem, but the OAuth server refuses valid credentials",
    caughtBy: '@req.INS-ADM-04',
    expectMessage: 'does not serve the current htpasswd data',
  },
  {
    name: 'oauth-login-token-narrowed',
    description:
      "The OAuth server grants `oc login` (openshift-challenging-client) an access token of scopes user:info user:check-access instead of user:full: the token names its user (oc whoami works) but the API server's scope authorizer lets it do nothing else, so a cluster-admin logged in this way cannot act",
    caughtBy: '@req.INS-ADM-06',
    expectMessage: 'the OAuth server granted the token the scopes [user:info user:check-access]',
  },
];

const CONFIG = 'config.openshift.io/v1';
const NS = 'openshift-authentication';
const CONFIG_NS = 'openshift-config';
const DEPLOYMENT = 'oauth-openshift';
const LABELS = { app: 'oauth-openshift' };
const RVS_HASH = 'operator.openshift.io/rvs-hash';
const CHALLENGING_CLIENT = 'openshift-challenging-client';
const BROWSER_CLIENT = 'openshift-browser-client';
const DEFAULT_TOKEN_AGE = 86400;
const AUTHORIZE_CODE_AGE = 300;
const CSRF_WARNING = 'A non-empty X-CSRF-Token header is required to receive basic-auth challenges';

/** A Secret an identity provider needs, and where the operator copies it for the OAuth server. */
interface SecretRef {
  name: string;
  key: string;
  copy: string;
}

/** One identity provider as the rolled-out OAuth server knows it. */
export interface ServedProvider {
  name: string;
  type: string;
  mappingMethod: 'claim' | 'lookup' | 'add' | 'generate';
  challenge: boolean;
  /** user → password hash, for HTPasswd providers. */
  htpasswd?: Map<string, string>;
}

/** An entry of OAuth cluster's spec.identityProviders. */
export interface IdentityProvider {
  name: string;
  type: string;
  mappingMethod?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [config: string]: any;
}

interface Observed {
  providers: { idp: IdentityProvider; refs: SecretRef[] }[];
  errors: string[];
}

/** The types of identity provider, whether they answer basic-auth challenges, and the Secrets they reference. */
const PROVIDER_TYPES: Record<string, { field: string; challenge: boolean; secrets: (cfg: KObject, i: number) => SecretRef[] }> = {
  HTPasswd: {
    field: 'htpasswd',
    challenge: true,
    secrets: (c, i) => [{ name: c.fileData?.name, key: 'htpasswd', copy: `v4-0-config-user-idp-${i}-file-data` }],
  },
  LDAP: {
    field: 'ldap',
    challenge: true,
    secrets: (c, i) =>
      c.bindPassword?.name ? [{ name: c.bindPassword.name, key: 'bindPassword', copy: `v4-0-config-user-idp-${i}-bind-password` }] : [],
  },
  BasicAuth: { field: 'basicAuth', challenge: true, secrets: (c, i) => tlsClientRefs(c, i) },
  Keystone: { field: 'keystone', challenge: true, secrets: (c, i) => tlsClientRefs(c, i) },
  GitHub: { field: 'github', challenge: false, secrets: (c, i) => clientSecretRef(c, i) },
  GitLab: { field: 'gitlab', challenge: true, secrets: (c, i) => clientSecretRef(c, i) },
  Google: { field: 'google', challenge: false, secrets: (c, i) => clientSecretRef(c, i) },
  OpenID: { field: 'openID', challenge: false, secrets: (c, i) => clientSecretRef(c, i) },
  RequestHeader: { field: 'requestHeader', challenge: false, secrets: () => [] },
};

function clientSecretRef(c: KObject, i: number): SecretRef[] {
  return c.clientSecret?.name ? [{ name: c.clientSecret.name, key: 'clientSecret', copy: `v4-0-config-user-idp-${i}-client-secret` }] : [];
}

function tlsClientRefs(c: KObject, i: number): SecretRef[] {
  return [
    ...(c.tlsClientCert?.name ? [{ name: c.tlsClientCert.name, key: 'tls.crt', copy: `v4-0-config-user-idp-${i}-tls-client-cert` }] : []),
    ...(c.tlsClientKey?.name ? [{ name: c.tlsClientKey.name, key: 'tls.key', copy: `v4-0-config-user-idp-${i}-tls-client-key` }] : []),
  ];
}

/** The LDAP provider the oauth-broken-existing-idp fault finds on the cluster, its bind password Secret missing. */
const BROKEN_LDAP_PROVIDER = {
  name: 'corp-ldap',
  mappingMethod: 'claim',
  type: 'LDAP',
  ldap: {
    url: 'ldaps://ldap.corp.example.com/ou=users,dc=corp,dc=example,dc=com?uid',
    bindDN: 'cn=openshift,ou=services,dc=corp,dc=example,dc=com',
    bindPassword: { name: 'corp-ldap-bind-password' },
    insecure: false,
    attributes: { id: ['dn'], preferredUsername: ['uid'], name: ['cn'], email: ['mail'] },
  },
};

export class OAuthServer implements Controller {
  readonly name = 'authentication-operator';
  private readonly operator: TwinClient;
  private readonly server: TwinClient;
  private readonly queue: WorkQueue;
  private readonly host: string;
  /** The configuration each rolled-out hash stands for, oldest first. */
  private readonly snapshots = new Map<string, ServedProvider[]>();
  /** The hash the Deployment was created with (the configuration the cluster booted with). */
  private bootHash: string | undefined;
  /** Authorization codes not yet exchanged (the OAuth server keeps them as OAuthAuthorizeTokens, 5 minutes). */
  private readonly codes = new Map<
    string,
    { client: string; redirectURI: string; scopes: string[]; user: string; pkce: { challenge: string; method: string }; expires: number }
  >();

  /** Browser sessions of the login form (the `ssn` cookie), by id. */
  private readonly sessions = new Map<string, { user: string; expires: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.operator = ctx.clientFor('authentication-operator', 'openshift-authentication-operator:authentication-operator');
    this.server = ctx.clientFor('oauth-server', `${NS}:oauth-openshift`);
    this.queue = new WorkQueue('authentication-operator', ctx.settings.latencyMs, () => this.reconcile(), ctx.settings.log);
    this.host = `oauth-openshift.${ctx.settings.appsDomain}`;
  }

  start(): void {
    if (this.ctx.faults.has('oauth-broken-existing-idp')) this.breakExistingProvider();
    this.ensureOAuthClients();
    if (this.ctx.faults.has('oauth-rollout-stuck')) this.ctx.podRuntimes.push({ behaviour: (pod) => this.stuckRollout(pod) });
    const enqueue = () => this.queue.enqueue('cluster');
    this.operator.watch(CONFIG, 'OAuth', (_t, o) => o.metadata.name === 'cluster' && enqueue());
    this.operator.watch('v1', 'Secret', (_t, s) => s.metadata.namespace === CONFIG_NS && enqueue());
    this.operator.watch('apps/v1', 'Deployment', (_t, d) => d.metadata.namespace === NS && d.metadata.name === DEPLOYMENT && enqueue());
    this.ctx.ingress.serve(this.host, (req, res) => this.handle(req, res));
    enqueue();
  }

  // ---- the authentication operator ----

  private reconcile(): void {
    const oauth = this.operator.get(CONFIG, 'OAuth', 'cluster');
    const observed = observe(oauth?.spec?.identityProviders ?? [], (name) => this.operator.get('v1', 'Secret', name, CONFIG_NS));
    let deployment = this.operator.get('apps/v1', 'Deployment', DEPLOYMENT, NS);
    // An invalid configuration changes nothing; a cluster that boots with one serves no identity provider.
    const providers = !observed.errors.length ? this.syncCopies(observed) : !deployment ? [] : undefined;
    if (providers) {
      const hash = configHash(providers);
      if (!this.snapshots.has(hash)) this.snapshots.set(hash, providers);
      if (!deployment) {
        deployment = this.createDeployment(hash);
      } else if (deployment.spec?.template?.metadata?.annotations?.[RVS_HASH] !== hash) {
        deployment = this.operator.patch('apps/v1', 'Deployment', DEPLOYMENT, NS, {
          spec: { template: { metadata: { annotations: { [RVS_HASH]: hash } } } },
        });
        this.operator.event(deployment, 'Normal', 'DeploymentUpdated', `Updated Deployment.apps/${DEPLOYMENT} -n ${NS} because it changed`);
      }
    }
    this.bootHash ??= deployment?.spec?.template?.metadata?.annotations?.[RVS_HASH];
    this.writeStatus(deployment, observed.errors);
  }

  /** Copies every referenced Secret into openshift-authentication (as the resource syncer does) and returns what the OAuth server will load. */
  private syncCopies(observed: Observed): ServedProvider[] {
    const wanted = new Set<string>();
    const providers: ServedProvider[] = [];
    for (const { idp, refs } of observed.providers) {
      let htpasswd: Map<string, string> | undefined;
      for (const ref of refs) {
        wanted.add(ref.copy);
        const source = this.operator.get('v1', 'Secret', ref.name, CONFIG_NS)!;
        const unsynced = this.ctx.faults.has('oauth-htpasswd-not-synced') && ref.key === 'htpasswd';
        const data = { [ref.key]: unsynced ? '' : (source.data?.[ref.key] ?? '') };
        const copy = this.operator.get('v1', 'Secret', ref.copy, NS);
        if (!copy)
          this.operator.create({
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: ref.copy, namespace: NS, labels: { 'auth.openshift.io/managed-certificate-type': 'idp' } },
            type: 'Opaque',
            data,
          });
        else if (!deepEqual(copy.data, data)) this.operator.update({ ...copy, data });
        if (ref.key === 'htpasswd') htpasswd = parseHtpasswd(Buffer.from(data.htpasswd, 'base64').toString('utf8'));
      }
      const type = PROVIDER_TYPES[idp.type]!;
      providers.push({
        name: idp.name,
        type: idp.type,
        mappingMethod: (idp.mappingMethod || 'claim') as ServedProvider['mappingMethod'],
        challenge: type.challenge,
        ...(htpasswd ? { htpasswd } : {}),
      });
    }
    for (const stale of this.operator.list('v1', 'Secret', NS)) {
      if (stale.metadata.name!.startsWith('v4-0-config-user-idp-') && !wanted.has(stale.metadata.name!))
        this.operator.delete('v1', 'Secret', stale.metadata.name!, NS);
    }
    return providers;
  }

  private createDeployment(hash: string): KObject {
    const masters = this.operator.list('v1', 'Node').filter((n) => 'node-role.kubernetes.io/master' in (n.metadata.labels ?? {}));
    if (!this.operator.get('v1', 'ServiceAccount', 'oauth-openshift', NS))
      this.operator.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'oauth-openshift', namespace: NS } });
    return this.operator.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEPLOYMENT, namespace: NS, labels: LABELS },
      spec: {
        replicas: Math.max(1, masters.length),
        selector: { matchLabels: LABELS },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        template: {
          metadata: {
            name: 'oauth-openshift',
            labels: LABELS,
            annotations: { [RVS_HASH]: hash, 'target.workload.openshift.io/management': '{"effect": "PreferredDuringScheduling"}' },
          },
          spec: {
            serviceAccountName: 'oauth-openshift',
            priorityClassName: 'system-cluster-critical',
            ...(masters.length ? { nodeSelector: { 'node-role.kubernetes.io/master': '' } } : {}),
            tolerations: [
              { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
              { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 120 },
            ],
            containers: [
              {
                name: 'oauth-openshift',
                image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:oauth-server-4.15',
                args: [
                  'osinserver',
                  '--config=/var/config/system/configmaps/v4-0-config-system-cliconfig/v4-0-config-system-cliconfig',
                  '--v=2',
                ],
                ports: [{ name: 'https', containerPort: 6443, protocol: 'TCP' }],
                resources: { requests: { cpu: '10m', memory: '50Mi' } },
              },
            ],
          },
        },
      },
    });
  }

  private writeStatus(deployment: KObject | undefined, errors: string[]): void {
    const co = this.operator.get(CONFIG, 'ClusterOperator', 'authentication');
    if (!co) return;
    const now = timestamp();
    let conditions = (co.status?.conditions ?? []) as Condition[];
    for (const c of [
      degraded(errors),
      progressing(deployment),
      available(deployment),
      { type: 'Upgradeable', status: 'True' as const, reason: 'AsExpected', message: 'All is well' },
    ]) {
      conditions = setCondition(conditions, c, now);
    }
    const strip = (cs: Condition[]) => cs.map(({ lastTransitionTime: _t, ...c }) => c);
    if (deepEqual(strip(conditions), strip(co.status?.conditions ?? []))) return;
    this.operator.patchStatus(CONFIG, 'ClusterOperator', 'authentication', undefined, {
      conditions,
      relatedObjects: [
        { group: 'config.openshift.io', resource: 'oauths', name: 'cluster' },
        { group: '', resource: 'namespaces', name: NS },
        { group: '', resource: 'namespaces', name: 'openshift-authentication-operator' },
        { group: '', resource: 'namespaces', name: CONFIG_NS },
      ],
    });
  }

  /** Under oauth-rollout-stuck, pods of any configuration but the one the cluster booted with crash-loop. */
  private stuckRollout(pod: KObject): { crash?: string } | undefined {
    if (pod.metadata.namespace !== NS || pod.metadata.labels?.app !== LABELS.app) return undefined;
    const hash = pod.metadata.annotations?.[RVS_HASH];
    if (!this.bootHash || hash === this.bootHash) return undefined;
    return { crash: 'injected fault oauth-rollout-stuck: oauth-openshift exits: F0520 error loading the identity provider configuration' };
  }

  private breakExistingProvider(): void {
    const admin = this.ctx.clientFor('kubectl-edit');
    admin.patch(CONFIG, 'OAuth', 'cluster', undefined, { spec: { identityProviders: [BROKEN_LDAP_PROVIDER] } });
  }

  private ensureOAuthClients(): void {
    const implicit = `https://${this.host}/oauth/token/implicit`;
    const clients = [
      { name: CHALLENGING_CLIENT, respondWithChallenges: true, redirectURIs: [implicit] },
      { name: BROWSER_CLIENT, respondWithChallenges: false, redirectURIs: [`https://${this.host}/oauth/token/display`] },
    ];
    for (const c of clients) {
      if (this.operator.get('oauth.openshift.io/v1', 'OAuthClient', c.name)) continue;
      this.operator.create({
        apiVersion: 'oauth.openshift.io/v1',
        kind: 'OAuthClient',
        metadata: { name: c.name },
        grantMethod: 'auto',
        respondWithChallenges: c.respondWithChallenges,
        redirectURIs: c.redirectURIs,
      });
    }
  }

  // ---- the OAuth server ----

  /** What the ready oauth-openshift pods serve: the newest configuration among their hashes; undefined when no pod is ready. */
  served(): ServedProvider[] | undefined {
    const ready = new Set(
      this.server
        .list('v1', 'Pod', NS, { labelSelector: 'app=oauth-openshift' })
        .filter((p) => !p.metadata.deletionTimestamp && conditionOf(p, 'Ready')?.status === 'True')
        .map((p) => p.metadata.annotations?.[RVS_HASH]),
    );
    let found: ServedProvider[] | undefined;
    for (const [hash, providers] of this.snapshots) if (ready.has(hash)) found = providers;
    return found;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `https://${this.host}`);
    const providers = this.served();
    if (!providers) return applicationNotAvailable(res);
    switch (url.pathname) {
      case '/healthz':
        return send(res, 200, { 'Content-Type': 'text/plain' }, 'ok');
      case '/.well-known/oauth-authorization-server':
        return send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(oauthServerMetadata(this.host)));
      case '/oauth/authorize':
        if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, { Allow: 'GET, POST' }, 'Method Not Allowed');
        return this.authorize(req, res, url, providers);
      case '/oauth/token':
        if (req.method !== 'POST') return send(res, 405, { Allow: 'POST' }, 'Method Not Allowed');
        return void readForm(req).then(
          (form) => this.exchangeCode(res, form),
          () => oauthError(res, 400, 'invalid_request', 'The request body could not be read.'),
        );
      case '/oauth/token/implicit':
        return send(
          res,
          200,
          { 'Content-Type': 'text/html; charset=utf-8' },
          '<!DOCTYPE html><html><body><p>The access token is in the fragment of this URL.</p></body></html>',
        );
      default:
        if (url.pathname.startsWith('/login/')) return this.loginPage(req, res, url, providers);
        return send(res, 404, { 'Content-Type': 'text/plain' }, '404 page not found');
    }
  }

  // ---- the browser login (openshift/oauth-server pkg/server/selectprovider, pkg/server/login) ----

  /** The user of a valid `ssn` session cookie (a login form's success), if any. */
  private browserSessionUser(req: IncomingMessage): KObject | undefined {
    const id = /(?:^|;\s*)ssn=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.expires < Date.now()) return undefined;
    return this.server.get('user.openshift.io/v1', 'User', session.user);
  }

  /**
   * The providers a browser may log in with: one password provider goes straight to its login form
   * (or the one named by ?idp=); several are offered on the "Log in with" page, kube:admin among
   * them while the kubeadmin Secret exists (selectprovider's template, oauth-server 4.15).
   */
  private selectProvider(res: ServerResponse, url: URL, providers: ServedProvider[]): void {
    const names = providers.filter((p) => p.challenge).map((p) => p.name);
    if (this.server.get('v1', 'Secret', 'kubeadmin', 'kube-system')) names.unshift('kube:admin');
    const q = new URLSearchParams(url.search);
    const chosen = q.get('idp');
    q.delete('idp');
    const then = `/oauth/authorize?${q.toString()}`;
    const target = chosen && names.includes(chosen) ? chosen : names.length === 1 ? names[0] : undefined;
    if (target) return send(res, 302, { Location: `/login/${encodeURIComponent(target)}?then=${encodeURIComponent(then)}` }, '');
    const links = names
      .map((n) => {
        const href = new URLSearchParams(q);
        href.set('idp', n);
        return `<li><a href="/oauth/authorize?${escapeHtml(href.toString())}" title="Log in with ${escapeHtml(n)}">${escapeHtml(n)}</a></li>`;
      })
      .join('');
    send(
      res,
      200,
      { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
      `<!DOCTYPE html><html lang="en"><head><title>Log In</title></head><body><main><h1>Log in with&hellip;</h1><ul>${links}</ul></main></body></html>`,
    );
  }

  /** GET: the user/password form of a password provider; POST: checks the password, starts a session and goes back to `then`. */
  private loginPage(req: IncomingMessage, res: ServerResponse, url: URL, providers: ServedProvider[]): void {
    const idp = decodeURIComponent(url.pathname.slice('/login/'.length));
    const provider = providers.find((p) => p.name === idp && p.challenge);
    if (!provider) return send(res, 404, { 'Content-Type': 'text/plain' }, '404 page not found');
    const then = (value: string | null) => (value && value.startsWith('/oauth/authorize?') ? value : '/');
    if (req.method === 'GET') {
      const reason = url.searchParams.get('reason');
      const message = reason ? (LOGIN_ERRORS[reason] ?? 'An authentication error occurred.') : '';
      const csrf = randomBytes(16).toString('hex');
      return send(
        res,
        200,
        {
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store',
          'Set-Cookie': `csrf=${csrf}; Path=/; Secure; HttpOnly; SameSite=Lax`,
        },
        `<!DOCTYPE html><html lang="en"><head><title>Log In</title></head><body><main><h1>Log in to your account</h1>` +
          (message ? `<div role="alert"><p>${escapeHtml(message)}</p></div>` : '') +
          `<form action="/login/${encodeURIComponent(idp)}" method="POST">` +
          `<input type="hidden" name="then" value="${escapeHtml(then(url.searchParams.get('then')))}">` +
          `<input type="hidden" name="csrf" value="${csrf}">` +
          `<div><label for="inputUsername">Username</label><input type="text" id="inputUsername" name="username" autofocus autocapitalize="off"></div>` +
          `<div><label for="inputPassword">Password</label><input type="password" id="inputPassword" name="password"></div>` +
          `<button type="submit">Log in</button></form></main></body></html>`,
      );
    }
    if (req.method !== 'POST') return send(res, 405, { Allow: 'GET, POST' }, 'Method Not Allowed');
    void readForm(req).then(
      (form) => {
        const back = then(form.get('then'));
        const retry = (reason: string) =>
          send(res, 302, { Location: `/login/${encodeURIComponent(idp)}?${formEncode({ then: back, reason })}` }, '');
        const cookieCsrf = /(?:^|;\s*)csrf=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (!cookieCsrf || cookieCsrf !== form.get('csrf')) return retry('token_expired');
        const username = form.get('username') ?? '';
        if (!username) return retry('user_required');
        if (!verifyPassword(provider.htpasswd?.get(username), form.get('password') ?? '')) return retry('access_denied');
        let user: KObject;
        try {
          user = this.mapIdentity(provider, username);
        } catch {
          return retry('identity_provider_error');
        }
        const id = randomBytes(32).toString('base64url');
        this.sessions.set(id, { user: user.metadata.name!, expires: Date.now() + DEFAULT_TOKEN_AGE * 1000 });
        send(res, 302, { Location: back, 'Set-Cookie': `ssn=${id}; Path=/; Secure; HttpOnly; SameSite=Lax` }, '');
      },
      () => retry400(res),
    );
  }

  private authorize(req: IncomingMessage, res: ServerResponse, url: URL, providers: ServedProvider[]): void {
    const q = url.searchParams;
    const client = this.server.get('oauth.openshift.io/v1', 'OAuthClient', q.get('client_id') ?? '');
    if (!client) return oauthError(res, 400, 'unauthorized_client', 'The client is not authorized to request a token using this method.');
    const redirectURI = q.get('redirect_uri') || client.redirectURIs?.[0];
    if (!redirectURI || !(client.redirectURIs ?? []).some((registered: string) => redirectAllowed(registered, redirectURI)))
      return oauthError(
        res,
        400,
        'invalid_request',
        'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
      );
    const state = q.get('state');
    const responseType = q.get('response_type');
    if (responseType !== 'token' && responseType !== 'code')
      return redirectError(
        res,
        redirectURI,
        'unsupported_response_type',
        'The authorization server does not support obtaining an authorization code using this method.',
        state,
      );
    const pkce = { challenge: q.get('code_challenge') ?? '', method: q.get('code_challenge_method') || 'plain' };
    if (pkce.challenge && !['plain', 'S256'].includes(pkce.method))
      return redirectError(res, redirectURI, 'invalid_request', 'The code_challenge_method is not supported.', state);
    let user: KObject;
    if (!client.respondWithChallenges) {
      // A browser: the session cookie of a login at /login/<idp>, or the provider selection.
      const known = this.browserSessionUser(req);
      if (!known) return this.selectProvider(res, url, providers);
      user = known;
    } else {
      const credentials = basicCredentials(req.headers.authorization);
      const provider =
        credentials && providers.find((p) => p.challenge && verifyPassword(p.htpasswd?.get(credentials.user), credentials.password));
      if (!credentials || !provider) return challenge(req, res);
      try {
        user = this.mapIdentity(provider, credentials.user);
      } catch (error) {
        const message = error instanceof ApiError || error instanceof MappingError ? error.message : String(error);
        return redirectError(
          res,
          redirectURI,
          'server_error',
          `The authorization server encountered an unexpected condition that prevented it from fulfilling the request. (${message})`,
          state,
        );
      }
    }
    const scopes = (q.get('scope') || 'user:full').split(' ').filter(Boolean);
    const noStore = { 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', Pragma: 'no-cache' };
    if (responseType === 'code') {
      const code = randomBytes(32).toString('base64url');
      this.codes.set(code, {
        client: client.metadata.name!,
        redirectURI,
        scopes,
        user: user.metadata.name!,
        pkce,
        expires: Date.now() + AUTHORIZE_CODE_AGE * 1000,
      });
      return send(res, 302, { Location: `${redirectURI}?${formEncode({ code, ...(state ? { state } : {}) })}`, ...noStore }, '');
    }
    const issued = this.issueToken(client, user, redirectURI, scopes);
    const fragment = formEncode({
      access_token: issued.token,
      expires_in: String(issued.expiresIn),
      scope: scopes.join(' '),
      token_type: 'Bearer',
      ...(state ? { state } : {}),
    });
    send(res, 302, { Location: `${redirectURI}#${fragment}`, ...noStore }, '');
  }

  /** POST /oauth/token with grant_type=authorization_code: a code of this client, its redirect URI and PKCE verifier, once. */
  private exchangeCode(res: ServerResponse, form: URLSearchParams): void {
    if (form.get('grant_type') !== 'authorization_code')
      return oauthError(res, 400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    this.codes.delete(code);
    const invalid = () =>
      oauthError(
        res,
        400,
        'invalid_grant',
        'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      );
    if (
      !grant ||
      grant.expires < Date.now() ||
      grant.client !== form.get('client_id') ||
      (form.get('redirect_uri') && form.get('redirect_uri') !== grant.redirectURI)
    )
      return invalid();
    if (grant.pkce.challenge) {
      const verifier = form.get('code_verifier') ?? '';
      const computed = grant.pkce.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || computed !== grant.pkce.challenge) return invalid();
    }
    const client = this.server.get('oauth.openshift.io/v1', 'OAuthClient', grant.client);
    const user = this.server.get('user.openshift.io/v1', 'User', grant.user);
    if (!client || !user) return invalid();
    // A confidential client (one with a secret, as the dashboard's) authenticates itself.
    if (client.secret && form.get('client_secret') !== client.secret)
      return oauthError(
        res,
        401,
        'invalid_client',
        'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      );
    const issued = this.issueToken(client, user, grant.redirectURI, grant.scopes);
    send(
      res,
      200,
      { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: grant.scopes.join(' ') }),
    );
  }

  /** An access token stored as OAuthAccessToken (by its hash), as the API server's token authenticator looks it up. */
  private issueToken(client: KObject, user: KObject, redirectURI: string, scopes: string[]): { token: string; expiresIn: number } {
    const expiresIn = client.accessTokenMaxAgeSeconds ?? DEFAULT_TOKEN_AGE;
    const token = newOAuthToken();
    if (this.ctx.faults.has('oauth-login-token-narrowed') && client.metadata.name === CHALLENGING_CLIENT)
      scopes = ['user:info', 'user:check-access'];
    this.server.create({
      apiVersion: 'oauth.openshift.io/v1',
      kind: 'OAuthAccessToken',
      metadata: { name: oauthTokenObjectName(token) },
      clientName: client.metadata.name,
      expiresIn,
      redirectURI,
      scopes,
      userName: user.metadata.name,
      userUID: user.metadata.uid,
    });
    return { token, expiresIn };
  }

  /** Finds or provisions the User of `<provider>:<user>` by the provider's mapping method (claim, add, lookup; generate as claim). */
  private mapIdentity(provider: ServedProvider, userName: string): KObject {
    const identityName = `${provider.name}:${userName}`;
    const identity = this.server.get('user.openshift.io/v1', 'Identity', identityName);
    if (identity) {
      const user = this.server.get('user.openshift.io/v1', 'User', identity.user?.name ?? '');
      if (!user || user.metadata.uid !== identity.user?.uid)
        throw new MappingError(`user.user.openshift.io "${identity.user?.name}" not found`);
      return user;
    }
    if (provider.mappingMethod === 'lookup')
      throw new MappingError(
        `lookup of user for "${identityName}" failed: useridentitymapping.user.openshift.io "${identityName}" not found`,
      );
    let user = this.server.get('user.openshift.io/v1', 'User', userName);
    const mapped: string[] = user?.identities ?? [];
    if (user && provider.mappingMethod !== 'add' && mapped.length && !mapped.includes(identityName)) {
      throw new MappingError(
        `user "${userName}" cannot be claimed by identity "${identityName}" because it is already mapped to [${mapped.join(' ')}]`,
      );
    }
    if (!user)
      user = this.server.create({
        apiVersion: 'user.openshift.io/v1',
        kind: 'User',
        metadata: { name: userName },
        identities: [identityName],
        groups: null,
      });
    else if (!mapped.includes(identityName)) user = this.server.update({ ...user, identities: [...mapped, identityName] });
    this.server.create({
      apiVersion: 'user.openshift.io/v1',
      kind: 'Identity',
      metadata: { name: identityName },
      providerName: provider.name,
      providerUserName: userName,
      user: { name: user.metadata.name, uid: user.metadata.uid },
    });
    return user;
  }
}

class MappingError extends Error {}

// ---- observing the configuration (cluster-authentication-operator's ObserveIdentityProviders) ----

/** Converts the identity providers and validates the Secrets they reference; any error keeps the previous configuration. */
export function observe(identityProviders: IdentityProvider[], secret: (name: string) => KObject | undefined): Observed {
  const errors: string[] = [];
  const providers: Observed['providers'] = [];
  identityProviders.forEach((idp, i) => {
    const type = PROVIDER_TYPES[idp.type];
    if (!type) return void errors.push(`failed to apply IDP ${idp.name} config: the identity provider type '${idp.type}' is not supported`);
    const config = idp[type.field];
    if (!config)
      return void errors.push(`failed to apply IDP ${idp.name} config: type ${idp.type} was specified, but its configuration is missing`);
    providers.push({ idp, refs: type.secrets(config, i) });
  });
  // As ObserveIdentityProviders: conversion errors are reported alone; the Secrets are validated after a clean conversion.
  if (errors.length) return { providers, errors };
  for (const { refs } of providers) {
    for (const ref of refs) {
      const s = secret(ref.name);
      const problem = !s
        ? `secret "${ref.name}" not found`
        : !(ref.key in (s.data ?? {}))
          ? `missing required key: "${ref.key}"`
          : undefined;
      if (problem) errors.push(`error validating secret ${CONFIG_NS}/${ref.name}: ${problem}`);
    }
  }
  return { providers, errors };
}

function configHash(providers: ServedProvider[]): string {
  const canonical = providers.map((p) => ({ ...p, htpasswd: p.htpasswd ? [...p.htpasswd] : undefined }));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

// ---- ClusterOperator conditions, in the authentication operator's words ----

/** An aggregate of errors as apimachinery prints it: the error alone, or `[a, b]`. */
function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

function degraded(errors: string[]): Condition {
  if (errors.length)
    return {
      type: 'Degraded',
      status: 'True',
      reason: 'OAuthServerConfigObservation_Error',
      message: `OAuthServerConfigObservationDegraded: ${aggregate(errors)}`,
    };
  return { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'All is well' };
}

function progressing(d: KObject | undefined): Condition {
  const where = `deployment/${DEPLOYMENT}.${NS}`;
  if (!d)
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'OAuthServerDeployment_NoDeployment',
      message: `OAuthServerDeploymentProgressing: ${where} does not exist`,
    };
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 1)) {
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'OAuthServerDeployment_NewGeneration',
      message: `OAuthServerDeploymentProgressing: ${where}: observed generation is ${s.observedGeneration ?? 0}, desired generation is ${d.metadata.generation}.`,
    };
  }
  const updated = s.updatedReplicas ?? 0;
  const availableReplicas = s.availableReplicas ?? 0;
  if (updated < desired || availableReplicas < desired || (s.replicas ?? 0) > desired) {
    return {
      type: 'Progressing',
      status: 'True',
      reason: 'OAuthServerDeployment_PodsUpdating',
      message: `OAuthServerDeploymentProgressing: ${where}: ${updated}/${desired} pods have been updated to the latest generation and ${availableReplicas}/${desired} pods are available`,
    };
  }
  return { type: 'Progressing', status: 'False', reason: 'AsExpected', message: 'AuthenticatorCertKeyProgressing: All is well' };
}

function available(d: KObject | undefined): Condition {
  if ((d?.status?.availableReplicas ?? 0) > 0) return { type: 'Available', status: 'True', reason: 'AsExpected', message: 'All is well' };
  return {
    type: 'Available',
    status: 'False',
    reason: 'OAuthServerDeployment_NoPod',
    message: `OAuthServerDeploymentAvailable: no ${DEPLOYMENT}.${NS} pods available on any node.`,
  };
}

// ---- htpasswd ----

export function parseHtpasswd(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0 || line.trimStart().startsWith('#')) continue;
    const user = line.slice(0, i);
    if (!entries.has(user)) entries.set(user, line.slice(i + 1).trim());
  }
  return entries;
}

/**
 * bcrypt verdicts already computed by this twin, by hash and the password's SHA-256: a login is
 * checked against the Secret's entry as the oauth-server checks it, but each pair is computed once
 * (≈0.2 s of JavaScript at cost 10, and a run logs the same person in many times). Bounded: the
 * oldest verdict goes first.
 */
const bcryptVerdicts = new Map<string, boolean>();
const BCRYPT_VERDICTS = 64;

function bcryptVerifies(hash: string, password: string): boolean {
  const key = `${hash}\n${createHash('sha256').update(password).digest('hex')}`;
  let verdict = bcryptVerdicts.get(key);
  if (verdict === undefined) {
    try {
      verdict = bcrypt.compareSync(password, hash);
    } catch {
      verdict = false;
    }
    bcryptVerdicts.set(key, verdict);
    if (bcryptVerdicts.size > BCRYPT_VERDICTS) bcryptVerdicts.delete(bcryptVerdicts.keys().next().value!);
  }
  return verdict;
}

/** Checks a password against an htpasswd hash: bcrypt ($2y$, $2a$, $2b$) or {SHA}; other schemes are refused. */
export function verifyPassword(hash: string | undefined, password: string): boolean {
  if (!hash) return false;
  if (/^\$2[aby]\$\d\d\$/.test(hash)) return bcryptVerifies(hash, password);
  if (hash.startsWith('{SHA}')) {
    const given = createHash('sha1').update(password).digest();
    const stored = Buffer.from(hash.slice(5), 'base64');
    return stored.length === given.length && timingSafeEqual(stored, given);
  }
  return false;
}

// ---- HTTP ----

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/** The basic-auth challenge of the challenging client; refused without X-CSRF-Token, as OpenShift's password challenger does. */
function challenge(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers['x-csrf-token'])
    return send(res, 401, { 'Content-Type': 'text/plain', Warning: `199 Origin "${CSRF_WARNING}"` }, `${CSRF_WARNING}\n`);
  send(res, 401, { 'WWW-Authenticate': 'Basic realm="openshift"', 'Content-Type': 'text/plain' }, '');
}

/** The login form's messages by reason (oauth-server pkg/server/login/login.go errorMessages). */
const LOGIN_ERRORS: Record<string, string> = {
  user_required: 'Login is required. Please try again.',
  token_expired: 'Could not check CSRF token. Please try again.',
  access_denied: 'Invalid login or password. Please try again.',
  identity_provider_error: 'Could not create user. Please try again.',
};

/**
 * A redirect URI is valid for a registered one with the same scheme, host and port and a path below
 * the registered path (osin's ValidateUri, which OpenShift's OAuth server uses): the dashboard's
 * client registers https://<route host> and the proxy comes back to /oauth/callback.
 */
function redirectAllowed(registered: string, redirect: string): boolean {
  if (registered === redirect) return true;
  try {
    const base = new URL(registered);
    const url = new URL(redirect);
    const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return base.origin === url.origin && (url.pathname === base.pathname || url.pathname.startsWith(prefix) || base.pathname === '/');
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function retry400(res: ServerResponse): void {
  send(res, 400, { 'Content-Type': 'text/plain' }, 'The request body could not be read.');
}

function redirectError(res: ServerResponse, redirectURI: string, error: string, description: string, state: string | null): void {
  send(res, 302, { Location: `${redirectURI}?${formEncode({ error, error_description: description, ...(state ? { state } : {}) })}` }, '');
}

/** Form-encodes parameters as Go's url.Values.Encode does (unreserved characters such as "~" stay as they are). */
function formEncode(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`)
    .join('&');
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  send(res, status, { 'Content-Type': 'application/json' }, JSON.stringify({ error, error_description: description }));
}

function applicationNotAvailable(res: ServerResponse): void {
  const body =
    '<html><head><title>Application is not available</title></head><body><h1>Application is not available</h1><p>The application is currently not serving requests at this endpoint. It may not have been started or is still starting.</p></body></html>';
  send(res, 503, { 'Content-Type': 'text/html', 'Cache-Control': 'private, max-age=0, no-cache, no-store' }, body);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 65536) req.destroy(new Error('request body too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The OAuth server metadata OpenShift publishes at /.well-known/oauth-authorization-server (on the API server and the OAuth route). */
export function oauthServerMetadata(host: string): object {
  const issuer = `https://${host}`;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    scopes_supported: ['user:check-access', 'user:full', 'user:info', 'user:list-projects', 'user:list-scoped-projects'],
    response_types_supported: ['code', 'token'],
    grant_types_supported: ['authorization_code', 'implicit'],
    code_challenge_methods_supported: ['plain', 'S256'],
  };
}
