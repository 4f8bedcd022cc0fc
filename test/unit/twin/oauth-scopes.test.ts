// OAuth token scopes: what a token of user:info / user:check-access may do (OpenShift's scope
// authorizer, openshift/apiserver-library-go pkg/authorization/scope/converter.go), the twin's
// authorizer honouring them when told to, and the harness naming a token's OAuthAccessToken as the
// API server stores it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { oauthTokenObjectName as harnessName } from '../../../support/access/cluster-admin';
import { newOAuthToken, oauthTokenObjectName as twinName, type UserInfo } from '../../../twin/api/auth';
import { Authorizer, scopesAllow } from '../../../twin/api/rbac';
import type { KObject } from '../../../twin/api/types';

const whoami = { verb: 'get', apiGroup: 'user.openshift.io', resource: 'users', name: '~' };
const ssar = { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' };
const everything = { verb: '*', apiGroup: '*', resource: '*' };

describe('OAuth token scopes', () => {
  it('user:info gets users/~ only; user:check-access creates self access reviews only; user:full does anything', () => {
    assert.equal(scopesAllow(['user:info'], whoami), true);
    assert.equal(scopesAllow(['user:info'], ssar), false);
    assert.equal(scopesAllow(['user:info', 'user:check-access'], ssar), true);
    assert.equal(scopesAllow(['user:info', 'user:check-access'], everything), false);
    assert.equal(scopesAllow(['user:info', 'user:check-access'], { verb: 'list', apiGroup: '', resource: 'nodes' }), false);
    assert.equal(scopesAllow(['user:full'], everything), true);
  });

  it('the authorizer that enforces scopes denies a narrowed token of a cluster-admin, naming the scopes; RBAC alone allows it', () => {
    const binding: KObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'a' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', name: 'alice' }],
    };
    const role: KObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin' },
      rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    };
    const list = (resource: string) => (resource.endsWith('/clusterrolebindings') ? [binding] : []);
    const get = (resource: string, _ns: string | undefined, name: string) =>
      resource.endsWith('/clusterroles') && name === 'cluster-admin' ? role : undefined;
    const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'], scopes: ['user:info', 'user:check-access'] };
    assert.equal(new Authorizer(list, get).authorize(alice, everything).allowed, true);
    const denied = new Authorizer(list, get, true).authorize(alice, everything);
    assert.equal(denied.allowed, false);
    assert.match(denied.reason, /scopes \[user:info user:check-access\] prevent this action/);
    assert.equal(new Authorizer(list, get, true).authorize({ ...alice, scopes: ['user:full'] }, everything).allowed, true);
  });

  it("the harness names a token's OAuthAccessToken as the API server stores it", () => {
    const token = newOAuthToken();
    assert.equal(harnessName(token), twinName(token));
  });
});
