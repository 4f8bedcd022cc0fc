// twin/emulators/ml: training as the tutorial's notebook does it. Deterministic for a seed; it
// learns (test-split precision and recall far above the ~9% of chance); the tutorial's legitimate
// transactions land below 0.95 and its stolen card above, after scaling; the scaler is fitted on
// the training split only; class weights are sklearn's 'balanced' ones; bad data is refused.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type DenseNetwork } from '../../../twin/emulators/ml/network';
import { fitScaler, parseScalerJson, scaleRow, scalerToJson, type StandardScaler } from '../../../twin/emulators/ml/scaler';
import { type CardTransaction, generateCardTransactions } from '../../../twin/emulators/ml/synthetic-card-data';
import {
  FRAUD_FEATURES,
  FRAUD_THRESHOLD,
  TUTORIAL_TRANSACTIONS,
  evaluate,
  fraudFeatures,
  predictFraud,
  splitCardTransactions,
  trainFraudModel,
  type TrainingResult,
} from '../../../twin/emulators/ml/train';

const rows = generateCardTransactions();
let trained: TrainingResult;
let wallMillis: number;

before(() => {
  const started = performance.now();
  trained = trainFraudModel(rows);
  wallMillis = performance.now() - started;
  const t = trained.test;
  console.log(
    `trained in ${trained.trainingMillis.toFixed(0)} ms of gradient descent (${wallMillis.toFixed(0)} ms in all); test split: accuracy ${t.accuracy.toFixed(4)}, precision ${t.precision.toFixed(4)}, recall ${t.recall.toFixed(4)} at ${t.threshold}`,
  );
});

