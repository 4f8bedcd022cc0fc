// Training as the tutorial's 1_experiment_train.ipynb does it (rh-aiservices-bu/fraud-detection):
//   X = Data.drop(columns = ['repeat_retailer','distance_from_home', 'fraud']); y = Data['fraud']
//   test split: the last 20% of the rows, unshuffled (train_test_split(..., shuffle = False))
//   validation split: 20% of the rest, stratified by class
//   StandardScaler fitted on the training split only; balanced class weights
//   Dense(32, relu) → Dense(32, relu) → Dense(32, relu) → Dense(1, sigmoid) (dense … dense_3)
//   binary cross-entropy, Adam (lr 0.001, Keras' defaults), batch size 32
// Differences, to keep training to about a second on one core: the tutorial's two
// BatchNormalization layers and three Dropout(0.2) layers are left out (at inference they are an
// affine map and the identity, so the exported graph has the same shape), and the network sees more
// epochs over far fewer rows (the synthetic file has 20 000 rows, the real one 1 000 000).
import { type DenseLayer, type DenseNetwork, forward } from './network';
import { seededRandom, type Random } from './random';
import { fitScaler, scaleRows, type StandardScaler } from './scaler';
import { CARD_COLUMNS, type CardTransaction } from './synthetic-card-data';
import { dataDigest, memoizedTraining } from './training-cache';

/** The model's five inputs, in the tutorial's order (the CSV's columns without the dropped three). */
export const FRAUD_FEATURES = [
  'distance_from_last_transaction',
  'ratio_to_median_purchase_price',
  'used_chip',
  'used_pin_number',
  'online_order',
] as const;

/** The tutorial's rule in its REST notebooks: fraud when the model's output is above 0.95. */
export const FRAUD_THRESHOLD = 0.95;

/** The transactions of the tutorial's notebooks (raw FRAUD_FEATURES values) and what the model must say. */
export const TUTORIAL_TRANSACTIONS = {
  /** 1_experiment_train.ipynb and the REST notebooks: "Is Sally's transaction likely to be fraudulent?" */
  sally: { raw: [0.3111400080477545, 1.9459399775518593, 1.0, 0.0, 0.0], fraud: false },
  /** A coffee bought with chip and PIN in a shop. */
  coffee: { raw: [0.0, 1.0, 1.0, 1.0, 0.0], fraud: false },
  /** Far from the last transaction, online, no chip, no PIN. */
  stolenCard: { raw: [100, 1.2, 0.0, 0.0, 1.0], fraud: true },
} as const;

/** Where the tutorial's training writes the model, relative to the repository root. */
export const MODEL_ONNX_PATH = 'models/fraud/1/model.onnx';

export interface TrainOptions {
  /** Seed of weight initialisation, validation split and batch order (default 42). */
  seed?: number;
  /** Units of the hidden relu layers (default [32, 32, 32], the tutorial's). */
  hiddenUnits?: number[];
  /** Passes over the training split (default 6). */
  epochs?: number;
  /** Rows per gradient step (default 32, Keras' default). */
  batchSize?: number;
  /** Adam's learning rate (default 0.001, Keras' default). */
  learningRate?: number;
  /** Share of the rows, taken from the end, kept for the test split (default 0.2). */
  testFraction?: number;
  /** Share of the remaining rows kept for validation, stratified (default 0.2). */
  validationFraction?: number;
  /** Weigh each class by n / (2 · n_class) as sklearn's compute_class_weight('balanced') (default true). */
  classWeights?: boolean;
  /** Threshold of the reported test metrics (default FRAUD_THRESHOLD). */
  threshold?: number;
}

