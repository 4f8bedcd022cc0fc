// The HTPasswd identity provider on OAuth `cluster`, merged with the providers already there.
//
// spec.identityProviders is an atomic list (x-kubernetes-list-type: atomic): a server-side apply
// of it, like `oc apply -f htpass-cr.yaml`, would replace every provider the cluster has. So the
// harness reads the list and, only when its provider is missing, adds it with a JSON patch whose
// first operation tests the list it read: a concurrent change makes the patch fail instead of
// being overwritten, and the harness reads again.
//
// Then the authentication operator rolls the OAuth server out. Its ClusterOperator reporting
// Available=True, Progressing=False, Degraded=False is standard ClusterOperator semantics but marked
// unverified for this step (install.md §2.3), and a real cluster may report it while the
// oauth-openshift Deployment still rolls: so the wait needs Progressing to have settled after the
// last change of the configuration, then the Deployment fully rolled out; the login of INS-ADM-04
// is the real proof.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { ApiError, conditionOf, type KObject, type ObjectRef } from '../core/cluster';
import type { RhoaiWorld } from '../core/world';
import { htpasswdSecretRef } from './htpasswd-secret';

declare module '../core/world' {
  interface ScenarioFacts {
    /** OAuth cluster's identity providers before this scenario changed them. */
    identityProvidersBefore?: KObject[];
  }
}

export const OAUTH_CLUSTER: ObjectRef = { apiVersion: 'config.openshift.io/v1', kind: 'OAuth', name: 'cluster' };
export const AUTHENTICATION_OPERATOR: ObjectRef = { apiVersion: 'config.openshift.io/v1', kind: 'ClusterOperator', name: 'authentication' };
export const OAUTH_DEPLOYMENT: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'oauth-openshift',
  namespace: 'openshift-authentication',
};

const PATCH_ATTEMPTS = 3;

/** Our provider, from the fixture: an HTPasswd provider reading the htpasswd Secret, mappingMethod claim. */
export function desiredProvider(world: RhoaiWorld): KObject {
  const [oauth] = world.render('access/oauth-htpasswd-provider', {
    provider: world.settings.htpasswdProvider,
    secret: world.settings.htpasswdSecret,
  });
  return oauth!.spec.identityProviders[0];
}

/** Adds the provider to OAuth cluster unless it is there; the others stay as they are. */
export async function addIdentityProvider(world: RhoaiWorld): Promise<'added' | 'present'> {
  const ours = desiredProvider(world);
  for (let attempt = 1; ; attempt++) {
    const oauth = await world.cluster.get(OAUTH_CLUSTER);
    expectOk(oauth, 'there is no OAuth "cluster" (config.openshift.io/v1): is this an OpenShift cluster?');
    const current: KObject[] | undefined = oauth.spec?.identityProviders;
    world.facts.identityProvidersBefore = current ?? [];
    const same = (current ?? []).find((p) => p.name === ours.name);
    if (same) {
      assertCompatible(world, same);
      world.report.text(
        'identity provider',
        `OAuth cluster already has the identity provider ${ours.name} (HTPasswd, Secret ${ours.htpasswd.fileData.name}); left unchanged, with ${(current ?? []).length - 1} other provider(s)`,
      );
      return 'present';
    }
    // identityProviders is an atomic list: send the whole list, ours appended, as a merge patch
    // guarded by the resourceVersion just read (a 409 means someone changed OAuth meanwhile: read
    // it again). A merge patch rather than a JSON patch: the same concurrency guarantee, and a body
    // that schema tools (and the audit log's readers) understand as an OAuth object.
    const patch = {
      metadata: { resourceVersion: oauth.metadata.resourceVersion },
      spec: { identityProviders: [...(current ?? []), ours] },
    };
    try {
      await world.cluster.patch(OAUTH_CLUSTER, patch, 'merge');
      world.report.text(
        'identity provider',
        `added ${ours.name} to OAuth cluster after its ${(current ?? []).length} provider(s)${current?.length ? ` (${current.map((p) => p.name).join(', ')})` : ''}`,
      );
      return 'added';
    } catch (error) {
      // The resourceVersion no longer matches: someone changed OAuth since it was read. Read it again.
      const raced = error instanceof ApiError && error.status === 409;
      if (!raced || attempt >= PATCH_ATTEMPTS) throw error;
    }
  }
}

/** A provider of our name must be the same provider; otherwise changing it would break whoever uses it. */
function assertCompatible(world: RhoaiWorld, found: KObject): void {
  const want = `an HTPasswd provider reading Secret ${world.settings.htpasswdSecret} with mappingMethod claim`;
  const differences = [
    found.type !== 'HTPasswd' && `its type is ${found.type}`,
    found.htpasswd?.fileData?.name !== world.settings.htpasswdSecret && `it reads Secret ${found.htpasswd?.fileData?.name ?? '(none)'}`,
    (found.mappingMethod ?? 'claim') !== 'claim' && `its mappingMethod is ${found.mappingMethod}`,
  ].filter(Boolean);
  expect(
    differences,
    `OAuth cluster already has an identity provider named ${found.name}, but ${differences.join(' and ')} (wanted ${want}): the harness does not change a provider it did not make; set RHOAI_HTPASSWD_PROVIDER and RHOAI_HTPASSWD_SECRET to match it, or choose another name`,
  ).to.deep.equal([]);
}

