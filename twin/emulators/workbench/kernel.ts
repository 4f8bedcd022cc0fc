// The twin's Python kernel for the fraud-detection tutorial's notebooks. The twin runs no Python:
// this kernel knows the cells of the tutorial's notebooks (tutorial-notebooks.ts) — installing
// packages, imports, loading the CSV, splitting and scaling, building, training and exporting the
// model, checking it with an ONNX runtime, connecting to S3 from the data connection's variables,
// listing and uploading — recognises each cell by what its statements say, reads the parameters the
// cell gives (paths, column names, split sizes, epochs, variable names, environment variables) and
// does what the cell does with the twin's ML library (twin/emulators/ml) and the cluster network.
// Order matters as in Python: a cell that uses a name no earlier cell defined fails with NameError.
// A cell it does not recognise fails with NotImplementedError naming its first line: the twin never
// pretends to have run code it did not understand.
import * as path from 'node:path';
import { forward } from '../ml/network';
import { writeOnnxModel } from '../ml/onnx-model';
import { OnnxSession } from '../ml/onnx-session';
import { fitScaler, scalerToJson, scaleRows, type StandardScaler } from '../ml/scaler';
import { CARD_COLUMNS, CardCsvError, parseCardCsv, type CardTransaction } from '../ml/synthetic-card-data';
import { FRAUD_FEATURES, fraudFeatures, splitCardTransactions, trainFraudModel, type TrainingResult } from '../ml/train';
import type { ClusterNetwork } from '../../network/cluster-network';
import type { CommandContext } from '../types';
import type { PodFilesystem } from '../volumes';
import type { WorkbenchImage } from './images';
import { BotocoreError, PodBucket } from './pod-s3';

/** What a cell printed or returned, as nbformat 4 outputs. */
export type CellOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'execute_result'; execution_count: number; data: { 'text/plain': string }; metadata: Record<string, never> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** An exception raised by a cell, as Python names and words it. */
export class PythonException extends Error {
  constructor(
    readonly ename: string,
    readonly evalue: string,
    /** The 1-based line of the cell that raised, when known. */
    readonly line?: number,
  ) {
    super(`${ename}: ${evalue}`);
  }
}

export interface KernelHost {
  image: WorkbenchImage;
  env: Record<string, string>;
  /** The kernel's working directory (the notebook's directory, as nbconvert sets it). */
  cwd: string;
  fs: PodFilesystem;
  namespace: string;
  network: ClusterNetwork;
  /** Runs a shell command of the container (for `!` lines). */
  run: CommandContext['run'];
  signal: AbortSignal;
  /** Faults of the twin that act inside the kernel. */
  faults: { has(name: string): boolean };
}

/** The fault under which tf2onnx cannot convert the model. */
export const TRAINING_FAULT = 'tutorial-training-writes-no-model';

const STDLIB = new Set([
  'os',
  'sys',
  'json',
  'time',
  'pickle',
  'datetime',
  'pathlib',
  'math',
  'random',
  're',
  'io',
  'shutil',
  'subprocess',
  'typing',
  'collections',
  'itertools',
  'functools',
  'glob',
  'warnings',
  'logging',
]);

/** Frames and series of the kernel: card rows, a subset of their columns. */
interface Frame {
  kind: 'frame';
  rows: CardTransaction[];
  columns: string[];
}

interface Prepared {
  features: string[];
  label: string;
  testFraction: number;
  validationFraction: number;
  rows: CardTransaction[];
  scaler: StandardScaler;
  testRows: CardTransaction[];
}

interface ModelSpec {
  hiddenUnits: number[];
  compiled: boolean;
  trained?: TrainingResult;
}

type Value =
  | { kind: 'module'; module: string }
  | Frame
  | { kind: 'prepared' }
  | { kind: 'model' }
  | { kind: 'proto' }
  | { kind: 'bucket'; bucket: PodBucket }
  | { kind: 'function'; name: string }
  | { kind: 'other' };

export class TutorialKernel {
  executionCount = 0;
  private readonly names = new Map<string, Value>();
  private prepared?: Prepared;
  private model?: ModelSpec;
  private proto?: Uint8Array;
  private bucket?: PodBucket;
  private functions = { upload: '', list: '' };

  constructor(private readonly host: KernelHost) {}

  shutdown(): void {
    this.bucket?.destroy();
  }