describe('trainFraudModel', () => {
  it("builds the tutorial's network: dense_input [-1, 5] → 3 × Dense(32, relu) → dense_3 Dense(1, sigmoid)", () => {
    const n = trained.network;
    assert.equal(n.inputName, 'dense_input');
    assert.equal(n.outputName, 'dense_3');
    assert.equal(n.inputSize, 5);
    assert.deepEqual(
      n.layers.map((l) => [l.name, l.inputSize, l.units, l.activation]),
      [
        ['dense', 5, 32, 'relu'],
        ['dense_1', 32, 32, 'relu'],
        ['dense_2', 32, 32, 'relu'],
        ['dense_3', 32, 1, 'sigmoid'],
      ],
    );
    assert.deepEqual(trained.scaler.feature_names, [...FRAUD_FEATURES]);
  });

  it('is deterministic for a seed, and another seed gives another model', () => {
    const again = trainFraudModel(rows);
    assert.deepEqual(again.network, trained.network);
    assert.deepEqual(again.scaler, trained.scaler);
    assert.deepEqual(again.history, trained.history);
    const seven = trainFraudModel(rows.slice(0, 5000), { seed: 7, epochs: 1 });
    const eight = trainFraudModel(rows.slice(0, 5000), { seed: 8, epochs: 1 });
    assert.notDeepEqual(seven.network.layers[0].kernel, eight.network.layers[0].kernel);
  });

  it('learns: the loss falls and the test split is classified far better than chance at the 0.95 threshold', () => {
    const h = trained.history;
    assert.equal(h.length, 6);
    assert.ok(h[h.length - 1].loss < h[0].loss * 0.7, `loss ${h[0].loss} → ${h[h.length - 1].loss}`);
    const t = trained.test;
    const fraudShare = (t.truePositives + t.falseNegatives) / t.rows;
    assert.equal(t.threshold, FRAUD_THRESHOLD);
    assert.equal(t.rows, 4000);
    // Chance: precision equals the fraud share (~9%); always saying "not fraud" scores 1 - share.
    assert.ok(t.precision > 0.85, `precision ${t.precision} (chance ${fraudShare})`);
    assert.ok(t.recall > 0.75, `recall ${t.recall}`);
    assert.ok(t.accuracy > 1 - fraudShare + 0.04, `accuracy ${t.accuracy} vs ${1 - fraudShare} for "never fraud"`);
  });

  it("puts the tutorial's legitimate transactions below 0.95 and its stolen card above, once scaled", () => {
    const [sally, coffee, stolen] = predictFraud(trained.network, trained.scaler, [
      TUTORIAL_TRANSACTIONS.sally.raw,
      TUTORIAL_TRANSACTIONS.coffee.raw,
      TUTORIAL_TRANSACTIONS.stolenCard.raw,
    ]);
    assert.ok(sally < 0.05, `Sally's transaction: ${sally}`);
    assert.ok(coffee < 0.05, `coffee: ${coffee}`);
    assert.ok(stolen > FRAUD_THRESHOLD, `stolen card: ${stolen}`);
    // Unscaled, the model sees nonsense: the verdict depends on the scaler the workbench saved.
    const [stolenUnscaled] = predictFraud(trained.network, { ...trained.scaler, mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, [
      TUTORIAL_TRANSACTIONS.stolenCard.raw,
    ]);
    assert.notEqual(stolenUnscaled.toFixed(6), stolen.toFixed(6));
  });

  it('trains in seconds on one core', () => {
    // About a second on an idle core; the bound only catches a pathological slowdown on a busy machine.
    assert.ok(trained.trainingMillis < 20_000, `${trained.trainingMillis} ms`);
  });

  it('splits as the notebook does: the last 20% for testing, 20% of the rest for validation', () => {
    assert.deepEqual(trained.split, { train: 12_800, validation: 3200, test: 4000 });
    assert.equal(trained.scaler.n_samples_seen, 12_800);
    const lastFifth = rows.slice(16_000);
    assert.deepEqual(evaluate(trained.network, trained.scaler, lastFifth), trained.test);
  });

  it('makes the splits splitCardTransactions gives, row for row, so a notebook cell can fit the scaler before training', () => {
    const splits = splitCardTransactions(rows);
    assert.deepEqual([splits.train.length, splits.validation.length, splits.test.length], [12_800, 3200, 4000]);
    assert.deepEqual(splits.test, rows.slice(16_000));
    assert.deepEqual(fitScaler(splits.train.map(fraudFeatures), FRAUD_FEATURES), trained.scaler);
    assert.notDeepEqual(splitCardTransactions(rows, { seed: 1 }).validation, splits.validation);
    assert.throws(() => splitCardTransactions(rows, { validationFraction: 1 }), /validationFraction in \[0, 1\), got 0.2 and 1/);
  });

  it('fits the scaler on the training split only', () => {
    // Test rows (the last 20%) with absurd distances must not move the scaler.
    const shifted = rows.map((r, i) => (i >= 16_000 ? { ...r, distance_from_last_transaction: 1e6 } : r));
    const a = trainFraudModel(shifted, { epochs: 1 });
    const b = trainFraudModel(rows, { epochs: 1 });
    assert.deepEqual(a.scaler, b.scaler);
    assert.ok(a.scaler.mean[0] < 100, `mean distance from last transaction ${a.scaler.mean[0]}`);
  });

  it("weighs the classes as compute_class_weight('balanced') does", () => {
    // The training split: the first 80%, less a stratified 20% of each class.
    const head = rows.slice(0, 16_000);
    const count = (c: number) => {
      const n = head.filter((r) => r.fraud === c).length;
      return n - Math.round(n * 0.2);
    };
    const [n0, n1] = [count(0), count(1)];
    assert.equal(n0 + n1, 12_800);
    assert.ok(Math.abs(trained.classWeights[0] - 12_800 / (2 * n0)) < 1e-12);
    assert.ok(Math.abs(trained.classWeights[1] - 12_800 / (2 * n1)) < 1e-12);
    assert.deepEqual(trainFraudModel(rows.slice(0, 3000), { epochs: 1, classWeights: false }).classWeights, [1, 1]);
  });

  it('refuses data without both classes and options out of range', () => {
    const honest = rows.map((r) => ({ ...r, fraud: 0 }));
    assert.throws(
      () => trainFraudModel(honest),
      /the training split \(12800 of 20000 rows\) needs both fraud and non-fraud transactions, it has 0 fraud and 12800 not/,
    );
    assert.throws(() => trainFraudModel(rows, { epochs: 0 }), /epochs must be a positive integer, got 0/);
    assert.throws(() => trainFraudModel(rows, { hiddenUnits: [32, 0] }), /hiddenUnits must be positive integers/);
    assert.throws(() => trainFraudModel(rows, { testFraction: 1 }), /testFraction must be in \(0, 1\)/);
    assert.throws(() => trainFraudModel(rows, { learningRate: -1 }), /learningRate must be positive/);
  });
});

describe('evaluate', () => {
  it('counts a confusion matrix at the threshold', () => {
    // A hand-made model: fraud exactly when the order was online.
    const network: DenseNetwork = {
      inputName: 'dense_input',
      outputName: 'dense',
      inputSize: 5,
      layers: [
        {
          name: 'dense',
          inputSize: 5,
          units: 1,
          kernel: Float32Array.of(0, 0, 0, 0, 100),
          bias: Float32Array.of(-50),
          activation: 'sigmoid',
        },
      ],
    };
    const identity: StandardScaler = {
      feature_names: [...FRAUD_FEATURES],
      mean: [0, 0, 0, 0, 0],
      var: [1, 1, 1, 1, 1],
      scale: [1, 1, 1, 1, 1],
      n_samples_seen: 1,
    };
    const row = (online: number, fraud: number): CardTransaction => ({
      distance_from_home: 1,
      distance_from_last_transaction: 1,
      ratio_to_median_purchase_price: 1,
      repeat_retailer: 1,
      used_chip: 0,
      used_pin_number: 0,
      online_order: online,
      fraud,
    });
    const data = [row(1, 1), row(1, 1), row(1, 1), row(1, 0), row(0, 1), row(0, 1), row(0, 0), row(0, 0), row(0, 0), row(0, 0)];
    assert.deepEqual(evaluate(network, identity, data, 0.95), {
      threshold: 0.95,
      rows: 10,
      accuracy: 0.7,
      precision: 0.75,
      recall: 0.6,
      truePositives: 3,
      falsePositives: 1,
      trueNegatives: 4,
      falseNegatives: 2,
    });
  });
});

describe('the StandardScaler', () => {
  it('removes the mean and divides by the population standard deviation, as sklearn does', () => {
    const s = fitScaler(
      [
        [1, 5],
        [3, 5],
        [5, 5],
      ],
      ['a', 'b'],
    );
    assert.deepEqual(s.mean, [3, 5]);
    assert.ok(Math.abs(s.var[0] - 8 / 3) < 1e-12);
    assert.ok(Math.abs(s.scale[0] - Math.sqrt(8 / 3)) < 1e-12);
    assert.equal(s.scale[1], 1, 'a constant feature keeps scale 1');
    const scaled = scaleRow(s, [5, 6]);
    assert.ok(Math.abs(scaled[0] - 2 / Math.sqrt(8 / 3)) < 1e-12);
    assert.equal(scaled[1], 1);
    assert.throws(() => scaleRow(s, [1]), /expected 2 values \(a, b\), got 1/);
  });

  it('is saved as JSON and read back, and a broken file names the field', () => {
    const text = scalerToJson(trained.scaler);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['feature_names', 'mean', 'var', 'scale', 'n_samples_seen']);
    assert.deepEqual(parseScalerJson(text), trained.scaler);
    assert.throws(() => parseScalerJson('{'), /artifact\/scaler.json is not JSON/);
    assert.throws(() => parseScalerJson('{"mean": [1, 2]}'), /"scale" must be a non-empty array of numbers/);
    assert.throws(() => parseScalerJson('{"mean": [1, 2], "scale": [1]}'), /"scale" has 1 values but "mean" has 2/);
    assert.throws(() => parseScalerJson('{"mean": [1], "scale": [0]}'), /"scale" values must be positive/);
    // The two numbers a harness needs (what `print(json.dumps({"mean": s.mean_.tolist(), "scale": s.scale_.tolist()}))` prints) suffice.
    assert.deepEqual(parseScalerJson('{"mean": [1, 2], "scale": [3, 4]}').var, [9, 16]);
  });
});
