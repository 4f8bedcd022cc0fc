// A copy of the project for a harness run of a test's own (so that its reports/ do not clash with
// the real run's), compiled as npm test compiles the project (scripts/build.mjs), and cucumber-js
// run in it with a clean environment.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../../support/core/paths';

const COPIED = ['support', 'step-definitions', 'features', 'fixtures', 'cucumber.js', 'package.json', 'tsconfig.json'];

/** A fresh copy of the harness (node_modules, and the twin when asked, linked; a build needs the twin). */
export function copyProject(prefix: string, options: { twin?: boolean } = {}): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  for (const entry of COPIED) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
  if (options.twin) fs.symlinkSync(path.join(PROJECT_ROOT, 'twin'), path.join(project, 'twin'));
  return project;
}

/** Compiles the copy into its .build/ (after the test has written its own files into it). */
export async function buildProject(project: string): Promise<void> {
  const { build } = (await import(path.join(PROJECT_ROOT, 'scripts', 'build.mjs'))) as {
    build: (outdir: string, project: string) => Promise<string>;
  };
  await build(path.join(project, '.build'), project);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** cucumber-js in the copy, its compiled build, with no RHOAI_ setting but those given. */
export function cucumber(cwd: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    const bin = path.join(PROJECT_ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('RHOAI_') && k !== 'KUBECONFIG' && !k.startsWith('NODE_TEST')),
    );
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...clean, HOME: cwd, RHOAI_BUILD_DIR: path.join(cwd, '.build'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Every file under dir, recursively. */
export function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
