// OpenShift's oauth-proxy (registry.redhat.io/openshift4/ose-oauth-proxy) as an image emulator of
// the twin's kubelet. One emulator plays it for every pod, from the container's arguments, as the
// real proxy reads them; RHOAI 2.9 puts it in two kinds of pods, and their arguments alone make the
// difference:
//   - workbenches (the ODH notebook controller, controllers/notebooks.ts): --skip-provider-button and
//     --openshift-sar, no --openshift-delegate-urls, so a browser without a session is sent to the
//     cluster's OAuth server to log in, and a bearer token is not looked at;
//   - ModelMesh runtimes with enable-auth (controllers/modelmesh.ts): --openshift-delegate-urls and
//     --skip-auth-regex, no --skip-provider-button, so an API client's bearer token is reviewed and
//     a request without one is refused (403).
// A request is handled in the order of the real proxy's ServeHTTP: /oauth/healthz; a path matching
// --skip-auth-regex, passed to --upstream unchecked; /oauth/start and /oauth/callback; then the
// request's own credentials (a bearer token, only with --openshift-delegate-urls: a TokenReview,
// then a SubjectAccessReview with the attributes of the longest matching delegate path); without a
// session, the login redirect (--skip-provider-button) or the sign-in page ("Log in with OpenShift",
// 403). /oauth/callback completes the code flow as the openshift provider does
// (openshift/oauth-proxy providers/openshift/provider.go Redeem, oauthproxy.go OAuthCallback): the
// code is exchanged at the OAuth server's token endpoint with --client-id and the secret of
// --client-secret-file, the user is looked up with the token, and the session is kept in the
// `_oauth_proxy` cookie, encrypted with the --cookie-secret-file secret (so every replica of a pod
// reads it); requests with that cookie go upstream with X-Forwarded-User and, with
// --pass-access-token, X-Forwarded-Access-Token. The RHOAI 2.9 dashboard (odh-dashboard rhoai-2.9
// manifests/base/deployment.yaml) is such a pod: no --skip-provider-button, --pass-access-token.
// --openshift-sar is not asked.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TwinClient } from '../api/client';
import { refuseUpgrade, relayUpgrade } from '../network/upgrade';
import { options } from './openvino';
import { ContainerExit, imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from './types';

export interface OauthProxyDeps {
  /** A client for the proxy's TokenReviews and SubjectAccessReviews in the pod's namespace. */
  clientFor(namespace: string): TwinClient;
  /** Where a container port of a pod listens (--upstream is another container of the same pod, on localhost). */
  localAddress(podUid: string, port: number): Promise<{ host: string; port: number } | undefined>;
  /** An HTTPS agent of the pod network trusting what pods trust (the OAuth server's route), for the code exchange. */
  httpsAgent?(namespace: string): https.Agent;
}

/** The image under the names OpenShift publishes it (ose-oauth-proxy, origin-oauth-proxy) and a mirror's. */
export function oauthProxyEmulator(deps: OauthProxyDeps): ImageEmulator {
  return {
    name: 'oauth-proxy',
    matches: (image) => /oauth-proxy/.test(imageBaseName(image)),
    start: (ctx) => startOauthProxy(ctx, deps),
  };
}

/** One --openshift-delegate-urls entry: requests under `path` need these resource attributes. */
interface DelegatePath {
  path: string;
  attributes: Record<string, string>;
}

function startOauthProxy(ctx: ContainerContext, deps: OauthProxyDeps): ContainerEmulator {
  const opts = options(ctx.argv);
  const port = Number(/:(\d+)$/.exec(opts.get('https-address') ?? ':8443')?.[1] ?? 8443);
  const upstream = new URL(opts.get('upstream') ?? 'http://localhost:8080');
  const tls = servingCertificate(ctx, opts.get('tls-cert'), opts.get('tls-key'));
  const delegates = delegatePaths(opts.get('openshift-delegate-urls'));
  // The ModelMesh controller writes the regex in shell quotes; the twin has always read it without them.
  const skipAuth = opts.get('skip-auth-regex') ? new RegExp(opts.get('skip-auth-regex')!.replace(/^'|'$/g, '')) : undefined;
  const namespace = ctx.pod.metadata.namespace!;
  const clientId = opts.get('client-id') ?? `system:serviceaccount:${namespace}:${opts.get('openshift-service-account') ?? 'default'}`;
  const login = loginRedirect(ctx, clientId, opts.get('scope'));
  const sessions = new CookieSessions(ctx, opts.get('cookie-secret-file'));
  const passAccessToken = opts.get('pass-access-token') === 'true';
  const callback = codeCallback(ctx, deps, { clientId, secretFile: opts.get('client-secret-file'), sessions });
  const toUpstream = upstreamProxy(ctx.pod.metadata.uid!, upstream, deps);
  const reviews = delegates.length ? deps.clientFor(namespace) : undefined;
  const skipProviderButton = opts.get('skip-provider-button') === 'true';
  ctx.log(`oauth-proxy: HTTPS: listening on [::]:${port}`);
  ctx.log(`oauth-proxy: mapping path "/" => upstream "${upstream.origin}/"`);
  if (delegates.length)
    ctx.log(
      'oauth-proxy: Delegation of authentication and authorization to OpenShift is enabled for bearer tokens and client certificates.',
    );
  return {
    ports: [
      {
        port,
        tls,
        handler: (req, res) => {
          const url = new URL(req.url ?? '/', 'https://proxy');
          if (url.pathname === '/oauth/healthz') return text(res, 200, 'OK');
          if (skipAuth?.test(url.pathname)) return toUpstream(req, res);
          if (url.pathname === '/oauth/start') return login(req, res, url);
          if (url.pathname === '/oauth/callback') return void callback(req, res, url);
          const session = sessions.read(req);
          if (session) {
            req.headers['x-forwarded-user'] = session.user;
            req.headers['x-forwarded-email'] = '';
            if (passAccessToken) req.headers['x-forwarded-access-token'] = session.token;
            return toUpstream(req, res);
          }
          const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
          const delegate = token ? delegates.find((d) => url.pathname.startsWith(d.path)) : undefined;
          if (reviews && token && delegate) {
            const refusal = reviewBearerToken(reviews, token, delegate);
            return refusal ? text(res, refusal.status, refusal.message) : toUpstream(req, res);
          }
          if (skipProviderButton) return login(req, res, url);
          signInPage(res, `${url.pathname}${url.search}`);
        },
        // WebSockets go upstream under the same checks as requests (oauthproxy.go: the upstream
        // proxy passes upgrades through once the request is authenticated).
        upgrade: (req, socket, head) => {
          const url = new URL(req.url ?? '/', 'https://proxy');
          const pass = () =>
            void deps.localAddress(ctx.pod.metadata.uid!, Number(upstream.port || 80)).then((address) => {
              if (!address) return refuseUpgrade(socket, 502, 'Bad Gateway', `upstream ${upstream.host} not reachable\n`);
              relayUpgrade(req, socket, head, address);
            });
          if (skipAuth?.test(url.pathname)) return pass();
          const session = sessions.read(req);
          if (session) {
            req.headers['x-forwarded-user'] = session.user;
            return pass();
          }
          const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
          const delegate = token ? delegates.find((d) => url.pathname.startsWith(d.path)) : undefined;
          if (reviews && token && delegate) {
            const refusal = reviewBearerToken(reviews, token, delegate);
            return refusal
              ? refuseUpgrade(socket, refusal.status, refusal.status === 401 ? 'Unauthorized' : 'Forbidden', refusal.message)
              : pass();
          }
          refuseUpgrade(socket, 403, 'Forbidden', 'Forbidden\n');
        },
      },
    ],
  };
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' });
  res.end(body);
}

/** The certificate files --tls-cert and --tls-key name (the Service's serving-certificate Secret, mounted by the pod). */
function servingCertificate(
  ctx: ContainerContext,
  certFile: string | undefined,
  keyFile: string | undefined,
): { cert: string; key: string } {
  if (!certFile || !keyFile) throw new ContainerExit('oauth-proxy: --https-address requires --tls-cert and --tls-key');
  const read = (f: string) => {
    try {
      return fs.readFileSync(ctx.fs.hostPath(f)).toString('utf8');
    } catch {
      throw new ContainerExit(`oauth-proxy: FATAL: open ${f}: no such file or directory`);
    }
  };
  return { cert: read(certFile), key: read(keyFile) };
}

/** --openshift-delegate-urls: a JSON map of path prefixes to ResourceAttributes, longest path first; the verb defaults to proxy. */
function delegatePaths(json: string | undefined): DelegatePath[] {
  if (!json) return [];
  let mappings: Record<string, Record<string, string>>;
  try {
    mappings = JSON.parse(json);
  } catch (e) {
    throw new ContainerExit(
      `oauth-proxy: resources must be a JSON map of paths to authorizationv1beta1.ResourceAttributes: ${(e as Error).message}`,
    );
  }
  return Object.entries(mappings)
    .map(([path, attributes]) => ({ path, attributes: { verb: 'proxy', ...attributes } }))
    .sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path));
}

