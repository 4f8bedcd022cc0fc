// The layout rules of CONTRIBUTING.md, kept by a test: no import cycle in support/ or twin/, the
// harness's core (support/core/) imports no domain module, and the harness and the twin never
// import each other. Imports are read with TypeScript's own pre-processor and resolver.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/**
 * Each project file's imports of other project files: those that load a module when this one loads
 * (`import type`, type-only names and `import('…')` types are erased, so they tie nothing at run
 * time) — or every import, type ones too, with `types`.
 */
function importGraph(dirs: string[], types = false): Map<string, string[]> {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap(sources)) {
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
    const specifiers: string[] = [];
    for (const statement of source.statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) continue;
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      const typeOnly = ts.isImportDeclaration(statement)
        ? !!clause &&
          (clause.isTypeOnly ||
            (!clause.name &&
              !!clause.namedBindings &&
              ts.isNamedImports(clause.namedBindings) &&
              clause.namedBindings.elements.every((e) => e.isTypeOnly)))
        : statement.isTypeOnly;
      if (!typeOnly || types) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
    const targets = specifiers
      .filter((name) => name.startsWith('.'))
      .map((name) => ts.resolveModuleName(name, join(ROOT, file), options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((f): f is string => !!f && !f.includes('node_modules'))
      .map((f) => relative(ROOT, f));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The strongly connected components with more than one module (Tarjan): the import cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe('the layout', () => {
  const graph = importGraph(['support', 'twin', 'step-definitions'], true);

  test('support/ and twin/ have no import cycle', () => {
    const loads = importGraph(['support', 'twin']);
    expect(cycles(loads), 'modules that load each other, directly or around a loop').to.deep.equal([]);
  });

  // support/rhoai/ holds RHOAI's names (API groups, default-dsci, the applications namespace as the
  // DSCI says): conventions every layer shares, not a domain; it imports only the core.
  test("the harness's core imports no domain module", () => {
    const shared = (t: string) => t.startsWith('support/core/') || t.startsWith('support/rhoai/');
    const reaches = [...graph]
      .filter(([f]) => f.startsWith('support/core/'))
      .flatMap(([f, targets]) => targets.filter((t) => !shared(t)).map((t) => `${f} → ${t}`));
    const namesReach = [...graph]
      .filter(([f]) => f.startsWith('support/rhoai/'))
      .flatMap(([f, targets]) => targets.filter((t) => !shared(t)).map((t) => `${f} → ${t}`));
    expect(namesReach, 'imports from support/rhoai/ of modules outside the core').to.deep.equal([]);
    expect(reaches, 'imports from support/core/ of modules outside it').to.deep.equal([]);
  });

  // The session is the run's process-wide infrastructure (settings, redactor, target). A scenario's
  // code reaches it through its World (world.target(), world.adminPassword(), world.redact()); only
  // the core and these run-level hooks, which run with no World, import it.
  test('domain modules reach the session through the World only', () => {
    const RUN_LEVEL: Record<string, string> = {
      'support/install/pinned-catalog.ts': "a BeforeAll: the catalog's pins are checked before the first scenario",
      'support/tutorial/run-scope.ts': "session.beforeStop: the run's tutorial projects are deleted after the last scenario",
    };
    const reaching = [...graph]
      .filter(([f, targets]) => !f.startsWith('support/core/') && !(f in RUN_LEVEL) && targets.includes('support/core/session.ts'))
      .map(([f]) => f);
    expect(reaching, 'modules outside support/core/ that import the session instead of using their World').to.deep.equal([]);
  });

  test('the harness and the twin meet only at the wire', () => {
    const crossing = [...graph].flatMap(([f, targets]) =>
      targets.filter((t) => (f.startsWith('twin/') ? !t.startsWith('twin/') : t.startsWith('twin/'))).map((t) => `${f} → ${t}`),
    );
    expect(crossing, 'imports between the harness (support/, step-definitions/) and the twin (twin/)').to.deep.equal([]);
  });
});
