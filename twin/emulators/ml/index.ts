// The twin's machine-learning library: what the workbench emulator runs when the fraud-detection
// tutorial trains its model, and what the model-server emulators (OpenVINO Model Server for KServe
// and ModelMesh) run to serve it. Training is TypeScript (deterministic, no network); the model file is
// written with onnx-proto and run by ONNX Runtime (onnxruntime-node).
//
//   data      generateCardTransactions, toCardCsv, parseCardCsv       data/card_transdata.csv
//   training  trainFraudModel, runTutorialTraining, predictFraud      the notebook, in one call
//   scaler    scalerToJson, parseScalerJson, scaleRows                 artifact/scaler.json
//   ONNX      writeOnnxModel (onnx-proto), OnnxSession (ONNX Runtime)  models/fraud/1/model.onnx

/** Seeded random numbers (sfc32). */
export { seededRandom, type Random } from './random';

/** card_transdata.csv: columns, synthetic rows, Python-style CSV writing and strict reading. */
export {
  BINARY_COLUMNS,
  CARD_COLUMNS,
  CARD_DATA_PATH,
  CardCsvError,
  DEFAULT_CARD_ROWS,
  DEFAULT_CARD_SEED,
  formatPythonFloat,
  fraudProbability,
  generateCardTransactions,
  parseCardCsv,
  toCardCsv,
  type CardColumn,
  type CardDataOptions,
  type CardTransaction,
} from './synthetic-card-data';

/** The StandardScaler fitted on the training split, and its JSON file. */
export { SCALER_JSON_PATH, fitScaler, parseScalerJson, scaleRow, scaleRows, scalerToJson, type StandardScaler } from './scaler';

/** Dense networks and their FP32 forward pass. */
export { forward, type Activation, type DenseLayer, type DenseNetwork } from './network';

/** Training as 1_experiment_train.ipynb does it, and the tutorial's sample transactions. */
export {
  FRAUD_FEATURES,
  FRAUD_THRESHOLD,
  MODEL_ONNX_PATH,
  TUTORIAL_TRANSACTIONS,
  evaluate,
  fraudFeatures,
  predictFraud,
  splitCardTransactions,
  trainFraudModel,
  type CardSplits,
  type ClassificationMetrics,
  type EpochLog,
  type TrainOptions,
  type TrainingResult,
} from './train';

/** The notebook as one call. */
export { runTutorialTraining, trainingLog, type TutorialTrainingOutput } from './tutorial';

/** ONNX: the model written with onnx-proto, loaded and run by ONNX Runtime. */
export {
  ONNX_IR_VERSION,
  ONNX_OPSET,
  encodeModel,
  floatTensor,
  intAttribute,
  tensorInfo,
  writeOnnxModel,
  type OnnxWriteOptions,
} from './onnx-model';
export { OnnxLoadError, OnnxSession, ortType, v2TensorMetadata, type OnnxTensor, type TensorInfo } from './onnx-session';
