// scripts/test.mjs counts a scenario passed only when every step passed, skipped (not applicable)
// when no step failed and some were skipped, failed otherwise.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain ES module without types
import { scenarioCounts, scenarioOutcome } from '../../../scripts/test.mjs';

const steps = (...statuses: string[]) => statuses.map((status) => ({ result: { status } }));

test('scenarioOutcome: passed, skipped (not applicable) or failed', () => {
  assert.equal(scenarioOutcome(steps('passed', 'passed', 'passed')), 'passed');
  assert.equal(
    scenarioOutcome(steps('passed', 'skipped', 'skipped', 'passed')),
    'skipped',
    'a Before hook passed, the Background step skipped, the After hook passed',
  );
  assert.equal(scenarioOutcome(steps('passed', 'failed', 'skipped')), 'failed');
  assert.equal(scenarioOutcome(steps('passed', 'undefined', 'skipped')), 'failed');
  assert.equal(scenarioOutcome(steps('pending', 'skipped')), 'failed');
  assert.equal(scenarioOutcome([{}]), 'failed', 'a step without a result');
});

test('scenarioCounts reads cucumber.json, leaving out backgrounds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'counts-'));
  const file = path.join(dir, 'cucumber.json');
  fs.writeFileSync(
    file,
    JSON.stringify([
      {
        elements: [
          { type: 'background', steps: steps('failed') },
          { type: 'scenario', steps: steps('passed') },
          { type: 'scenario', steps: steps('skipped', 'skipped') },
          { type: 'scenario', steps: steps('passed', 'failed') },
        ],
      },
      { elements: [{ type: 'scenario', steps: steps('passed', 'skipped') }] },
    ]),
  );
  assert.deepEqual(scenarioCounts(file), { passed: 1, failed: 1, skipped: 2 });
  fs.writeFileSync(file, '{not json');
  assert.deepEqual(scenarioCounts(file), { passed: 0, failed: 1, skipped: 0 });
  fs.rmSync(dir, { recursive: true, force: true });
});
