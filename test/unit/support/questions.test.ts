// The answers to the seed's questions: their settings, names, and the diagnosis of who
// may still request projects, on a fake cluster (a list of ClusterRoleBindings).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigurationError, loadSettings } from '../../../support/core/config';
import { adminsBindingName, explainGrants } from '../../../support/questions/self-provisioning';
import { questionPeople } from '../../../support/questions/users';
import { workspaceName } from '../../../support/questions/names';
import type { RhoaiWorld } from '../../../support/core/world';

const binding = (name: string, subjects: { kind: string; name: string }[], annotations?: Record<string, string>) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'self-provisioner' },
  subjects,
});

function fakeWorld(bindings: object[], env: Record<string, string> = {}): RhoaiWorld {
  return { settings: loadSettings(env), cluster: { list: async () => bindings } } as unknown as RhoaiWorld;
}

describe('question settings', () => {
  it('defaults to the groups the seed names and a ws- prefix', () => {
    const s = loadSettings({});
    assert.equal(s.dsUsersGroup, 'datascience-users');
    assert.equal(s.dsAdminsGroup, 'datascience-admins');
    assert.deepEqual(s.dsUsers, ['ds-user-1', 'ds-user-2']);
    assert.equal(s.dsAdmin, 'ds-admin-1');
    assert.equal(s.workspacePrefix, 'ws-');
  });

  it('refuses bad values, naming the setting and what is allowed', () => {
    for (const [name, value, words] of [
      ['RHOAI_DS_USERS_GROUP', 'system:authenticated', /RHOAI_DS_USERS_GROUP[\s\S]*system: groups are virtual/],
      ['RHOAI_DS_USERS', 'only-one', /RHOAI_DS_USERS[\s\S]*needs two users/],
      ['RHOAI_DS_USERS', 'a,a', /RHOAI_DS_USERS[\s\S]*named twice/],
      ['RHOAI_DS_USERS', 'Bad_User,x', /RHOAI_DS_USERS[\s\S]*not allowed: Bad_User/],
      ['RHOAI_DS_ADMIN', 'a,b', /RHOAI_DS_ADMIN[\s\S]*htpasswd user name/],
      ['RHOAI_WORKSPACE_PREFIX', 'openshift-', /RHOAI_WORKSPACE_PREFIX[\s\S]*system namespaces/],
      ['RHOAI_WORKSPACE_PREFIX', 'WS-', /RHOAI_WORKSPACE_PREFIX[\s\S]*lower-case/],
    ] as const) {
      assert.throws(
        () => loadSettings({ [name]: value }),
        (e: unknown) => e instanceof ConfigurationError && words.test(e.message),
        `${name}=${value}`,
      );
    }
  });

  it('refuses an admin who is also a data scientist, before anything is applied', () => {
    assert.throws(
      () => questionPeople(fakeWorld([], { RHOAI_DS_USERS: 'ann,bob', RHOAI_DS_ADMIN: 'bob' })),
      /RHOAI_DS_ADMIN \(bob\) is also named in RHOAI_DS_USERS/,
    );
  });
});

describe('names', () => {
  it('makes a workspace name a DNS-1123 label from the prefix and the user', () => {
    assert.equal(workspaceName('ws-', 'ds-user-1'), 'ws-ds-user-1');
    assert.equal(workspaceName('ws-', 'Jane.Doe@example.com'), 'ws-jane-doe-example-com');
    assert.equal(workspaceName('ws-', `${'x'.repeat(70)}`).length, 63);
    assert.equal(workspaceName('ws-', 'ab-'.repeat(30)).endsWith('-'), false);
  });

  it("names the admins' binding after the group", () => {
    assert.equal(adminsBindingName('datascience-admins'), 'datascience-admins-self-provisioner');
    assert.equal(adminsBindingName('DS_Admins'), 'ds-admins-self-provisioner');
  });
});

describe('who may still request projects', () => {
  it('finds nothing when only the admins hold self-provisioner', async () => {
    const world = fakeWorld([
      binding('self-provisioners', [], { 'rbac.authorization.kubernetes.io/autoupdate': 'false' }),
      binding('datascience-admins-self-provisioner', [{ kind: 'Group', name: 'datascience-admins' }]),
    ]);
    assert.deepEqual(await explainGrants(world), []);
  });

  it('says the default subject was restored when the protected binding names every OAuth user again', async () => {
    const world = fakeWorld([
      binding('self-provisioners', [{ kind: 'Group', name: 'system:authenticated:oauth' }], {
        'rbac.authorization.kubernetes.io/autoupdate': 'false',
      }),
    ]);
    const [reason] = await explainGrants(world);
    assert.match(
      reason!,
      /again although it is annotated rbac.authorization.kubernetes.io\/autoupdate=false: the default subject was restored/,
    );
  });

  it('says an unprotected binding will be restored on every API server start', async () => {
    const [reason] = await explainGrants(
      fakeWorld([binding('self-provisioners', [{ kind: 'Group', name: 'system:authenticated:oauth' }])]),
    );
    assert.match(reason!, /annotated rbac.authorization.kubernetes.io\/autoupdate=\(none\): every API server start restores/);
  });

  it('names another binding, the group itself and its users', async () => {
    const world = fakeWorld([
      binding('self-provisioner', [{ kind: 'Group', name: 'system:authenticated:oauth' }]),
      binding('self-provisioners', [{ kind: 'Group', name: 'datascience-users' }]),
      binding('alice-may', [
        { kind: 'User', name: 'ds-user-2' },
        { kind: 'User', name: 'someone-else' },
      ]),
    ]);
    const reasons = await explainGrants(world);
    assert.equal(reasons.length, 3, reasons.join('\n'));
    assert.match(
      reasons[0]!,
      /ClusterRoleBinding self-provisioner \(not the default self-provisioners\) also grants ClusterRole self-provisioner to Group system:authenticated:oauth: .*remove-cluster-role-from-group self-provisioner system:authenticated:oauth/,
    );
    assert.match(reasons[1]!, /self-provisioners still grants ClusterRole self-provisioner to Group datascience-users/);
    assert.match(reasons[2]!, /alice-may .* to User ds-user-2: .*remove-cluster-role-from-user/);
  });
});
