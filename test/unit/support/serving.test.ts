import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { v2InferResponse, v2ModelMetadata, type Exchange } from '../../../support/serving/inference';
import { assertVerdicts, FRAUD_THRESHOLD, TUTORIAL_TRANSACTIONS, type Verdict } from '../../../support/serving/fraud-check';
import { modelProblem, parseFramework } from '../../../support/serving/models';
import { labelValue, parsePlatform } from '../../../support/serving/platform';
import { checkScaler, scale } from '../../../support/serving/scaler';
import { tokenObjectNames } from '../../../support/serving/token-auth';
import { greedyContinuation, tinyCaikitFiles, tinyModel, tinyModelFiles } from '../../../support/serving/tiny-llm';

const verdict = (label: string, probability: number): Verdict => ({ label, raw: [0, 0, 0, 0, 0], scaled: [0, 0, 0, 0, 0], probability });

const exchange = (status: number, body: unknown, json = true): Exchange<any> => ({
  method: 'POST',
  url: 'https://m.example/v2/models/fraud/infer',
  status,
  headers: {},
  body,
  json,
});

describe('serving: the fraud verdicts', () => {
  it('passes when the fraudulent transaction is above 0.95 and the legitimate one is not', () => {
    assert.doesNotThrow(() => assertVerdicts(verdict('coffee', 0.0001), verdict('stolen card', 0.999)));
    assert.doesNotThrow(() => assertVerdicts(verdict('coffee', FRAUD_THRESHOLD), verdict('stolen card', 0.951)));
  });
  it('fails, naming the threshold, when both land on the same side (a model that answers a constant)', () => {
    assert.throws(
      () => assertVerdicts(verdict('coffee', 0.5), verdict('stolen card', 0.5)),
      /both transactions land on the same side of 0\.95/,
    );
    assert.throws(() => assertVerdicts(verdict('coffee', 0.99), verdict('stolen card', 0.999)), /same side of 0\.95/);
  });
  it('fails when the sides are swapped', () => {
    assert.throws(() => assertVerdicts(verdict('coffee', 0.99), verdict('stolen card', 0.1)), /not called fraud/);
  });
  it("uses the tutorial's transactions in the model's feature order", () => {
    assert.deepEqual(TUTORIAL_TRANSACTIONS.legitimate.raw, [0, 1, 1, 1, 0]);
    assert.deepEqual(TUTORIAL_TRANSACTIONS.fraudulent.raw, [100, 1.2, 0, 0, 1]);
  });
});

describe('serving: the scaler', () => {
  it("scales as sklearn's StandardScaler.transform", () => {
    const s = checkScaler({ mean: [1, 2, 0, 0, 0], scale: [2, 4, 1, 1, 1] }, 'test');
    assert.deepEqual(scale(s, [3, 10, 1, 0, 1]), [1, 2, 1, 0, 1]);
  });
  it('refuses a scaler that is not five finite means and positive scales, naming the source', () => {
    assert.throws(
      () => checkScaler({ mean: [1, 2, 3], scale: [1, 1, 1] }, 'artifact/scaler.json'),
      /artifact\/scaler.json has no 5 finite means/,
    );
    assert.throws(() => checkScaler({ mean: [0, 0, 0, 0, 0], scale: [1, 1, 0, 1, 1] }, 'x'), /no 5 positive scales/);
    assert.throws(() => scale(checkScaler({ mean: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1] }, 'x'), [1, 2]), /5 features/);
  });
});

describe('serving: the v2 answers', () => {
  it('accepts an inference_response and refuses one that breaks the protocol', () => {
    const ok = { model_name: 'fraud', model_version: '1', outputs: [{ name: 'dense_3', shape: [1, 1], datatype: 'FP32', data: [0.2] }] };
    assert.equal(v2InferResponse(exchange(200, ok)).outputs[0]!.name, 'dense_3');
    assert.throws(() => v2InferResponse(exchange(401, '')), /answered HTTP 401/);
    assert.throws(() => v2InferResponse(exchange(200, 'hello', false)), /not JSON/);
    assert.throws(() => v2InferResponse(exchange(200, { outputs: ok.outputs })), /no model_name/);
    assert.throws(
      () => v2InferResponse(exchange(200, { model_name: 'f', outputs: [{ name: 'o', shape: [1, 2], datatype: 'FP32', data: [1] }] })),
      /shape \[1, 2\] but 1 values/,
    );
    assert.throws(
      () => v2InferResponse(exchange(200, { model_name: 'f', outputs: [{ name: 'o' }] })),
      /lacks name, shape, datatype or data/,
    );
  });
  it('accepts model metadata with name and platform only', () => {
    assert.equal(v2ModelMetadata(exchange(200, { name: 'fraud', platform: 'OpenVINO' })).platform, 'OpenVINO');
    assert.throws(() => v2ModelMetadata(exchange(200, { name: 'fraud' })), /lacks name or platform/);
  });
});

