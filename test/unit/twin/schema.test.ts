import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, listSemanticsFromSchema, pruneUnknownFields, validateAgainstSchema } from '../../../twin/api/schema';
import type { JSONSchemaProps } from '../../../twin/api/types';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['components'],
      properties: {
        components: {
          type: 'object',
          properties: {
            kserve: {
              type: 'object',
              properties: {
                managementState: { type: 'string', enum: ['Managed', 'Removed'] },
                serving: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z-]+$' } } },
              },
            },
          },
        },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', exclusiveMinimum: true, minimum: 0 },
        name: { type: 'string', minLength: 2, maxLength: 5 },
        port: { 'x-kubernetes-int-or-string': true },
        since: { type: 'string', format: 'date-time' },
        note: { type: 'string', nullable: true },
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 3,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'integer' } } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        config: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } },
        },
        raw: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        anything: { 'x-kubernetes-preserve-unknown-fields': true },
        validated: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 100', message: 'ignored' }] },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

describe('pruneUnknownFields', () => {
  it('removes undeclared fields and reports their paths', () => {
    const obj = {
      apiVersion: 'x.io/v1',
      kind: 'Thing',
      metadata: { name: 'n', anything: 'kept at the root' },
      extra: 1,
      spec: {
        components: { kserve: { managementState: 'Managed', bogus: true } },
        foo: 'bar',
        items: [{ name: 'a', bar: 1 }, { name: 'b' }],
      },
      status: { phase: 'Ready', conditions: [] },
    };
    const pruned = pruneUnknownFields(obj, schema);
    assert.deepEqual(pruned.sort(), ['.extra', '.spec.components.kserve.bogus', '.spec.foo', '.spec.items[0].bar', '.status.conditions']);
    assert.deepEqual(obj, {
      apiVersion: 'x.io/v1',
      kind: 'Thing',
      metadata: { name: 'n', anything: 'kept at the root' },
      spec: { components: { kserve: { managementState: 'Managed' } }, items: [{ name: 'a' }, { name: 'b' }] },
      status: { phase: 'Ready' },
    });
  });

  it('keeps apiVersion, kind and metadata at the root even when the schema omits them', () => {
    const obj = { apiVersion: 'v1', kind: 'K', metadata: { name: 'n' }, spec: {} };
    assert.deepEqual(pruneUnknownFields(obj, { type: 'object', properties: { spec: { type: 'object' } } }), []);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'K', metadata: { name: 'n' }, spec: {} });
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields but prunes declared children', () => {
    const obj = { spec: { config: { free: { form: 1 }, known: { a: 'x', b: 'pruned' } }, anything: { deep: [{ x: 1 }] } } };
    assert.deepEqual(pruneUnknownFields(obj, schema), ['.spec.config.known.b']);
    assert.deepEqual(obj.spec, { config: { free: { form: 1 }, known: { a: 'x' } }, anything: { deep: [{ x: 1 }] } });
  });

  it('prunes map values against additionalProperties', () => {
    const nested: JSONSchemaProps = {
      type: 'object',
      properties: {
        m: { type: 'object', additionalProperties: { type: 'object', properties: { a: { type: 'string' } } } },
        free: { type: 'object', additionalProperties: true },
      },
    };
    const obj = { m: { one: { a: 'x', b: 'y' } }, free: { any: { thing: 1 } } };
    assert.deepEqual(pruneUnknownFields(obj, nested), ['.m.one.b']);
    assert.deepEqual(obj, { m: { one: { a: 'x' } }, free: { any: { thing: 1 } } });
  });

  it('keeps apiVersion, kind and the allowed metadata of embedded resources', () => {
    const obj = {
      spec: {
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', labels: { a: 'b' }, annotations: {}, uid: 'u', resourceVersion: '1' },
          spec: { x: 'y', z: 1 },
          other: true,
        },
        raw: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', generation: 3 }, data: { k: 'v' } },
      },
    };
    const pruned = pruneUnknownFields(obj, schema);
    assert.deepEqual(pruned.sort(), [
      '.spec.raw.metadata.generation',
      '.spec.template.metadata.resourceVersion',
      '.spec.template.metadata.uid',
      '.spec.template.other',
      '.spec.template.spec.z',
    ]);
    assert.deepEqual(obj.spec.template, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { a: 'b' }, annotations: {} },
      spec: { x: 'y' },
    });
    assert.deepEqual(obj.spec.raw, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  });

  it('leaves int-or-string values alone', () => {
    const a = { spec: { port: 8080 } };
    const b = { spec: { port: 'http' } };
    assert.deepEqual([...pruneUnknownFields(a, schema), ...pruneUnknownFields(b, schema)], []);
  });
});

