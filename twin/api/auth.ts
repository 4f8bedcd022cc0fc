// Authentication: bearer tokens as an OpenShift cluster accepts them — the kubeadmin token,
// ServiceAccount tokens (signed JWTs from TokenRequest or legacy token Secrets) and OAuth access
// tokens (`sha256~...`, looked up as OAuthAccessToken objects by their hash).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KObject } from './types';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  /** The scopes of an OAuth access token (OpenShift puts them in the user's extra scopes.authorization.openshift.io). */
  scopes?: string[];
}

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
export const TWIN_SYSTEM: UserInfo = { username: 'system:twin-controller-manager', groups: ['system:masters', 'system:authenticated'] };

type Lookup = (resource: string, namespace: string | undefined, name: string) => KObject | undefined;
type ListGroups = () => KObject[];

const ISSUER = 'https://kubernetes.default.svc';

export class Authenticator {
  private readonly staticTokens = new Map<string, UserInfo>();
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly lookup: Lookup,
    private readonly groups: ListGroups,
  ) {}

  addStaticToken(token: string, user: UserInfo): void {
    this.staticTokens.set(token, user);
  }

  /** undefined token → anonymous; an unknown or expired token → 'invalid' (the server answers 401). */
  authenticate(token: string | undefined): UserInfo | 'invalid' {
    if (!token) return ANONYMOUS;
    const fixed = this.staticTokens.get(token);
    if (fixed) return fixed;
    if (token.startsWith('sha256~')) return this.oauthUser(token) ?? 'invalid';
    if (token.split('.').length === 3) return this.serviceAccountUser(token) ?? 'invalid';
    return 'invalid';
  }

  /** A signed ServiceAccount token, as TokenRequest returns it. */
  issueServiceAccountToken(
    sa: KObject,
    opts: { audiences?: string[]; expirationSeconds?: number; legacySecret?: string },
  ): { token: string; expirationTimestamp: string } {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (opts.expirationSeconds ?? 3600);
    const ns = sa.metadata.namespace!;
    const claims: Record<string, unknown> = {
      iss: ISSUER,
      sub: `system:serviceaccount:${ns}:${sa.metadata.name}`,
      aud: opts.audiences?.length ? opts.audiences : [ISSUER],
      iat: now,
      nbf: now,
      'kubernetes.io': { namespace: ns, serviceaccount: { name: sa.metadata.name, uid: sa.metadata.uid } },
    };
    if (opts.legacySecret) (claims['kubernetes.io'] as Record<string, unknown>).secret = { name: opts.legacySecret };
    else claims.exp = exp;
    const token = this.sign(claims);
    return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') };
  }

  audiencesOf(token: string): string[] {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      return Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    } catch {
      return [];
    }
  }

  private sign(claims: Record<string, unknown>): string {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'twin', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const sig = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  }

  private serviceAccountUser(token: string): UserInfo | undefined {
    const [h, p, s] = token.split('.');
    const expected = createHmac('sha256', this.signingKey).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    if (claims.exp && claims.exp * 1000 < Date.now()) return undefined;
    const k = claims['kubernetes.io'];
    const sa = this.lookup('/serviceaccounts', k.namespace, k.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k.serviceaccount.uid) return undefined;
    if (k.secret && !this.lookup('/secrets', k.namespace, k.secret.name)) return undefined;
    return {
      username: `system:serviceaccount:${k.namespace}:${k.serviceaccount.name}`,
      uid: sa.metadata.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
    };
  }

  private oauthUser(token: string): UserInfo | undefined {
    const stored = this.lookup('oauth.openshift.io/oauthaccesstokens', undefined, oauthTokenObjectName(token));
    if (!stored) return undefined;
    const expiresIn = Number(stored.expiresIn ?? 0);
    const created = Date.parse(stored.metadata.creationTimestamp ?? '');
    if (expiresIn > 0 && created + expiresIn * 1000 < Date.now()) return undefined;
    const username: string = stored.userName;
    const user = this.lookup('user.openshift.io/users', undefined, username);
    const groups = this.groups()
      .filter((g) => (g.users ?? []).includes(username))
      .map((g) => g.metadata.name!);
    const scopes: string[] | undefined = Array.isArray(stored.scopes) ? stored.scopes : undefined;
    return {
      username,
      uid: user?.metadata.uid,
      groups: [...groups, 'system:authenticated:oauth', 'system:authenticated'],
      ...(scopes ? { scopes } : {}),
    };
  }
}

/** OpenShift stores an access token `sha256~X` as an OAuthAccessToken named `sha256~` + base64url(sha256(X)). */
export function oauthTokenObjectName(token: string): string {
  const secret = token.slice('sha256~'.length);
  return 'sha256~' + createHash('sha256').update(secret).digest('base64url');
}

export function newOAuthToken(): string {
  return 'sha256~' + randomBytes(32).toString('base64url');
}