  /** Runs one code cell; resolves with its outputs (an error output when it raised). */
  async execute(source: string): Promise<{ outputs: CellOutput[]; error?: PythonException }> {
    this.executionCount += 1;
    const outputs: CellOutput[] = [];
    const print = (text: string) => {
      const last = outputs[outputs.length - 1];
      if (last?.output_type === 'stream' && last.name === 'stdout') last.text += text;
      else outputs.push({ output_type: 'stream', name: 'stdout', text });
    };
    try {
      const result = await this.run(source, print, (text) => outputs.push({ output_type: 'stream', name: 'stderr', text }));
      if (result !== undefined)
        outputs.push({ output_type: 'execute_result', execution_count: this.executionCount, data: { 'text/plain': result }, metadata: {} });
      return { outputs };
    } catch (e) {
      const error =
        e instanceof PythonException ? e : new PythonException('RuntimeError', `the twin's kernel failed: ${(e as Error).message}`);
      outputs.push({
        output_type: 'error',
        ename: error.ename,
        evalue: error.evalue,
        traceback: traceback(error, source, this.executionCount),
      });
      return { outputs, error };
    }
  }

  private async run(source: string, print: (s: string) => void, printErr: (s: string) => void): Promise<string | undefined> {
    const lines = statements(source);
    if (!lines.length) return undefined;
    if (lines.every((l) => l.text.startsWith('!'))) {
      for (const l of lines) await this.shell(l.text.slice(1), print, printErr);
      return undefined;
    }
    // Leading imports, then what the cell is about.
    let i = 0;
    while (i < lines.length && isImport(lines[i].text)) this.importLine(lines[i++]);
    const rest = lines.slice(i);
    if (!rest.length) return undefined;
    const text = rest.map((l) => l.text).join('\n');
    for (const recipe of this.recipes()) {
      const m = recipe.match(text);
      if (m) return recipe.run(m, rest, print);
    }
    throw new PythonException(
      'NotImplementedError',
      `the twin's kernel runs only the fraud-detection tutorial's cells; it does not know this one (it starts with: ${rest[0].text.slice(0, 120)})`,
      rest[0].line,
    );
  }

  // ---- ! lines and imports ----

  private async shell(command: string, print: (s: string) => void, printErr: (s: string) => void): Promise<void> {
    const argv = command.trim().split(/\s+/).filter(Boolean);
    await this.host.run(argv, {
      stdout: (c) => print(c.toString()),
      stderr: (c) => printErr(c.toString()),
      stdin: async () => Buffer.alloc(0),
      cwd: this.host.cwd,
      env: this.host.env,
    });
  }

