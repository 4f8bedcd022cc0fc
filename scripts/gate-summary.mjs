#!/usr/bin/env node
// The conformance gate's verdict, for a Job's log and a CI step: the JUnit summary of a run
// (reports/junit.xml: tests, failures, errors, skipped, and each failed test), the plan's counts when
// the run was in plan mode (plan.json, plan-<worker>.json), and an exit status.
//   node scripts/gate-summary.mjs [REPORTS_DIR] [CUCUMBER_EXIT_CODE]
// Exit 0 only when cucumber-js exited 0, no test failed, and — in plan mode — the plan lists nothing
// to create, change or delete and no step was left not run: a cluster that the installer would still
// change is not conformant.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? process.env.RHOAI_REPORTS_DIR ?? 'reports');
const cucumberCode = Number(process.argv[3] ?? 0);
const reasons = [];
const out = [];

const attr = (tag, name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(tag)?.[1] ?? 0);
const unescape = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const junit = join(dir, 'junit.xml');
if (!existsSync(junit)) {
  out.push(`junit: ${junit} does not exist (the run stopped before any scenario)`);
  reasons.push('no JUnit report');
} else {
  const xml = readFileSync(junit, 'utf8');
  const suites = xml.match(/<testsuite\b[^>]*>/g) ?? [];
  const sum = (name) => suites.reduce((n, tag) => n + attr(tag, name), 0);
  const [tests, failures, errors, skipped] = ['tests', 'failures', 'errors', 'skipped'].map(sum);
  out.push(
    `junit: ${tests} tests, ${tests - failures - errors - skipped} passed, ${failures} failed, ${errors} errors, ${skipped} skipped (${junit})`,
  );
  for (const m of xml.matchAll(/<testcase\b([^>]*)>([\s\S]*?)<\/testcase>/g)) {
    const failure = /<(failure|error)\b([^>]*)>/.exec(m[2]);
    if (!failure) continue;
    const name = unescape(/\bname="([^"]*)"/.exec(m[1])?.[1] ?? '?');
    const cls = unescape(/\bclassname="([^"]*)"/.exec(m[1])?.[1] ?? '');
    const message = unescape(/\bmessage="([^"]*)"/.exec(failure[2])?.[1] ?? /<!\[CDATA\[([\s\S]*?)(\n|\]\]>)/.exec(m[2])?.[1] ?? '');
    out.push(`  FAILED ${cls ? `${cls} / ` : ''}${name}${message ? `: ${message.split('\n')[0].slice(0, 300)}` : ''}`);
  }
  if (failures + errors > 0) reasons.push(`${failures + errors} failed`);
}

const plans = existsSync(dir) ? readdirSync(dir).filter((f) => /^plan(-\d+)?\.json$/.test(f)) : [];
if (plans.length) {
  const count = { create: 0, change: 0, delete: 0, unchanged: 0, notRun: 0 };
  for (const file of plans) {
    const plan = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    count.create += plan.wouldCreate.length;
    count.change += plan.wouldChange.length;
    count.delete += plan.wouldDelete.length;
    count.unchanged += plan.unchanged.length;
    count.notRun += plan.notRun.length;
  }
  out.push(
    `plan: ${count.create} would create, ${count.change} would change, ${count.delete} would delete, ${count.unchanged} unchanged; ${count.notRun} steps not run in plan mode (${plans.map((f) => join(dir, f.replace('.json', '.txt'))).join(', ')})`,
  );
  if (count.create + count.change + count.delete > 0) reasons.push('the plan lists changes the installer would still make');
  if (count.notRun > 0) reasons.push('steps were not run in plan mode');
}
if (cucumberCode !== 0) reasons.push(`cucumber-js exited ${cucumberCode}`);
out.push(reasons.length ? `verdict: FAIL (${reasons.join('; ')})` : 'verdict: PASS');
process.stdout.write(`${out.join('\n')}\n`);
process.exit(reasons.length ? 1 : 0);
