// support/install/dsci's reading of default-dsci after the Unmanaged patch: when the patch was made
// (managedFields), and the one state that fails at once — the Service Mesh capability set again
// after that time, which 2.9 never does once serviceMesh is Unmanaged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../../support/core/cluster';
import { meshStateWrittenAt, unmanagedDsciProblem } from '../../../support/install/dsci';

const PATCHED = '2026-12-04T12:00:10Z';

function dsci(phase: string, heartbeat: string, complete = phase === 'Ready'): KObject {
  return {
    apiVersion: 'dscinitialization.opendatahub.io/v1',
    kind: 'DSCInitialization',
    metadata: {
      name: 'default-dsci',
      managedFields: [
        {
          manager: 'rhods-operator',
          operation: 'Update',
          time: '2026-12-04T11:50:00Z',
          fieldsV1: { 'f:spec': { 'f:applicationsNamespace': {} } },
        },
        {
          manager: 'rhoai-harness',
          operation: 'Update',
          time: PATCHED,
          fieldsV1: { 'f:spec': { 'f:serviceMesh': { 'f:managementState': {} } } },
        },
      ],
    },
    spec: { serviceMesh: { managementState: 'Unmanaged' } },
    status: {
      phase,
      conditions: [
        { type: 'ReconcileComplete', status: complete ? 'True' : 'Unknown', reason: complete ? 'ReconcileCompleted' : 'ReconcileInit' },
        { type: 'CapabilityServiceMesh', status: 'False', reason: 'MissingOperator', lastHeartbeatTime: heartbeat },
      ],
    },
  };
}

test('meshStateWrittenAt: the time of the managedFields entry that owns spec.serviceMesh.managementState', () => {
  assert.equal(meshStateWrittenAt(dsci('Ready', '2026-12-04T11:55:00Z')), PATCHED);
  assert.equal(meshStateWrittenAt({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } }), undefined);
});

test('unmanagedDsciProblem: Ready with a stale MissingOperator condition from before the patch is fine (2.9 leaves it)', () => {
  assert.equal(unmanagedDsciProblem(dsci('Ready', '2026-12-04T11:55:00Z')), undefined);
});

test('unmanagedDsciProblem: still Progressing, condition older than the patch: keep waiting', () => {
  const problem = unmanagedDsciProblem(dsci('Progressing', '2026-12-04T11:55:00Z'));
  assert.equal(typeof problem, 'string');
  assert.match(problem as string, /not Ready yet: phase Progressing/);
});

test('unmanagedDsciProblem: the capability set again after the patch fails at once, naming the cause', () => {
  const problem = unmanagedDsciProblem(dsci('Progressing', '2026-12-04T12:00:11Z'));
  assert.ok(problem && typeof problem === 'object');
  assert.match(
    problem.fail,
    /still configuring the Service Mesh of default-dsci although serviceMesh has been Unmanaged since 2026-12-04T12:00:10Z/,
  );
});

test('unmanagedDsciProblem: phase Error fails at once', () => {
  const problem = unmanagedDsciProblem(dsci('Error', '2026-12-04T11:55:00Z'));
  assert.ok(problem && typeof problem === 'object' && /phase Error/.test(problem.fail));
});
