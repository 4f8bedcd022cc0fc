// Readiness of an InferenceService as KServe reports it (support/serving/models.ts servedAsReported):
// not status.observedGeneration, which KServe copies from the Knative Service (issue 17).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../support/core/cluster';
import { servedAsReported } from '../../../support/serving/models';

function isvc(over: {
  ready?: string;
  predictorReady?: string;
  created?: string;
  readyRev?: string;
  loaded?: boolean;
  generation?: number;
  observed?: number;
  modelMesh?: boolean;
}): KObject {
  const cond = (type: string, status?: string) => (status ? [{ type, status }] : []);
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: 'fraud',
      namespace: 'p',
      generation: over.generation ?? 1,
      annotations: over.modelMesh ? { 'serving.kserve.io/deploymentMode': 'ModelMesh' } : {},
    },
    status: {
      observedGeneration: over.observed ?? 1,
      conditions: [...cond('Ready', over.ready ?? 'True'), ...cond('PredictorReady', over.predictorReady ?? 'True')],
      components: over.modelMesh
        ? undefined
        : {
            predictor: {
              latestCreatedRevision: over.created ?? 'fraud-predictor-00001',
              latestReadyRevision: over.readyRev ?? 'fraud-predictor-00001',
            },
          },
      modelStatus: { states: { activeModelState: over.loaded === false ? 'Pending' : 'Loaded' } },
    },
  } as KObject;
}

describe('servedAsReported', () => {
  it('is ready when the Knative Service moved on (observedGeneration 2, generation 1) and its latest revision is ready', () => {
    assert.equal(
      servedAsReported(isvc({ observed: 2, generation: 1, created: 'fraud-predictor-00002', readyRev: 'fraud-predictor-00002' })),
      true,
    );
  });
  it('is not ready while a new revision rolls out, nor without Ready, PredictorReady or a loaded model', () => {
    assert.equal(servedAsReported(isvc({ created: 'fraud-predictor-00002', readyRev: 'fraud-predictor-00001' })), false);
    assert.equal(servedAsReported(isvc({ ready: 'Unknown' })), false);
    assert.equal(servedAsReported(isvc({ predictorReady: 'False' })), false);
    assert.equal(servedAsReported(isvc({ loaded: false })), false);
  });
  it('judges a ModelMesh model by Ready and Loaded (it has no Knative revisions)', () => {
    assert.equal(servedAsReported(isvc({ modelMesh: true })), true);
    assert.equal(servedAsReported(isvc({ modelMesh: true, ready: 'False' })), false);
  });
});
