#!/usr/bin/env node
// npm run lint: the house rules — types (tsc --noEmit), ESLint (type-aware, eslint.config.mjs) and
// Prettier (--check) — checked by three processes at once: each is single-threaded, so on CI's two
// cores the three take about as long as the longest. Each one's output is printed, in that order,
// when it ends; the exit status is non-zero when any of them failed, and the last line names them.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A package's command (its package.json `bin`), run with this Node. */
function bin(pkg, command) {
  const dir = path.join(root, 'node_modules', pkg);
  const { bin: bins } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return path.join(dir, typeof bins === 'string' ? bins : bins[command]);
}
const CHECKS = [
  { name: 'tsc --noEmit', args: [bin('typescript', 'tsc'), '--noEmit'] },
  { name: 'eslint .', args: [bin('eslint', 'eslint'), '.'] },
  { name: 'prettier --check .', args: [bin('prettier', 'prettier'), '--check', '.'] },
];

function check({ name, args }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ name, code: 1, output: `cannot run ${name}: ${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output }));
  });
}

const results = await Promise.all(CHECKS.map(check));
for (const { name, code, output } of results) {
  process.stdout.write(`> ${name}${code === 0 ? '' : ` (failed, exit ${code})`}\n${output}`);
}
const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
console.log(failed.length ? `lint failed: ${failed.join(', ')}` : 'lint passed: types, ESLint, Prettier');
process.exit(failed.length ? 1 : 0);