/**
 * Reviews a bearer token for a delegate path; returns the answer for a request it does not let
 * through. (The real proxy then treats the request as one without a session, which ModelMesh's
 * proxy answers 403; the twin has always answered an unauthenticated token 401.)
 */
function reviewBearerToken(client: TwinClient, token: string, delegate: DelegatePath): { status: number; message: string } | undefined {
  const review = client.create({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } });
  if (!review.status?.authenticated) return { status: 401, message: 'Unauthorized\n' };
  const user = review.status.user;
  const { namespace, resource, verb, group, name, version, subresource } = delegate.attributes;
  const resourceAttributes = {
    namespace,
    resource,
    verb,
    group: group ?? '',
    name: name ?? '',
    ...(version ? { version } : {}),
    ...(subresource ? { subresource } : {}),
  };
  const access = client.create({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: { user: user.username, groups: user.groups, resourceAttributes },
  });
  return access.status?.allowed ? undefined : { status: 403, message: 'Forbidden\n' };
}

/** Sends a visitor to the cluster's OAuth server to log in, coming back to /oauth/callback (which the twin does not complete). */
function loginRedirect(
  ctx: ContainerContext,
  clientId: string,
  scope = 'user:info user:check-access',
): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
    const state = `${randomBytes(16).toString('hex')}:${url.pathname === '/oauth/start' ? (url.searchParams.get('rd') ?? '/') : `${url.pathname}${url.search}`}`;
    const authorize = new URL(`https://oauth-openshift.${ctx.appsDomain}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      approval_prompt: 'force',
      client_id: clientId,
      redirect_uri: `https://${host}/oauth/callback`,
      response_type: 'code',
      scope,
      state,
    }).toString();
    res.writeHead(302, {
      Location: authorize.toString(),
      'Set-Cookie': `_oauth_proxy_csrf=${randomBytes(16).toString('hex')}; Path=/; Secure; HttpOnly`,
    });
    res.end();
  };
}

