// fixtures/**/*.yaml are YAML templates with ${var} placeholders. A template is parsed as YAML
// first, then placeholders are substituted inside string scalars (and keys): a scalar that is
// exactly `${var}` takes the variable's value with its own type (number, boolean, object, a
// multi-line PEM string); a placeholder inside longer text is interpolated as text. `$${` writes a
// literal `${`. Substituting after parsing means no value can break or inject YAML structure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KObject } from './cluster/types';
import { FIXTURES_DIR, displayPath } from './paths';

export type FixtureVariables = Readonly<Record<string, unknown>>;

export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

const EXACT = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/;
const ANY = /\$(\$)?\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function lookup(vars: FixtureVariables, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(vars, name)) return vars[name];
  // Dotted names reach into object variables: ${s3.bucket}.
  let value: unknown = vars;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

class Renderer {
  constructor(
    private readonly file: string,
    private readonly vars: FixtureVariables,
  ) {}

  private missing(name: string, where: string): FixtureError {
    const known = Object.keys(this.vars).sort().join(', ') || 'none';
    return new FixtureError(`fixture ${displayPath(this.file)}: variable "${name}" is not defined (at ${where}; defined: ${known})`);
  }

  private value(name: string, where: string): unknown {
    const value = lookup(this.vars, name);
    if (value === undefined) throw this.missing(name, where);
    return value;
  }

  string(text: string, where: string): unknown {
    const exact = EXACT.exec(text);
    if (exact) return structuredClone(this.value(exact[1]!, where));
    return text.replace(ANY, (_match, escaped: string | undefined, name: string) => {
      if (escaped) return `\${${name}}`;
      if (!NAME.test(name))
        throw new FixtureError(`fixture ${displayPath(this.file)}: "\${${name}}" at ${where} is not a valid placeholder`);
      const value = this.value(name, where);
      if (value !== null && typeof value === 'object') {
        throw new FixtureError(
          `fixture ${displayPath(this.file)}: variable "${name}" is an object and cannot be interpolated into the text at ${where}`,
        );
      }
      return String(value);
    });
  }

  node(node: unknown, where: string): unknown {
    if (typeof node === 'string') return this.string(node, where);
    if (Array.isArray(node)) return node.map((item, i) => this.node(item, `${where}[${i}]`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        const renderedKey = this.string(key, `${where}.${key}`);
        if (typeof renderedKey !== 'string')
          throw new FixtureError(`fixture ${displayPath(this.file)}: key "${key}" at ${where} must render to text`);
        out[renderedKey] = this.node(value, `${where}.${renderedKey}`);
      }
      return out;
    }
    return node;
  }
}

/** The absolute path of a fixture given relative to fixtures/ (".yaml" may be omitted). */
export function fixturePath(name: string): string {
  const withExt = /\.ya?ml$/.test(name) ? name : `${name}.yaml`;
  const file = path.resolve(FIXTURES_DIR, withExt);
  if (!file.startsWith(FIXTURES_DIR + path.sep)) throw new FixtureError(`fixture "${name}" is outside fixtures/`);
  return file;
}

/** Renders YAML template text (from `file`, used in messages) into its documents. */
export function renderTemplate(text: string, vars: FixtureVariables, file = '<inline>'): unknown[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text) as unknown[];
  } catch (error) {
    throw new FixtureError(`fixture ${displayPath(file)}: is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const renderer = new Renderer(file, vars);
  return docs
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc, i) => renderer.node(doc, docs.length > 1 ? `document ${i + 1}` : 'document'));
}

/** Renders fixtures/<name> into Kubernetes objects (one per YAML document). */
export function renderFixture(name: string, vars: FixtureVariables = {}): KObject[] {
  const file = fixturePath(name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FixtureError(`fixture ${displayPath(file)}: does not exist`);
  }
  const docs = renderTemplate(text, vars, file);
  docs.forEach((doc, i) => {
    const obj = doc as Partial<KObject> | null;
    if (!obj || typeof obj !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !obj.metadata) {
      throw new FixtureError(
        `fixture ${displayPath(file)}: document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata are required)`,
      );
    }
  });
  return docs as KObject[];
}

/** Renders a fixture that holds exactly one object. */
export function renderOne(name: string, vars: FixtureVariables = {}): KObject {
  const objects = renderFixture(name, vars);
  if (objects.length !== 1)
    throw new FixtureError(`fixture ${displayPath(fixturePath(name))}: holds ${objects.length} objects, expected 1`);
  return objects[0]!;
}
