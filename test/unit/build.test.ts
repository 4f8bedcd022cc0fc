// scripts/build.mjs buildTests: `npm test` runs every test file compiled into one file; compiled, a
// file keeps its sources' __dirname (fixtures, CRDs and scripts are found where they are) and
// requires a vendored package (client-node, the S3 client) from the build's vendor/ directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');
const project = mkdtempSync(join(tmpdir(), 'rhoai-build-test-'));
after(() => rmSync(project, { recursive: true, force: true }));

test("a compiled test file keeps its sources' __dirname and loads vendored packages from the build", async () => {
  const { buildTests } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)) as {
    buildTests(files: string[], buildDir: string, into: string, project: string): Promise<string[]>;
  };
  mkdirSync(join(project, 'src', 'deep'), { recursive: true });
  writeFileSync(join(project, 'src', 'deep', 'where.ts'), 'export const where: string = __dirname;\n');
  writeFileSync(
    join(project, 'one.test.ts'),
    "import { where } from './src/deep/where';\nimport * as k from '@kubernetes/client-node';\nprocess.stdout.write(JSON.stringify({ where, from: (k as unknown as { from: string }).from }));\n",
  );
  const buildDir = join(project, '.build');
  mkdirSync(join(buildDir, 'vendor'), { recursive: true });
  writeFileSync(join(buildDir, 'vendor', 'kubernetes+client-node.cjs'), "module.exports = { from: 'the build' };\n");

  const [compiled] = await buildTests(['one.test.ts'], buildDir, 'tests', project);
  assert.equal(compiled, join(buildDir, 'tests', 'one.test.cjs'));
  const out = JSON.parse(execFileSync(process.execPath, [compiled], { encoding: 'utf8' })) as { where: string; from: string };
  assert.deepEqual(out, { where: join(project, 'src', 'deep'), from: 'the build' });
});
