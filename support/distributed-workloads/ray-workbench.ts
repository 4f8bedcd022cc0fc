// TUT-DW-02, "from the workbench terminal, log in to the cluster" (RHOAI 2.9 "Running distributed
// data science workloads from notebooks": the CodeFlare SDK's TokenAuthentication needs the token
// and API server a user gets from "Copy login command"): `oc login --token=<token> --server=<api>`
// run in the tutorial workbench's terminal (pod exec), then `oc whoami` answering the token's user.
// The token is one of a service account of the tutorial project allowed to view it (get pods),
// as the Ray dashboard's oauth-proxy requires.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { readServiceAccountToken } from '../serving/token-auth';
import { ensureTutorialWorkbench } from '../tutorial/fraud-detection';
import { assertSucceeded, execInWorkbench } from '../tutorial/workbench-checks';
import { currentWorkbench } from '../tutorial/workbenches';
import type { RhoaiWorld } from '../core/world';

const SA = 'distributed-workloads-user';

declare module '../core/world' {
  interface ScenarioFacts {
    /** Who `oc login` in the workbench terminal logged in as, and what it said. */
    workbenchLogin?: { user: string; login: string };
  }
}

export async function loginFromWorkbenchTerminal(world: RhoaiWorld): Promise<void> {
  await ensureTutorialWorkbench(world);
  const ns = currentWorkbench(world).namespace;
  await world.applyFixture('serving/token-service-account', { name: SA, namespace: ns, ownerReferences: [] });
  await world.applyFixture('serving/token-role-binding', { name: `${SA}-view`, namespace: ns, serviceAccount: SA, ownerReferences: [] });
  await world.applyFixture('serving/token-secret', {
    name: `${SA}-token`,
    namespace: ns,
    serviceAccount: SA,
    displayName: SA,
    ownerReferences: [],
  });
  const { token } = await readServiceAccountToken(world, ns, `${SA}-token`, SA, SA);
  const server = (await world.target()).kubeConfig.getCurrentCluster()?.server;
  expectOk(server, 'the harness kubeconfig names no API server');
  const login = await execInWorkbench(world, ['oc', 'login', `--token=${token}`, `--server=${server}`, '--insecure-skip-tls-verify=true']);
  assertSucceeded(login, 'logging in to the cluster from the workbench terminal');
  world.facts.workbenchLogin = { user: `system:serviceaccount:${ns}:${SA}`, login: login.stdout.trim() };
}

/** `oc whoami` in the workbench terminal answers the token's user (asked of the API server). */
export async function assertWorkbenchLoggedIn(world: RhoaiWorld): Promise<void> {
  const expected = world.facts.workbenchLogin;
  expectOk(expected, 'no login from the workbench terminal in this scenario');
  const who = await execInWorkbench(world, ['oc', 'whoami']);
  assertSucceeded(who, 'oc whoami in the workbench terminal');
  world.report.text('oc login in the workbench terminal', `${expected.login}\n$ oc whoami\n${who.stdout.trim()}`);
  expect(who.stdout.trim(), "oc whoami in the workbench answers another user than the token's").to.equal(expected.user);
}
