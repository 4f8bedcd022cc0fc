// The fraud-detection tutorial's training notebook (1_experiment_train.ipynb) as one call: read
// data/card_transdata.csv, train, and return the files the notebook leaves behind
// (models/fraud/1/model.onnx, and the scaler — artifact/scaler.json here, artifact/scaler.pkl in the
// tutorial) with the lines the notebook prints.
import { writeOnnxModel, type OnnxWriteOptions } from './onnx-model';
import { SCALER_JSON_PATH, scalerToJson } from './scaler';
import { CARD_DATA_PATH, parseCardCsv } from './synthetic-card-data';
import { MODEL_ONNX_PATH, TUTORIAL_TRANSACTIONS, type TrainOptions, type TrainingResult, predictFraud, trainFraudModel } from './train';
import { dataDigest, memoizedTraining } from './training-cache';

export interface TutorialTrainingOutput {
  /** The files to write, by path relative to the repository root. */
  files: { [MODEL_ONNX_PATH]: Uint8Array; [SCALER_JSON_PATH]: string };
  result: TrainingResult;
  /** What the notebook prints (Keras' epoch lines, the test accuracy, Sally's verdict). */
  log: string[];
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : 'nan';
}

/** Keras-like lines for the epochs, then the notebook's own lines. */
export function trainingLog(result: TrainingResult, batchSize = 32): string[] {
  const steps = Math.ceil(result.split.train / batchSize);
  const lines: string[] = [];
  const epochs = result.history.length;
  for (const h of result.history) {
    lines.push(`Epoch ${h.epoch}/${epochs}`);
    lines.push(
      `${steps}/${steps} [==============================] - loss: ${fixed(h.loss)} - accuracy: ${fixed(h.accuracy)} - val_loss: ${fixed(h.val_loss)} - val_accuracy: ${fixed(h.val_accuracy)}`,
    );
  }
  lines.push('Training of model is complete');
  const t = result.test;
  lines.push(
    `Accuracy: ${t.accuracy} (threshold ${t.threshold}, precision ${t.precision.toFixed(4)}, recall ${t.recall.toFixed(4)} on ${t.rows} test rows)`,
  );
  const [sally] = predictFraud(result.network, result.scaler, [TUTORIAL_TRANSACTIONS.sally.raw]);
  lines.push("Is Sally's transaction predicted to be fraudulent? (true = YES, false = NO) ");
  lines.push(sally > t.threshold ? 'True' : 'False');
  lines.push("How likely was Sally's transaction to be fraudulent? ");
  lines.push(`${sally.toFixed(5)}%`); // sic: the notebook prints the probability with a % sign
  return lines;
}

/** The training cache's key for a card_transdata.csv's text (before it is parsed). */
export function csvDigest(csvText: string): string {
  return dataDigest('card_transdata.csv', csvText);
}

/**
 * Trains on the text of data/card_transdata.csv and returns the notebook's files and output.
 * Throws a CardCsvError for a bad CSV and a RangeError for data it cannot learn from.
 */
export function runTutorialTraining(csvText: string, options: TrainOptions & { onnx?: OnnxWriteOptions } = {}): TutorialTrainingOutput {
  // Keyed by the file's text: a file trained on before is neither parsed nor trained on again.
  const { onnx: _onnx, ...trainOptions } = options;
  const result = memoizedTraining(csvDigest(csvText), trainOptions, () =>
    trainFraudModel(parseCardCsv(csvText, CARD_DATA_PATH), trainOptions),
  );
  return {
    files: {
      [MODEL_ONNX_PATH]: writeOnnxModel(result.network, options.onnx),
      [SCALER_JSON_PATH]: scalerToJson(result.scaler),
    },
    result,
    log: trainingLog(result, options.batchSize),
  };
}
