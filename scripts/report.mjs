#!/usr/bin/env node
// `npm run report`: the Allure report a stakeholder reads by checklist.
//   node scripts/report.mjs [--no-generate]      (RHOAI_REPORTS_DIR, default reports/)
// Before `allure generate`, it rewrites the results of the run (reports/allure-results):
//  - labels from the checklist (RHOAI_CHECKLIST, default ../shared/checklist.yaml): epic = the
//    checklist section, feature = the feature file, story = "<id> <item text>" per @req tag, and a
//    link per id to the checklist matrix (checklist.html#<id> in the report folder);
//  - the status of a scenario with skipped steps and no failure: skipped (Allure ranks passed above
//    skipped, so a scenario whose checks were skipped — not applicable, or not run in plan mode —
//    would otherwise show as passed);
//  - categories.json: product defect (an assertion about the cluster failed), environment problem
//    (unreachable, unauthorised, TLS, a timeout with no status), harness defect (an error in our code);
//  - executor.json (who ran it: GitHub Actions, Tekton, local) and history/ copied from the previous
//    report (reports/allure-report/history), so that the trend shows from the second run on;
//  - a result "Checklist matrix" (suite Checklist, on the overview's Suites widget): every checklist id
//    with the scenarios that prove it and their result, the unproven ones listed as such; the same
//    table as checklist.html and checklist.csv, attached and copied into the report.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = resolve(process.env.RHOAI_REPORTS_DIR || join(ROOT, 'reports'));
const RESULTS = join(REPORTS, 'allure-results');
const REPORT = join(REPORTS, 'allure-report');
const CHECKLIST = resolve(process.env.RHOAI_CHECKLIST || join(ROOT, '..', 'shared', 'checklist.yaml'));
const MATRIX_PAGE = 'checklist.html';

const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The checklist: id → {section, kind, item}, in file order. */
export function loadChecklist(file) {
  const doc = yaml.load(readFileSync(file, 'utf8'));
  const items = new Map();
  for (const [section, list] of Object.entries(doc ?? {})) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (entry?.id) items.set(entry.id, { section, kind: entry.kind, item: entry.item });
  }
  return items;
}

/** Which scenarios (by feature file) carry each @req tag in features/. */
export function scenariosByRequirement(featuresDir) {
  const out = new Map();
  const files = readdirSync(featuresDir, { recursive: true }).filter((f) => String(f).endsWith('.feature'));
  for (const file of files) {
    const lines = readFileSync(join(featuresDir, String(file)), 'utf8').split('\n');
    let featureTags = [];
    let pending = [];
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed.startsWith('@')) pending.push(...trimmed.split(/\s+/).filter((t) => t.startsWith('@')));
      else if (/^Feature:/.test(trimmed)) {
        featureTags = pending;
        pending = [];
      } else if (/^Scenario( Outline)?:/.test(trimmed)) {
        for (const tag of [...featureTags, ...pending]) {
          const id = /^@req\.(.+)$/.exec(tag)?.[1];
          if (!id) continue;
          if (!out.has(id)) out.set(id, []);
          out.get(id).push({ feature: `features/${String(file)}`, scenario: trimmed.replace(/^Scenario( Outline)?:\s*/, '') });
        }
        pending = [];
      } else if (trimmed && !trimmed.startsWith('#')) pending = [];
    }
  }
  return out;
}

/** The categories Allure sorts failures into; the first that matches wins. */
export const CATEGORIES = [
  {
    name: 'Environment problem',
    description:
      'The cluster could not be reached or refused the harness: unreachable, unauthorised, TLS, or a wait that timed out while the API server gave it no state (the watch kept failing).',
    matchedStatuses: ['failed', 'broken'],
    messageRegex:
      '(?s).*(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|network error|no answer within|HTTP 401|HTTP 403|Unauthorized|Forbidden|certificate|UNABLE_TO_VERIFY|SELF_SIGNED|timed out after.*(last watch error|could not be read)).*',
  },
  {
    name: 'Harness defect',
    description: 'An error in the harness code (a TypeError, a ReferenceError, ...), not a finding about the cluster.',
    matchedStatuses: ['failed', 'broken'],
    messageRegex: '(?s).*(TypeError|ReferenceError|SyntaxError|Cannot read properties of|is not a function|is not iterable).*',
  },
  {
    name: 'Harness defect',
    matchedStatuses: ['failed', 'broken'],
    traceRegex: '(?s)^(TypeError|ReferenceError|SyntaxError|RangeError)\\b.*',
  },
  {
    name: 'Product defect',
    description: 'An assertion about the cluster failed: it answered, and what it answered is not what the checklist promises.',
    matchedStatuses: ['failed', 'broken'],
  },
];