/** OAuth cluster lists our provider, and every provider it had before, unchanged and in their order. */
export async function assertProvidersMerged(world: RhoaiWorld): Promise<void> {
  const before = world.facts.identityProvidersBefore;
  expectOk(
    before,
    'the identity providers were not read before the change: a step "I add the HTPasswd identity provider ..." must come first',
  );
  const oauth = await world.cluster.get(OAUTH_CLUSTER);
  const now: KObject[] = oauth?.spec?.identityProviders ?? [];
  const ours = desiredProvider(world);
  const mine = now.find((p) => p.name === ours.name);
  expectOk(mine, `OAuth cluster has no identity provider ${ours.name} (it has: ${now.map((p) => p.name).join(', ') || 'none'})`);
  expect(mine.type, `identity provider ${ours.name} has type ${mine.type}`).to.equal('HTPasswd');
  expect(mine.htpasswd?.fileData?.name, `identity provider ${ours.name} reads Secret ${mine.htpasswd?.fileData?.name}`).to.equal(
    world.settings.htpasswdSecret,
  );
  expect(mine.mappingMethod ?? 'claim', `identity provider ${ours.name} has mappingMethod ${mine.mappingMethod}`).to.equal('claim');
  const others = now.filter((p) => p.name !== ours.name);
  expect(others, "OAuth cluster's other identity providers changed: they must be kept as they were").to.deep.equal(
    before.filter((p) => p.name !== ours.name),
  );
  world.report.text(
    'other identity providers',
    others.length
      ? `OAuth cluster keeps ${others.map((p) => `${p.name} (${p.type})`).join(', ')} as they were`
      : "OAuth cluster had no other identity provider before: nothing to keep on this cluster, so this check proved nothing here (the twin's brownfield profile exercises it)",
  );
}

/**
 * When the OAuth server's configuration last changed, by the API server's clock: the newest time a
 * manager changed OAuth cluster's spec or the htpasswd Secret's data (managedFields), undefined if unknown.
 */
export async function lastConfigurationChange(world: RhoaiWorld): Promise<Date | undefined> {
  const times: number[] = [];
  for (const [ref, field] of [
    [OAUTH_CLUSTER, 'f:spec'],
    [htpasswdSecretRef(world), 'f:data'],
  ] as const) {
    const obj = await world.cluster.get(ref);
    for (const entry of (obj?.metadata.managedFields ?? []) as {
      time?: string;
      subresource?: string;
      fieldsV1?: Record<string, unknown>;
    }[]) {
      if (entry.subresource || !entry.time || !(field in (entry.fieldsV1 ?? {}))) continue;
      times.push(Date.parse(entry.time));
    }
  }
  return times.length ? new Date(Math.max(...times)) : undefined;
}

/**
 * Waits for the authentication operator to have rolled the current configuration out:
 * ClusterOperator authentication Available=True, Progressing=False (having settled after the last
 * configuration change), Degraded not True; then Deployment openshift-authentication/oauth-openshift
 * fully rolled out. A Degraded configuration observation fails at once: while its configuration is
 * invalid the operator rolls out no identity-provider change.
 */
export async function waitForOAuthRollout(world: RhoaiWorld): Promise<void> {
  const since = await lastConfigurationChange(world);
  const after = since ? ` since the last configuration change (${since.toISOString()})` : '';
  const co = await world.cluster.waitFor(
    AUTHENTICATION_OPERATOR,
    (obj) => {
      const degraded = conditionOf(obj, 'Degraded');
      if (degraded?.status === 'True' && /ConfigObservation/.test(degraded.reason ?? '')) {
        return {
          fail: `ClusterOperator authentication is Degraded (${degraded.reason}): ${degraded.message} — while its identity-provider configuration is invalid the authentication operator rolls none of it out`,
        };
      }
      const progressing = conditionOf(obj, 'Progressing');
      const settled = progressing?.status === 'False' && (!since || Date.parse(progressing.lastTransitionTime ?? '') >= since.getTime());
      return settled && conditionOf(obj, 'Available')?.status === 'True' && degraded?.status !== 'True';
    },
    { describe: `ClusterOperator authentication to roll out the OAuth server: Available=True, Progressing=False${after}, Degraded=False` },
  );
  const deployment = await world.cluster.waitFor(
    OAUTH_DEPLOYMENT,
    (d) => {
      if (!d) return false;
      const desired = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      return (
        (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
        s.updatedReplicas === desired &&
        s.availableReplicas === desired &&
        s.replicas === desired
      );
    },
    {
      describe: `Deployment ${OAUTH_DEPLOYMENT.namespace}/${OAUTH_DEPLOYMENT.name} to be fully rolled out (every replica updated and available, no old pods)`,
    },
  );
  const progressing = conditionOf(co, 'Progressing');
  world.report.text(
    'OAuth server rollout',
    `ClusterOperator authentication: Available=True, Progressing=False since ${progressing?.lastTransitionTime}${since ? ` (the configuration last changed at ${since.toISOString()})` : ''}; ` +
      `Deployment ${OAUTH_DEPLOYMENT.namespace}/${OAUTH_DEPLOYMENT.name}: ${deployment?.status?.availableReplicas}/${deployment?.spec?.replicas ?? 1} replicas of generation ${deployment?.metadata.generation} available. ` +
      'These ClusterOperator conditions are unverified for this step (install.md §2.3); the login as the new admin (INS-ADM-04) is the real proof.',
  );
}