/** Passes a request to --upstream, a container of the same pod (localhost). */
function upstreamProxy(podUid: string, upstream: URL, deps: OauthProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const proxied = new URL(req.url ?? '/', upstream);
    void deps.localAddress(podUid, Number(upstream.port || 80)).then((address) => {
      if (!address) return text(res, 502, `upstream ${upstream.host} not reachable\n`);
      const up = http.request(
        {
          host: address.host,
          port: address.port,
          method: req.method,
          path: proxied.pathname + proxied.search,
          headers: req.headers,
          agent: false,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => (res.headersSent ? res.destroy() : (res.writeHead(502), res.end())));
      req.pipe(up);
    });
  };
}

/** The sign-in page of a proxy without --skip-provider-button (oauth-proxy templates.go sign_in.html), 403 as the real one answers. */
function signInPage(res: ServerResponse, redirect: string): void {
  const rd = redirect.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log In</title></head><body><main>' +
    `<form method="GET" action="/oauth/start"><input type="hidden" name="rd" value="${rd}">` +
    '<button type="submit">Log in with OpenShift</button></form></main></body></html>';
  res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

interface ProxySession {
  user: string;
  token: string;
  expires: number;
}

/** Sessions in the `_oauth_proxy` cookie, AES-GCM with a key from the cookie secret (shared by the pods of a Deployment). */
class CookieSessions {
  private readonly key: Buffer;

  constructor(ctx: ContainerContext, secretFile: string | undefined) {
    let secret = `${ctx.pod.metadata.namespace}/${ctx.pod.metadata.generateName ?? ctx.pod.metadata.name}`;
    if (secretFile) {
      try {
        secret = fs.readFileSync(ctx.fs.hostPath(secretFile), 'utf8');
      } catch {
        // The real proxy exits here; the twin's workbench pods name the file without mounting it, so it keeps the pod's own secret.
        ctx.log(`oauth-proxy: could not read cookie secret file ${secretFile}; using a secret of this pod's owner`);
      }
    }
    this.key = createHash('sha256').update(secret).digest();
  }

  write(session: ProxySession): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return `_oauth_proxy=${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}; Path=/; Secure; HttpOnly; SameSite=Lax`;
  }

  read(req: IncomingMessage): ProxySession | undefined {
    const value = /(?:^|;\s*)_oauth_proxy=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!value) return undefined;
    try {
      const raw = Buffer.from(value, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const session = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as ProxySession;
      return session.expires > Date.now() ? session : undefined;
    } catch {
      return undefined;
    }
  }
}