/** Rewrites one cucumber result: checklist labels, links, and the skipped status. Returns its ids. */
export function relabel(result, checklist) {
  const tags = result.labels.filter((l) => l.name === 'tag').map((l) => l.value);
  const ids = tags.map((t) => /^@req\.(.+)$/.exec(t)?.[1]).filter(Boolean);
  const featureName = result.labels.find((l) => l.name === 'feature')?.value;
  const file = /^[^:]*:(features\/.*\.feature)#/.exec(result.fullName ?? '')?.[1];
  result.labels = result.labels.filter((l) => !['epic', 'feature', 'story'].includes(l.name));
  const sections = [...new Set(ids.map((id) => checklist.get(id)?.section).filter(Boolean))];
  for (const section of sections.length ? sections : ['(no checklist item)']) result.labels.push({ name: 'epic', value: section });
  if (file) result.labels.push({ name: 'feature', value: `${file.replace(/^features\//, '')}${featureName ? ` — ${featureName}` : ''}` });
  result.links = (result.links ?? []).filter((l) => !ids.includes(l.name));
  for (const id of ids) {
    const entry = checklist.get(id);
    result.labels.push({ name: 'story', value: entry ? `${id} ${entry.item}` : `${id} (not in the checklist)` });
    result.links.push({ name: `${id}${entry ? ` — ${entry.item}` : ''}`, url: `${MATRIX_PAGE}#${id}`, type: 'tms' });
  }
  const statuses = (result.steps ?? []).map((s) => s.status);
  if (result.status === 'passed' && statuses.includes('skipped')) {
    result.status = 'skipped';
    const skipped = (result.steps ?? []).filter((s) => s.status === 'skipped').map((s) => s.name);
    result.statusDetails = {
      ...result.statusDetails,
      message: `${skipped.length} of ${statuses.length} steps were skipped (not applicable, or not run in plan mode): the scenario is not reported as passed. First skipped: ${skipped[0]}`,
    };
  }
  return ids;
}

const RANK = { failed: 4, broken: 3, passed: 2, skipped: 1, unknown: 0 };