/** A binary classifier's results on labelled rows at one threshold. */
export interface ClassificationMetrics {
  threshold: number;
  rows: number;
  accuracy: number;
  /** Of the rows called fraud, the share that are (0 when none is called fraud). */
  precision: number;
  /** Of the fraud rows, the share called fraud (0 when there is no fraud). */
  recall: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

/** What Keras prints after each epoch (accuracy at 0.5, as Keras' binary accuracy). */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

export interface TrainingResult {
  /** The trained network: input `dense_input` [-1, 5], output `dense_3` [-1, 1]; expects scaled inputs. */
  network: DenseNetwork;
  /** The StandardScaler fitted on the training split (save as artifact/scaler.json). */
  scaler: StandardScaler;
  /** Weights of class 0 and class 1. */
  classWeights: [number, number];
  history: EpochLog[];
  /** Metrics on the test split at options.threshold. */
  test: ClassificationMetrics;
  split: { train: number; validation: number; test: number };
  /** Wall-clock time of the gradient descent, in milliseconds. */
  trainingMillis: number;
}

/** The model's five inputs of one transaction, in FRAUD_FEATURES order. */
export function fraudFeatures(row: CardTransaction): number[] {
  return FRAUD_FEATURES.map((f) => row[f]);
}

/** Fraud probabilities of raw (unscaled) transactions given as FRAUD_FEATURES rows. */
export function predictFraud(network: DenseNetwork, scaler: StandardScaler, rawRows: readonly (readonly number[])[]): number[] {
  return Array.from(forward(network, scaleRows(scaler, rawRows)));
}

/** Accuracy, precision and recall of the model on labelled transactions at `threshold`. */
export function evaluate(
  network: DenseNetwork,
  scaler: StandardScaler,
  rows: readonly CardTransaction[],
  threshold = FRAUD_THRESHOLD,
): ClassificationMetrics {
  const p = predictFraud(network, scaler, rows.map(fraudFeatures));
  return metricsOf(
    p,
    rows.map((r) => r.fraud),
    threshold,
  );
}

function metricsOf(probabilities: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): ClassificationMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const called = probabilities[i] > threshold;
    if (labels[i] === 1) {
      if (called) tp++;
      else fn++;
    } else if (called) fp++;
    else tn++;
  }
  const rows = labels.length;
  return {
    threshold,
    rows,
    accuracy: rows > 0 ? (tp + tn) / rows : 0,
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : 0,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
  };
}

/** Keras-style layer names: dense, dense_1, dense_2, ... */
function layerName(i: number): string {
  return i === 0 ? 'dense' : `dense_${i}`;
}

/** A layer's float64 parameters and Adam's moments while training. */
interface TrainableLayer {
  inputSize: number;
  units: number;
  relu: boolean;
  w: Float64Array;
  b: Float64Array;
  gw: Float64Array;
  gb: Float64Array;
  mw: Float64Array;
  vw: Float64Array;
  mb: Float64Array;
  vb: Float64Array;
  /** Activations and their gradients of one batch: batchSize × units. */
  out: Float64Array;
  delta: Float64Array;
}

function glorotLayer(random: Random, inputSize: number, units: number, relu: boolean, batchSize: number): TrainableLayer {
  // Keras' default initialisers: glorot_uniform kernel, zero bias.
  const limit = Math.sqrt(6 / (inputSize + units));
  const w = new Float64Array(inputSize * units);
  for (let i = 0; i < w.length; i++) w[i] = (random.next() * 2 - 1) * limit;
  const zeros = (n: number) => new Float64Array(n);
  return {
    inputSize,
    units,
    relu,
    w,
    b: zeros(units),
    gw: zeros(w.length),
    gb: zeros(units),
    mw: zeros(w.length),
    vw: zeros(w.length),
    mb: zeros(units),
    vb: zeros(units),
    out: zeros(batchSize * units),
    delta: zeros(batchSize * units),
  };
}

/** Forward pass of one batch (input: count × width, row-major) through the layers. */
function forwardBatch(layers: TrainableLayer[], batchInput: Float64Array, width: number, count: number): void {
  let input = batchInput;
  let inputWidth = width;
  for (const layer of layers) {
    const { w, b, out, units, relu } = layer;
    for (let r = 0; r < count; r++) {
      const inBase = r * inputWidth;
      const outBase = r * units;
      for (let j = 0; j < units; j++) out[outBase + j] = b[j];
      for (let i = 0; i < inputWidth; i++) {
        const a = input[inBase + i];
        if (a === 0) continue;
        const wBase = i * units;
        for (let j = 0; j < units; j++) out[outBase + j] += a * w[wBase + j];
      }
      for (let j = 0; j < units; j++) {
        const z = out[outBase + j];
        out[outBase + j] = relu ? (z > 0 ? z : 0) : 1 / (1 + Math.exp(-z));
      }
    }
    input = out;
    inputWidth = units;
  }
}

