// OpenAPI v3 validation of custom resources with kube-apiserver's messages: the go-openapi error
// texts (`spec.x in body must be of type integer: "string"`) wrapped as field errors
// (`Invalid value: "string": ...`), reported as the causes of a 422 Invalid.
import type { JSONSchemaProps, StatusCause } from '../types';
import { canonicalJson, deepEqual, isObject, jsonTypeOf } from './json';

export const childPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const indexPath = (path: string, i: number): string => `${path}[${i}]`;

export function additionalSchema(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
}

/** A bad value as Kubernetes field errors print it: strings quoted, numbers and booleans bare, the rest as JSON. */
function showValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return canonicalJson(v);
}

const invalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${showValue(value)}: ${detail}`,
  field,
});

const inBody = (path: string, text: string): string => `${path || 'body'} in body ${text}`;

export function validateValue(x: unknown, s: JSONSchemaProps, path: string): StatusCause[] {
  const typeError = checkType(x, s, path);
  if (typeError) return [typeError];
  if (x === null) return [];
  return [
    ...checkEnum(x, s, path),
    ...(typeof x === 'string' ? checkString(x, s, path) : []),
    ...(typeof x === 'number' ? checkNumber(x, s, path) : []),
    ...(isObject(x) ? checkObject(x, s, path) : []),
    ...(Array.isArray(x) ? checkArray(x, s, path) : []),
    ...checkCombinators(x, s, path),
  ];
}

function matchesType(x: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof x === 'string';
    case 'integer':
      return typeof x === 'number' && Number.isInteger(x);
    case 'number':
      return typeof x === 'number';
    case 'boolean':
      return typeof x === 'boolean';
    case 'object':
      return isObject(x);
    case 'array':
      return Array.isArray(x);
    default:
      return true;
  }
}

function checkType(x: unknown, s: JSONSchemaProps, path: string): StatusCause | undefined {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const expected = intOrString ? 'integer,string' : s.type;
  if (!expected) return undefined;
  if (x === null || x === undefined) {
    if (s.nullable) return undefined;
  } else if (intOrString ? matchesType(x, 'integer') || matchesType(x, 'string') : matchesType(x, expected)) {
    return undefined;
  }
  const actual = jsonTypeOf(x);
  return {
    reason: 'FieldValueTypeInvalid',
    message: `Invalid value: "${actual}": ${inBody(path, `must be of type ${expected}: "${actual}"`)}`,
    field: path,
  };
}

function checkEnum(x: unknown, s: JSONSchemaProps, path: string): StatusCause[] {
  if (!Array.isArray(s.enum) || s.enum.some((v) => deepEqual(v, x))) return [];
  const supported = s.enum.map((v) => JSON.stringify(typeof v === 'string' ? v : canonicalJson(v))).join(', ');
  return [{ reason: 'FieldValueNotSupported', message: `Unsupported value: ${showValue(x)}: supported values: ${supported}`, field: path }];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkFormat(x: string, format: string | undefined): boolean {
  if (format === 'date-time') return RFC3339.test(x) && !Number.isNaN(Date.parse(x.replace(' ', 'T')));
  if (format === 'date') return FULL_DATE.test(x) && !Number.isNaN(Date.parse(x));
  return true;
}

function checkString(x: string, s: JSONSchemaProps, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const length = [...x].length;
  if (s.maxLength !== undefined && length > s.maxLength)
    errs.push(invalid(path, x, inBody(path, `should be at most ${s.maxLength} chars long`)));
  if (s.minLength !== undefined && length < s.minLength)
    errs.push(invalid(path, x, inBody(path, `should be at least ${s.minLength} chars long`)));
  if (s.pattern !== undefined && !matchesPattern(x, s.pattern)) errs.push(invalid(path, x, inBody(path, `should match '${s.pattern}'`)));
  if (!checkFormat(x, s.format)) errs.push(invalid(path, x, inBody(path, `must be of type ${s.format}: ${JSON.stringify(x)}`)));
  return errs;
}

function matchesPattern(x: string, pattern: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(x);
  } catch {
    return true; // a pattern JavaScript cannot compile is not held against the object
  }
}

function checkNumber(x: number, s: JSONSchemaProps, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (s.maximum !== undefined && (s.exclusiveMaximum ? x >= s.maximum : x > s.maximum)) {
    errs.push(invalid(path, x, inBody(path, `should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`)));
  }
  if (s.minimum !== undefined && (s.exclusiveMinimum ? x <= s.minimum : x < s.minimum)) {
    errs.push(invalid(path, x, inBody(path, `should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`)));
  }
  return errs;
}

function checkObject(x: Record<string, unknown>, s: JSONSchemaProps, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const name of s.required ?? []) {
    if (x[name] === undefined) errs.push({ reason: 'FieldValueRequired', message: 'Required value', field: childPath(path, name) });
  }
  const count = Object.keys(x).length;
  if (s.maxProperties !== undefined && count > s.maxProperties)
    errs.push(invalid(path, count, inBody(path, `should have at most ${s.maxProperties} properties`)));
  if (s.minProperties !== undefined && count < s.minProperties)
    errs.push(invalid(path, count, inBody(path, `should have at least ${s.minProperties} properties`)));
  for (const [name, value] of Object.entries(x)) {
    const prop = s.properties?.[name] ?? additionalSchema(s);
    if (prop && value !== undefined) errs.push(...validateValue(value, prop, childPath(path, name)));
  }
  return errs;
}

function checkArray(x: unknown[], s: JSONSchemaProps, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  if (s.maxItems !== undefined && x.length > s.maxItems)
    errs.push(invalid(path, x.length, inBody(path, `should have at most ${s.maxItems} items`)));
  if (s.minItems !== undefined && x.length < s.minItems)
    errs.push(invalid(path, x.length, inBody(path, `should have at least ${s.minItems} items`)));
  if (s.items) x.forEach((item, i) => errs.push(...validateValue(item, s.items as JSONSchemaProps, indexPath(path, i))));
  errs.push(...checkListType(x, s, path));
  return errs;
}

/** x-kubernetes-list-type: set items must be unique; map items need their keys, and unique ones. */
function checkListType(x: unknown[], s: JSONSchemaProps, path: string): StatusCause[] {
  const type = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const errs: StatusCause[] = [];
  const seen = new Set<string>();
  x.forEach((item, i) => {
    let identity: unknown = item;
    if (type === 'map') {
      if (!isObject(item)) return;
      const missing = keys.filter((k) => item[k] === undefined && s.items?.properties?.[k]?.default === undefined);
      for (const k of missing)
        errs.push({ reason: 'FieldValueRequired', message: 'Required value', field: childPath(indexPath(path, i), k) });
      if (missing.length > 0) return;
      identity = Object.fromEntries(keys.map((k) => [k, item[k] ?? s.items?.properties?.[k]?.default]));
    } else if (type !== 'set') {
      return;
    }
    const id = canonicalJson(identity);
    if (seen.has(id))
      errs.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${showValue(identity)}`, field: indexPath(path, i) });
    seen.add(id);
  });
  return errs;
}

function checkCombinators(x: unknown, s: JSONSchemaProps, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const passes = (sub: JSONSchemaProps): boolean => validateValue(x, sub, path).length === 0;
  const composite = (text: string): StatusCause => invalid(path, '', inBody(path, text));
  if (s.allOf?.length) {
    const subErrors = s.allOf.flatMap((sub) => validateValue(x, sub, path));
    if (subErrors.length > 0) errs.push(...subErrors, composite('must validate all the schemas (allOf)'));
  }
  if (s.anyOf?.length && !s.anyOf.some(passes)) errs.push(composite('must validate at least one schema (anyOf)'));
  if (s.oneOf?.length && s.oneOf.filter(passes).length !== 1) errs.push(composite('must validate one and only one schema (oneOf)'));
  if (s.not && passes(s.not)) errs.push(composite('must not validate the schema (not)'));
  return errs;
}