/** Every checklist id with the scenarios of this run that prove it and its result. */
export function checklistMatrix(checklist, proofs, declared) {
  return [...checklist.entries()].map(([id, entry]) => {
    const runs = proofs.get(id) ?? [];
    let result;
    if (!runs.length)
      result = declared.has(id) ? 'not run (no scenario of this run carries its tag)' : 'unproven (no scenario carries its tag)';
    else {
      const worst = runs.reduce((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'unknown');
      result = worst === 'skipped' && runs.some((r) => r.status === 'passed') ? 'passed' : worst;
    }
    return { id, ...entry, runs, result, declaredIn: declared.get(id) ?? [] };
  });
}

function matrixHtml(rows, title) {
  const count = (pred) => rows.filter(pred).length;
  const summary = `${rows.length} checklist items: ${count((r) => r.result === 'passed')} passed, ${count((r) => r.result === 'failed' || r.result === 'broken')} failed, ${count((r) => r.result === 'skipped')} skipped, ${count((r) => r.result.startsWith('not run'))} not run, ${count((r) => r.result.startsWith('unproven'))} unproven`;
  const colour = (r) =>
    r === 'passed' ? '#97cc64' : r === 'failed' || r === 'broken' ? '#fd5a3e' : r === 'skipped' ? '#aaaaaa' : '#ffd050';
  const body = rows
    .map(
      (r) =>
        `<tr id="${escapeHtml(r.id)}"><td>${escapeHtml(r.section)}</td><td><b>${escapeHtml(r.id)}</b></td><td>${escapeHtml(r.item)}</td><td>${escapeHtml(r.kind ?? '')}</td>` +
        `<td>${r.runs.length ? r.runs.map((x) => `${escapeHtml(x.name)} <i>(${escapeHtml(x.status)})</i>`).join('<br>') : r.declaredIn.map((d) => `<i>${escapeHtml(d.scenario)}</i>`).join('<br>') || '—'}</td>` +
        `<td style="background:${colour(r.result)}">${escapeHtml(r.result)}</td></tr>`,
    )
    .join('\n');
  const unproven = rows.filter((r) => r.result.startsWith('unproven')).map((r) => r.id);
  return (
    `<h2>${escapeHtml(title)}</h2><p>${escapeHtml(summary)}</p>` +
    (unproven.length ? `<p><b>Unproven</b> (no scenario carries the tag): ${unproven.map(escapeHtml).join(', ')}</p>` : '') +
    `<table border="1" cellspacing="0" cellpadding="3"><thead><tr><th>section</th><th>id</th><th>item</th><th>kind</th><th>scenarios (this run)</th><th>result</th></tr></thead><tbody>\n${body}\n</tbody></table>`
  );
}

function matrixCsv(rows) {
  const q = (s) => `"${String(s).replace(/"/g, '""')}"`;
  return (
    [
      'section,id,kind,item,scenarios,result',
      ...rows.map((r) =>
        [r.section, r.id, r.kind ?? '', r.item, r.runs.map((x) => `${x.name} (${x.status})`).join('; '), r.result].map(q).join(','),
      ),
    ].join('\n') + '\n'
  );
}

export function executorInfo(env = process.env) {
  if (env.GITHUB_ACTIONS)
    return {
      name: 'GitHub Actions',
      type: 'github',
      buildName: `${env.GITHUB_WORKFLOW ?? 'workflow'} #${env.GITHUB_RUN_NUMBER ?? '?'}`,
      buildOrder: Number(env.GITHUB_RUN_NUMBER) || undefined,
      buildUrl: `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`,
    };
  if (env.TEKTON_TASKRUN_NAME) return { name: 'Tekton', type: 'tekton', buildName: env.TEKTON_TASKRUN_NAME };
  if (env.KUBERNETES_SERVICE_HOST) return { name: 'In-cluster Job', type: 'kubernetes', buildName: env.HOSTNAME ?? 'rhoai-conformance' };
  return { name: 'rhoai-harness (local)', type: 'local', buildName: `local run ${new Date().toISOString()}` };
}

function main() {
  if (!existsSync(RESULTS)) {
    process.stderr.write(`report: ${RESULTS} does not exist: run the features first (npx cucumber-js ...)\n`);
    process.exit(2);
  }
  let checklist = new Map();
  if (existsSync(CHECKLIST)) checklist = loadChecklist(CHECKLIST);
  else
    process.stderr.write(`report: the checklist ${CHECKLIST} does not exist (RHOAI_CHECKLIST names it): no checklist labels or matrix\n`);
  const declared = scenariosByRequirement(join(ROOT, 'features'));
  const proofs = new Map();
  const cucumberResults = readdirSync(RESULTS).filter((f) => f.endsWith('-result.json'));
  for (const file of cucumberResults) {
    const path = join(RESULTS, file);
    const result = JSON.parse(readFileSync(path, 'utf8'));
    if (result.fullName === 'rhoai-harness:checklist-matrix') continue; // a second `npm run report` rebuilds it
    if (!/^[^:]*:features\//.test(result.fullName ?? '')) continue;
    const ids = relabel(result, checklist);
    writeFileSync(path, JSON.stringify(result));
    for (const id of ids) {
      if (!proofs.has(id)) proofs.set(id, []);
      proofs.get(id).push({ name: result.name, status: result.status });
    }
  }
  writeFileSync(join(RESULTS, 'categories.json'), JSON.stringify(CATEGORIES, null, 2));
  const executor = executorInfo();
  writeFileSync(
    join(RESULTS, 'executor.json'),
    JSON.stringify({ ...executor, reportName: 'rhoai-harness: RHOAI 2.9 checklist', reportUrl: process.env.RHOAI_REPORT_URL }, null, 2),
  );
  if (existsSync(join(REPORT, 'history'))) cpSync(join(REPORT, 'history'), join(RESULTS, 'history'), { recursive: true });

  let matrix = [];
  if (checklist.size) {
    matrix = checklistMatrix(checklist, proofs, declared);
    const html = matrixHtml(matrix, 'RHOAI 2.9 checklist: every item, the scenarios that prove it, and their result');
    const page = `<!doctype html><meta charset="utf-8"><title>Checklist matrix</title><body style="font-family:sans-serif">${html}<p><a href="index.html">back to the report</a></p></body>\n`;
    const open = matrix.filter((r) => r.result !== 'passed').length;
    for (const f of readdirSync(RESULTS).filter((name) => name.endsWith('-result.json'))) {
      const r = JSON.parse(readFileSync(join(RESULTS, f), 'utf8'));
      if (r.fullName === 'rhoai-harness:checklist-matrix') unlinkSync(join(RESULTS, f)); // a second `npm run report` replaces it
    }
    const attachment = (ext, content, name, type) => {
      const source = `${randomUUID()}-attachment.${ext}`;
      writeFileSync(join(RESULTS, source), content);
      return { name, type, source };
    };
    const now = Date.now();
    writeFileSync(
      join(RESULTS, `${randomUUID()}-result.json`),
      JSON.stringify({
        uuid: randomUUID(),
        historyId: 'rhoai-harness:checklist-matrix',
        testCaseId: 'rhoai-harness:checklist-matrix',
        name: 'Checklist matrix: every checklist item and the scenario that proves it',
        fullName: 'rhoai-harness:checklist-matrix',
        // A summary, not a test: 'unknown', so that it counts in no category and no pass rate.
        status: 'unknown',
        statusDetails: {
          message: `${matrix.filter((r) => r.result === 'passed').length} of ${matrix.length} checklist items passed in this run; ${matrix.filter((r) => r.result === 'failed' || r.result === 'broken').length} failed; ${open} are not passed (failed, skipped, not run or unproven): see the table`,
        },
        stage: 'finished',
        descriptionHtml: html,
        labels: [
          { name: 'suite', value: 'Checklist' },
          { name: 'parentSuite', value: '0 · Checklist matrix' },
          { name: 'epic', value: 'Checklist matrix' },
          { name: 'feature', value: 'Checklist matrix' },
        ],
        links: [{ name: 'checklist matrix (page)', url: MATRIX_PAGE, type: 'link' }],
        attachments: [
          attachment('html', page, 'checklist matrix (HTML)', 'text/html'),
          attachment('csv', matrixCsv(matrix), 'checklist matrix (CSV)', 'text/csv'),
        ],
        parameters: [],
        steps: [],
        start: now,
        stop: now,
      }),
    );
    appendFileSync(
      join(RESULTS, 'environment.properties'),
      `Checklist\\ matrix=${MATRIX_PAGE} in this report folder, and the suite "0 · Checklist matrix"\n`,
    );
    writeFileSync(join(REPORTS, 'checklist-matrix.html'), page);
    writeFileSync(join(REPORTS, 'checklist-matrix.csv'), matrixCsv(matrix));
  }
  if (process.argv.includes('--no-generate')) return;
  const allure = join(ROOT, 'node_modules', '.bin', 'allure');
  const run = spawnSync(allure, ['generate', RESULTS, '--clean', '-o', REPORT], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  if (matrix.length) cpSync(join(REPORTS, 'checklist-matrix.html'), join(REPORT, MATRIX_PAGE));
  process.stdout.write(
    `report: ${relative(process.cwd(), REPORT) || REPORT}/index.html (checklist matrix: ${MATRIX_PAGE}; ${matrix.length} items)\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