describe('applyDefaults', () => {
  const defaulting: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          replicas: { type: 'integer', default: 1 },
          strategy: {
            type: 'object',
            default: { type: 'Rolling' },
            properties: { type: { type: 'string' }, maxSurge: { type: 'integer', default: 25 } },
          },
          ports: {
            type: 'array',
            items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
          },
          tags: { type: 'array', default: ['a'], items: { type: 'string' } },
          note: { type: 'string', nullable: true },
          mode: { type: 'string', default: 'auto' },
          gone: { type: 'string' },
          byName: { type: 'object', additionalProperties: { type: 'object', properties: { enabled: { type: 'boolean', default: true } } } },
        },
      },
    },
  };

  it('sets missing defaults recursively, inside defaulted objects and array items', () => {
    const obj: Record<string, unknown> = { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], byName: { x: {} } } };
    applyDefaults(obj, defaulting);
    assert.deepEqual(obj, {
      spec: {
        replicas: 1,
        strategy: { type: 'Rolling', maxSurge: 25 },
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
        tags: ['a'],
        mode: 'auto',
        byName: { x: { enabled: true } },
      },
    });
  });

  it('defaults a missing parent and then its children', () => {
    const obj: Record<string, unknown> = {};
    applyDefaults(obj, defaulting);
    assert.deepEqual(obj, { spec: { replicas: 1, strategy: { type: 'Rolling', maxSurge: 25 }, tags: ['a'], mode: 'auto' } });
  });

  it('deep-copies defaults', () => {
    const a: { spec?: { tags?: string[] } } = {};
    applyDefaults(a, defaulting);
    a.spec?.tags?.push('mutated');
    const b: { spec?: { tags?: string[] } } = {};
    applyDefaults(b, defaulting);
    assert.deepEqual(b.spec?.tags, ['a']);
    assert.deepEqual(defaulting.properties?.spec.properties?.tags.default, ['a']);
  });

  it('keeps nulls of nullable fields, defaults or drops the others', () => {
    const obj = { spec: { note: null, mode: null, gone: null, replicas: 3 } };
    applyDefaults(obj, defaulting);
    assert.deepEqual(obj.spec, { note: null, mode: 'auto', replicas: 3, strategy: { type: 'Rolling', maxSurge: 25 }, tags: ['a'] });
  });
});

