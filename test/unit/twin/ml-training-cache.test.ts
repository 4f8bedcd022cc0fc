// twin/emulators/ml/training-cache.ts: a training answered from the cache (in the process or from the
// directory another twin wrote) is the training itself, to the bit; a caller's changes stay its own.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { forgetProcessCache, memoizedTraining } from '../../../twin/emulators/ml/training-cache';
import { generateCardTransactions, toCardCsv, type CardTransaction } from '../../../twin/emulators/ml/synthetic-card-data';
import { rowsDigest, trainFraudModel, type TrainingResult } from '../../../twin/emulators/ml/train';
import { csvDigest, runTutorialTraining } from '../../../twin/emulators/ml/tutorial';

/** Runs fn with the cache in a fresh directory of its own (RHOAI_TWIN_TRAINING_CACHE), restored afterwards. */
function withCacheDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rhoai-training-cache-'));
  const before = process.env.RHOAI_TWIN_TRAINING_CACHE;
  process.env.RHOAI_TWIN_TRAINING_CACHE = dir;
  try {
    fn(dir);
  } finally {
    if (before === undefined) delete process.env.RHOAI_TWIN_TRAINING_CACHE;
    else process.env.RHOAI_TWIN_TRAINING_CACHE = before;
  }
}

/** What the directory answers for a key, after the process forgot what it kept; fails if it trained instead. */
function fromDirectory(key: string, rows: CardTransaction[], what: string): TrainingResult {
  forgetProcessCache();
  let trained = 0;
  const result = memoizedTraining(key, { epochs: 2 }, () => {
    trained++;
    return trainFraudModel(rows, { epochs: 2 });
  });
  assert.equal(trained, 0, `the directory did not answer ${what}`);
  return result;
}

describe('the training cache', () => {
  it('answers the same rows and options with the same model, from the process and from the directory', () => {
    withCacheDir((dir) => {
      const rows = generateCardTransactions({ rows: 800, seed: 7 });
      const first = trainFraudModel(rows, { epochs: 2 });
      assert.equal(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1, 'the result was not written to the cache directory');
      first.network.layers[0]!.kernel[0] = 99; // a caller's change
      const second = trainFraudModel(rows, { epochs: 2 });
      assert.notEqual(second.network.layers[0]!.kernel[0], 99, "a caller's change reached the cache");
      // Another twin of the machine, which has only the directory: its decoded copy is the training itself.
      const fromDisk = fromDirectory(rowsDigest(rows), rows, 'by the rows');
      forgetProcessCache();
      process.env.RHOAI_TWIN_TRAINING_CACHE = 'off';
      const anew = trainFraudModel(rows, { epochs: 2 });
      assert.deepEqual({ ...fromDisk, trainingMillis: 0 }, { ...anew, trainingMillis: 0 });
      assert.ok(fromDisk.network.layers[0]!.kernel instanceof Float32Array, 'typed arrays did not survive the cache');
      const other = trainFraudModel(rows, { epochs: 3 });
      assert.equal(other.history.length, 3, 'other options were answered from the cache');
    });
  });

  it("answers the notebook's training by the CSV's text, unparsed, with what training the parsed rows gives", () => {
    withCacheDir((dir) => {
      const rows = generateCardTransactions({ rows: 600, seed: 11 });
      const csv = toCardCsv(rows);
      const first = runTutorialTraining(csv, { epochs: 2 });
      const written = readdirSync(dir).length;
      const fromDisk = fromDirectory(csvDigest(csv), rows, 'by the CSV text');
      assert.deepEqual({ ...fromDisk, trainingMillis: 0 }, { ...first.result, trainingMillis: 0 });
      runTutorialTraining(csv, { epochs: 2 });
      assert.equal(readdirSync(dir).length, written, 'the same CSV was trained on again');
      const changed = runTutorialTraining(csv.replace(/\n[^\n]*\n$/, '\n'), { epochs: 2 });
      assert.ok(readdirSync(dir).length > written, 'a different CSV was answered from the cache');
      assert.notEqual(changed.result.split.train + changed.result.split.test, first.result.split.train + first.result.split.test);
    });
  });
});
