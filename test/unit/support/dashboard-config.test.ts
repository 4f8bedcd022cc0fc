// How a serving runtime is judged the way Settings > Serving runtimes shows it: the template by
// name, the ServingRuntime it wraps (objects[0]), its display name, its platforms and whether it
// is enabled (absent from templateDisablement).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { platformsOf, runtimeDisplayName, runtimeProblem, type ServingRuntimeRow } from '../../../support/install/dashboard-config';
import type { KObject } from '../../../support/core/cluster';

const template = (name: string, runtime: string, platforms: string, display?: string): KObject => ({
  apiVersion: 'template.openshift.io/v1',
  kind: 'Template',
  metadata: { name, annotations: { 'opendatahub.io/modelServingSupport': platforms } },
  objects: [
    {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ServingRuntime',
      metadata: { name: runtime, annotations: display ? { 'openshift.io/display-name': display } : {} },
    },
  ],
});

const ovms: ServingRuntimeRow = {
  template: 'kserve-ovms',
  runtime: 'kserve-ovms',
  displayName: 'OpenVINO Model Server',
  platform: 'single',
};

describe('serving runtimes', () => {
  test('platforms come from a JSON list; a broken one means none', () => {
    assert.deepEqual(platformsOf(template('t', 'r', '["single","multi"]')), ['single', 'multi']);
    assert.deepEqual(platformsOf(template('t', 'r', 'single')), []);
  });

  test("the display name is the runtime's, else the template's", () => {
    assert.equal(runtimeDisplayName(template('t', 'r', '[]', 'Runtime')), 'Runtime');
    const t = template('t', 'r', '[]');
    t.metadata.annotations!['openshift.io/display-name'] = 'Template';
    assert.equal(runtimeDisplayName(t), 'Template');
  });

  test('nothing wrong with a present, matching, enabled runtime', () => {
    assert.equal(
      runtimeProblem([template('kserve-ovms', 'kserve-ovms', '["single"]', 'OpenVINO Model Server')], ovms, ['ovms']),
      undefined,
    );
  });

  test('each problem is named', () => {
    assert.match(runtimeProblem([], ovms, [])!, /template kserve-ovms \(OpenVINO Model Server\) is missing/);
    assert.match(
      runtimeProblem([template('kserve-ovms', 'other', '["single"]', 'OpenVINO Model Server')], ovms, [])!,
      /wraps the ServingRuntime other, not kserve-ovms/,
    );
    assert.match(
      runtimeProblem([template('kserve-ovms', 'kserve-ovms', '["multi"]', 'OpenVINO Model Server')], ovms, [])!,
      /serves \["multi"\].*not the single-model platform/,
    );
    assert.match(runtimeProblem([template('kserve-ovms', 'kserve-ovms', '["single"]', 'OVMS')], ovms, [])!, /shows as "OVMS"/);
    assert.match(
      runtimeProblem([template('kserve-ovms', 'kserve-ovms', '["single"]', 'OpenVINO Model Server')], ovms, ['kserve-ovms'])!,
      /disabled \(listed in odh-dashboard-config spec.templateDisablement\)/,
    );
    const notARuntime = template('kserve-ovms', 'kserve-ovms', '["single"]');
    notARuntime.objects[0].kind = 'Deployment';
    assert.match(runtimeProblem([notARuntime], ovms, [])!, /does not wrap a ServingRuntime \(objects\[0\] is Deployment\)/);
  });
});
