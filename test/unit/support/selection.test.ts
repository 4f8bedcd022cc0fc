import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectedScenarios, subscribedPackages } from '../../../support/core/config/selection';

const FEATURES = join(__dirname, '..', '..', '..', 'features');
const argv = (...args: string[]) => ['node', 'cucumber-js', ...args];

test('the operators an install run subscribes to are read from the selected scenarios’ steps', () => {
  const { selected, problems } = selectedScenarios(argv('--tags', '@install'), FEATURES);
  assert.deepEqual(problems, []);
  assert.deepEqual(subscribedPackages(selected).sort(), [
    'authorino-operator',
    'rhods-operator',
    'serverless-operator',
    'servicemeshoperator',
  ]);
});

test('a run of one install item subscribes only to what that item subscribes to', () => {
  assert.deepEqual(subscribedPackages(selectedScenarios(argv('--tags', '@req.INS-OP-03'), FEATURES).selected), ['rhods-operator']);
});

test('a run that subscribes to nothing checks no catalog', () => {
  assert.deepEqual(subscribedPackages(selectedScenarios(argv('--tags', '@tutorial'), FEATURES).selected), []);
});
