// Field paths and field sets as structured-merge-diff models them, and their FieldsV1 encoding.
//
// A path is a list of tokens, each spelled as in FieldsV1: `f:<field>`, `k:<json of key fields>`
// (map-list item), `v:<json value>` (set-list item) or `i:<index>`. A set holds the paths a
// manager owns; FieldsV1 is the same set written as a trie whose leaves are `{}` and where `.`
// marks that an inner node (a map-list item) is itself a member.
import type { FieldsV1 } from '../types';
import { canonicalJson, deepEqual, isObject } from './json';

export type FieldPath = readonly string[];

export const fieldToken = (name: string): string => `f:${name}`;
export const valueToken = (value: unknown): string => `v:${canonicalJson(value)}`;

/** `k:` token of a map-list item: its key fields, sorted by name, as the real server encodes them. */
export function keyToken(item: Record<string, unknown>, keys: readonly string[]): string {
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (item[k] !== undefined) picked[k] = item[k];
  return `k:${canonicalJson(picked)}`;
}

export class PathSet implements Iterable<FieldPath> {
  private readonly items = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p);
  }

  add(p: FieldPath): this {
    this.items.set(JSON.stringify(p), p);
    return this;
  }

  has(p: FieldPath): boolean {
    return this.items.has(JSON.stringify(p));
  }

  get size(): number {
    return this.items.size;
  }

  isEmpty(): boolean {
    return this.items.size === 0;
  }

  [Symbol.iterator](): Iterator<FieldPath> {
    return this.items.values();
  }

  union(...others: PathSet[]): PathSet {
    const out = new PathSet(this);
    for (const o of others) for (const p of o) out.add(p);
    return out;
  }

  difference(...others: PathSet[]): PathSet {
    return new PathSet([...this].filter((p) => !others.some((o) => o.has(p))));
  }

  intersection(other: PathSet): PathSet {
    return new PathSet([...this].filter((p) => other.has(p)));
  }

  equals(other: PathSet): boolean {
    return this.size === other.size && [...this].every((p) => other.has(p));
  }

  /** True when some member lies strictly below `prefix`. */
  hasDescendantOf(prefix: FieldPath): boolean {
    return [...this].some((p) => p.length > prefix.length && prefix.every((t, i) => p[i] === t));
  }
}

// ---- ordering (structured-merge-diff orders fields, then keys, then values, then indices) ----

const TOKEN_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

export function compareTokens(a: string, b: string): number {
  const ra = TOKEN_RANK[a[0]] ?? 4;
  const rb = TOKEN_RANK[b[0]] ?? 4;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- trie form (FieldsV1) ----

interface TrieNode {
  member: boolean;
  children: Map<string, TrieNode>;
}

function buildTrie(set: PathSet): TrieNode {
  const root: TrieNode = { member: false, children: new Map() };
  for (const path of set) {
    let node = root;
    for (const token of path) {
      let next = node.children.get(token);
      if (!next) node.children.set(token, (next = { member: false, children: new Map() }));
      node = next;
    }
    node.member = true;
  }
  return root;
}

function sortedChildren(node: TrieNode): [string, TrieNode][] {
  return [...node.children.entries()].sort(([a], [b]) => compareTokens(a, b));
}

function trieToFields(node: TrieNode): FieldsV1 {
  const out: FieldsV1 = {};
  if (node.member && node.children.size > 0) out['.'] = {};
  for (const [token, child] of sortedChildren(node)) out[token] = trieToFields(child);
  return out;
}

export function toFieldsV1(set: PathSet): FieldsV1 {
  return trieToFields(buildTrie(set));
}

/** Reads a FieldsV1 trie; tokens are re-spelled canonically so they compare equal to computed ones. */
export function fromFieldsV1(fields: unknown): PathSet {
  const set = new PathSet();
  const walk = (node: unknown, prefix: string[]): void => {
    if (!isObject(node)) return;
    for (const [token, child] of Object.entries(node)) {
      if (token === '.') {
        if (prefix.length > 0) set.add(prefix);
        continue;
      }
      const path = [...prefix, canonicalToken(token)];
      if (isObject(child) && Object.keys(child).length > 0) walk(child, path);
      else set.add(path);
    }
  };
  walk(fields, []);
  return set;
}

function canonicalToken(token: string): string {
  if (token.startsWith('k:') || token.startsWith('v:')) {
    try {
      return `${token.slice(0, 2)}${canonicalJson(JSON.parse(token.slice(2)))}`;
    } catch {
      return token;
    }
  }
  return token;
}

/** Paths in the order structured-merge-diff iterates a set: at each level members first, then subtrees. */
export function sortedPaths(set: PathSet): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: TrieNode, prefix: string[]): void => {
    const children = sortedChildren(node);
    for (const [token, child] of children) if (child.member) out.push([...prefix, token]);
    for (const [token, child] of children) if (child.children.size > 0) walk(child, [...prefix, token]);
  };
  walk(buildTrie(set), []);
  return out;
}

// ---- display ----

/** A value as structured-merge-diff prints it inside a path: strings quoted, numbers and booleans bare. */
function displayValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(displayValue).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}=${displayValue(v[k])}`)
      .join(';')}}`;
  return v === null || v === undefined ? 'null' : JSON.stringify(v);
}

/** `.spec.containers[name="x"].image`, `.metadata.finalizers[="f"]`. */
export function formatPath(path: FieldPath): string {
  return path
    .map((token) => {
      const body = token.slice(2);
      switch (token[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.keys(key)
            .sort()
            .map((k) => `${k}=${displayValue(key[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${displayValue(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

// ---- navigation ----

/** The position of the list item a `k:`/`v:`/`i:` token designates, or -1. */
export function findItem(list: readonly unknown[], token: string): number {
  const body = token.slice(2);
  if (token.startsWith('i:')) {
    const i = Number(body);
    return Number.isInteger(i) && i >= 0 && i < list.length ? i : -1;
  }
  const wanted: unknown = JSON.parse(body);
  if (token.startsWith('v:')) return list.findIndex((x) => deepEqual(x, wanted));
  if (!isObject(wanted)) return -1;
  const keys = Object.keys(wanted);
  return list.findIndex((x) => isObject(x) && keys.every((k) => deepEqual(x[k], wanted[k])));
}

export function lookup(root: unknown, path: FieldPath): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const token of path) {
    if (token.startsWith('f:')) {
      const name = token.slice(2);
      if (!isObject(cur) || !(name in cur) || cur[name] === undefined) return { found: false };
      cur = cur[name];
    } else {
      if (!Array.isArray(cur)) return { found: false };
      const i = findItem(cur, token);
      if (i < 0) return { found: false };
      cur = cur[i];
    }
  }
  return { found: true, value: cur };
}

/** Names of the fields along a path, list items omitted: the argument of a ListSemanticsFn. */
export function semanticPath(path: FieldPath): string[] {
  return path.filter((t) => t.startsWith('f:')).map((t) => t.slice(2));
}
