// Authorino as the mesh's extension provider: the providers of the control plane are merged by name
// (never replaced), the mesh config check says what it found, and the documented objects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import type { KObject } from '../../../support/core/cluster';
import { renderOne } from '../../../support/core/fixtures';
import { mergeProviders, meshConfigProblem } from '../../../support/install/authorino';

const authorino = {
  name: 'redhat-ods-applications-auth-provider',
  envoyExtAuthzGrpc: { service: 'authorino-authorino-authorization.redhat-ods-applications-auth-provider.svc.cluster.local', port: 50051 },
};

describe('mergeProviders', () => {
  test('adds the provider after the others, keeping them', () => {
    const other = { name: 'other', envoyExtAuthzHttp: { service: 'x', port: 80 } };
    assert.deepEqual(mergeProviders([other], [authorino]), [other, authorino]);
    assert.deepEqual(mergeProviders([], [authorino]), [authorino]);
  });

  test('replaces a provider of the same name in place', () => {
    const old = {
      name: authorino.name,
      envoyExtAuthzGrpc: {
        service: 'authorino-authorino-authorization.redhat-ods-applicatiions-auth-provider.svc.cluster.local',
        port: 50051,
      },
    };
    const tail = { name: 'tail', prometheus: {} };
    assert.deepEqual(mergeProviders([old, tail], [authorino]), [authorino, tail]);
  });

  test('an equal provider (whatever its key order) is kept as it is, so that nothing changes', () => {
    const same = { envoyExtAuthzGrpc: { port: 50051, service: authorino.envoyExtAuthzGrpc.service }, name: authorino.name };
    const merged = mergeProviders([same], [authorino]);
    assert.equal(merged[0], same);
  });
});

describe('meshConfigProblem', () => {
  const cm = (mesh: unknown): KObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-minimal', namespace: 'istio-system' },
    data: { mesh: typeof mesh === 'string' ? mesh : yaml.dump(mesh) },
  });

  test('listed as wanted, in any key order', () => {
    assert.equal(
      meshConfigProblem(
        cm({
          extensionProviders: [{ envoyExtAuthzGrpc: { port: 50051, service: authorino.envoyExtAuthzGrpc.service }, name: authorino.name }],
        }),
        authorino,
      ),
      undefined,
    );
  });

  test('missing, different or unreadable: says what the mesh config has', () => {
    assert.equal(
      meshConfigProblem(cm({ rootNamespace: 'istio-system' }), authorino),
      `ConfigMap istio-system/istio-minimal data.mesh has no extensionProviders entry named ${authorino.name} (extensionProviders: [])`,
    );
    assert.match(
      meshConfigProblem(cm({ extensionProviders: [{ ...authorino, envoyExtAuthzGrpc: { service: 'x', port: 1 } }] }), authorino) as string,
      /lists redhat-ods-applications-auth-provider with envoyExtAuthzGrpc \{"service":"x","port":1\}/,
    );
    assert.match(meshConfigProblem(cm('a: [b'), authorino) as string, /is not YAML/);
    assert.equal(meshConfigProblem(undefined, authorino), 'the mesh ConfigMap does not exist');
  });
});

describe('the documented Authorino objects', () => {
  test('the extension provider host is built from the Authorino namespace (not the transcription\'s "applicatiions")', () => {
    const patch = renderOne('authorino/smcp-extension-provider', {
      controlPlane: 'minimal',
      controlPlaneNamespace: 'istio-system',
      provider: authorino.name,
      authorino: 'authorino',
      authorinoNamespace: 'redhat-ods-applications-auth-provider',
    });
    assert.deepEqual(patch.spec.techPreview.meshConfig.extensionProviders, [authorino]);
  });

  test('the sidecar patch sets the pod-template label, nothing else', () => {
    const d = renderOne('authorino/deployment-sidecar-injection', {
      name: 'authorino',
      namespace: 'redhat-ods-applications-auth-provider',
    });
    assert.deepEqual(d.spec, { template: { metadata: { labels: { 'sidecar.istio.io/inject': 'true' } } } });
  });

  test('the AuthorizationPolicy odh-model-controller looks for, and the EnvoyFilter', () => {
    const p = renderOne('authorino/authorization-policy', {
      name: 'kserve-predictor',
      namespace: 'istio-system',
      provider: authorino.name,
    });
    assert.equal(p.spec.action, 'CUSTOM');
    assert.deepEqual(p.spec.selector, { matchLabels: { component: 'predictor' } });
    assert.deepEqual(p.spec.rules[0].to[0].operation.notPaths, ['/healthz', '/debug/pprof/', '/metrics', '/wait-for-drain']);
    const f = renderOne('authorino/envoy-filter', { name: 'activator-host-header', namespace: 'istio-system' });
    assert.equal(f.spec.configPatches[0].patch.value.typed_config['@type'], 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua');
    assert.match(f.spec.configPatches[0].patch.value.typed_config.inlineCode, /headers:replace\('host', original_host\)/);
  });
});
