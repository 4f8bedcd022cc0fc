// The twin's start profiles: the names it accepts, and that the brownfield profile is a cluster in
// use (identity providers with their Secrets, users in htpass-secret, team projects with workloads).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProfile, profileObjects, TWIN_PROFILES } from '../../../twin/bootstrap';

test('the profiles are empty (the default) and brownfield; any other name is refused, naming the allowed ones', () => {
  assert.deepEqual([...TWIN_PROFILES], ['empty', 'brownfield']);
  assert.equal(parseProfile(undefined), 'empty');
  assert.equal(parseProfile(''), 'empty');
  assert.equal(parseProfile('brownfield'), 'brownfield');
  assert.throws(() => parseProfile('greenfield'), /unknown twin profile "greenfield": allowed are empty, brownfield/);
});

test('empty adds nothing', () => {
  assert.deepEqual(profileObjects('empty'), []);
});

test('brownfield: every Secret an identity provider names is in the profile, with the key its type reads', () => {
  const objects = profileObjects('brownfield');
  const oauth = objects.find((o) => o.kind === 'OAuth')!;
  const providers = oauth.spec.identityProviders as { name: string; type: string; [k: string]: unknown }[];
  assert.ok(providers.length >= 2 && new Set(providers.map((p) => p.type)).size >= 2, 'at least two providers of different types');
  const keyOf: Record<string, [string, string]> = {
    HTPasswd: ['fileData', 'htpasswd'],
    LDAP: ['bindPassword', 'bindPassword'],
    GitHub: ['clientSecret', 'clientSecret'],
  };
  for (const p of providers) {
    const config = p[p.type === 'HTPasswd' ? 'htpasswd' : p.type === 'LDAP' ? 'ldap' : 'github'] as Record<string, { name: string }>;
    const [field, key] = keyOf[p.type]!;
    const secret = objects.find(
      (o) => o.kind === 'Secret' && o.metadata.namespace === 'openshift-config' && o.metadata.name === config[field]!.name,
    );
    assert.ok(secret?.data?.[key], `provider ${p.name}: Secret ${config[field]!.name} with key ${key}`);
  }
});

test('brownfield: htpass-secret holds bcrypt entries of users other than the harness admin', () => {
  const secret = profileObjects('brownfield').find((o) => o.kind === 'Secret' && o.metadata.name === 'htpass-secret')!;
  const lines = Buffer.from(secret.data.htpasswd, 'base64').toString('utf8').split('\n').filter(Boolean);
  assert.ok(lines.length >= 2);
  for (const line of lines) assert.match(line, /^(?!rhoai-admin:)[a-z]+:\$2y\$10\$[./A-Za-z0-9]{53}$/);
});

test('brownfield: team projects with workloads and a cluster-admin binding of their own', () => {
  const objects = profileObjects('brownfield');
  const projects = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  assert.ok(projects.length >= 2);
  for (const ns of projects)
    assert.ok(
      objects.some((o) => o.kind === 'Deployment' && o.metadata.namespace === ns),
      `a Deployment in ${ns}`,
    );
  assert.ok(objects.some((o) => o.kind === 'ClusterRoleBinding' && o.roleRef.name === 'cluster-admin'));
});
