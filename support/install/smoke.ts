// The smoke checks: the target answers, the credentials are cluster-admin's, and the client can
// apply an object, see it through a watch and read it back.
import { expect } from 'chai';
import { canI } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { ensureNamespace } from '../core/namespaces';

export async function clusterAnswers(world: RhoaiWorld): Promise<void> {
  const version = await world.cluster.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' });
  world.report.text('version', `${await world.cluster.server()} answers: Kubernetes ${version.gitVersion ?? 'unknown'}`);
  expect(typeof version.gitVersion, 'GET /version returns gitVersion').to.equal('string');
}

export async function assertClusterAdmin(world: RhoaiWorld): Promise<void> {
  const review = await canI(world.cluster);
  expect(review.allowed, `the current user may do everything (cluster-admin)${review.reason ? `: ${review.reason}` : ''}`).to.equal(true);
}

export async function useScratchNamespace(world: RhoaiWorld, name: string): Promise<void> {
  // A previous run's namespace may still be terminating: ensureNamespace waits it out first.
  const { namespace } = await ensureNamespace(world, name);
  world.namespace = name;
  world.deleteAfterwards(namespace);
}

export async function applyConfigMap(world: RhoaiWorld, name: string, text: string): Promise<void> {
  await world.applyFixture('core/configmap', { name, namespace: world.namespace, data: { message: text } });
}

export async function assertConfigMapHolds(world: RhoaiWorld, name: string, text: string): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: world.namespace };
  await world.cluster.waitFor(ref, (cm) => cm !== undefined, { describe: `ConfigMap ${name} to exist`, timeoutMs: 60_000 });
  const live = await world.cluster.get(ref);
  expect(live?.data?.message, `ConfigMap ${name} data.message`).to.equal(text);
}
