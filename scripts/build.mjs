#!/usr/bin/env node
// npm run build: compiles the harness and the twin from their TypeScript sources into three
// CommonJS files in .build/ (or the directory given), so that a process loads one file instead of
// compiling ~400 modules through tsx at each start (measured: a Cucumber start costs ≈4.3 CPU-s
// through tsx, most of it tsx and the module loader):
//   harness.cjs  support/ and step-definitions/, in the order Cucumber loads them (sorted paths)
//   config.cjs   what cucumber.js evaluates before the run (settings, selection)
//   twin.cjs     twin/cli.ts, the twin's command line
// and, for `npm test`, each test file into one (buildTests: .build/tests-*/).
// Packages stay outside (required from node_modules as usual), but for the two whose loading cost
// most, each made one minified file in vendor/ (see VENDORED). A module's __dirname and
// __filename stay those of its source file, so fixtures, CRDs and the twin's bootstrap files are
// found where they are. RHOAI_BUILD_DIR names such a directory to cucumber-js and to the embedded
// twin; `npm test` builds one and sets it for its runs. Sources change, the build does not: build
// again (it takes about a second) or unset RHOAI_BUILD_DIR.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every .ts file under dir of the project (absolute), as Cucumber's `support/**\/*.ts` finds it. */
function tsFiles(project, dir) {
  return fs
    .readdirSync(path.join(project, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** Gives each source module its own __dirname and __filename, relative to the bundle's place. */
const sourcePaths = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const outdir = build.initialOptions.outdir ?? path.dirname(build.initialOptions.outfile);
      const dir = JSON.stringify(path.relative(outdir, path.dirname(args.path)));
      const file = JSON.stringify(path.relative(outdir, args.path));
      const prelude =
        `const __dirname = require('node:path').join(__rhoai_build_dir, ${dir});` +
        `const __filename = require('node:path').join(__rhoai_build_dir, ${file});\n`;
      return { contents: prelude + source, loader: 'ts' };
    });
  },
};

/**
 * Packages each bundled, with everything they import, into one minified file vendor/<name>.cjs that
 * the harness and twin bundles require instead. Measured, per process that loads it:
 * @kubernetes/client-node 1.x is ECMAScript modules (hundreds of files, with openid-client and jose)
 * that Node resolves and links one by one: ≈1.2 CPU-s, ≈0.5 as one file; @aws-sdk/client-s3 is
 * some hundred CommonJS files. Every Cucumber process loads the first, every twin the second.
 */
const VENDORED = ['@kubernetes/client-node', '@aws-sdk/client-s3'];
const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace(/\//g, '+')}.cjs`;

/** Requires of a VENDORED package from a bundle in outdir go to its file in buildDir/vendor. */
const vendored = (buildDir, outdir) => ({
  name: 'vendored',
  setup(build) {
    const names = new RegExp(`^(${VENDORED.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
    const vendorDir = path.relative(outdir, buildDir) || '.';
    build.onResolve({ filter: names }, (args) => ({ path: `${vendorDir}/${vendorFile(args.path)}`, external: true }));
  },
});

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: 'const __rhoai_build_dir = __dirname;' },
};

/**
 * Builds the project (this one, or a copy of it: a test's) into outdir, which must lie inside it.
 * Resolves with outdir.
 */
export async function build(outdir = path.join(root, '.build'), project = root) {
  // The bundles require packages by name, found from where they lie: node_modules of the project.
  if (path.relative(project, outdir).startsWith('..') || path.isAbsolute(path.relative(project, outdir)))
    throw new Error(`the build directory ${outdir} must lie inside the project (${project}), where its packages are found`);
  fs.mkdirSync(outdir, { recursive: true });
  const plugins = [vendored(outdir, outdir), sourcePaths];
  for (const name of VENDORED)
    await esbuild.build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      keepNames: true,
      logLevel: 'warning',
      stdin: {
        contents: `module.exports = require(${JSON.stringify(name)});`,
        resolveDir: project,
        sourcefile: `${name}-entry.js`,
        loader: 'js',
      },
      outfile: path.join(outdir, vendorFile(name)),
    });
  // Cucumber requires support/**/*.ts and step-definitions/**/*.ts sorted by path: the entry does the same.
  const support = [...tsFiles(project, 'support'), ...tsFiles(project, 'step-definitions')].sort();
  const entry = support.map((f) => `require(${JSON.stringify(f)});`).join('\n');
  await esbuild.build({
    ...common,
    plugins,
    stdin: { contents: entry, resolveDir: project, sourcefile: 'harness-entry.js', loader: 'js' },
    outfile: path.join(outdir, 'harness.cjs'),
  });
  await esbuild.build({
    ...common,
    plugins,
    stdin: {
      contents: "module.exports = { ...require('./support/core/config'), ...require('./support/core/config/selection') };",
      resolveDir: project,
      sourcefile: 'config-entry.js',
      loader: 'js',
    },
    outfile: path.join(outdir, 'config.cjs'),
  });
  if (fs.existsSync(path.join(project, 'twin', 'cli.ts')))
    await esbuild.build({
      ...common,
      plugins,
      entryPoints: [path.join(project, 'twin', 'cli.ts')],
      outfile: path.join(outdir, 'twin.cjs'),
    });
  return outdir;
}

/** The project's .mjs scripts (a test imports scripts/test.mjs) stay outside, loaded as they are (by absolute path). */
const scriptsAsTheyAre = {
  name: 'scripts-as-they-are',
  setup(build) {
    build.onResolve({ filter: /\.mjs$/ }, (args) => ({ path: path.resolve(args.resolveDir, args.path), external: true }));
  },
};

/**
 * Test files (paths relative to the project), each compiled with what it imports of the project
 * into one file of buildDir/<into> (its path with / as +, .cjs), requiring
 * packages from node_modules and the VENDORED ones from buildDir/vendor (made by build()). A test
 * process then loads one file instead of compiling the twin's and the harness's modules through tsx
 * (measured: an integration test that starts a twin, 4.7 → 2.6 CPU-s). The sources' __dirname and
 * __filename are kept, as in build(). Resolves with the compiled files, in the order given.
 */
export async function buildTests(files, buildDir = path.join(root, '.build'), into = 'tests', project = root) {
  const outdir = path.join(buildDir, into);
  fs.rmSync(outdir, { recursive: true, force: true });
  const name = (file) => file.replace(/\.ts$/, '').split(/[\\/]/).join('+');
  await esbuild.build({
    ...common,
    plugins: [vendored(buildDir, outdir), sourcePaths, scriptsAsTheyAre],
    entryPoints: Object.fromEntries(files.map((file) => [name(file), path.resolve(project, file)])),
    outdir,
    outExtension: { '.js': '.cjs' },
  });
  return files.map((file) => path.join(outdir, `${name(file)}.cjs`));
}

// Run, it builds (no top-level await: scripts/test.mjs, which imports this, is required by a test as CommonJS).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build(process.argv[2] ? path.resolve(process.argv[2]) : undefined).then(
    (out) => console.log(`built ${path.relative(process.cwd(), out) || '.'}: harness.cjs, config.cjs, twin.cjs, vendor/`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