/** /oauth/callback: the code redeemed at the OAuth server's token endpoint, the user looked up, the session cookie set, back to the state's path. */
function codeCallback(
  ctx: ContainerContext,
  deps: OauthProxyDeps,
  o: { clientId: string; secretFile: string | undefined; sessions: CookieSessions },
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const namespace = ctx.pod.metadata.namespace!;
  return async (req, res, url) => {
    const fail = (message: string) => {
      ctx.log(`oauth-proxy: ${message}`);
      text(res, 500, `Internal Error\n${message}\n`);
    };
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state') ?? '';
    if (url.searchParams.get('error'))
      return fail(`Permission Denied: ${url.searchParams.get('error')}: ${url.searchParams.get('error_description') ?? ''}`);
    if (!code || !deps.httpsAgent) return fail('error redeeming code: no code');
    let clientSecret = '';
    if (o.secretFile) {
      try {
        clientSecret = fs.readFileSync(ctx.fs.hostPath(o.secretFile), 'utf8').trim();
      } catch {
        return fail(`could not read client secret file ${o.secretFile}`);
      }
    }
    const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: o.clientId,
      client_secret: clientSecret,
      redirect_uri: `https://${host}/oauth/callback`,
    }).toString();
    let answer: { status: number; body: string };
    try {
      answer = await post(`https://oauth-openshift.${ctx.appsDomain}/oauth/token`, form, deps.httpsAgent(namespace));
    } catch (error) {
      return fail(`error redeeming code: ${(error as Error).message}`);
    }
    let token: string | undefined;
    try {
      token = (JSON.parse(answer.body) as { access_token?: string }).access_token;
    } catch {
      token = undefined;
    }
    if (answer.status !== 200 || !token) return fail(`error redeeming code: got ${answer.status} from the token endpoint: ${answer.body}`);
    const review = deps
      .clientFor(namespace)
      .create({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token } });
    const user = review.status?.authenticated ? (review.status.user?.username as string) : undefined;
    if (!user) return fail('error redeeming code: the token names no user');
    const rd = state.includes(':') ? state.slice(state.indexOf(':') + 1) : '/';
    res.writeHead(302, {
      Location: rd.startsWith('/') && !rd.startsWith('//') ? rd : '/',
      'Set-Cookie': o.sessions.write({ user, token, expires: Date.now() + 23 * 3600 * 1000 }),
    });
    res.end();
  };
}

function post(target: string, form: string, agent: https.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(form),
          Accept: 'application/json',
        },
      },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        r.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}