/** Gradients of one layer's parameters, and the delta of the layer below when there is one. */
function backwardLayer(layer: TrainableLayer, input: Float64Array, below: TrainableLayer | undefined, count: number): void {
  const { units, delta, w, gw, gb, inputSize } = layer;
  gw.fill(0);
  gb.fill(0);
  for (let r = 0; r < count; r++) {
    const dBase = r * units;
    const inBase = r * inputSize;
    for (let j = 0; j < units; j++) gb[j] += delta[dBase + j];
    for (let i = 0; i < inputSize; i++) {
      const a = input[inBase + i];
      if (a === 0) continue;
      const gBase = i * units;
      for (let j = 0; j < units; j++) gw[gBase + j] += a * delta[dBase + j];
    }
  }
  if (!below) return;
  // delta of the layer below: (delta · Wᵀ) ⊙ relu'(its pre-activation); relu(z) > 0 exactly when z > 0.
  const belowOut = below.out;
  const belowDelta = below.delta;
  for (let r = 0; r < count; r++) {
    const dBase = r * units;
    const inBase = r * inputSize;
    for (let i = 0; i < inputSize; i++) {
      if (belowOut[inBase + i] <= 0) {
        belowDelta[inBase + i] = 0;
        continue;
      }
      let s = 0;
      const wBase = i * units;
      for (let j = 0; j < units; j++) s += w[wBase + j] * delta[dBase + j];
      belowDelta[inBase + i] = s;
    }
  }
}

const EPSILON = 1e-7; // Keras' backend epsilon: clips probabilities in the loss and Adam's denominator.

