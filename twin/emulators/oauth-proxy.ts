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
// session, the login redirect or the 403. The twin does not complete the OAuth code flow, so there
// are no cookie sessions, and --openshift-sar (which the real proxy checks for a user coming back
// from that login) is never asked.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TwinClient } from '../api/client';
import { options } from './openvino';
import { ContainerExit, imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from './types';

export interface OauthProxyDeps {
  /** A client for the proxy's TokenReviews and SubjectAccessReviews in the pod's namespace. */
  clientFor(namespace: string): TwinClient;
  /** Where a container port of a pod listens (--upstream is another container of the same pod, on localhost). */
  localAddress(podUid: string, port: number): Promise<{ host: string; port: number } | undefined>;
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
  const login = loginRedirect(ctx, `system:serviceaccount:${namespace}:${opts.get('openshift-service-account') ?? 'default'}`);
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
          if (url.pathname === '/oauth/callback')
            return text(res, 500, "Internal Error: the twin's oauth-proxy does not complete the OAuth code flow\n");
          const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
          const delegate = token ? delegates.find((d) => url.pathname.startsWith(d.path)) : undefined;
          if (reviews && token && delegate) {
            const refusal = reviewBearerToken(reviews, token, delegate);
            return refusal ? text(res, refusal.status, refusal.message) : toUpstream(req, res);
          }
          if (skipProviderButton) return login(req, res, url);
          text(res, 403, 'Forbidden: no bearer token (oauth-proxy answers API clients without a login redirect)\n');
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
function loginRedirect(ctx: ContainerContext, clientId: string): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
    const state = `${randomBytes(16).toString('hex')}:${url.pathname === '/oauth/start' ? (url.searchParams.get('rd') ?? '/') : `${url.pathname}${url.search}`}`;
    const authorize = new URL(`https://oauth-openshift.${ctx.appsDomain}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      approval_prompt: 'force',
      client_id: clientId,
      redirect_uri: `https://${host}/oauth/callback`,
      response_type: 'code',
      scope: 'user:info user:check-access',
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