describe('serving: names and forms as the dashboard has them', () => {
  it('reads the framework list: "onnx - 1", and formats listed without a version', () => {
    assert.deepEqual(parseFramework('onnx - 1'), { name: 'onnx', version: '1' });
    assert.deepEqual(parseFramework('openvino_ir - opset13'), { name: 'openvino_ir', version: 'opset13' });
    assert.deepEqual(parseFramework('caikit'), { name: 'caikit' });
    assert.throws(() => parseFramework('onnx 1 2'), /is not "<format> - <version>"/);
  });
  it('names the token objects after the model (single-model) or the server (multi-model)', () => {
    assert.deepEqual(tokenObjectNames({ namespace: 'p', name: 'fraud', platform: 'single', runtime: 'fraud' }), {
      serviceAccount: 'fraud-sa',
      roleBinding: 'fraud-view',
      secret: 'default-name-fraud-sa',
    });
    assert.deepEqual(tokenObjectNames({ namespace: 'p', name: 'fraud', platform: 'multi', runtime: 'model-server' }, 'My Token'), {
      serviceAccount: 'model-server-sa',
      roleBinding: 'model-server-view',
      secret: 'my-token-model-server-sa',
    });
  });
  it('records the platform as the modelmesh-enabled label', () => {
    assert.equal(labelValue(parsePlatform('multi-model')), 'true');
    assert.equal(labelValue(parsePlatform('single-model')), 'false');
    assert.throws(() => parsePlatform('kserve'), /single-model or multi-model/);
  });
});

describe('serving: model states', () => {
  const isvc = (status: object) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'fraud', namespace: 'p' },
    status,
  });
  it("calls FailedToLoad and InvalidSpec terminal, with KServe's reason and message", () => {
    assert.match(
      modelProblem(
        isvc({
          modelStatus: {
            transitionStatus: 'BlockedByFailedLoad',
            states: { activeModelState: 'FailedToLoad' },
            lastFailureInfo: { reason: 'ModelLoadFailed', message: 'No model found in models/fraud.' },
          },
        }),
      )!,
      /ModelLoadFailed: No model found/,
    );
    assert.match(
      modelProblem(
        isvc({
          modelStatus: {
            transitionStatus: 'InvalidSpec',
            lastFailureInfo: { reason: 'NoSupportingRuntime', message: 'Specified runtime does not support specified framework/version' },
          },
        }),
      )!,
      /InvalidSpec, NoSupportingRuntime/,
    );
  });
  it('leaves a model that is still loading alone', () => {
    assert.equal(
      modelProblem(
        isvc({ modelStatus: { transitionStatus: 'InProgress', states: { activeModelState: '', targetModelState: 'Loading' } } }),
      ),
      undefined,
    );
    assert.equal(modelProblem(isvc({})), undefined);
  });
});

describe('serving: the tiny text-generation model', () => {
  it('is the same bytes every time, in the Hugging Face and Caikit layouts', () => {
    const a = tinyModelFiles();
    const b = tinyModelFiles();
    for (const k of Object.keys(a)) assert.ok(a[k]!.equals(b[k]!), k);
    assert.deepEqual(Object.keys(a).sort(), ['config.json', 'model.safetensors', 'tokenizer.json']);
    assert.deepEqual(Object.keys(tinyCaikitFiles()).sort(), [
      'artifacts/config.json',
      'artifacts/model.safetensors',
      'artifacts/tokenizer.json',
      'config.yml',
    ]);
    const st = a['model.safetensors']!;
    const headerLength = Number(st.readBigUInt64LE(0));
    const header = JSON.parse(st.subarray(8, 8 + headerLength).toString());
    const v = tinyModel().vocab.length;
    assert.deepEqual(header['bigram.logits'].shape, [v, v]);
    assert.equal(st.length - 8 - headerLength, v * v * 4);
  });
  it('continues a prompt greedily, as its corpus does', () => {
    assert.equal(greedyContinuation(tinyModel(), 'the la', 3), 'zy ');
    assert.equal(greedyContinuation(tinyModel(), 'the la', 12), greedyContinuation(tinyModel(), 'the la', 12));
  });
});
