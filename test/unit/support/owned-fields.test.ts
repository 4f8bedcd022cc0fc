// Extracting what one field manager applied (its Apply entry in managedFields) so that a later apply
// of a few fields keeps the manager's earlier ones.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appliedConfiguration, mergeConfiguration } from '../../../support/core/cluster/owned-fields';
import type { KObject } from '../../../support/core/cluster';

const dsci: KObject = {
  apiVersion: 'dscinitialization.opendatahub.io/v1',
  kind: 'DSCInitialization',
  metadata: {
    name: 'default-dsci',
    resourceVersion: '42',
    labels: { mine: 'yes', theirs: 'no' },
    managedFields: [
      {
        manager: 'rhods-operator',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:applicationsNamespace': {}, 'f:monitoring': { 'f:managementState': {} } } },
      },
      {
        manager: 'rhoai-harness',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:serviceMesh': { 'f:managementState': {} } } },
      },
      {
        manager: 'rhoai-harness',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:mine': {} } },
          'f:spec': {
            'f:applicationsNamespace': {},
            'f:trustedCABundle': { 'f:customCABundle': {}, 'f:managementState': {} },
            'f:items': { 'k:{"name":"b"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
            'f:tags': { 'v:"x"': {} },
          },
        },
      },
      {
        manager: 'rhoai-harness',
        operation: 'Apply',
        subresource: 'status',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { 'f:phase': {} } },
      },
    ],
  },
  spec: {
    applicationsNamespace: 'redhat-ods-applications',
    monitoring: { managementState: 'Managed' },
    serviceMesh: { managementState: 'Unmanaged' },
    trustedCABundle: { customCABundle: 'PEM', managementState: 'Managed' },
    items: [
      { name: 'a', value: 1 },
      { name: 'b', value: 2, extra: true },
    ],
    tags: ['y', 'x'],
  },
  status: { phase: 'Ready' },
};

describe('appliedConfiguration', () => {
  test('is exactly what the manager applied, with the live values, named like the object', () => {
    assert.deepEqual(appliedConfiguration(dsci), {
      apiVersion: 'dscinitialization.opendatahub.io/v1',
      kind: 'DSCInitialization',
      metadata: { labels: { mine: 'yes' }, name: 'default-dsci' },
      spec: {
        applicationsNamespace: 'redhat-ods-applications',
        trustedCABundle: { customCABundle: 'PEM', managementState: 'Managed' },
        items: [{ name: 'b', value: 2 }],
        tags: ['x'],
      },
    });
  });

  test('is undefined for a manager that never applied (merge patches are Update entries)', () => {
    assert.equal(appliedConfiguration(dsci, 'someone-else'), undefined);
    assert.equal(appliedConfiguration({ ...dsci, metadata: { name: 'x' } }), undefined);
  });

  test('keeps the order of list items as they are on the object', () => {
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'X',
      metadata: {
        name: 'x',
        managedFields: [
          {
            manager: 'rhoai-harness',
            operation: 'Apply',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:l': { 'k:{"k":"2"}': { 'f:k': {} }, 'k:{"k":"1"}': { 'f:k': {} } } },
          },
        ],
      },
      l: [{ k: '1' }, { k: '2' }, { k: '3' }],
    };
    assert.deepEqual(appliedConfiguration(obj)!.l, [{ k: '1' }, { k: '2' }]);
  });
});

describe('mergeConfiguration', () => {
  test('merges maps, replaces lists and scalars, and copies', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const merged = mergeConfiguration<Record<string, unknown>>(base, { a: { c: [3] }, e: true });
    assert.deepEqual(merged, { a: { b: 1, c: [3] }, d: 'x', e: true });
    (merged.a as { b: number }).b = 9;
    assert.equal(base.a.b, 1);
  });
});