function bce(p: number, y: number): number {
  const q = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** The notebook's three splits of the rows. */
export interface CardSplits {
  train: CardTransaction[];
  validation: CardTransaction[];
  test: CardTransaction[];
}

/** The splits from a random stream: the last rows for testing, a stratified validation split, the training rows shuffled. */
function splitWith(random: Random, rows: readonly CardTransaction[], testFraction: number, validationFraction: number): CardSplits {
  if (!(testFraction > 0 && testFraction < 1) || !(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`testFraction must be in (0, 1) and validationFraction in [0, 1), got ${testFraction} and ${validationFraction}`);
  }
  const testCount = Math.ceil(rows.length * testFraction);
  const trainAndValidation = rows.slice(0, rows.length - testCount);
  const byClass = [0, 1].map((c) => random.shuffle(trainAndValidation.filter((r) => r.fraud === c)));
  const validation: CardTransaction[] = [];
  const train: CardTransaction[] = [];
  for (const members of byClass) {
    const v = Math.round(members.length * validationFraction);
    validation.push(...members.slice(0, v));
    train.push(...members.slice(v));
  }
  random.shuffle(train);
  return { train, validation, test: rows.slice(rows.length - testCount) };
}

/**
 * The splits trainFraudModel makes for the same seed and fractions, row for row and in the same
 * order: for a notebook cell that prepares the data (and fits the scaler) before the training cell.
 */
export function splitCardTransactions(
  rows: readonly CardTransaction[],
  options: Pick<TrainOptions, 'seed' | 'testFraction' | 'validationFraction'> = {},
): CardSplits {
  return splitWith(seededRandom(options.seed ?? 42), rows, options.testFraction ?? 0.2, options.validationFraction ?? 0.2);
}

/**
 * Trains the tutorial's fraud model on card transactions (deterministic for a given seed) and
 * reports its metrics on the test split. Throws a RangeError for data it cannot learn from.
 */
export function trainFraudModel(rows: readonly CardTransaction[], options: TrainOptions = {}): TrainingResult {
  return memoizedTraining(rowsDigest(rows), options, () => gradientDescent(rows, options));
}

/** The rows' values, row by row in CARD_COLUMNS order, digested (their JSON would cost a second per 20 000 rows). */
export function rowsDigest(rows: readonly CardTransaction[]): string {
  const values = new Float64Array(rows.length * CARD_COLUMNS.length);
  rows.forEach((row, r) => CARD_COLUMNS.forEach((column, c) => (values[r * CARD_COLUMNS.length + c] = row[column])));
  return dataDigest('rows', values);
}

function gradientDescent(rows: readonly CardTransaction[], options: TrainOptions): TrainingResult {
  const seed = options.seed ?? 42;
  const hiddenUnits = options.hiddenUnits ?? [32, 32, 32];
  const epochs = options.epochs ?? 6;
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 0.001;
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0.2;
  const threshold = options.threshold ?? FRAUD_THRESHOLD;
  for (const [name, value] of Object.entries({ epochs, batchSize }) as [string, number][]) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  if (hiddenUnits.some((u) => !Number.isInteger(u) || u < 1))
    throw new RangeError(`hiddenUnits must be positive integers, got ${hiddenUnits.join(', ')}`);
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${learningRate}`);

  const random = seededRandom(seed);
  const { train: trainRows, validation: validationRows, test: testRows } = splitWith(random, rows, testFraction, validationFraction);
  const positives = trainRows.filter((r) => r.fraud === 1).length;
  const negatives = trainRows.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(
      `the training split (${trainRows.length} of ${rows.length} rows) needs both fraud and non-fraud transactions, it has ${positives} fraud and ${negatives} not`,
    );
  }

  const trainRaw = trainRows.map(fraudFeatures);
  const scaler = fitScaler(trainRaw, FRAUD_FEATURES);
  const width = FRAUD_FEATURES.length;
  const x = Float64Array.from(scaleRows(scaler, trainRaw).flat());
  const y = Float64Array.from(trainRows, (r) => r.fraud);
  const classWeights: [number, number] =
    options.classWeights === false ? [1, 1] : [trainRows.length / (2 * negatives), trainRows.length / (2 * positives)];
  const sampleWeight = Float64Array.from(y, (label) => classWeights[label]);
  const validationX = Float32Array.from(scaleRows(scaler, validationRows.map(fraudFeatures)).flat());
  const validationY = Float64Array.from(validationRows, (r) => r.fraud);

  const sizes = [width, ...hiddenUnits, 1];
  const layers = sizes.slice(1).map((units, l) => glorotLayer(random, sizes[l], units, l < hiddenUnits.length, batchSize));

  const started = performance.now();
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  const order = Int32Array.from(trainRows, (_, i) => i);
  const batchInput = new Float64Array(batchSize * width);
  const history: EpochLog[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    random.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const count = Math.min(batchSize, order.length - start);
      for (let r = 0; r < count; r++) {
        const from = order[start + r] * width;
        for (let c = 0; c < width; c++) batchInput[r * width + c] = x[from + c];
      }
      forwardBatch(layers, batchInput, width, count);
      // Loss: mean over the batch of weight · BCE (Keras' sum-over-batch-size reduction).
      const top = layers[layers.length - 1];
      for (let r = 0; r < count; r++) {
        const row = order[start + r];
        const p = top.out[r];
        lossSum += sampleWeight[row] * bce(p, y[row]);
        if ((p > 0.5 ? 1 : 0) === y[row]) correct++;
        top.delta[r] = (sampleWeight[row] * (p - y[row])) / count;
      }
      for (let l = layers.length - 1; l >= 0; l--) {
        backwardLayer(layers[l], l > 0 ? layers[l - 1].out : batchInput, l > 0 ? layers[l - 1] : undefined, count);
      }
      // Adam, as Keras applies it.
      step++;
      const rate = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (const layer of layers) {
        adam(layer.w, layer.gw, layer.mw, layer.vw, rate, beta1, beta2);
        adam(layer.b, layer.gb, layer.mb, layer.vb, rate, beta1, beta2);
      }
    }
    const validation = validationLoss(toNetwork(layers), validationX, validationY);
    history.push({
      epoch,
      loss: lossSum / order.length,
      accuracy: correct / order.length,
      val_loss: validation.loss,
      val_accuracy: validation.accuracy,
    });
  }
  const trainingMillis = performance.now() - started;

  const network = toNetwork(layers);
  return {
    network,
    scaler,
    classWeights,
    history,
    test: evaluate(network, scaler, testRows, threshold),
    split: { train: trainRows.length, validation: validationRows.length, test: testRows.length },
    trainingMillis,
  };
}

function adam(param: Float64Array, grad: Float64Array, m: Float64Array, v: Float64Array, rate: number, beta1: number, beta2: number): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] -= (rate * m[i]) / (Math.sqrt(v[i]) + EPSILON);
  }
}

/** The trained float64 parameters as the FP32 network the model file holds. */
function toNetwork(layers: TrainableLayer[]): DenseNetwork {
  const dense: DenseLayer[] = layers.map((layer, i) => ({
    name: layerName(i),
    inputSize: layer.inputSize,
    units: layer.units,
    kernel: Float32Array.from(layer.w),
    bias: Float32Array.from(layer.b),
    activation: layer.relu ? 'relu' : 'sigmoid',
  }));
  return { inputName: `${dense[0].name}_input`, outputName: dense[dense.length - 1].name, inputSize: layers[0].inputSize, layers: dense };
}

/** Keras' val_loss and val_accuracy (class weights apply to training only) on scaled inputs. */
function validationLoss(network: DenseNetwork, x: Float32Array, y: Float64Array) {
  if (y.length === 0) return { loss: NaN, accuracy: NaN };
  const p = forward(network, x);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    loss += bce(p[i], y[i]);
    if ((p[i] > 0.5 ? 1 : 0) === y[i]) correct++;
  }
  return { loss: loss / y.length, accuracy: correct / y.length };
}