describe('validateAgainstSchema', () => {
  const valid = () => ({
    apiVersion: 'x.io/v1',
    kind: 'Thing',
    metadata: { name: 'n' },
    spec: { components: { kserve: { managementState: 'Managed' } } } as Record<string, unknown>,
  });
  const causesFor = (spec: Record<string, unknown>) => validateAgainstSchema({ ...valid(), spec: { ...valid().spec, ...spec } }, schema);

  it('accepts a valid object (and ignores x-kubernetes-validations)', () => {
    assert.deepEqual(
      causesFor({ replicas: 3, ratio: 0.5, port: 'http', since: '2024-01-02T03:04:05Z', note: null, validated: 'short', tags: ['a', 'b'] }),
      [],
    );
    assert.deepEqual(causesFor({ port: 80 }), []);
  });

  it('reports required fields', () => {
    assert.deepEqual(validateAgainstSchema({ spec: {} }, schema), [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.components' },
    ]);
  });

  it('reports type errors like kube-apiserver', () => {
    assert.deepEqual(causesFor({ replicas: 'string' }), [
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        field: 'spec.replicas',
      },
    ]);
    assert.deepEqual(
      causesFor({ replicas: 1.5 }).map((c) => c.message),
      ['Invalid value: "number": spec.replicas in body must be of type integer: "number"'],
    );
    assert.deepEqual(
      causesFor({ name: null }).map((c) => c.message),
      ['Invalid value: "null": spec.name in body must be of type string: "null"'],
    );
    assert.deepEqual(
      causesFor({ port: true }).map((c) => c.reason),
      ['FieldValueTypeInvalid'],
    );
  });

  it('reports unsupported enum values', () => {
    assert.deepEqual(causesFor({ components: { kserve: { managementState: 'Unmanaged' } } }), [
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Unmanaged": supported values: "Managed", "Removed"',
        field: 'spec.components.kserve.managementState',
      },
    ]);
  });

  it('reports pattern, bounds, lengths, item counts and formats as invalid values', () => {
    const messages = (spec: Record<string, unknown>) => causesFor(spec).map((c) => `${c.reason} ${c.field} ${c.message}`);
    assert.deepEqual(messages({ components: { kserve: { serving: { name: 'Bad_Name' } } } }), [
      `FieldValueInvalid spec.components.kserve.serving.name Invalid value: "Bad_Name": spec.components.kserve.serving.name in body should match '^[a-z-]+$'`,
    ]);
    assert.deepEqual(messages({ replicas: 0 }), [
      'FieldValueInvalid spec.replicas Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    ]);
    assert.deepEqual(messages({ replicas: 11 }), [
      'FieldValueInvalid spec.replicas Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    ]);
    assert.deepEqual(messages({ ratio: 0 }), [
      'FieldValueInvalid spec.ratio Invalid value: 0: spec.ratio in body should be greater than 0',
    ]);
    assert.deepEqual(messages({ name: 'x' }), [
      'FieldValueInvalid spec.name Invalid value: "x": spec.name in body should be at least 2 chars long',
    ]);
    assert.deepEqual(messages({ name: 'toolong' }), [
      'FieldValueInvalid spec.name Invalid value: "toolong": spec.name in body should be at most 5 chars long',
    ]);
    assert.deepEqual(messages({ items: [] }), [
      'FieldValueInvalid spec.items Invalid value: 0: spec.items in body should have at least 1 items',
    ]);
    assert.deepEqual(messages({ items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] }), [
      'FieldValueInvalid spec.items Invalid value: 4: spec.items in body should have at most 3 items',
    ]);
    assert.deepEqual(messages({ since: 'yesterday' }), [
      'FieldValueInvalid spec.since Invalid value: "yesterday": spec.since in body must be of type date-time: "yesterday"',
    ]);
  });

  it('uses indexed paths inside arrays', () => {
    assert.deepEqual(
      causesFor({ items: [{ name: 'a', value: 'x' }] }).map((c) => c.field),
      ['spec.items[0].value'],
    );
  });

  it('reports duplicates in set and map lists', () => {
    assert.deepEqual(causesFor({ tags: ['a', 'b', 'a'] }), [
      { reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"', field: 'spec.tags[2]' },
    ]);
    assert.deepEqual(
      causesFor({
        items: [
          { name: 'a', value: 1 },
          { name: 'a', value: 2 },
        ],
      }),
      [{ reason: 'FieldValueDuplicate', message: 'Duplicate value: {"name":"a"}', field: 'spec.items[1]' }],
    );
  });

  it('evaluates anyOf, oneOf, allOf and not', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        a: {
          type: 'object',
          anyOf: [{ required: ['x'] }, { required: ['y'] }],
          properties: { x: { type: 'string' }, y: { type: 'string' } },
        },
        o: {
          type: 'object',
          oneOf: [{ required: ['x'] }, { required: ['y'] }],
          properties: { x: { type: 'string' }, y: { type: 'string' } },
        },
        n: { type: 'string', not: { enum: ['forbidden'] } },
        all: { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 5 }] },
      },
    };
    assert.deepEqual(validateAgainstSchema({ a: { x: '1' }, o: { y: '1' }, n: 'ok', all: 3 }, s), []);
    assert.deepEqual(
      validateAgainstSchema({ a: {}, o: { x: '1', y: '2' }, n: 'forbidden', all: 9 }, s).map((c) => c.message),
      [
        'Invalid value: "": a in body must validate at least one schema (anyOf)',
        'Invalid value: "": o in body must validate one and only one schema (oneOf)',
        'Invalid value: "": n in body must not validate the schema (not)',
        'Invalid value: 9: all in body should be less than or equal to 5',
        'Invalid value: "": all in body must validate all the schemas (allOf)',
      ],
    );
  });
});

describe('listSemanticsFromSchema', () => {
  const fn = listSemanticsFromSchema({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name', 'port'],
            items: { type: 'object', properties: { subs: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } } },
          },
          byName: {
            type: 'object',
            additionalProperties: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['id'],
              items: { type: 'object' },
            },
          },
          plain: { type: 'array', items: { type: 'string' } },
          atomic: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'string' } },
        },
      },
    },
  });

  it('reads list types along the path, through items and additionalProperties', () => {
    assert.deepEqual(fn(['spec', 'items']), { type: 'map', keys: ['name', 'port'] });
    assert.deepEqual(fn(['spec', 'items', 'subs']), { type: 'set' });
    assert.deepEqual(fn(['spec', 'byName', 'anyKey']), { type: 'map', keys: ['id'] });
  });

  it('answers atomic when the list type is absent, atomic or the path unknown', () => {
    assert.deepEqual(fn(['spec', 'plain']), { type: 'atomic' });
    assert.deepEqual(fn(['spec', 'atomic']), { type: 'atomic' });
    assert.deepEqual(fn(['spec', 'nope', 'deeper']), { type: 'atomic' });
    assert.deepEqual(listSemanticsFromSchema(undefined)(['spec', 'x']), { type: 'atomic' });
  });

  it('knows the lists of ObjectMeta', () => {
    assert.deepEqual(fn(['metadata', 'finalizers']), { type: 'set' });
    assert.deepEqual(fn(['metadata', 'ownerReferences']), { type: 'map', keys: ['uid'] });
  });
});