  private importLine(line: Statement): void {
    const text = line.text;
    const from = /^from\s+([\w.]+)\s+import\s+(.+)$/.exec(text);
    const plain = /^import\s+(.+)$/.exec(text);
    if (from) {
      this.requireModule(from[1], line.line);
      for (const part of from[2].replace(/[()]/g, '').split(',')) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        if (name) this.names.set(alias ?? name, { kind: 'module', module: `${from[1]}.${name}` });
      }
      return;
    }
    for (const part of plain![1].split(',')) {
      const [module, alias] = part.trim().split(/\s+as\s+/);
      this.requireModule(module, line.line);
      this.names.set(alias ?? module.split('.')[0], { kind: 'module', module });
    }
  }

  private requireModule(module: string, line: number): void {
    const root = module.split('.')[0];
    if (STDLIB.has(root)) return;
    if (!(root in this.host.image.packages)) throw new PythonException('ModuleNotFoundError', `No module named '${root}'`, line);
  }

  private need(name: string, kind: Value['kind'] | 'module:numpy' | 'module:pandas'): Value {
    const v = this.names.get(name);
    if (!v) throw new PythonException('NameError', `name '${name}' is not defined`);
    if (kind.startsWith('module:') && !(v.kind === 'module' && v.module.split('.')[0] === kind.slice(7)))
      throw new PythonException('NameError', `name '${name}' is not defined`);
    return v;
  }

  // ---- the cells the kernel knows ----

  private recipes(): Recipe[] {
    return [
      { name: 'print', match: (t) => /^print\((['"])(.*)\1\)$/.exec(t), run: (m, _l, print) => void print(`${m[2]}\n`) },
      {
        name: 'load the CSV',
        match: (t) => /^(\w+)\s*=\s*(\w+)\.read_csv\(\s*(['"])(.+?)\3\s*\)(?:\n\1\.head\(\))?$/.exec(t),
        run: (m) => this.loadCsv(m[1], m[2], m[4], m[0].includes('.head()')),
      },
      {
        name: 'prepare the data',
        match: (t) => (/\.drop\(columns\s*=/.test(t) && /train_test_split\(/.test(t) && /StandardScaler\(\)/.test(t) ? [t] : null),
        run: (m) => this.prepare(m[0]),
      },
      {
        name: 'build the model',
        match: (t) => (/^(\w+)\s*=\s*Sequential\(\)/.test(t) ? [t] : null),
        run: (m, _l, print) => this.build(m[0], print),
      },
      { name: 'train', match: (t) => (/\.fit\(/.test(t) ? [t] : null), run: (m, _l, print) => this.train(m[0], print) },
      { name: 'export to ONNX', match: (t) => (/tf2onnx\.convert\.from_keras\(/.test(t) ? [t] : null), run: (m) => this.exportOnnx(m[0]) },
      {
        name: 'check the model',
        match: (t) => (/InferenceSession\(/.test(t) ? [t] : null),
        run: (m, _l, print) => this.check(m[0], print),
      },
      {
        name: 'connect to S3',
        match: (t) => (/os\.environ\.get\(/.test(t) && /boto3\.session\.Session\(/.test(t) ? [t] : null),
        run: (m) => this.connect(m[0]),
      },
      {
        name: 'list objects',
        match: (t) => /^(\w+)\(\s*(['"])([^'"]*)\2\s*\)$/.exec(t),
        run: (m, _l, print) => this.callFunction(m[1], [m[3]], print),
      },
      {
        name: 'upload',
        match: (t) => (/os\.path\.isdir\(/.test(t) && /=\s*\w+\(\s*['"][^'"]+['"]\s*,\s*['"][^'"]*['"]\s*\)/.test(t) ? [t] : null),
        run: (m, _l, print) => this.uploadCell(m[0], print),
      },
    ];
  }

  private async loadCsv(variable: string, pandas: string, file: string, head: boolean): Promise<string | undefined> {
    this.need(pandas, 'module:pandas');
    let text: string;
    try {
      text = (await this.host.fs.readFile(file, this.host.cwd)).toString('utf8');
    } catch {
      throw new PythonException('FileNotFoundError', `[Errno 2] No such file or directory: '${file}'`, 1);
    }
    let rows: CardTransaction[];
    try {
      rows = parseCardCsv(text, file);
    } catch (e) {
      if (e instanceof CardCsvError) throw new PythonException('pandas.errors.ParserError', e.message, 1);
      throw e;
    }
    this.names.set(variable, { kind: 'frame', rows, columns: [...CARD_COLUMNS] });
    return head ? headTable(rows.slice(0, 5)) : undefined;
  }

  private async prepare(text: string): Promise<undefined> {
    checkLines(
      text,
      [
        /^\w+\s*=\s*\w+\.drop\(columns\s*=\s*\[[^\]]*\]\)$/,
        /^\w+\s*=\s*\w+\[\s*(['"])\w+\1\s*\]$/,
        /^\w+\s*,\s*\w+\s*,\s*\w+\s*,\s*\w+\s*=\s*train_test_split\(.*\)$/,
        /^scaler\s*=\s*StandardScaler\(\)$/,
        /^\w+\s*=\s*scaler\.fit_transform\(\w+\.values\)$/,
        /^Path\((['"])[^'"]+\1\)\.mkdir\(.*\)$/,
        /^with open\(.*\)\s*as\s+\w+:$/,
        /^ {4}json\.dump\(.*\)$/,
        /^class_weights\s*=\s*.+$/,
      ],
      'while preparing the data',
    );
    const drop = /^(\w+)\s*=\s*(\w+)\.drop\(columns\s*=\s*\[([^\]]*)\]\)$/m.exec(text);
    const label = /^(\w+)\s*=\s*(\w+)\[\s*(['"])(\w+)\3\s*\]$/m.exec(text);
    const test = /train_test_split\(\s*\w+\s*,\s*\w+\s*,\s*test_size\s*=\s*([\d.]+)\s*,\s*shuffle\s*=\s*False\s*\)/.exec(text);
    const validation = /train_test_split\(\s*\w+\s*,\s*\w+\s*,\s*test_size\s*=\s*([\d.]+)\s*,\s*stratify\s*=\s*\w+\s*\)/.exec(text);
    if (!drop || !label || !test || !validation) {
      throw new NotImplemented(
        "the twin's kernel prepares the data as the tutorial does (X = Data.drop(columns=[...]), y = Data['fraud'], an unshuffled test split, then a stratified validation split); this cell does it differently",
      );
    }
    const frame = this.need(drop[2], 'frame') as Frame;
    const dropped = [...drop[3].matchAll(/(['"])(\w+)\1/g)].map((x) => x[2]);
    const unknown = dropped.filter((c) => !frame.columns.includes(c));
    if (unknown.length) throw new PythonException('KeyError', `"[${unknown.map((c) => `'${c}'`).join(', ')}] not found in axis"`);
    const features = frame.columns.filter((c) => !dropped.includes(c));
    if (!frame.columns.includes(label[4])) throw new PythonException('KeyError', `'${label[4]}'`);
    if (features.join(',') !== FRAUD_FEATURES.join(',') || label[4] !== 'fraud') {
      throw new NotImplemented(
        `the twin trains the tutorial's model on its five inputs (${FRAUD_FEATURES.join(', ')}) to predict fraud; this cell keeps ${features.join(', ')} to predict ${label[4]}`,
      );
    }
    const testFraction = Number(test[1]);
    const validationFraction = Number(validation[1]);
    const split = splitCardTransactions(frame.rows, { testFraction, validationFraction });
    const scaler = fitScaler(split.train.map(fraudFeatures), FRAUD_FEATURES);
    this.prepared = { features, label: label[4], testFraction, validationFraction, rows: frame.rows, scaler, testRows: split.test };
    for (const name of ['X', 'y', 'X_train', 'X_test', 'y_train', 'y_test', 'X_val', 'y_val', 'scaler', 'class_weights'])
      this.names.set(name, { kind: 'prepared' });
    // Path(dir).mkdir(...), then the scaler written with open(file, "w") as the cell says.
    for (const mk of text.matchAll(/^Path\((['"])([^'"]+)\1\)\.mkdir\(.*\)$/gm))
      await this.host.fs.mkdir(mk[2], { cwd: this.host.cwd, recursive: true });
    const scalerFile = /^with open\(\s*(['"])([^'"]+)\1\s*,\s*(['"])w\3\s*\)\s*as\s+\w+:$/m.exec(text);
    if (scalerFile) await this.writeFile(scalerFile[2], scalerToJson(scaler));
    return undefined;
  }

  /** Writes a file the way Python's open(..., 'w') does: the directory must exist. */
  private async writeFile(file: string, data: string | Uint8Array): Promise<void> {
    const dir = path.posix.dirname(path.posix.resolve(this.host.cwd, file));
    const st = await this.host.fs.stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) throw new PythonException('FileNotFoundError', `[Errno 2] No such file or directory: '${file}'`);
    await this.host.fs.writeFile(file, Buffer.from(data), { cwd: this.host.cwd });
  }

  private build(text: string, print: (s: string) => void): undefined {
    const variable = /^(\w+)\s*=\s*Sequential\(\)/.exec(text)![1];
    this.need('Sequential', 'module');
    const units: number[] = [];
    for (const line of text.split('\n').slice(1)) {
      const add = new RegExp(`^${variable}\\.add\\((\\w+)\\((.*)\\)\\)$`).exec(line);
      if (add) {
        this.need(add[1], 'module');
        if (add[1] === 'Dense') units.push(Number(/^\s*(\d+)/.exec(add[2])?.[1] ?? NaN));
        else if (!['Dropout', 'BatchNormalization', 'Activation'].includes(add[1]))
          throw new NotImplemented(`the twin's model has Dense, Dropout, BatchNormalization and Activation layers, not ${add[1]}`);
        continue;
      }
      if (new RegExp(`^${variable}\\.compile\\(.*loss\\s*=\\s*['"]binary_crossentropy['"].*\\)$`).test(line)) continue;
      if (line === `${variable}.summary()`) continue;
      throw new NotImplemented(`the twin's kernel does not run "${line}" while building the model`);
    }
    if (units.some((u) => !Number.isInteger(u) || u < 1) || units[units.length - 1] !== 1)
      throw new NotImplemented(
        `the twin's model ends in one sigmoid unit after hidden Dense layers; this cell has Dense layers of ${units.join(', ')}`,
      );
    this.model = { hiddenUnits: units.slice(0, -1), compiled: true };
    this.names.set(variable, { kind: 'model' });
    print(modelSummary([...this.model.hiddenUnits, 1]));
    return undefined;
  }

  private async train(text: string, print: (s: string) => void): Promise<undefined> {
    checkLines(
      text,
      [/^\w+\s*=\s*time\.time\(\)$/, /^\w+\s*=\s*\d+$/, /^\w+\s*=\s*\w+\.fit\(.*\)$/, /^print\(f?(['"]).*\1\)$/],
      'while training',
    );
    const fit = /(\w+)\.fit\(/.exec(text)!;
    this.need(fit[1], 'model');
    const prepared = this.prepared;
    if (!prepared || !this.model) throw new PythonException('NameError', "name 'X_train' is not defined");
    const epochsText = /epochs\s*=\s*(\w+)/.exec(text.slice(fit.index))?.[1];
    const epochs =
      epochsText === undefined
        ? 1
        : /^\d+$/.test(epochsText)
          ? Number(epochsText)
          : Number(
              /^(\w+)\s*=\s*(\d+)$/m.exec(
                text.split('\n').find((l) => l.startsWith(`${epochsText} =`) || l.startsWith(`${epochsText}=`)) ?? '',
              )?.[2],
            );
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new PythonException('ValueError', `epochs must be a positive integer, got ${epochsText}`);
    const result = trainFraudModel(prepared.rows, {
      epochs,
      hiddenUnits: this.model.hiddenUnits,
      testFraction: prepared.testFraction,
      validationFraction: prepared.validationFraction,
    });
    const drift = Math.max(
      ...result.scaler.mean.map((m, i) => Math.abs(m - prepared.scaler.mean[i]) / Math.max(1, Math.abs(m))),
      ...result.scaler.scale.map((s, i) => Math.abs(s - prepared.scaler.scale[i]) / Math.max(1, s)),
    );
    if (drift > 1e-9) throw new Error(`the scaler the kernel saved differs from the one training fitted (relative difference ${drift})`);
    this.model.trained = result;
    const steps = Math.ceil(result.split.train / 32);
    for (const h of result.history) {
      print(
        `Epoch ${h.epoch}/${epochs}\n${steps}/${steps} [==============================] - 1s 2ms/step - loss: ${h.loss.toFixed(4)} - accuracy: ${h.accuracy.toFixed(4)} - val_loss: ${h.val_loss.toFixed(4)} - val_accuracy: ${h.val_accuracy.toFixed(4)}\n`,
      );
    }
    const end = text.includes('print(f"Training of model is complete')
      ? `Training of model is complete. Took ${(result.trainingMillis / 1000).toFixed(6)} seconds\n`
      : '';
    print(end);
    this.names.set('history', { kind: 'other' });
    return undefined;
  }

  private async exportOnnx(text: string): Promise<undefined> {
    const from = /^(\w+)\s*,\s*_\s*=\s*tf2onnx\.convert\.from_keras\((\w+)\)$/m.exec(text);
    if (!from) throw new NotImplemented('the twin converts the model with `model_proto, _ = tf2onnx.convert.from_keras(model)`');
    this.need('tf2onnx', 'module');
    this.need(from[2], 'model');
    if (!this.model?.trained)
      throw new PythonException(
        'ValueError',
        'the model has not been trained yet: run the training cell first (tf2onnx needs the fitted weights)',
      );
    if (this.host.faults.has(TRAINING_FAULT)) {
      throw new PythonException(
        'ValueError',
        `tf2onnx could not convert the Keras model: unsupported layer configuration (injected fault ${TRAINING_FAULT}); models/fraud/1/model.onnx was not written`,
        1,
      );
    }
    this.proto = writeOnnxModel(this.model.trained.network, {
      producerName: 'tf2onnx',
      producerVersion: this.host.image.packages.tf2onnx ?? '1.16.1',
    });
    this.names.set(from[1], { kind: 'proto' });
    for (const line of text.split('\n').slice(1)) {
      const mk = /^os\.makedirs\(\s*(['"])([^'"]+)\1\s*(?:,\s*exist_ok\s*=\s*True\s*)?\)$/.exec(line);
      const save = /^onnx\.save\(\s*(\w+)\s*,\s*(['"])([^'"]+)\2\s*\)$/.exec(line);
      if (mk) await this.host.fs.mkdir(mk[2], { cwd: this.host.cwd, recursive: true });
      else if (save) {
        this.need(save[1], 'proto');
        await this.writeFile(save[3], this.proto);
      } else throw new NotImplemented(`the twin's kernel does not run "${line}" while saving the model`);
    }
    return undefined;
  }

  private async check(text: string, print: (s: string) => void): Promise<undefined> {
    checkLines(
      text,
      [
        /^\w+\s*=\s*\w+\.InferenceSession\(.*\)$/,
        /^\w+\s*=\s*\w+\.get_(inputs|outputs)\(\)\[0\]\.name$/,
        /^\w+\s*=\s*\w+\.run\(.*\)(\[0\])?(\.squeeze\(\))?$/,
        /^\w+\s*=\s*\(\w+\s*>\s*[\d.]+\)\.astype\(int\)$/,
        /^print\(.*\)$/,
      ],
      'while checking the model',
    );
    const file = /InferenceSession\(\s*(['"])([^'"]+)\1/.exec(text)?.[2];
    if (!file || !this.prepared) throw new PythonException('NameError', "name 'scaler' is not defined");
    let bytes: Buffer;
    try {
      bytes = await this.host.fs.readFile(file, this.host.cwd);
    } catch {
      throw new PythonException(
        'onnxruntime.capi.onnxruntime_pybind11_state.NoSuchFile',
        `[ONNXRuntimeError] : 3 : NO_SUCHFILE : Load model from ${file} failed. File doesn't exist`,
      );
    }
    let session: OnnxSession;
    try {
      session = await OnnxSession.fromBytes(bytes);
    } catch (e) {
      throw new PythonException(
        'onnxruntime.capi.onnxruntime_pybind11_state.InvalidProtobuf',
        `[ONNXRuntimeError] : 7 : INVALID_PROTOBUF : Load model from ${file} failed: ${(e as Error).message}`,
      );
    }
    const threshold = Number(/>\s*([\d.]+)\)/.exec(text)?.[1] ?? /threshold\s*=\s*([\d.]+)/.exec(text)?.[1] ?? 0.5);
    const rows = this.prepared.testRows;
    const input = Float32Array.from(scaleRows(this.prepared.scaler, rows.map(fraudFeatures)).flat());
    const out = (await session.run({ [session.inputs[0].name]: { dims: [rows.length, FRAUD_FEATURES.length], data: input } }))[
      session.outputs[0].name
    ];
    const scores = Array.from(out.data, Number);
    let correct = 0;
    rows.forEach((r, i) => {
      if ((scores[i] > threshold ? 1 : 0) === r.fraud) correct++;
    });
    // The exported graph computes what the trained network computes.
    const direct = forward(
      this.model!.trained!.network,
      Array.from({ length: Math.min(rows.length, 50) }, (_, i) => Array.from(input.subarray(i * 5, i * 5 + 5))),
    );
    direct.forEach((v, i) => {
      if (Math.abs(v - scores[i]) > 1e-5)
        throw new Error(`the ONNX file's output ${scores[i]} differs from the trained network's ${v} for test row ${i}`);
    });
    print(`Accuracy: ${correct / rows.length}\n`);
    return undefined;
  }

  private connect(text: string): undefined {
    checkLines(
      text,
      [
        /^\w+\s*=\s*os\.environ\.get\(.*\)$/,
        /^if not all\(\[.*\]\):$/,
        /^ {4}raise ValueError\(.*\)$/,
        /^\w+\s*=\s*boto3\.session\.Session\(.*\)$/,
        /^\w+\s*=\s*\w+\.resource\(\s*(['"])s3\1.*\)$/,
        /^\w+\s*=\s*\w+\.Bucket\(\w+\)$/,
        /^def \w+\(.*\):$/,
        /^ {4,}\S/,
      ],
      'while connecting to S3',
    );
    this.need('os', 'module');
    this.need('boto3', 'module');
    const vars = new Map<string, string | undefined>();
    for (const m of text.matchAll(/^(\w+)\s*=\s*os\.environ\.get\(\s*(['"])(\w+)\2\s*\)$/gm))
      vars.set(m[1], this.host.env[m[3]] || undefined);
    const lineOf = (re: RegExp) => text.split('\n').find((l) => re.test(l)) ?? '';
    const sessionLine = lineOf(/boto3\.session\.Session\(/);
    const resourceLine = lineOf(/\.resource\(/);
    const all = /^if not all\(\[([^\]]*)\]\):\n\s*raise ValueError\((.*)\)$/m.exec(text);
    if (all) {
      const checked = all[1].split(',').map((s) => s.trim());
      if (checked.some((n) => !vars.get(n))) throw new PythonException('ValueError', pythonStringConcat(all[2]));
    }
    const kwarg = (line: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*(\\w+)`).exec(line)?.[1];
    const valueOf = (line: string, name: string) => {
      const v = kwarg(line, name);
      return v ? vars.get(v) : undefined;
    };
    const endpoint = valueOf(resourceLine, 'endpoint_url');
    const region = valueOf(resourceLine, 'region_name');
    const accessKey = valueOf(sessionLine, 'aws_access_key_id');
    const secretKey = valueOf(sessionLine, 'aws_secret_access_key');
    const bucketName = /(\w+)\s*=\s*\w+\.Bucket\(\s*(\w+)\s*\)/.exec(text);
    if (!endpoint || !accessKey || !secretKey || !bucketName)
      throw new PythonException('botocore.exceptions.NoCredentialsError', 'Unable to locate credentials');
    const bucket = vars.get(bucketName[2]);
    if (!bucket)
      throw new PythonException(
        'botocore.exceptions.ParamValidationError',
        'Parameter validation failed:\nInvalid bucket name "": Bucket name must match the regex "^[a-zA-Z0-9.\\-_]{1,255}$"',
      );
    this.pendingBucket = { name: bucketName[1], bucket, endpoint, region: region ?? 'us-east-1', accessKey, secretKey };
    for (const def of text.matchAll(/^def (\w+)\(([^)]*)\):$/gm)) {
      const body = text.slice(def.index! + def[0].length).split(/\n(?=\S)/)[0];
      if (/\.upload_file\(/.test(body)) this.functions.upload = def[1];
      else if (/\.objects\.filter\(Prefix\s*=/.test(body)) this.functions.list = def[1];
      this.names.set(def[1], { kind: 'function', name: def[1] });
    }
    return undefined;
  }

  private pendingBucket?: { name: string; bucket: string; endpoint: string; region: string; accessKey: string; secretKey: string };

  private async openBucket(): Promise<PodBucket> {
    if (this.bucket) return this.bucket;
    const b = this.pendingBucket;
    if (!b) throw new PythonException('NameError', "name 'bucket' is not defined");
    this.bucket = await PodBucket.open(b.bucket, {
      network: this.host.network,
      namespace: this.host.namespace,
      fs: this.host.fs,
      endpoint: b.endpoint,
      region: b.region,
      accessKeyId: b.accessKey,
      secretAccessKey: b.secretKey,
      caBundlePath: this.host.env.AWS_CA_BUNDLE || undefined,
    }).catch(rethrowBotocore);
    this.names.set(b.name, { kind: 'bucket', bucket: this.bucket });
    return this.bucket;
  }

  private async callFunction(name: string, args: string[], print: (s: string) => void): Promise<undefined> {
    this.need(name, 'function');
    if (name === this.functions.list) {
      const bucket = await this.openBucket();
      for (const key of await bucket.keys(args[0]).catch(rethrowBotocore)) print(`${key}\n`);
      return undefined;
    }
    throw new NotImplemented(`the twin's kernel calls ${this.functions.list || 'the listing function'} here, not ${name}`);
  }

  private async uploadCell(text: string, print: (s: string) => void): Promise<undefined> {
    checkLines(
      text,
      [/^if not os\.path\.isdir\(.*\):$/, /^ {4}raise ValueError\(.*\)$/, /^\w+\s*=\s*\w+\(.*\)$/, /^if \w+ == 0:$/],
      'while uploading',
    );
    const isdir = /if not os\.path\.isdir\(\s*(['"]?)([^'")]+)\1\s*\):\n\s*raise ValueError\(([\s\S]*?)\)$/m.exec(text);
    const call = /^(\w+)\s*=\s*(\w+)\(\s*(['"])([^'"]+)\3\s*,\s*(['"])([^'"]*)\5\s*\)$/m.exec(text);
    if (!call || call[2] !== this.functions.upload)
      throw new NotImplemented(
        `the twin's kernel uploads with ${this.functions.upload || 'the upload function of the connection cell'}(local_directory, prefix)`,
      );
    this.need(call[2], 'function');
    const local = call[4];
    const prefix = call[6];
    const st = await this.host.fs.stat(local, this.host.cwd).catch(() => undefined);
    if (!st?.isDirectory()) {
      if (isdir) throw new PythonException('ValueError', pythonStringConcat(isdir[3]));
      return undefined;
    }
    const bucket = await this.openBucket();
    let uploaded = 0;
    for (const file of await walk(this.host.fs, path.posix.resolve(this.host.cwd, local))) {
      const relative = path.posix.relative(path.posix.resolve(this.host.cwd, local), file);
      const shownPath = path.posix.join(local, relative);
      const key = path.posix.join(prefix, relative);
      print(`${shownPath} -> ${key}\n`);
      await bucket.upload(shownPath, key, await this.host.fs.readFile(file)).catch(rethrowBotocore);
      uploaded++;
    }
    const empty = /if (\w+) == 0:\n\s*raise ValueError\(([\s\S]*?)\)$/m.exec(text);
    if (uploaded === 0 && empty) throw new PythonException('ValueError', pythonStringConcat(empty[2]));
    return undefined;
  }
}

interface Recipe {
  name: string;
  match(text: string): RegExpExecArray | string[] | null;
  run(m: RegExpExecArray | string[], lines: Statement[], print: (s: string) => void): Promise<string | undefined> | string | undefined;
}

class NotImplemented extends PythonException {
  constructor(message: string) {
    super('NotImplementedError', message);
  }
}

function rethrowBotocore(e: unknown): never {
  if (e instanceof BotocoreError) throw new PythonException(e.pythonClass, e.message);
  throw e;
}

interface Statement {
  text: string;
  /** 1-based line in the cell where it starts. */
  line: number;
}

/**
 * The cell's logical lines: comments and blank lines dropped, lines inside open brackets or after a
 * backslash joined into one (continuations trimmed), the indentation of the first line kept.
 */
export function statements(source: string): Statement[] {
  const out: Statement[] = [];
  let buf: string | undefined;
  let start = 0;
  let depth = 0;
  source.split('\n').forEach((raw, i) => {
    const line = stripComment(raw).replace(/\s+$/, '');
    if (buf === undefined) {
      if (!line.trim()) return;
      buf = line;
      start = i + 1;
    } else buf += buf.endsWith('(') || buf.endsWith('[') || buf.endsWith('{') ? line.trim() : ` ${line.trim()}`;
    depth += bracketDelta(line);
    if (buf.endsWith('\\')) {
      buf = buf.slice(0, -1).trimEnd();
      return;
    }
    if (depth > 0) return;
    out.push({ text: buf, line: start });
    buf = undefined;
    depth = 0;
  });
  if (buf !== undefined) out.push({ text: buf, line: start });
  return out;
}

/** Every line matches one of the statements the kernel knows in this kind of cell. */
function checkLines(text: string, allowed: RegExp[], what: string): void {
  for (const line of text.split('\n')) {
    if (!allowed.some((r) => r.test(line))) throw new NotImplemented(`the twin's kernel does not run "${line.trim()}" (${what})`);
  }
}

/** Calls `visit` with each character of a Python line outside string literals and its index; stops when it returns true. */
function outsideStrings(line: string, visit: (ch: string, i: number) => boolean | void): void {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (visit(ch, i)) return;
  }
}

function stripComment(line: string): string {
  let end = line.length;
  outsideStrings(line, (ch, i) => ch === '#' && ((end = i), true));
  return line.slice(0, end);
}

function bracketDelta(line: string): number {
  let d = 0;
  outsideStrings(line, (ch) => {
    if ('([{'.includes(ch)) d++;
    else if (')]}'.includes(ch)) d--;
  });
  return d;
}

function isImport(text: string): boolean {
  return /^(import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+(\s+as\s+\w+)?)*|from\s+[\w.]+\s+import\s+.+)$/.test(text);
}

/** The value of adjacent Python string literals ("a " "b" → a b), f-strings with their names as written. */
function pythonStringConcat(args: string): string {
  return [...args.matchAll(/f?(["'])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2].replace(/\\(["'\\])/g, '$1')).join('');
}

async function walk(fs: PodFilesystem, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await fs.readdir(dir)) {
    const p = path.posix.join(dir, name);
    const st = await fs.stat(p);
    if (st.isDirectory()) files.push(...(await walk(fs, p)));
    else files.push(p);
  }
  return files;
}

/** pandas' DataFrame.head() as text/plain. */
function headTable(rows: CardTransaction[]): string {
  const cols = CARD_COLUMNS as readonly string[];
  const cell = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : v.toFixed(6));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c as keyof CardTransaction]).length)));
  const header = `   ${cols.map((c, i) => c.padStart(widths[i])).join('  ')}`;
  return [
    header,
    ...rows.map(
      (r, n) => `${String(n).padEnd(3)}${cols.map((c, i) => cell(r[c as keyof CardTransaction]).padStart(widths[i])).join('  ')}`,
    ),
  ].join('\n');
}

/** Keras' model.summary() for Dense layers (the twin's network has no Dropout or BatchNormalization layers to show). */
function modelSummary(units: number[]): string {
  let inputs: number = FRAUD_FEATURES.length;
  let total = 0;
  const rows = units.map((u, i) => {
    const params = inputs * u + u;
    total += params;
    inputs = u;
    return ` ${`${i === 0 ? 'dense' : `dense_${i}`} (Dense)`.padEnd(28)}(None, ${u})`.padEnd(54) + String(params);
  });
  const rule = '='.repeat(65);
  return [
    'Model: "sequential"',
    '_'.repeat(65),
    ' Layer (type)                Output Shape              Param #   ',
    rule,
    ...rows,
    rule,
    `Total params: ${total}`,
    `Trainable params: ${total}`,
    'Non-trainable params: 0',
    '_'.repeat(65),
    '',
  ].join('\n');
}

/** The traceback lines of an error output, as IPython formats them (ANSI colours left out). */
function traceback(error: PythonException, source: string, count: number): string[] {
  const lines = source.split('\n');
  const at = error.line ?? 1;
  const context = lines
    .slice(Math.max(0, at - 3), at)
    .map((l, i, all) => `${i === all.length - 1 ? '--->' : '    '} ${String(Math.max(0, at - 3) + i + 1).padStart(3)} ${l}`);
  return [
    '-'.repeat(75),
    `${error.ename.split('.').pop()!.padEnd(42)}Traceback (most recent call last)`,
    `Cell In[${count}], line ${at}`,
    ...context,
    '',
    `${error.ename.split('.').pop()}: ${error.evalue}`,
  ];
}
