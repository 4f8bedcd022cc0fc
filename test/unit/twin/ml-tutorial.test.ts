// twin/emulators/ml: the tutorial's training notebook as one call, through the library's public
// entry point: card_transdata.csv in; models/fraud/1/model.onnx, artifact/scaler.json and the
// notebook's output lines out; a bad CSV refused naming the line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARD_COLUMNS,
  MODEL_ONNX_PATH,
  OnnxSession,
  SCALER_JSON_PATH,
  TUTORIAL_TRANSACTIONS,
  generateCardTransactions,
  parseScalerJson,
  runTutorialTraining,
  scaleRows,
  toCardCsv,
} from '../../../twin/emulators/ml';

const rows = generateCardTransactions({ rows: 5000 });

describe('the tutorial end to end, as the workbench and the model server play it', () => {
  it('trains on the CSV, and the saved model with the saved scaler tells fraud from legitimate at 0.95', async () => {
    const out = runTutorialTraining(toCardCsv(generateCardTransactions()));
    // What the model server loads, and what the harness sends: scaler.transform(raw) as FP32 [1, 5].
    const session = await OnnxSession.fromBytes(out.files[MODEL_ONNX_PATH]);
    const scaler = parseScalerJson(out.files[SCALER_JSON_PATH]);
    const verdict = async (raw: readonly number[]) => {
      const [scaled] = scaleRows(scaler, [raw]);
      const output = (await session.run({ dense_input: { dims: [1, 5], data: scaled } })).dense_3;
      assert.deepEqual(output.dims, [1, 1]);
      return Number(output.data[0]);
    };
    for (const [name, t] of Object.entries(TUTORIAL_TRANSACTIONS)) {
      const p = await verdict(t.raw);
      assert.equal(p > 0.95, t.fraud, `${name}: ${p}`);
    }
  });
});

describe('runTutorialTraining', () => {
  it("reads card_transdata.csv and returns the notebook's files and output", () => {
    const out = runTutorialTraining(toCardCsv(rows.slice(0, 5000)), { epochs: 2 });
    assert.deepEqual(Object.keys(out.files), [MODEL_ONNX_PATH, SCALER_JSON_PATH]);
    assert.ok(out.files[MODEL_ONNX_PATH] instanceof Uint8Array && out.files[MODEL_ONNX_PATH].length > 5000);
    assert.deepEqual(parseScalerJson(out.files[SCALER_JSON_PATH]), out.result.scaler);
    assert.equal(out.log[0], 'Epoch 1/2');
    assert.match(out.log[1], /^100\/100 \[=+\] - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$/);
    assert.ok(out.log.includes('Training of model is complete'));
    assert.equal(out.log[out.log.length - 3], 'False', "Sally's transaction is not fraud");
  });

  it('refuses a CSV that is not card transaction data', () => {
    assert.throws(
      () => runTutorialTraining(`${CARD_COLUMNS.join(',')}\n1,2,3\n`),
      /data\/card_transdata.csv line 2: 3 values for 8 columns/,
    );
  });
});
