// On a cluster without GPUs the GPU items of the install do not apply: they are reported skipped,
// with the reason, in every report (Cucumber JSON and HTML, JUnit, Allure), never passed or failed,
// and the run passes. The twin plays such a cluster with RHOAI_TWIN_NODES=no-gpu. The GPU scenarios
// run alone here: on a cluster without GPUs their Background step skips them before anything else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { filesUnder, runHarness, type HarnessRun } from './harness-run';

const GPU_ITEMS = ['@req.INS-GPU-01', '@req.INS-GPU-02', '@req.INS-GPU-03'];
const REASON = /Not applicable: no node advertises nvidia\.com\/gpu in status\.allocatable and none is labelled as an NVIDIA GPU node/;

describe('the GPU items on a twin without GPU nodes', () => {
  let run: HarnessRun;
  before(async () => {
    run = await runHarness(['--tags', '@install and @gpu'], { RHOAI_TARGET: 'twin', RHOAI_TWIN_NODES: 'no-gpu' });
  });

  test('the run passes, with every GPU item skipped (none passed, none failed)', () => {
    assert.equal(run.code, 0, `the run failed:\n${run.stderr.slice(-2000)}`);
    assert.deepEqual(
      run.scenarios.map((s) => [s.tags.find((t) => t.startsWith('@req.')), s.status]).sort(),
      GPU_ITEMS.map((id) => [id, 'skipped']),
    );
  });

  test('Cucumber JSON: each skipped scenario carries the reason as an attachment', () => {
    const features = JSON.parse(readFileSync(join(run.reports, 'cucumber.json'), 'utf8')) as {
      elements?: { type?: string; name: string; steps?: { embeddings?: { data: string; mime_type: string }[] }[] }[];
    }[];
    const scenarios = features.flatMap((f) => f.elements ?? []).filter((e) => e.type === 'scenario');
    assert.equal(scenarios.length, GPU_ITEMS.length);
    for (const s of scenarios) {
      const texts = (s.steps ?? [])
        .flatMap((st) => st.embeddings ?? [])
        .map((e) => (e.mime_type.startsWith('text/') ? Buffer.from(e.data, 'base64').toString('utf8') : ''));
      assert.ok(
        texts.some((t) => REASON.test(t) || REASON.test(Buffer.from(t, 'utf8').toString())),
        `scenario "${s.name}" has no "not applicable" attachment: ${JSON.stringify(texts).slice(0, 500)}`,
      );
    }
  });

  test('Cucumber HTML carries the reason', () => {
    assert.match(readFileSync(join(run.reports, 'cucumber.html'), 'utf8'), /Not applicable: no node advertises nvidia\.com\/gpu/);
  });

  test('JUnit: each GPU item is a skipped test case whose skipped step states the condition', () => {
    const xml = readFileSync(join(run.reports, 'junit.xml'), 'utf8');
    const cases = xml.split('<testcase ').slice(1);
    assert.equal(cases.length, GPU_ITEMS.length);
    for (const c of cases) {
      assert.match(c, /<skipped/, 'a skipped element');
      assert.doesNotMatch(c, /<failure/);
      assert.match(c, /Given the cluster has nodes with "nvidia\.com\/gpu", else these items are not applicable\.+skipped/);
    }
  });

  test('Allure: each GPU item is skipped, with the reason attached', () => {
    const files = filesUnder(join(run.reports, 'allure-results'));
    const results = files
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; status: string; labels?: { name: string; value: string }[] });
    assert.equal(results.length, GPU_ITEMS.length, `allure results: ${results.map((r) => r.name).join(', ')}`);
    for (const r of results) assert.equal(r.status, 'skipped', `${r.name} is ${r.status} in Allure`);
    const attachments = files
      .filter((f) => /-attachment\.(txt|text)$/.test(f) || /-attachment$/.test(f))
      .map((f) => readFileSync(f, 'utf8'));
    assert.ok(
      attachments.filter((a) => REASON.test(a)).length >= GPU_ITEMS.length,
      `the reason is attached in Allure (${attachments.length} attachments)`,
    );
  });
});
