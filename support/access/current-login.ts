// `oc login` (INS-LOGIN-01): the harness is logged in through the kubeconfig's current context
// (written by `oc login`, or the twin's). Proven as a person would check it: `oc whoami` (users/~),
// `oc whoami --show-server`, and which kind of credential the context holds — never the credential.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import type { User } from '@kubernetes/client-node';
import type { RhoaiWorld } from '../core/world';
import { whoami } from './token-client';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The current login: context, API server, kind of credential. */
    currentLogin?: { context: string; server: string; credential: string; kubeconfig: readonly string[] };
  }
}

/** The kind of credential a kubeconfig user holds, in words (the value is never part of it). */
export function credentialKind(user: User | null | undefined): string {
  if (!user) return 'none';
  if (user.token) {
    if (user.token.startsWith('sha256~')) return 'an OAuth access token (sha256~…, as oc login writes it)';
    if (user.token.split('.').length === 3) return 'a bearer token (JWT, e.g. a service account token)';
    return 'a bearer token';
  }
  if (user.certData || user.certFile) return "a client certificate (e.g. the installer's system:admin kubeconfig)";
  if (user.username && user.password) return 'a user name and password (basic authentication)';
  if (user.exec) return `an exec credential plugin (${String(user.exec.command ?? 'unknown command')})`;
  if (user.authProvider) return `an auth provider (${String(user.authProvider.name ?? 'unnamed')})`;
  return 'none';
}

export async function recordCurrentLogin(world: RhoaiWorld): Promise<void> {
  const target = await world.target();
  const credential = credentialKind(target.kubeConfig.getCurrentUser());
  world.facts.currentLogin = { context: target.context, server: target.server, credential, kubeconfig: target.kubeconfigFiles };
  world.report.text(
    'login',
    `kubeconfig ${target.kubeconfigFiles.join(':')}, context ${target.context}: ${target.kind === 'twin' ? 'the embedded twin' : 'a cluster'} at ${target.server}, with ${credential}`,
  );
}

function currentLogin(world: RhoaiWorld): NonNullable<RhoaiWorld['facts']['currentLogin']> {
  const login = world.facts.currentLogin;
  expectOk(login, 'the login was not read: a step "the harness is logged in with the kubeconfig\'s current context" must come first');
  return login;
}

/** `oc whoami`: users/~ names an authenticated user. */
export async function assertWhoami(world: RhoaiWorld): Promise<void> {
  const me = await whoami(world.cluster);
  expectOk(me.name, 'users/~ (oc whoami) names no user');
  expect(me.name, 'the API server sees the harness as system:anonymous: the kubeconfig credential was not accepted').to.not.equal(
    'system:anonymous',
  );
  world.report.text('oc whoami', `${me.name} (groups: ${me.groups.join(', ') || 'none'})`);
}

/** `oc whoami --show-server`: the connection goes to the API server the run targets, and it answers. */
export async function assertShowServer(world: RhoaiWorld): Promise<void> {
  const login = currentLogin(world);
  const server = await world.cluster.server();
  expect(server, `the harness talks to ${server}, not to ${login.server} of context ${login.context}`).to.equal(login.server);
  const version = await world.cluster.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' });
  expectOk(version?.gitVersion, `${server}/version names no gitVersion`);
  world.report.text('oc whoami --show-server', `${server} (Kubernetes ${version.gitVersion})`);
}

/** The context holds a credential of a known kind (a token, a client certificate, a user and password, a plugin). */
export function assertCredentialKind(world: RhoaiWorld): void {
  const login = currentLogin(world);
  expect(login.credential, `the kubeconfig user of context ${login.context} holds no credential: run oc login`).to.not.equal('none');
  world.report.text('credential', `context ${login.context} logs in with ${login.credential}`);
}
