// The report by checklist (scripts/report.mjs): labels from the checklist, the skipped status of a
// scenario whose checks were skipped, the checklist matrix, and the categories' patterns.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

type Result = {
  name: string;
  fullName: string;
  status: string;
  statusDetails?: { message?: string };
  labels: { name: string; value: string }[];
  links?: { name: string; url: string }[];
  steps?: { name: string; status: string }[];
};

// By its path from this file's directory (a bare relative import() would resolve from the compiled test's).
const REPORT_SCRIPT = pathToFileURL(join(__dirname, '..', '..', '..', 'scripts', 'report.mjs')).href;
const load = () =>
  import(REPORT_SCRIPT) as Promise<{
    relabel(result: Result, checklist: Map<string, { section: string; kind: string; item: string }>): string[];
    checklistMatrix(
      checklist: Map<string, unknown>,
      proofs: Map<string, { name: string; status: string }[]>,
      declared: Map<string, unknown[]>,
    ): { id: string; result: string }[];
    CATEGORIES: { name: string; messageRegex?: string; traceRegex?: string }[];
  }>;

const checklist = new Map([
  ['INS-OP-01', { section: 'install', kind: 'provision', item: 'create project redhat-ods-operator' }],
  ['DW-Q-01', { section: 'distributed_workloads', kind: 'provision', item: 'create an empty resource flavor' }],
  ['ADV-01', { section: 'advanced', kind: 'assert', item: 'something not yet proved' }],
]);

const result = (status: string, steps: string[]): Result => ({
  name: 'Create the project redhat-ods-operator',
  fullName: 'rhoai-harness:features/10-install/01-rhoai-operator.feature#Create the project redhat-ods-operator',
  status,
  labels: [
    { name: 'feature', value: 'Install the Red Hat OpenShift AI operator' },
    { name: 'tag', value: '@install' },
    { name: 'tag', value: '@req.INS-OP-01' },
  ],
  steps: steps.map((s, i) => ({ name: `step ${i}`, status: s })),
});

describe('report by checklist', () => {
  test('epic = section, feature = feature file, story = id and text, a link per id', async () => {
    const { relabel } = await load();
    const r = result('passed', ['passed', 'passed']);
    assert.deepEqual(relabel(r, checklist), ['INS-OP-01']);
    const labels = r.labels.filter((l) => ['epic', 'feature', 'story'].includes(l.name)).map((l) => `${l.name}=${l.value}`);
    assert.deepEqual(labels, [
      'epic=install',
      'feature=10-install/01-rhoai-operator.feature — Install the Red Hat OpenShift AI operator',
      'story=INS-OP-01 create project redhat-ods-operator',
    ]);
    assert.deepEqual(r.links, [{ name: 'INS-OP-01 — create project redhat-ods-operator', url: 'checklist.html#INS-OP-01', type: 'tms' }]);
    assert.equal(r.status, 'passed');
  });

  test('a scenario with skipped checks is skipped, not passed', async () => {
    const { relabel } = await load();
    const r = result('passed', ['passed', 'skipped', 'skipped']);
    relabel(r, checklist);
    assert.equal(r.status, 'skipped');
    assert.match(r.statusDetails?.message ?? '', /2 of 3 steps were skipped/);
  });

  test('the matrix lists every id: proven with its worst result, declared but not run, unproven', async () => {
    const { checklistMatrix } = await load();
    const rows = checklistMatrix(
      checklist,
      new Map([
        [
          'INS-OP-01',
          [
            { name: 'a', status: 'passed' },
            { name: 'b', status: 'failed' },
          ],
        ],
      ]),
      new Map([['DW-Q-01', [{ feature: 'f', scenario: 's' }]]]),
    );
    assert.deepEqual(
      rows.map((r) => `${r.id}: ${r.result}`),
      ['INS-OP-01: failed', 'DW-Q-01: not run (no scenario of this run carries its tag)', 'ADV-01: unproven (no scenario carries its tag)'],
    );
  });

  test('categories: unreachable is an environment problem, a TypeError a harness defect, the rest a product defect', async () => {
    const { CATEGORIES } = await load();
    // Allure matches with Java's Pattern.matches; (?s) is DOTALL in both.
    const js = (re: string) => new RegExp(`^(?:${re.replace(/\(\?s\)/g, '')})$`, 's');
    const category = (message: string, trace = '') =>
      CATEGORIES.find((c) => (c.messageRegex ? js(c.messageRegex).test(message) : c.traceRegex ? js(c.traceRegex).test(trace) : true))
        ?.name;
    assert.equal(category('GET https://api:6443/version → network error ECONNREFUSED (connect ECONNREFUSED)'), 'Environment problem');
    assert.equal(category('GET /api → HTTP 401 Unauthorized'), 'Environment problem');
    assert.equal(
      category("Cannot read properties of undefined (reading 'x')", "TypeError: Cannot read properties of undefined (reading 'x')\n at"),
      'Harness defect',
    );
    assert.equal(category('the mesh config of minimal lists no extension provider'), 'Product defect');
    assert.equal(category('timed out after 20 s waiting for X\n  last observed status: no status\n  conditions: none'), 'Product defect');
  });
});
